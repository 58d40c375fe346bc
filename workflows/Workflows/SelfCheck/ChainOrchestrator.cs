using Microsoft.DurableTask;

namespace Workflows.SelfCheck;

/// <summary>Runs <see cref="ChainInput.Steps"/> activities one after another: the engine's sequential path.</summary>
public sealed class ChainOrchestrator : TaskOrchestrator<ChainInput, StepsResult>
{
    /// <summary>The most steps one chain may run.</summary>
    public const int MaxSteps = 1000;

    /// <inheritdoc />
    public override async Task<StepsResult> RunAsync(TaskOrchestrationContext context, ChainInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Steps, 1, nameof(input));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(input.Steps, MaxSteps, nameof(input));
        var logger = context.CreateReplaySafeLogger<ChainOrchestrator>();
        logger.ChainStarting(context.InstanceId, input.Steps);

        var results = new List<string>(input.Steps);
        for (var i = 0; i < input.Steps; i++)
        {
            var step = new StepInput(StepName(i), input.Payload, input.StepDelayMs, AlwaysFail: input.FailAtStep == i);
            results.Add(await context.CallActivityAsync<string>(nameof(RecordStepActivity), step, SelfCheckRetry.TransientStorage));
        }

        logger.ChainCompleted(context.InstanceId, input.Steps);
        return new StepsResult(results);
    }

    /// <summary>The name of step <paramref name="index"/>, sortable.</summary>
    /// <param name="index">Zero-based step index.</param>
    /// <returns>The step name.</returns>
    public static string StepName(int index) => $"step-{index:D4}";
}
