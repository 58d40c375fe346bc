using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Workflows.Systems;

namespace Workflows.Notifications;

/// <summary>
/// Posts each notification as JSON to an SMS or e-mail gateway's URL, signed the way outside systems sign their
/// callbacks to us (<see cref="SystemApi.Sign"/>), so the gateway can tell the engine's posts from anyone's. The
/// notification's id is in <c>X-Workflows-Notification</c> as well as the body, for the gateway to de-duplicate.
/// The recipient's language is not known here, so <c>title</c> and <c>body</c> say both, Chinese first and clearly
/// separated (what a gateway that only forwards them sends), and <c>titleZh</c>/<c>bodyZh</c>/<c>titleEn</c>/<c>bodyEn</c>
/// give each language apart (the English ones null for a notification written before there was English).
/// </summary>
/// <param name="clients">The HTTP client factory (the named client <see cref="HttpClientName"/>).</param>
/// <param name="options">The notification options.</param>
/// <param name="time">The clock the signature's timestamp comes from.</param>
public sealed class WebhookChannel(IHttpClientFactory clients, IOptions<NotificationOptions> options, TimeProvider time) : INotificationChannel
{
    /// <summary>The named HTTP client the channel uses.</summary>
    public const string HttpClientName = "notifications.webhook";

    /// <summary>The header carrying the notification's id.</summary>
    public const string IdHeader = "X-Workflows-Notification";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <inheritdoc />
    public string Name => "webhook";

    /// <inheritdoc />
    public bool IsEnabled => options.Value.Webhook.Enabled;

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var settings = options.Value.Webhook;
        var n = notification;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new WebhookPayload(n.Id, n.Kind, n.Recipient, n.Topic, n.BothTitle(), n.BothBody(), n.Title, n.Body, n.TitleEn, n.BodyEn, n.At, n.ApplicationId, n.ItemKey), Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.Url!, UriKind.Absolute)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(IdHeader, notification.Id);
        if (!string.IsNullOrEmpty(settings.Secret))
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(SystemApi.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(SystemApi.SignatureHeader, SystemApi.Sign(settings.Secret, timestamp, body));
        }

        using var client = clients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken);
        // Any non-2xx (a 429 or 5xx from a busy gateway above all) is a failed attempt the pipeline retries.
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>What the webhook posts: a notification with its text in both languages and in each.</summary>
/// <param name="Id">The notification's id.</param>
/// <param name="Kind">Who it is for.</param>
/// <param name="Recipient">The applicant id or department code.</param>
/// <param name="Topic">Its topic.</param>
/// <param name="Title">The title in both languages, Chinese first.</param>
/// <param name="Body">The body in both languages, Chinese first.</param>
/// <param name="TitleZh">The Chinese title (or the one stored text of an older notification).</param>
/// <param name="BodyZh">The Chinese body (or the one stored text of an older notification).</param>
/// <param name="TitleEn">The English title, if any.</param>
/// <param name="BodyEn">The English body, if any.</param>
/// <param name="At">When.</param>
/// <param name="ApplicationId">The application it is about, if any.</param>
/// <param name="ItemKey">The item it is about, if any.</param>
public sealed record WebhookPayload(
    string Id, RecipientKind Kind, string Recipient, string Topic, string Title, string Body, string TitleZh, string BodyZh, string? TitleEn, string? BodyEn,
    DateTime At, string? ApplicationId, string? ItemKey);
