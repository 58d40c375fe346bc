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
/// first, so a crash before delivery leaves a pending row that the step's re-run or the sweeper delivers, never
/// a loss. A delivery that fails never fails the step: the row stays pending, its attempts counted, for the sweeper.
/// Whoever delivers holds the outbox's lease on the notification, so nobody is sent it by two deliverers at once.
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

    /// <summary>
    /// Records the notifications not recorded yet and delivers those of the batch still pending that nobody else is
    /// delivering. Once one delivery fails, the rest of the batch is left to the sweeper untried: a gateway that is
    /// down costs the step one <see cref="NotificationOptions.DeliveryTimeout"/>, not one per notification.
    /// </summary>
    /// <param name="notifications">The step's notifications.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ones recorded now.</returns>
    public async Task<IReadOnlyList<Notification>> NotifyAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var lease = Lease(options.Value);
        var added = new List<Notification>();
        var claims = new List<DeliveryClaim>();
        foreach (var notification in notifications)
        {
            // A re-run of the step gets a claim only for what its earlier run left pending (and only that, so
            // nobody is told twice by a re-run).
            var (isNew, claim) = await outbox.RecordAsync(notification, lease, cancellationToken);
            if (isNew)
            {
                added.Add(notification);
            }

            if (claim is not null)
            {
                claims.Add(claim);
            }
        }

        var stopped = false;
        foreach (var claim in claims)
        {
            if (stopped)
            {
                await outbox.ReleaseAsync(claim.Notification, claim.Attempts, claim.SentBy, cancellationToken);
            }
            else if (await DeliverAsync(claim, cancellationToken) != DeliveryStatus.Sent)
            {
                stopped = true;
            }
        }

        return added;
    }

    /// <summary>
    /// Delivers the notifications not settled yet and last tried at least <see cref="NotificationOptions.SweepMinAge"/>
    /// ago (recorded for the sweeper counts as never tried), each only while nobody else holds its lease. Both hosts
    /// call it periodically: the local server's background service, the Functions app's timer trigger.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many were delivered, are still pending, and were given up.</returns>
    public async Task<(int Delivered, int StillPending, int Failed)> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        int delivered = 0, pending = 0, failed = 0;
        await foreach (var claim in outbox.ClaimPendingAsync(now - settings.SweepMinAge, Lease(settings), cancellationToken: cancellationToken))
        {
            switch (await DeliverAsync(claim, cancellationToken))
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

    /// <summary>
    /// Sends one claimed notification through the enabled channels that have not taken it yet, retried by the
    /// pipeline, and records the outcome (which gives the lease back).
    /// </summary>
    /// <param name="claim">The claim on the notification.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>Sent, still pending, or failed for good.</returns>
    public async Task<DeliveryStatus> DeliverAsync(DeliveryClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var notification = claim.Notification;
        // A channel that took it (in this delivery or an earlier one) is not sent it again: an SMS gateway that
        // answered must not text the applicant again because the SMTP server was down.
        var sentBy = new HashSet<string>(claim.SentBy, StringComparer.Ordinal);
        var remaining = channels.Where(c => c.IsEnabled && !sentBy.Contains(c.Name)).ToList();
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
                        sentBy.Add(channel.Name);
                    }
                },
                cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var total = claim.Attempts + attempts;
            if (total >= options.Value.GiveUpAfterAttempts)
            {
                NotificationLog.GaveUp(log, notification.Id, total);
                await outbox.MarkAsync(notification, DeliveryStatus.Failed, total, cancellationToken: cancellationToken);
                return DeliveryStatus.Failed;
            }

            NotificationLog.LeftPending(log, ex, notification.Id, total);
            await outbox.MarkAsync(notification, DeliveryStatus.Pending, total, sentBy, cancellationToken);
            return DeliveryStatus.Pending;
        }

        await outbox.MarkAsync(notification, DeliveryStatus.Sent, claim.Attempts + attempts, cancellationToken: cancellationToken);
        return DeliveryStatus.Sent;
    }

    // Long enough for one whole delivery (the pipeline's total timeout bounds it) and writing its outcome; a
    // deliverer that died holding it delays the notification by this much, no more.
    static TimeSpan Lease(NotificationOptions settings) => settings.DeliveryTimeout + TimeSpan.FromMinutes(1);
}
