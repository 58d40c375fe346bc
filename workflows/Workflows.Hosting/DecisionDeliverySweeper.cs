using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Tasks;

namespace Workflows.Hosting;

/// <summary>
/// Sends again, every <see cref="PendingDecision.SweepEvery"/>, the officers' decisions marked on tasks and not acted
/// on (<see cref="DecisionDelivery.SweepAsync"/>), so a 202 is kept without anyone opening the task again. Runs where
/// the worker runs; the Functions app runs the same sweep from a timer trigger.
/// </summary>
/// <param name="tasks">The task lists.</param>
/// <param name="audit">The audit trail.</param>
/// <param name="client">The engine's client.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">The logger.</param>
/// <param name="licences">The licence registry (a failed commitment may revoke).</param>
/// <param name="outbox">The notification outbox (a failed commitment's notice).</param>
public sealed partial class DecisionDeliverySweeper(
    TaskStore tasks, AuditTrail audit, DurableTaskClient client, TimeProvider time, ILogger<DecisionDeliverySweeper> logger, LicenceRegistry licences, NotificationOutbox outbox)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delivery = new DecisionDelivery(tasks, audit, client, time, logger, licences, outbox);
        using var timer = new PeriodicTimer(PendingDecision.SweepEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await delivery.SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage or the engine unreachable: the marks stay, the next tick tries again.
                SweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "Decision delivery sweep failed; trying again at the next interval")]
    static partial void SweepFailed(ILogger logger, Exception exception);
}
