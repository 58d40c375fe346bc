using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Notifications;

/// <summary>Writes each notification to the log as one structured entry: the local default, needing no outside system.</summary>
/// <param name="options">The notification options.</param>
/// <param name="logger">The logger.</param>
public sealed class LogChannel(IOptions<NotificationOptions> options, ILogger<LogChannel> logger) : INotificationChannel
{
    /// <inheritdoc />
    public string Name => "log";

    /// <inheritdoc />
    public bool IsEnabled => options.Value.Log.Enabled;

    /// <inheritdoc />
    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return Task.CompletedTask;
        }

        // Titles and bodies carry people's text (names, reasons): sanitized, so no log line can be forged or a terminal driven.
        var title = Api.PersonText.ForLog(notification.BothTitle(), 300);
        var body = Api.PersonText.ForLog(notification.BothBody(), 4000);
        NotificationLog.Notified(logger, notification.Id, notification.Kind, notification.Recipient, notification.Topic, title, notification.ApplicationId, notification.ItemKey, body);
        return Task.CompletedTask;
    }
}
