using Microsoft.DurableTask;

namespace Workflows.SelfCheck;

/// <summary>
/// Waits for <see cref="RoundTripInput.Rounds"/> <see cref="Ping"/> events, running an activity after each:
/// the path of an officer's decision arriving as an external event.
/// </summary>
public sealed class EventRoundTripOrchestrator : TaskOrchestrator<RoundTripInput, StepsResult>
{
    /// <inheritdoc />
    public override async Task<StepsResult> RunAsync(TaskOrchestrationContext context, RoundTripInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Rounds, 1, nameof(input));
        var logger = context.CreateReplaySafeLogger<EventRoundTripOrchestrator>();
        var results = new List<string>(input.Rounds + 1);

        if (input.WarmUpDelayMs > 0)
        {
            // Events raised while this runs are buffered by the engine and delivered to the wait below.
            results.Add(await context.CallActivityAsync<string>(
                nameof(RecordStepActivity), new StepInput("warm-up", "ready", input.WarmUpDelayMs), SelfCheckRetry.TransientStorage));
        }

        for (var round = 0; round < input.Rounds; round++)
        {
            var ping = await context.WaitForExternalEvent<Ping>(nameof(Ping));
            logger.PingReceived(context.InstanceId, round);
            results.Add(await context.CallActivityAsync<string>(
                nameof(RecordStepActivity), new StepInput(RoundStep(round), ping.Value), SelfCheckRetry.TransientStorage));
        }

        return new StepsResult(results);
    }

    /// <summary>The step name of round <paramref name="round"/>.</summary>
    /// <param name="round">Zero-based round.</param>
    /// <returns>The step name.</returns>
    public static string RoundStep(int round) => $"round-{round:D4}";
}
