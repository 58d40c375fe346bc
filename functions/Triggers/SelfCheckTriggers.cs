using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Workflows.SelfCheck;

namespace Workflows.Functions.Triggers;

/// <summary>
/// Functions triggers of the self-check orchestrators and activity. Each only hands over to the class that
/// <see cref="WorkflowTasks.Register"/> lists; the class-based task source generator is not used here.
/// </summary>
public static class SelfCheckTriggers
{
    /// <summary>Runs <see cref="SelfCheck.ChainOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>The chain's results.</returns>
    [Function(nameof(ChainOrchestrator))]
    public static Task<StepsResult> ChainOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new ChainOrchestrator().RunAsync(context, context.GetInput<ChainInput>()!);

    /// <summary>Runs <see cref="SelfCheck.FanOutOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>The fan-out's results.</returns>
    [Function(nameof(FanOutOrchestrator))]
    public static Task<StepsResult> FanOutOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new FanOutOrchestrator().RunAsync(context, context.GetInput<FanOutInput>()!);

    /// <summary>Runs <see cref="SelfCheck.EventRoundTripOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>The round trip's results.</returns>
    [Function(nameof(EventRoundTripOrchestrator))]
    public static Task<StepsResult> EventRoundTripOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new EventRoundTripOrchestrator().RunAsync(context, context.GetInput<RoundTripInput>()!);

    /// <summary>Runs <see cref="SelfCheck.EventChainOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>The chain's results.</returns>
    [Function(nameof(EventChainOrchestrator))]
    public static Task<StepsResult> EventChainOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new EventChainOrchestrator().RunAsync(context, context.GetInput<EventChainInput>()!);

    /// <summary>Runs <see cref="SelfCheck.TimerOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>The timer's result.</returns>
    [Function(nameof(TimerOrchestrator))]
    public static Task<TimerResult> TimerOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new TimerOrchestrator().RunAsync(context, context.GetInput<TimerInput>()!);

    /// <summary>Runs <see cref="SelfCheck.RecordStepActivity"/>, resolved from the invocation's services.</summary>
    /// <param name="input">The step to record.</param>
    /// <param name="instanceId">The scheduling orchestration's id, bound from the trigger's metadata.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>The step's recorded result.</returns>
    [Function(nameof(RecordStepActivity))]
    public static Task<string> RecordStepActivity([ActivityTrigger] StepInput input, string instanceId, FunctionContext executionContext)
        => ActivatorUtilities.GetServiceOrCreateInstance<RecordStepActivity>(executionContext.InstanceServices)
            .RunAsync(new FunctionsActivityContext(nameof(RecordStepActivity), instanceId), input);
}
