using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tasks;

/// <summary>
/// Takes an officer's decision to where it acts, and keeps doing so until it has: a decision task's item receives it
/// as an event, a verification is closed here. A decision marked on a task (<see cref="PendingDecision"/>) stays marked
/// until the item's next state replaces the task; the engine's sweep (<see cref="SweepAsync"/>, every
/// <see cref="PendingDecision.SweepEvery"/> in both hosts) sends it again, under the same id, while it stands longer
/// than <see cref="PendingDecision.RedeliverAfter"/>. That covers a host stopped between the mark and the event, and an
/// event the engine discarded because the item did not exist yet (a kill inside the item's first step left its task
/// listed before its start was committed). Nobody reading the task delivers anything.
/// </summary>
/// <param name="tasks">The task lists and the index of decisions on their way.</param>
/// <param name="audit">The trail a verification's outcome goes to.</param>
/// <param name="client">The engine's client, for the items' events.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Where redeliveries are logged.</param>
/// <param name="licences">The registry a failed commitment's item may be revoked from.</param>
/// <param name="outbox">Where a failed commitment's notice to the applicant goes.</param>
public sealed partial class DecisionDelivery(
    TaskStore tasks, AuditTrail audit, DurableTaskClient client, TimeProvider time, ILogger logger, LicenceRegistry licences, NotificationOutbox outbox)
{
    /// <summary>Sends a decision just marked on the task (or marked again) to where it acts.</summary>
    /// <param name="task">The task.</param>
    /// <param name="decision">The decision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when sent (for a verification: when closed).</returns>
    public async Task DeliverAsync(TaskRecord task, PendingDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(decision);
        if (TaskKinds.AnswerOf(task.Kind) == TaskAnswer.DecisionClosesTask)
        {
            await CloseVerificationAsync(task, decision, cancellationToken);
            return;
        }

        await client.RaiseEventAsync(ItemOrchestrator.InstanceId(task.ApplicationId, task.ItemKey), nameof(OfficerDecided), decision.ToEvent(), cancellationToken);
    }

    /// <summary>Sends again every decision that stood marked longer than <see cref="PendingDecision.RedeliverAfter"/>, and forgets the notes whose decision has been acted on.</summary>
    /// <param name="cancellationToken">Cancels the sweep; what was sent stays sent.</param>
    /// <returns>How many decisions were sent again.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var sent = 0;
        var now = time.GetUtcNow();
        foreach (var note in await tasks.ListPendingAsync(cancellationToken))
        {
            var stored = note.Department.Length == 0 ? null : await tasks.GetStoredAsync(note.Department, note.TaskId, cancellationToken);
            if (stored is null || PendingDecision.TryParse(stored.PendingDecision) is null || stored.Task.Status != OfficerTaskStatus.Open)
            {
                // Acted on (the item's next state took the mark away) or never marked (the officer lost a race). A note
                // is written just before its mark, so a young one may still be waiting for it: only old ones go.
                if (now - note.NotedAt > PendingDecision.RedeliverAfter)
                {
                    await tasks.ForgetPendingAsync(note, cancellationToken);
                }

                continue;
            }

            if (await RedeliverIfStaleAsync(stored, cancellationToken))
            {
                sent++;
            }
        }

        return sent;
    }

    // A decision marked but still not acted on after a while: send it again, the same decision under the same id, which
    // the item acts on once. The mark's time is moved first, under the ETag, so of two sweeping hosts one sends it, and
    // only once per interval.
    async Task<bool> RedeliverIfStaleAsync(StoredTask stored, CancellationToken cancellationToken)
    {
        if (PendingDecision.TryParse(stored.PendingDecision) is not { } pending || time.GetUtcNow() - pending.At < PendingDecision.RedeliverAfter)
        {
            return false;
        }

        var again = pending with { At = time.GetUtcNow() };
        if (await tasks.TryUpdateOfficerStateAsync(stored.Task.Department, stored.Task.TaskId, stored.ETag, stored.ClaimedBy, again.Serialize(), cancellationToken) is null)
        {
            // Someone else moved it (sent it, or the item's new state arrived): nothing to do.
            return false;
        }

        DecisionRedelivered(logger, stored.Task.TaskId, pending.Id, pending.At);
        await DeliverAsync(stored.Task, again, cancellationToken);
        return true;
    }

    // A verification is the department's own check of a commitment; it closes the task and is audited. A failed one
    // reaches the applicant as the template says (CommitmentRule.OnFailed): always a notice, and for revokeItem the
    // item's licences leave the registry and the application shows the item revoked (from this task's outcome). Every
    // write is keyed by the task, so doing it again after a crash (or a redelivery) writes the same rows; the task is
    // closed last, so a crash before it leaves the decision marked and the sweep delivers it again.
    async Task CloseVerificationAsync(TaskRecord task, PendingDecision decision, CancellationToken cancellationToken)
    {
        var failed = decision.Kind != DecisionKind.Approve;
        var outcome = failed ? "failed" : "verified";
        await audit.AppendAsync(new AuditEntry(task.ApplicationId, $"{task.TaskId}:{outcome}", decision.At.UtcDateTime, $"officer:{decision.By}",
            $"commitment.{outcome}", nameof(OfficerTaskStatus.Open), nameof(OfficerTaskStatus.Closed), decision.Reason), cancellationToken);
        if (failed)
        {
            outcome = await FailCommitmentAsync(task, decision, cancellationToken);
        }

        // The next revision: a later write of the open task (the item's finish run again) cannot reopen it.
        await tasks.SaveAsync(task with { Status = OfficerTaskStatus.Closed, Outcome = outcome, DecidedBy = $"officer:{decision.By}", Note = decision.Reason ?? task.Note, NoteEn = decision.Reason is null ? task.NoteEn : null, Revision = task.Revision + 1 },
            cancellationToken);
    }

    // What the template says a failed verification does; returns the task's outcome ("failed", or "revoked").
    async Task<string> FailCommitmentAsync(TaskRecord task, PendingDecision decision, CancellationToken cancellationToken)
    {
        var materialKey = task.TaskId[(task.TaskId.LastIndexOf(":verify:", StringComparison.Ordinal) + ":verify:".Length)..];
        var input = await EngineInputs.ReadAsync<BundleInput>(client, task.ApplicationId, nameof(BundleOrchestrator), cancellationToken);
        var material = input?.Template.Materials.FirstOrDefault(m => m.Key == materialKey);
        var revoke = material?.Commitment?.OnFailed == CommitmentFailure.RevokeItem;
        var why = decision.Reason ?? string.Empty;
        var what = material?.Name ?? materialKey;
        var ended = new List<(string Zh, string En)>();
        if (revoke)
        {
            // A verification shared by several items (the ledger names its verifier) revokes every one approved on it;
            // each of them issued its licences under its own key, and each gets its own audit row.
            var entry = input?.Materials.FirstOrDefault(m => m.Key == materialKey);
            var shared = entry?.Verifier is { } v && v.Item == task.ItemKey && entry.RequiredBy.Count > 1;
            foreach (var itemKey in shared ? entry!.RequiredBy : [task.ItemKey])
            {
                var revoked = await licences.RevokeAsync(task.ApplicantId, task.ApplicationId, itemKey, why, decision.At.UtcDateTime, cancellationToken);
                if (shared && itemKey != task.ItemKey && revoked.Count == 0 && !await ApprovedAsync(task.ApplicationId, itemKey, cancellationToken))
                {
                    continue;
                }

                await audit.AppendAsync(new AuditEntry(task.ApplicationId, itemKey == task.ItemKey ? $"{task.TaskId}:revoked" : $"{task.TaskId}:revoked:{itemKey}",
                    decision.At.UtcDateTime, $"officer:{decision.By}", "item.revoked", nameof(ItemState.Approved), "Revoked", $"{itemKey}：{materialKey} 的承诺未通过核查：{why}",
                    $"{itemKey}: commitment for {materialKey} failed its verification: {why}"), cancellationToken);
                var definition = input?.Template.Items.FirstOrDefault(i => i.Key == itemKey);
                ended.Add(itemKey == task.ItemKey ? (task.ItemName, definition?.NameEn ?? task.ItemName) : (definition?.Name ?? itemKey, definition?.NameEn ?? definition?.Name ?? itemKey));
            }
        }

        var (zh, en) = (string.Join("、", ended.Select(e => e.Zh)), string.Join(", ", ended.Select(e => e.En)));
        var (title, body) = revoke
            ? (new LocalText($"承诺核查未通过，办理结果已撤销：{zh}", $"Commitment not upheld: {en} revoked"), new LocalText(
                $"核查发现您对「{what}」的承诺与实际不符：{why} 「{zh}」（申请 {task.ApplicationId}）的办理结果已撤销，其证照不再有效。",
                $"The verification of your commitment for {what} found it untrue: {why} The result of {en} (application {task.ApplicationId}) is revoked and its certificates no longer count."))
            : (new LocalText($"承诺核查未通过：{task.ItemName}", $"Commitment not upheld: {task.ItemName}"), new LocalText(
                $"核查发现您对「{what}」的承诺与实际不符：{why} 「{task.ItemName}」（申请 {task.ApplicationId}）的部门将与您联系。",
                $"The verification of your commitment for {what} found it untrue: {why} The department of {task.ItemName} (application {task.ApplicationId}) will contact you."));
        await outbox.AddAsync([Notification.Of($"{task.TaskId}:failed", RecipientKind.Applicant, task.ApplicantId, NotificationTopics.CommitmentFailed, title, body,
            decision.At.UtcDateTime, task.ApplicationId, task.ItemKey)], cancellationToken);
        return revoke ? "revoked" : "failed";
    }

    // Whether an item ended approved: its instance's result (the item orchestrator's output).
    async Task<bool> ApprovedAsync(string applicationId, string itemKey, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(ItemOrchestrator.InstanceId(applicationId, itemKey), getInputsAndOutputs: true, cancellationToken);
        return instance?.ReadOutputAs<ItemResult>()?.State == ItemState.Approved;
    }

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "Task {TaskId}: decision {DecisionId} marked at {MarkedAt:O} was not acted on; delivered again")]
    static partial void DecisionRedelivered(ILogger logger, string taskId, string decisionId, DateTimeOffset markedAt);
}
