using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// The in-process sidecar: Microsoft's <see cref="TaskHubGrpcServer"/> on Kestrel (HTTP/2 over a Unix domain
/// socket), backed by <see cref="AzureStorageOrchestrationService"/>, the provider Durable Functions uses.
/// The Durable Task worker and client of this process talk to it over gRPC exactly as they talk to the
/// Functions host in Azure. Registered before the worker, so it starts first and stops last.
/// </summary>
public sealed class SidecarServer(
    SidecarEndpoint endpoint,
    AzureStorageOrchestrationService service,
    DrainingOrchestrationService dispatchSide,
    IOptions<EngineOptions> options,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    readonly ILogger logger = loggerFactory.CreateLogger<SidecarServer>();
    WebApplication? app;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Queues, tables and containers of the task hub; harmless when they exist.
        await service.CreateIfNotExistsAsync();
        endpoint.PrepareSocketPath();

        var builder = WebApplication.CreateSlimBuilder();
        // The sidecar takes no configuration: the host's Urls and the like are not for it.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(endpoint.SocketPath, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            // Large orchestration inputs and histories stream through here; the provider itself limits sizes.
            o.MaxReceiveMessageSize = null;
            o.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton<IOrchestrationService>(dispatchSide);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = options.Value.RunWorker
            ? TaskHubGrpcServerMode.ApiServerAndDispatcher
            : TaskHubGrpcServerMode.ApiServerOnly);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.Value.ShutdownTimeout);

        app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        HostingLog.SidecarStarted(logger, endpoint.SocketPath, options.Value.TaskHubName, options.Value.RunWorker);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is null)
        {
            return;
        }

        await app.StopAsync(cancellationToken);
        if (options.Value.RunWorker)
        {
            // The sidecar stops its dispatchers on a fire-and-forget callback; stop the provider here too, so
            // its leases are released before the process exits and a successor takes over at once.
            await dispatchSide.StopAsync(isForced: false);
        }

        HostingLog.SidecarStopped(logger, endpoint.SocketPath);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
            app = null;
        }

        endpoint.DeleteSocket();
    }
}
