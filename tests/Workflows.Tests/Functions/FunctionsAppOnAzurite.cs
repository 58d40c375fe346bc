using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Functions;
using Workflows.Functions.Http;
using Workflows.Testing;

namespace Workflows.Tests.Functions;

/// <summary>What a trigger answered: status, body, content type and headers.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body's bytes.</param>
/// <param name="ContentType">The Content-Type, or empty.</param>
/// <param name="Headers">The response headers.</param>
public sealed record TriggerAnswer(int Status, byte[] Body, string ContentType, IHeaderDictionary Headers)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// The Functions app's services on the emulator (test.sh's shared Azurite, or a private one), as
/// <see cref="AppServices.AddWorkflowsFunctionsApp"/> registers them, on tables of their own; and a trigger called the
/// way the worker calls it, with a Durable Task client that is never reached (the routes tested need no engine).
/// </summary>
public sealed class FunctionsAppOnAzurite : IAsyncDisposable
{
    readonly Azurite azurite;
    readonly ServiceProvider provider;

    FunctionsAppOnAzurite(Azurite azurite, ServiceProvider provider)
    {
        this.azurite = azurite;
        this.provider = provider;
    }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => provider;

    /// <summary>Starts the services.</summary>
    /// <param name="prefix">A few letters naming the test's tables.</param>
    /// <param name="signingKey">The token signing key.</param>
    /// <param name="settings">More settings, or null.</param>
    /// <returns>The app.</returns>
    public static async Task<FunctionsAppOnAzurite> StartAsync(string prefix, string signingKey, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var azurite = await Azurite.StartOrShareAsync();
        var all = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = TaskHubNames.New(prefix),
            ["Auth:SigningKey"] = signingKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflowsFunctionsApp(new ConfigurationBuilder().AddInMemoryCollection(all).Build());
        return new FunctionsAppOnAzurite(azurite, services.BuildServiceProvider());
    }

    /// <summary>Calls a trigger with a request shaped by <paramref name="prepare"/> (a GET with that bearer token by default).</summary>
    /// <param name="token">The bearer token, or null for none.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="prepare">Sets the method, headers or body; null for a plain GET.</param>
    /// <returns>What it answered.</returns>
    public async Task<TriggerAnswer> InvokeAsync(
        string? token, Func<HttpRequest, GrpcDurableTaskClient, FunctionContext, Task<IActionResult>> trigger, Action<HttpRequest>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        await using var client = new GrpcDurableTaskClient("test", new GrpcDurableTaskClientOptions { Address = "http://localhost:1" }, NullLogger.Instance);
        var http = new DefaultHttpContext { RequestServices = provider };
        http.Request.Method = "GET";
        http.Response.Body = new MemoryStream();
        if (token is not null)
        {
            http.Request.Headers.Authorization = $"Bearer {token}";
        }

        prepare?.Invoke(http.Request);
        var result = await trigger(http.Request, client, new TestInvocationContext(provider));
        await ((ResultActionResult)result).Result.ExecuteAsync(http);
        return new TriggerAnswer(http.Response.StatusCode, ((MemoryStream)http.Response.Body).ToArray(), http.Response.ContentType ?? string.Empty, http.Response.Headers);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        await azurite.DisposeAsync();
    }
}
