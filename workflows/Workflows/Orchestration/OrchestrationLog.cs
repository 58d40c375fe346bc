using Microsoft.Extensions.Logging;

namespace Workflows.Orchestration;

/// <summary>Structured logs of the bundle orchestrations, with stable event ids (3000-3099).</summary>
internal static partial class OrchestrationLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Application {ApplicationId} ({Template} v{Version}) started with {Items} items")]
    public static partial void BundleStarted(ILogger logger, string applicationId, string template, int version, int items);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Application {ApplicationId} ended {Status}")]
    public static partial void BundleEnded(ILogger logger, string applicationId, Workflows.Applications.ApplicationStatus status);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Application {ApplicationId} withdrawn: {Reason}")]
    public static partial void BundleWithdrawn(ILogger logger, string applicationId, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Item {ItemKey} of {ApplicationId} started ({Decision})")]
    public static partial void ItemStarted(ILogger logger, string applicationId, string itemKey, string decision);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Item {ItemKey} of {ApplicationId} ended {State} by {DecidedBy}")]
    public static partial void ItemEnded(ILogger logger, string applicationId, string itemKey, Workflows.Orchestration.ItemState state, string decidedBy);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Item {ItemKey} of {ApplicationId}: the engine delivered something else in place of its completion; reading its stored result (ADR 0027)")]
    public static partial void ItemCompletionLost(ILogger logger, string applicationId, string itemKey);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Application {ApplicationId}: the timer of {Key} completed before its time {At:O}; aimed again (ADR 0027)")]
    public static partial void TimerFiredEarly(ILogger logger, string applicationId, string key, DateTime at);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Application {ApplicationId} could not be saved (attempt {Attempt}); trying again in {Wait}: {Error}")]
    public static partial void SaveFailed(ILogger logger, string applicationId, int attempt, TimeSpan wait, string error);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Application {ApplicationId} saved again at attempt {Attempt}")]
    public static partial void SaveRecovered(ILogger logger, string applicationId, int attempt);
}
