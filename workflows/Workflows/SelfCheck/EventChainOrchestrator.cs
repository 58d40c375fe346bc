using Microsoft.DurableTask;

namespace Workflows.SelfCheck;

/// <summary>
/// Runs <see cref="EventChainInput.Steps"/> steps one after another, each waiting for a <see cref="Ping"/> event and
/// then running an activity: the bare engine's counterpart of a bundle whose items officers decide one after another
/// (the benchmark's officer-cost part). Before each wait it says which step it waits for in its custom status
/// (<see cref="EventChainWaiting"/>), which costs no storage request of its own (the status is saved with the episode),
/// so whoever raises the events sees when the instance is ready for the next one.
/// </summary>
public sealed class EventChainOrchestrator : TaskOrchestrator<EventChainInput, StepsResult>
{
    /// <inheritdoc />
    public override async Task<StepsResult> RunAsync(TaskOrchestrationContext context, EventChainInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Steps, 1, nameof(input));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(input.Steps, ChainOrchestrator.MaxSteps, nameof(input));
        var results = new List<string>(input.Steps);
        for (var i = 0; i < input.Steps; i++)
        {
            context.SetCustomStatus(new EventChainWaiting(i));
            var ping = await context.WaitForExternalEvent<Ping>(nameof(Ping));
            results.Add(await context.CallActivityAsync<string>(
                nameof(RecordStepActivity), new StepInput(ChainOrchestrator.StepName(i), $"{input.Payload}:{ping.Value}"), SelfCheckRetry.TransientStorage));
        }

        context.SetCustomStatus(null);
        return new StepsResult(results);
    }
}
