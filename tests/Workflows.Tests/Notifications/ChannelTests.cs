using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Notifications;
using Workflows.Systems;
using Workflows.Templates;

namespace Workflows.Tests.Notifications;

/// <summary>The webhook channel against a real HTTP listener, and the log channel's structured entry.</summary>
public sealed class ChannelTests
{
    const string Secret = "gateway-secret-0123456789abcdef0123";
    static readonly Notification Sample = new("app-1:accepted", RecipientKind.Applicant, "citizen-wang", NotificationTopics.Accepted,
        "申请已受理 Application accepted", "Your application was accepted.", new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc), "app-1");

    [Fact]
    public async Task WebhookChannel_Signed_PostsTheNotificationWithAVerifiableSignature()
    {
        using var listener = Listen(out var url);
        var received = ReceiveOneAsync(listener, HttpStatusCode.NoContent);
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var channel = new WebhookChannel(services.GetRequiredService<IHttpClientFactory>(), Options(url, Secret), TimeProvider.System);

        await channel.SendAsync(Sample, CancellationToken.None);

        var (headers, body) = await received;
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("id").GetString().ShouldBe(Sample.Id);
        json.RootElement.GetProperty("recipient").GetString().ShouldBe("citizen-wang");
        json.RootElement.GetProperty("kind").GetString().ShouldBe("Applicant");
        json.RootElement.GetProperty("topic").GetString().ShouldBe(NotificationTopics.Accepted);
        json.RootElement.GetProperty("title").GetString().ShouldBe(Sample.Title);
        headers[WebhookChannel.IdHeader].ShouldBe(Sample.Id);
        var timestamp = long.Parse(headers[SystemApi.TimestampHeader]!, System.Globalization.CultureInfo.InvariantCulture);
        headers[SystemApi.SignatureHeader].ShouldBe(SystemApi.Sign(Secret, timestamp, body));
        headers[SystemApi.SignatureHeader].ShouldNotBe(SystemApi.Sign("another-secret-0123456789abcdef0123", timestamp, body));
    }

    [Fact]
    public async Task WebhookChannel_Bilingual_TitleAndBodyInBothLanguagesChineseFirstAndEachLanguageApart()
    {
        using var listener = Listen(out var url);
        var received = ReceiveOneAsync(listener, HttpStatusCode.NoContent);
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var channel = new WebhookChannel(services.GetRequiredService<IHttpClientFactory>(), Options(url, Secret), TimeProvider.System);
        var notice = Notification.Of("app-2:accepted", RecipientKind.Applicant, "citizen-wang", NotificationTopics.Accepted,
            new LocalText("申请已受理", "Application accepted"), new LocalText("您的申请已受理。", "Your application was accepted."), Sample.At, "app-2");

        await channel.SendAsync(notice, CancellationToken.None);

        using var json = JsonDocument.Parse((await received).Body);
        json.RootElement.GetProperty("title").GetString().ShouldBe("申请已受理 / Application accepted");
        json.RootElement.GetProperty("body").GetString().ShouldBe("您的申请已受理。" + Notification.BodySeparator + "Your application was accepted.");
        json.RootElement.GetProperty("titleZh").GetString().ShouldBe("申请已受理");
        json.RootElement.GetProperty("titleEn").GetString().ShouldBe("Application accepted");
        json.RootElement.GetProperty("bodyZh").GetString().ShouldBe("您的申请已受理。");
        json.RootElement.GetProperty("bodyEn").GetString().ShouldBe("Your application was accepted.");
    }

    [Fact]
    public async Task WebhookChannel_NoSecret_SendsNoSignature()
    {
        using var listener = Listen(out var url);
        var received = ReceiveOneAsync(listener, HttpStatusCode.OK);
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var channel = new WebhookChannel(services.GetRequiredService<IHttpClientFactory>(), Options(url, secret: null), TimeProvider.System);

        await channel.SendAsync(Sample, CancellationToken.None);

        var (headers, _) = await received;
        headers[SystemApi.SignatureHeader].ShouldBeNull();
    }

    [Fact]
    public async Task WebhookChannel_GatewayAnswers503_Throws()
    {
        using var listener = Listen(out var url);
        var received = ReceiveOneAsync(listener, HttpStatusCode.ServiceUnavailable);
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var channel = new WebhookChannel(services.GetRequiredService<IHttpClientFactory>(), Options(url, Secret), TimeProvider.System);

        await Should.ThrowAsync<HttpRequestException>(() => channel.SendAsync(Sample, CancellationToken.None));
        await received;
    }

    [Fact]
    public async Task LogChannel_Send_WritesOneStructuredEntry()
    {
        var sink = new CapturingLogger();
        var channel = new LogChannel(Microsoft.Extensions.Options.Options.Create(new NotificationOptions()), sink);

        await channel.SendAsync(Sample, CancellationToken.None);

        var entry = sink.Entries.ShouldHaveSingleItem();
        entry.Level.ShouldBe(LogLevel.Information);
        entry.State["NotificationId"].ShouldBe(Sample.Id);
        entry.State["Recipient"].ShouldBe("citizen-wang");
        entry.State["Topic"].ShouldBe(NotificationTopics.Accepted);
        entry.State["ApplicationId"].ShouldBe("app-1");
        channel.IsEnabled.ShouldBeTrue("the log channel is the local default");
    }

    static IOptions<NotificationOptions> Options(string url, string? secret) =>
        Microsoft.Extensions.Options.Options.Create(new NotificationOptions { Webhook = new WebhookChannelOptions { Enabled = true, Url = url, Secret = secret } });

    static HttpListener Listen(out string url)
    {
        // A free port from the OS, then a listener on it (HttpListener cannot be asked for port 0).
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/gateway/";
            probe.Stop();
        }

        var listener = new HttpListener();
        listener.Prefixes.Add(url);
        listener.Start();
        return listener;
    }

    static async Task<(System.Collections.Specialized.NameValueCollection Headers, byte[] Body)> ReceiveOneAsync(HttpListener listener, HttpStatusCode answer)
    {
        var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
        context.Request.HttpMethod.ShouldBe("POST");
        context.Request.ContentType!.ShouldStartWith("application/json");
        using var buffer = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(buffer);
        context.Response.StatusCode = (int)answer;
        context.Response.Close();
        return (context.Request.Headers, buffer.ToArray());
    }

    sealed class CapturingLogger : ILogger<LogChannel>
    {
        public List<(LogLevel Level, Dictionary<string, object?> State)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            Entries.Add((logLevel, values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal)));
            Encoding.UTF8.GetByteCount(formatter(state, exception)).ShouldBePositive();
        }
    }
}
