using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workflows.Testing;

/// <summary>How the fake gateway answers the notifications of one recipient.</summary>
public enum GatewayMode
{
    /// <summary>204: taken.</summary>
    Accept,

    /// <summary>503: the gateway is down.</summary>
    Fail,

    /// <summary>No answer until <see cref="FakeGateway.Release"/>, which answers 204: a gateway that hangs.</summary>
    Hold,
}

/// <summary>One notification post the fake gateway answered.</summary>
/// <param name="Id">The notification's id (the <c>X-Workflows-Notification</c> header).</param>
/// <param name="Recipient">The <c>recipient</c> of the posted notification.</param>
/// <param name="Status">The status code it answered.</param>
public sealed record GatewayPost(string Id, string Recipient, int Status);

/// <summary>
/// An SMS/e-mail gateway for tests, standing in for the outside system the webhook channel posts to: a Kestrel
/// endpoint on a free loopback port that answers each notification according to its recipient's
/// <see cref="GatewayMode"/> (<see cref="GatewayMode.Accept"/> for anyone not set) and records what it answered.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentDictionary<string, GatewayMode> modes = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, TaskCompletionSource> held = new(StringComparer.Ordinal);
    readonly ConcurrentQueue<GatewayPost> posts = new();
    readonly ConcurrentDictionary<string, int> waiting = new(StringComparer.Ordinal);

    FakeGateway(WebApplication app) => this.app = app;

    /// <summary>The URL to post notifications to.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every post answered so far (a held one once released).</summary>
    public IReadOnlyList<GatewayPost> Posts => [.. posts];

    /// <summary>Starts a gateway on a free loopback port.</summary>
    /// <returns>The gateway.</returns>
    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var gateway = new FakeGateway(app);
        app.MapPost("/notifications", gateway.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.Url = new Uri(new Uri(address), "/notifications");
        return gateway;
    }

    /// <summary>Sets how the recipient's notifications are answered from now on.</summary>
    /// <param name="recipient">The applicant id or department code.</param>
    /// <param name="mode">The mode.</param>
    public void Set(string recipient, GatewayMode mode) => modes[recipient] = mode;

    /// <summary>How many of the recipient's posts are held, unanswered, now.</summary>
    /// <param name="recipient">The recipient.</param>
    /// <returns>The number held.</returns>
    public int Holding(string recipient) => waiting.GetValueOrDefault(recipient);

    /// <summary>Accepts the recipient's notifications from now on, and answers 204 to those held.</summary>
    /// <param name="recipient">The recipient.</param>
    public void Release(string recipient)
    {
        modes[recipient] = GatewayMode.Accept;
        if (held.TryRemove(recipient, out var gate))
        {
            gate.TrySetResult();
        }
    }

    /// <summary>The posts of one notification answered with a 2xx.</summary>
    /// <param name="id">The notification id.</param>
    /// <returns>How many.</returns>
    public int Accepted(string id) => posts.Count(p => p.Id == id && p.Status is >= 200 and < 300);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var gate in held.Values)
        {
            gate.TrySetResult();
        }

        await app.StopAsync();
        await app.DisposeAsync();
    }

    async Task<IResult> HandleAsync(HttpRequest request)
    {
        var id = request.Headers["X-Workflows-Notification"].ToString();
        using var body = await JsonDocument.ParseAsync(request.Body);
        var recipient = body.RootElement.TryGetProperty("recipient", out var r) ? r.GetString() ?? string.Empty : string.Empty;
        var mode = modes.GetValueOrDefault(recipient, GatewayMode.Accept);
        if (mode == GatewayMode.Hold)
        {
            var gate = held.GetOrAdd(recipient, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            waiting.AddOrUpdate(recipient, 1, (_, n) => n + 1);
            try
            {
                await gate.Task;
            }
            finally
            {
                waiting.AddOrUpdate(recipient, 0, (_, n) => n - 1);
            }

            mode = GatewayMode.Accept;
        }

        var status = mode == GatewayMode.Accept ? StatusCodes.Status204NoContent : StatusCodes.Status503ServiceUnavailable;
        posts.Enqueue(new GatewayPost(id, recipient, status));
        return Results.StatusCode(status);
    }
}
