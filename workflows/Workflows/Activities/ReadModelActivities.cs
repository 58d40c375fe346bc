using Microsoft.DurableTask;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Backlog;
using Workflows.Notifications;
using Workflows.Tasks;

namespace Workflows.Activities;

/// <summary>An application's current state and the audit entries that led to it since the last save.</summary>
/// <param name="Record">The state.</param>
/// <param name="Audit">The entries, in the order they were made; often empty.</param>
/// <param name="Notifications">What to tell people about this change; none when null.</param>
/// <param name="Submission">On the bundle's first save: what it was submitted with, kept for simulations of drafts; else null.</param>
public sealed record ApplicationUpdate(ApplicationRecord Record, IReadOnlyList<AuditEntry> Audit, IReadOnlyList<Notification>? Notifications = null, SubmissionSnapshot? Submission = null);

/// <summary>
/// Writes an application's audit entries and then its current state to the applications read model, in one
/// activity so a change costs one round trip. The audit goes first, so whoever reads a state finds the trail
/// that explains it. Re-runs add no audit row twice (same steps) and write the same whole row (an upsert).
/// The first save (revision 1) also takes the application off the backlog the submit route counts.
/// </summary>
public sealed class SaveApplicationActivity(ApplicationStore store, AuditTrail trail, Notifier notifier, EngineBacklog backlog) : TaskActivity<ApplicationUpdate, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, ApplicationUpdate input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await trail.AppendAsync(input.Audit);
        await store.SaveAsync(input.Record);
        if (input.Submission is { } submission)
        {
            await store.RecordSubmissionAsync(input.Record, submission);
        }

        await notifier.NotifyAsync(input.Notifications ?? []);
        if (input.Record.Revision == 1)
        {
            await backlog.RemoveAsync(input.Record.ApplicationId);
        }

        return true;
    }
}

/// <summary>A bundle's save with the rule items it decided itself since the last one (2.6, ADR 0028).</summary>
/// <param name="Update">The application's state, with the items' audit entries and notices in the order they were made.</param>
/// <param name="Items">Each decided item's certificates, verification tasks and licence endings.</param>
public sealed record DecidedItemsSave(ApplicationUpdate Update, IReadOnlyList<FinishItemInput> Items);

/// <summary>
/// One write for a wave of rule items their bundle decided (2.6, ADR 0028): each item's endings, certificates and
/// tasks first, then the audit with an entry per licence ended, the application's state and the notices, as
/// <see cref="SaveApplicationActivity"/> writes them, so whoever reads an item approved finds its certificate. Every
/// part is idempotent, so a re-run after a crash writes nothing twice.
/// </summary>
public sealed class SaveDecidedItemsActivity(ItemEndWrites ends, ApplicationStore store, AuditTrail trail, Notifier notifier, EngineBacklog backlog) : TaskActivity<DecidedItemsSave, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, DecidedItemsSave input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // The items' writes side by side, as their own instances wrote them before 2.6: each writes its own rows. The
        // licence endings' audit keeps the items' order.
        var written = await Task.WhenAll(input.Items.Select(ends.WriteAsync));
        var ended = written.SelectMany(w => w.Ended).ToList();
        var update = ended.Count == 0 ? input.Update : input.Update with { Audit = [.. ended, .. input.Update.Audit] };
        return await new SaveApplicationActivity(store, trail, notifier, backlog).RunAsync(context, update);
    }
}

/// <summary>A task's current state and the audit entries its item made since its last write.</summary>
/// <param name="Task">The task.</param>
/// <param name="Audit">The entries, in the order they were made; often empty.</param>
/// <param name="Notifications">What to tell people about this change; none when null.</param>
public sealed record TaskUpdate(TaskRecord Task, IReadOnlyList<AuditEntry> Audit, IReadOnlyList<Notification>? Notifications = null);

/// <summary>
/// Writes an item's audit entries and then its task to the department's list, in one activity. The audit goes
/// first, so an officer who sees the task finds the trail behind it. Re-runs add no audit row twice and write
/// the same whole row (an upsert).
/// </summary>
public sealed class SaveTaskActivity(TaskStore store, AuditTrail trail, Notifier notifier) : TaskActivity<TaskUpdate, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, TaskUpdate input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await trail.AppendAsync(input.Audit);
        await store.SaveAsync(input.Task);
        await notifier.NotifyAsync(input.Notifications ?? []);
        return true;
    }
}

/// <summary>Audit entries an orchestration buffered, written together.</summary>
/// <param name="Entries">The entries, in the order they were made.</param>
/// <param name="Notifications">What to tell people at this step; none when null.</param>
public sealed record AuditBatch(IReadOnlyList<AuditEntry> Entries, IReadOnlyList<Notification>? Notifications = null);

/// <summary>Appends a batch to the audit trail; a re-run adds none of its steps twice.</summary>
public sealed class AppendAuditActivity(AuditTrail trail, Notifier notifier) : TaskActivity<AuditBatch, int>
{
    /// <inheritdoc />
    public override async Task<int> RunAsync(TaskActivityContext context, AuditBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var added = await trail.AppendAsync(input.Entries);
        await notifier.NotifyAsync(input.Notifications ?? []);
        return added;
    }
}
