using Workflows.Activities;
using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>Writes buffered between waits (audit, the decision task, notifications), done before each wait and when the item ends.</summary>
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
    void SetTask(TaskRecord record)
    {
        task = record with { Revision = ++revision };
        current = task;
    }

    // Both languages are written (a text, not a step: what is scheduled is the same, so instances in flight replay).
    void Notify(RecipientKind kind, string recipient, string topic, LocalText title, LocalText body) => notifications.Add(Notification.Of(
        $"{context.InstanceId}:n{notice++:D3}", kind, recipient, topic, title, body, context.CurrentUtcDateTime, input.ApplicationId, item.Key));

    IReadOnlyList<Notification>? TakeNotifications() => notifications.Count == 0 ? null : [.. notifications];

    // Every wait goes through here: the buffered writes are done first, so whoever looks while the item
    // waits (an officer at the task list, the applicant, an administrator) sees it and its trail up to the wait.
    async Task<Task> WhenAnyAsync(params Task[] tasks)
    {
        await FlushAsync();
        return await Task.WhenAny(tasks);
    }

    async Task FlushAsync()
    {
        if (task is { } pending)
        {
            await context.CallActivityAsync(nameof(SaveTaskActivity), new TaskUpdate(pending, [.. audit], TakeNotifications()), OrchestrationRetry.Storage);
        }
        else if (audit.Count > 0 || notifications.Count > 0)
        {
            await context.CallActivityAsync(nameof(AppendAuditActivity), new AuditBatch([.. audit], TakeNotifications()), OrchestrationRetry.Storage);
        }

        audit.Clear();
        notifications.Clear();
        task = null;
    }

    // Keeps the time the entry is made (not the time it is written) and a step id from the item's own counter,
    // so a replay or a re-run after a crash makes the same entry.
    // The detail is the Chinese (or data, or a person's words) and detailEn the English when the engine wrote it (ADR 0016).
    void Audit(string actor, string action, string? before, string? after, string? detail, string? detailEn = null) =>
        audit.Add(Entry(actor, action, before, after, detail, detailEn));

    AuditEntry Entry(string actor, string action, string? before, string? after, string? detail, string? detailEn = null) =>
        new(input.ApplicationId, $"{item.Key}:{step++:D3}", context.CurrentUtcDateTime, actor, action, before, after, detail, detailEn);
}
