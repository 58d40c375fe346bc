using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// Registered after the worker, so it is the first to stop: it stops new work from being handed out and
/// waits (up to <see cref="EngineOptions.ShutdownTimeout"/>) for work in flight to finish before the worker
/// and then the sidecar stop. What does not finish in time is redelivered to the next host.
/// </summary>
public sealed class WorkerDrain(DrainingOrchestrationService service, IOptions<EngineOptions> options, ILogger<WorkerDrain> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        service.BeginDrain();
        HostingLog.Draining(logger, service.InFlight);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ShutdownTimeout);
        if (await service.WaitForIdleAsync(timeout.Token))
        {
            HostingLog.Drained(logger);
        }
        else
        {
            HostingLog.DrainTimedOut(logger, service.InFlight);
        }
    }
}
