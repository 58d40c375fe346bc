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
        var body = JsonSerializer.SerializeToUtf8Bytes(notification, Json);
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
