using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Hosting;
using Workflows.Storage;

namespace Workflows.Testing;

/// <summary>
/// The engine hosted in this process exactly as the local server hosts it (<see cref="EngineHostingExtensions.AddWorkflowsEngine"/>),
/// with or without a worker. Without one it is a client of a task hub that other processes run.
/// </summary>
public sealed class InProcessEngine : IAsyncDisposable
{
    readonly IHost host;

    InProcessEngine(IHost host) => this.host = host;

    /// <summary>The Durable Task client.</summary>
    public DurableTaskClient Client => host.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The step ledger of the same storage.</summary>
    public StepLedger Ledger => host.Services.GetRequiredService<StepLedger>();

    /// <summary>The storage operation counter of this host's clients.</summary>
    public StorageOperationCounter StorageOperations => host.Services.GetRequiredService<StorageOperationCounter>();

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => host.Services;

    /// <summary>Starts an engine host.</summary>
    /// <param name="settings">Configuration keys (<c>Storage:ConnectionString</c>, <c>Engine:TaskHubName</c>, ...).</param>
    /// <param name="logLevel">The lowest level logged to the console.</param>
    /// <param name="services">Registers test-only services (e.g. <see cref="InjectedTableFaults"/>) before the engine's.</param>
    /// <returns>The started host.</returns>
    public static async Task<InProcessEngine> StartAsync(IReadOnlyDictionary<string, string?> settings, LogLevel logLevel = LogLevel.Warning, Action<IServiceCollection>? services = null)
    {
        // No defaults: configuration comes from the caller alone, not from an appsettings.json that happens
        // to sit in the test's output folder.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel);
        services?.Invoke(builder.Services);
        builder.Services.AddWorkflowsEngine(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new InProcessEngine(host);
    }

    /// <summary>Stops the host: worker first, then the sidecar.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StopAsync(cts.Token);
        host.Dispose();
    }
}
