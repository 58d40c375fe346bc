using Microsoft.Extensions.Logging;

namespace Workflows.Api;

/// <summary>Structured log messages of the HTTP handlers (ids 5000-5099).</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Task {TaskId}: decision {DecisionId} marked at {MarkedAt:O} was not acted on; delivered again")]
    public static partial void DecisionRedelivered(ILogger logger, string taskId, string decisionId, DateTimeOffset markedAt);
}
