using Microsoft.DurableTask;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Tasks;

namespace Workflows.Activities;

/// <summary>Writes an application's current state to the applications read model (a whole-row upsert: re-runs write the same row).</summary>
public sealed class SaveApplicationActivity(ApplicationStore store) : TaskActivity<ApplicationRecord, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, ApplicationRecord input)
    {
        await store.SaveAsync(input);
        return true;
    }
}

/// <summary>Writes a task's current state to its department's list (a whole-row upsert).</summary>
public sealed class SaveTaskActivity(TaskStore store) : TaskActivity<TaskRecord, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, TaskRecord input)
    {
        await store.SaveAsync(input);
        return true;
    }
}

/// <summary>Appends to the audit trail; a re-run of the same step adds nothing.</summary>
public sealed class AppendAuditActivity(AuditTrail trail) : TaskActivity<AuditEntry, bool>
{
    /// <inheritdoc />
    public override Task<bool> RunAsync(TaskActivityContext context, AuditEntry input) => trail.AppendAsync(input);
}
