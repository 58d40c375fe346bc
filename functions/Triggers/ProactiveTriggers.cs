using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Activities;
using Workflows.Orchestration;

namespace Workflows.Functions.Triggers;

/// <summary>Functions triggers of proactive applications; each hands over to the class <see cref="WorkflowTasks.Register"/> lists.</summary>
public static class ProactiveTriggers
{
    /// <summary>Runs <see cref="Orchestration.ProactiveApplicationOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>How the proactive application ended.</returns>
    [Function(nameof(ProactiveApplicationOrchestrator))]
    public static Task<ProactiveOutcome> ProactiveApplicationOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new ProactiveApplicationOrchestrator().RunAsync(context, context.GetInput<ProactiveInput>()!);

    /// <summary>Runs <see cref="Activities.CheckSubmissionActivity"/>.</summary>
    /// <param name="input">The template, the submission and the time.</param>
    /// <param name="instanceId">The scheduling orchestration's id.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>The problems, or the answers and ledger.</returns>
    [Function(nameof(CheckSubmissionActivity))]
    public static Task<SubmissionCheckResult> CheckSubmissionActivity([ActivityTrigger] SubmissionCheck input, string instanceId, FunctionContext executionContext)
        => ActivatorUtilities.GetServiceOrCreateInstance<CheckSubmissionActivity>(executionContext.InstanceServices)
            .RunAsync(new FunctionsActivityContext(nameof(CheckSubmissionActivity), instanceId), input);
}
