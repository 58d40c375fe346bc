using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace Workflows.Notifications;

/// <summary>
/// Records notifications in the outbox, once each, and delivers them through every enabled channel with the
/// <see cref="NotificationOptions.PipelineName"/> resilience pipeline. The activities that write each step's read
/// models call it with the step's notifications, so telling people costs no activity of its own; that the activity
/// is retried by the engine is what makes delivery "sent by an activity with retries". The outbox write comes
/// first, so a crash before delivery leaves a pending row that the step's re-run (or the sweeper) delivers, never
/// a loss. A delivery that fails never fails the step: the row stays pending, its attempts counted, for the sweeper.
/// </summary>
/// <param name="outbox">The outbox.</param>
/// <param name="channels">Every channel; those configured off are skipped.</param>
/// <param name="pipelines">Where the named pipeline comes from.</param>
/// <param name="options">The notification options.</param>
/// <param name="logger">The logger; none when null.</param>
public sealed class Notifier(
    NotificationOutbox outbox,
    IEnumerable<INotificationChannel> channels,
    ResiliencePipelineProvider<string> pipelines,
    IOptions<NotificationOptions> options,
    ILogger<Notifier>? logger = null)
{
    readonly IReadOnlyList<INotificationChannel> channels = [.. channels];
    readonly ILogger log = logger ?? NullLogger<Notifier>.Instance;

    /// <summary>Records the notifications not recorded yet and delivers those of the batch still pending.</summary>
    /// <param name="notifications">The step's notifications.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ones recorded now.</returns>
    public async Task<IReadOnlyList<Notification>> NotifyAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var added = await outbox.AddAsync(notifications, cancellationToken);
        foreach (var notification in notifications)
        {
            if (added.Contains(notification))
            {
                await DeliverAsync(notification, 0, cancellationToken);
                continue;
            }

            // Recorded by an earlier run of this step, which may have died before delivering or failed to: a re-run
            // delivers what is still pending (and only that, so nobody is told twice by a re-run).
            if (await outbox.GetAsync(notification, cancellationToken) is { Status: DeliveryStatus.Pending } stored)
            {
                await DeliverAsync(notification, stored.Attempts, cancellationToken);
            }
        }

        return added;
    }

    /// <summary>
    /// Delivers notifications left pending by failed deliveries and last tried at least
    /// <see cref="NotificationOptions.SweepMinAge"/> ago (so a delivery in flight in an activity is left alone).
    /// Both hosts call it periodically: the local server's background service, the Functions app's timer trigger.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many were delivered, are still pending, and were given up.</returns>
    public async Task<(int Delivered, int StillPending, int Failed)> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        int delivered = 0, pending = 0, failed = 0;
        foreach (var stored in await outbox.ListPendingAsync(now - settings.SweepMinAge, cancellationToken: cancellationToken))
        {
            switch (await DeliverAsync(stored.Notification, stored.Attempts, cancellationToken))
            {
                case DeliveryStatus.Sent:
                    delivered++;
                    break;
                case DeliveryStatus.Failed:
                    failed++;
                    break;
                default:
                    pending++;
                    break;
            }
        }

        if (delivered + pending + failed > 0)
        {
            NotificationLog.Swept(log, delivered, pending, failed);
        }

        return (delivered, pending, failed);
    }

    /// <summary>Sends one notification through the enabled channels, retried by the pipeline, and records the outcome.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="attemptsSoFar">Attempts made by earlier deliveries.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>Sent, still pending, or failed for good.</returns>
    public async Task<DeliveryStatus> DeliverAsync(Notification notification, int attemptsSoFar, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        // Channels that took it are not sent it again by the next attempt of this delivery.
        var remaining = channels.Where(c => c.IsEnabled).ToList();
        var attempts = 0;
        try
        {
            await pipelines.GetPipeline(NotificationOptions.PipelineName).ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    foreach (var channel in remaining.ToList())
                    {
                        await channel.SendAsync(notification, ct);
                        remaining.Remove(channel);
                    }
                },
                cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var total = attemptsSoFar + attempts;
            if (total >= options.Value.GiveUpAfterAttempts)
            {
                NotificationLog.GaveUp(log, notification.Id, total);
                await outbox.MarkAsync(notification, DeliveryStatus.Failed, total, cancellationToken);
                return DeliveryStatus.Failed;
            }

            NotificationLog.LeftPending(log, ex, notification.Id, total);
            await outbox.MarkAsync(notification, DeliveryStatus.Pending, total, cancellationToken);
            return DeliveryStatus.Pending;
        }

        await outbox.MarkAsync(notification, DeliveryStatus.Sent, attemptsSoFar + attempts, cancellationToken);
        return DeliveryStatus.Sent;
    }
}
