using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Tasks;

namespace Workflows.Functions.Triggers;

/// <summary>Periodic work the local server does in background services (<c>NotificationSweeper</c>, <c>TaskDeadlineSweeper</c>).</summary>
public static class NotificationTriggers
{
    /// <summary>Delivers notifications not delivered yet, failed or only recorded (<see cref="Notifier.SweepAsync"/>), every minute.</summary>
    /// <param name="timer">The timer's schedule information.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>A task that completes when swept.</returns>
    [Function("NotificationSweep")]
    public static async Task NotificationSweep([TimerTrigger("0 */1 * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.InstanceServices;
        await services.GetRequiredService<Notifier>().SweepAsync(services.GetRequiredService<TimeProvider>().GetUtcNow(), context.CancellationToken);
    }

    /// <summary>Reminds and escalates the tasks no orchestration keeps time for (<see cref="TaskDeadlines.SweepAsync"/>), every minute.</summary>
    /// <param name="timer">The timer's schedule information.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>A task that completes when swept.</returns>
    [Function("TaskDeadlineSweep")]
    public static async Task TaskDeadlineSweep([TimerTrigger("30 */1 * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.InstanceServices;
        await services.GetRequiredService<TaskDeadlines>().SweepAsync(services.GetRequiredService<TimeProvider>().GetUtcNow(), context.CancellationToken);
    }

    /// <summary>Sends again the officers' decisions not acted on (<see cref="DecisionDelivery.SweepAsync"/>), every 10 seconds (<see cref="PendingDecision.SweepEvery"/>).</summary>
    /// <param name="timer">The timer's schedule information.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>A task that completes when swept.</returns>
    [Function("DecisionDeliverySweep")]
    public static async Task DecisionDeliverySweep([TimerTrigger("*/10 * * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.InstanceServices;
        var delivery = new DecisionDelivery(services.GetRequiredService<TaskStore>(), services.GetRequiredService<AuditTrail>(), client,
            services.GetRequiredService<TimeProvider>(), context.GetLogger(nameof(DecisionDeliverySweep)),
            services.GetRequiredService<LicenceRegistry>(), services.GetRequiredService<NotificationOutbox>());
        await delivery.SweepAsync(context.CancellationToken);
    }
}
