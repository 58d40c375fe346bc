using Microsoft.Extensions.Logging;

namespace Workflows.SelfCheck;

/// <summary>Structured logs of the self-check orchestrations, with stable event ids (1000-1099).</summary>
internal static partial class SelfCheckLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Chain {InstanceId} starting {Steps} steps")]
    public static partial void ChainStarting(this ILogger logger, string instanceId, int steps);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Chain {InstanceId} completed {Steps} steps")]
    public static partial void ChainCompleted(this ILogger logger, string instanceId, int steps);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Fan-out {InstanceId} scheduling {Width} parallel steps")]
    public static partial void FanOutStarting(this ILogger logger, string instanceId, int width);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Round trip {InstanceId} received ping {Round}")]
    public static partial void PingReceived(this ILogger logger, string instanceId, int round);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Timer {InstanceId} due at {DueAt:o}")]
    public static partial void TimerScheduled(this ILogger logger, string instanceId, DateTime dueAt);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Step {Step} of {InstanceId} recorded by this run: {Written}")]
    public static partial void StepRecorded(this ILogger logger, string instanceId, string step, bool written);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Step {Step} of {InstanceId} was asked to fail")]
    public static partial void StepFailing(this ILogger logger, string instanceId, string step);
}
