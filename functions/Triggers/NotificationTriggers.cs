using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Notifications;

namespace Workflows.Functions.Triggers;

/// <summary>Periodic notification work the local server does in a background service (<c>NotificationSweeper</c>).</summary>
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
}
