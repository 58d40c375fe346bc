using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Activities;
using Workflows.Cases;
using Workflows.Orchestration;

namespace Workflows.Functions.Triggers;

/// <summary>
/// Functions triggers of the bundle orchestrators and their activities; each hands over to the class that
/// <see cref="WorkflowTasks.Register"/> lists.
/// </summary>
public static class BundleTriggers
{
    /// <summary>Runs <see cref="Orchestration.BundleOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>The bundle's outcome.</returns>
    [Function(nameof(BundleOrchestrator))]
    public static Task<BundleOutcome> BundleOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new BundleOrchestrator().RunAsync(context, context.GetInput<BundleInput>()!);

    /// <summary>Runs <see cref="Orchestration.ItemOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>The item's result.</returns>
    [Function(nameof(ItemOrchestrator))]
    public static Task<ItemResult> ItemOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new ItemOrchestrator().RunAsync(context, context.GetInput<ItemInput>()!);

    /// <summary>Runs <see cref="Activities.SaveApplicationActivity"/>.</summary>
    /// <param name="input">The application's state and its audit entries since the last save.</param>
    /// <param name="instanceId">The scheduling orchestration's id.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>True when written.</returns>
    [Function(nameof(SaveApplicationActivity))]
    public static Task<bool> SaveApplicationActivity([ActivityTrigger] ApplicationUpdate input, string instanceId, FunctionContext executionContext)
        => Resolve<SaveApplicationActivity>(executionContext).RunAsync(new FunctionsActivityContext(nameof(SaveApplicationActivity), instanceId), input);

    /// <summary>Runs <see cref="Activities.SaveDecidedItemsActivity"/>.</summary>
    /// <param name="input">The application's state and the rule items its bundle decided since the last save.</param>
    /// <param name="instanceId">The scheduling orchestration's id.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>True when written.</returns>
    [Function(nameof(SaveDecidedItemsActivity))]
    public static Task<bool> SaveDecidedItemsActivity([ActivityTrigger] DecidedItemsSave input, string instanceId, FunctionContext executionContext)
        => Resolve<SaveDecidedItemsActivity>(executionContext).RunAsync(new FunctionsActivityContext(nameof(SaveDecidedItemsActivity), instanceId), input);

    /// <summary>Runs <see cref="Activities.SaveTaskActivity"/>.</summary>
    /// <param name="input">The task's state and its item's audit entries since the last write.</param>
    /// <param name="instanceId">The scheduling orchestration's id.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>True when written.</returns>
    [Function(nameof(SaveTaskActivity))]
    public static Task<bool> SaveTaskActivity([ActivityTrigger] TaskUpdate input, string instanceId, FunctionContext executionContext)
        => Resolve<SaveTaskActivity>(executionContext).RunAsync(new FunctionsActivityContext(nameof(SaveTaskActivity), instanceId), input);

    /// <summary>Runs <see cref="Activities.AppendAuditActivity"/>.</summary>
    /// <param name="input">The entries.</param>
    /// <param name="instanceId">The scheduling orchestration's id.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>How many were added.</returns>
    [Function(nameof(AppendAuditActivity))]
    public static Task<int> AppendAuditActivity([ActivityTrigger] AuditBatch input, string instanceId, FunctionContext executionContext)
        => Resolve<AppendAuditActivity>(executionContext).RunAsync(new FunctionsActivityContext(nameof(AppendAuditActivity), instanceId), input);

    /// <summary>Runs <see cref="Activities.FinishItemActivity"/>.</summary>
    /// <param name="input">The item's certificates, tasks and audit.</param>
    /// <param name="instanceId">The scheduling orchestration's id.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>How many certificates were newly recorded.</returns>
    [Function(nameof(FinishItemActivity))]
    public static Task<int> FinishItemActivity([ActivityTrigger] FinishItemInput input, string instanceId, FunctionContext executionContext)
        => Resolve<FinishItemActivity>(executionContext).RunAsync(new FunctionsActivityContext(nameof(FinishItemActivity), instanceId), input);

    /// <summary>Runs <see cref="Activities.ReadItemResultActivity"/>.</summary>
    /// <param name="input">The application and item.</param>
    /// <param name="instanceId">The scheduling orchestration's id.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>The item's stored result; null while it has not ended.</returns>
    [Function(nameof(ReadItemResultActivity))]
    public static Task<ItemResult?> ReadItemResultActivity([ActivityTrigger] ItemResultQuery input, string instanceId, FunctionContext executionContext)
        => Resolve<ReadItemResultActivity>(executionContext).RunAsync(new FunctionsActivityContext(nameof(ReadItemResultActivity), instanceId), input);

    /// <summary>Runs <see cref="Cases.StuckCaseOrchestrator"/>.</summary>
    /// <param name="context">The orchestration's context.</param>
    /// <returns>The resolved case.</returns>
    [Function(nameof(StuckCaseOrchestrator))]
    public static Task<StuckCase> StuckCaseOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => new StuckCaseOrchestrator().RunAsync(context, context.GetInput<StuckCaseInput>()!);

    /// <summary>Runs <see cref="Cases.SaveCaseActivity"/>.</summary>
    /// <param name="input">The case, its audit entries and notifications.</param>
    /// <param name="instanceId">The scheduling orchestration's id.</param>
    /// <param name="executionContext">The invocation's context.</param>
    /// <returns>True when written.</returns>
    [Function(nameof(SaveCaseActivity))]
    public static Task<bool> SaveCaseActivity([ActivityTrigger] CaseUpdate input, string instanceId, FunctionContext executionContext)
        => Resolve<SaveCaseActivity>(executionContext).RunAsync(new FunctionsActivityContext(nameof(SaveCaseActivity), instanceId), input);

    static T Resolve<T>(FunctionContext executionContext) where T : class
        => ActivatorUtilities.GetServiceOrCreateInstance<T>(executionContext.InstanceServices);
}
