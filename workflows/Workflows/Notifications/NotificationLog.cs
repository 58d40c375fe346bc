using Microsoft.Extensions.Logging;

namespace Workflows.Notifications;

/// <summary>Structured log messages of notification delivery.</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Notification {NotificationId} to {RecipientKind} {Recipient}: {Topic} \"{Title}\" (application {ApplicationId}, item {ItemKey}) {Body}")]
    public static partial void Notified(ILogger logger, string notificationId, RecipientKind recipientKind, string recipient, string topic, string title, string? applicationId, string? itemKey, string body);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Notification {NotificationId} not delivered after {Attempts} attempts; left pending for the sweeper")]
    public static partial void LeftPending(ILogger logger, Exception exception, string notificationId, int attempts);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Notification {NotificationId} given up after {Attempts} attempts; marked failed")]
    public static partial void GaveUp(ILogger logger, string notificationId, int attempts);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "No e-mail address for {RecipientKind} {Recipient}; notification {NotificationId} is not e-mailed")]
    public static partial void NoAddress(ILogger logger, RecipientKind recipientKind, string recipient, string notificationId);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Notification sweep: {Delivered} delivered, {StillPending} still pending, {Failed} given up")]
    public static partial void Swept(ILogger logger, int delivered, int stillPending, int failed);
}
