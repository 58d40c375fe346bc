using Microsoft.DurableTask;
using Workflows.Activities;
using Workflows.Cases;
using Workflows.Orchestration;
using Workflows.SelfCheck;

namespace Workflows;

/// <summary>
/// The one list of orchestrators and activities. Both hosts (the local server and the Functions app)
/// register exactly this list, so a task exists in both or in neither.
/// </summary>
public static class WorkflowTasks
{
    /// <summary>Adds every orchestrator and activity to a Durable Task registry.</summary>
    /// <param name="registry">The worker's registry.</param>
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<ChainOrchestrator>();
        registry.AddOrchestrator<FanOutOrchestrator>();
        registry.AddOrchestrator<EventRoundTripOrchestrator>();
        registry.AddOrchestrator<EventChainOrchestrator>();
        registry.AddOrchestrator<TimerOrchestrator>();
        registry.AddActivity<RecordStepActivity>();

        registry.AddOrchestrator<BundleOrchestrator>();
        registry.AddOrchestrator<ItemOrchestrator>();
        registry.AddActivity<SaveApplicationActivity>();
        registry.AddActivity<SaveDecidedItemsActivity>();
        registry.AddActivity<SaveTaskActivity>();
        registry.AddActivity<AppendAuditActivity>();
        registry.AddActivity<FinishItemActivity>();
        registry.AddActivity<ReadItemResultActivity>();

        registry.AddOrchestrator<StuckCaseOrchestrator>();
        registry.AddActivity<SaveCaseActivity>();
        registry.AddOrchestrator<ProactiveApplicationOrchestrator>();
        registry.AddActivity<CheckSubmissionActivity>();
    }
}
