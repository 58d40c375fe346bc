using Microsoft.DurableTask;

namespace Workflows.SelfCheck;

/// <summary>Runs <see cref="FanOutInput.Width"/> activities at once and joins them: the engine's parallel path.</summary>
public sealed class FanOutOrchestrator : TaskOrchestrator<FanOutInput, StepsResult>
{
    /// <summary>The most parallel steps one fan-out may run.</summary>
    public const int MaxWidth = 1000;

    /// <inheritdoc />
    public override async Task<StepsResult> RunAsync(TaskOrchestrationContext context, FanOutInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Width, 1, nameof(input));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(input.Width, MaxWidth, nameof(input));
        context.CreateReplaySafeLogger<FanOutOrchestrator>().FanOutStarting(context.InstanceId, input.Width);

        var tasks = Enumerable.Range(0, input.Width)
            .Select(i => context.CallActivityAsync<string>(
                nameof(RecordStepActivity), new StepInput(ChainOrchestrator.StepName(i), input.Payload, input.StepDelayMs), SelfCheckRetry.TransientStorage))
            .ToList();
        var results = await Task.WhenAll(tasks);
        return new StepsResult(results);
    }
}
