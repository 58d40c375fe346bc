namespace Workflows.Notifications;

/// <summary>
/// Records notifications in the outbox, once each. The activities that write each step's read models call it with
/// the step's notifications, so telling people costs no activity of its own. Delivery through channels is added
/// here, after the outbox write, so a crash between the two leaves a pending row to deliver later, never a loss.
/// </summary>
/// <param name="outbox">The outbox.</param>
public sealed class Notifier(NotificationOutbox outbox)
{
    /// <summary>Records the notifications not recorded yet.</summary>
    /// <param name="notifications">The step's notifications.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ones recorded now.</returns>
    public Task<IReadOnlyList<Notification>> NotifyAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken = default) =>
        outbox.AddAsync(notifications, cancellationToken);
}
