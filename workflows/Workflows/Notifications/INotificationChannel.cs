namespace Workflows.Notifications;

/// <summary>
/// One way of telling people (the log, a gateway's webhook, e-mail). <see cref="Notifier"/> sends each notification
/// through every enabled channel; a channel throws when it could not deliver, and the notifier retries it. A
/// channel may see a notification twice (a retry after a lost answer), so receivers de-duplicate by its id.
/// </summary>
public interface INotificationChannel
{
    /// <summary>The channel's name, for logs.</summary>
    string Name { get; }

    /// <summary>Whether configuration turns this channel on.</summary>
    bool IsEnabled { get; }

    /// <summary>Delivers one notification, or throws.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="cancellationToken">Cancels the attempt (the pipeline's timeout).</param>
    /// <returns>A task that completes when delivered.</returns>
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}
