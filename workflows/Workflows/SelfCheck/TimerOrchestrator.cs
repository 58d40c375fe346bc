using Microsoft.DurableTask;

namespace Workflows.SelfCheck;

/// <summary>Waits on a durable timer, then records a step: the path of every reminder and deadline.</summary>
public sealed class TimerOrchestrator : TaskOrchestrator<TimerInput, TimerResult>
{
    /// <inheritdoc />
    public override async Task<TimerResult> RunAsync(TaskOrchestrationContext context, TimerInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(input.DelayMs, nameof(input));
        var dueAt = context.CurrentUtcDateTime.AddMilliseconds(input.DelayMs);
        context.CreateReplaySafeLogger<TimerOrchestrator>().TimerScheduled(context.InstanceId, dueAt);
        await context.CreateTimer(dueAt, CancellationToken.None);
        var firedAt = context.CurrentUtcDateTime;
        var result = await context.CallActivityAsync<string>(
            nameof(RecordStepActivity), new StepInput("after-timer", "fired"), SelfCheckRetry.TransientStorage);
        return new TimerResult(dueAt, firedAt, result);
    }
}
