using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Notifications;

namespace Workflows.Hosting;

/// <summary>
/// Delivers, every <see cref="NotificationOptions.SweepInterval"/>, the notifications not delivered yet
/// (<see cref="Notifier.SweepAsync"/>): those whose delivery inside their step's activity failed, and those only
/// recorded (a refused submit's notice). The Functions app runs the same sweep from a timer trigger.
/// </summary>
/// <param name="notifier">The notifier.</param>
/// <param name="options">The notification options.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">The logger.</param>
public sealed partial class NotificationSweeper(Notifier notifier, IOptions<NotificationOptions> options, TimeProvider time, ILogger<NotificationSweeper> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await notifier.SweepAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage or a channel down: the rows stay pending and the next tick tries again.
                SweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Notification sweep failed; trying again at the next interval")]
    static partial void SweepFailed(ILogger logger, Exception exception);
}
