using Workflows.Activities;
using Workflows.Tasks;

namespace Workflows.Orchestration;

/// <summary>
/// Writes buffered between waits (audit, the decision task, notifications, in <see cref="WriteBuffer"/>), done before
/// each wait and when the item ends.
/// </summary>
sealed partial class ItemRun
{
    // The reason in Chinese (or as a person wrote it) and, when the engine wrote it, in English (ADR 0016): read in one language.
    ItemResult Ended(ItemState state, string by, string reason, string? reasonEn = null) => new(item.Key, state, by, reason, NoOutputs, [], ReasonEn: reasonEn);

    // Only the latest state is written: an earlier one that no wait separated from it was never there to see.
    // The note is the Chinese (or a person's words) and noteEn the English when the engine wrote it (ADR 0016).
    void UpdateTask(OfficerTaskStatus status, string? outcome = null, string? decidedBy = null, string? note = null, string? noteEn = null,
        (string Id, SupplementAsked Asked)? supplement = null) =>
        SetTask(new TaskRecord(
            item.Department, TaskId, TaskKind.Decision, input.ApplicationId, item.Key, item.Name, input.TemplateKey,
            input.Applicant.Id, input.Applicant.Name, status, context.CurrentUtcDateTime, due, outcome, decidedBy, note,
            Escalated: escalatedFor == due, SupplementRequestId: supplement?.Id, SupplementMaterials: supplement?.Asked.Materials,
            NoteEn: noteEn, SupplementReason: supplement?.Asked.Reason, SupplementAskedAt: supplement?.Asked.AskedAt));

    // Each state of the task gets the next revision, so a write re-run after a crash never replaces a later state.
    void SetTask(TaskRecord record) => current = writes.SetTask(record);

    // Every wait goes through here: the buffered writes are done first, so whoever looks while the item
    // waits (an officer at the task list, the applicant, an administrator) sees it and its trail up to the wait.
    async Task<Task> WhenAnyAsync(params Task[] tasks)
    {
        await FlushAsync();
        return await Task.WhenAny(tasks);
    }

    // The task's new state carries the entries and notices with it; without one they go as a batch. The buffer
    // is emptied only once written, so when the write fails the item's last flush (ExecuteAsync) tries it again.
    async Task FlushAsync()
    {
        var pending = writes.Peek();
        if (pending.DecisionTask is { } task)
        {
            await context.CallActivityAsync(nameof(SaveTaskActivity), new TaskUpdate(task, pending.Audit, pending.NotificationsOrNull), OrchestrationRetry.Storage);
        }
        else if (pending.HasEntries)
        {
            await context.CallActivityAsync(nameof(AppendAuditActivity), new AuditBatch(pending.Audit, pending.NotificationsOrNull), OrchestrationRetry.Storage);
        }

        writes.Clear();
    }
}
