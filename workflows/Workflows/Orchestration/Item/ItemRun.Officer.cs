using Workflows.Notifications;
using Workflows.Tasks;

namespace Workflows.Orchestration;

/// <summary>An officer's decision: approve, reject, or ask for a supplement and wait for it.</summary>
sealed partial class ItemRun
{
    // Waits for the department's decision, keeping time beside it (see AwaitKeepingTimeAsync).
    async Task<ItemResult> DecideByOfficerAsync(string? note, string? noteEn = null)
    {
        UpdateTask(OfficerTaskStatus.Open, note: note, noteEn: noteEn);
        writes.Notify(RecipientKind.Department, item.Department, NotificationTopics.NewTask, new($"新任务：{item.Name}", $"New task: {NameEn}"), new(
            $"{input.Applicant.Name}的申请 {input.ApplicationId} 等待您对“{item.Name}”作出决定，截止 {due:yyyy-MM-dd HH:mm} UTC。",
            $"{input.Applicant.Name}'s application {input.ApplicationId} waits for your decision on {NameEn}, due {due:yyyy-MM-dd HH:mm} UTC."));
        SkipPassedReminder();
        Task<OfficerDecided>? decision = null;
        var supplements = 0;
        // Every round consumes a wake-up of AwaitKeepingTimeAsync, which gives up after ItemOrchestrator.MaxOfficerWaits: the bound is there.
        for (var round = 0; round <= ItemOrchestrator.MaxOfficerWaits; round++)
        {
            // One waiter per event until it is used: a second would leave the next event to the abandoned first.
            decision ??= context.WaitForExternalEvent<OfficerDecided>(nameof(OfficerDecided));
            var first = await AwaitKeepingTimeAsync(decision, cancellation);
            if (first is null)
            {
                break;
            }

            if (first == cancellation)
            {
                UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Cancelled), note: cancellation.Result.Reason, noteEn: cancellation.Result.ReasonEn);
                return Ended(ItemState.Cancelled, "engine", cancellation.Result.Reason, cancellation.Result.ReasonEn);
            }

            var d = decision.Result;
            decision = null;
            var officer = $"officer:{d.OfficerId}";
            if (d.DecisionId is { } id && !decided.Add(id))
            {
                writes.Audit(officer, "item.decision.repeated", null, null, $"决定 {id}（{d.Kind}）已处理过；忽略", $"decision {id} ({d.Kind}) was acted on already; ignored");
                continue;
            }

            switch (d.Kind)
            {
                case DecisionKind.Approve:
                    UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Approved), decidedBy: officer, note: d.Reason);
                    return d.Reason is null ? Ended(ItemState.Approved, officer, "部门已批准。", "Approved by the department.") : Ended(ItemState.Approved, officer, d.Reason);
                case DecisionKind.Reject:
                    var reason = string.IsNullOrWhiteSpace(d.Reason) ? "Rejected by the department (no reason recorded)." : d.Reason;
                    if (string.IsNullOrWhiteSpace(d.Reason))
                    {
                        UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Rejected), decidedBy: officer, note: "部门已驳回（未记录理由）。", noteEn: reason);
                        return Ended(ItemState.Rejected, officer, "部门已驳回（未记录理由）。", reason);
                    }

                    UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Rejected), decidedBy: officer, note: reason);
                    return Ended(ItemState.Rejected, officer, reason);
            }

            // Neither approved nor rejected: a supplement (补正) is asked for, and the item waits for the applicant.
            if (await AwaitSupplementAsync(d, officer) is { } ended)
            {
                return ended;
            }

            if (++supplements > ItemOrchestrator.MaxSupplementRounds)
            {
                var limit = $"More than {ItemOrchestrator.MaxSupplementRounds} supplement requests; the item needs a new application.";
                var limitZh = $"补正请求超过 {ItemOrchestrator.MaxSupplementRounds} 次；该事项需重新申请。";
                UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Rejected), note: limitZh, noteEn: limit);
                return Ended(ItemState.Rejected, "engine", limitZh, limit);
            }
        }

        var stuck = $"More than {ItemOrchestrator.MaxOfficerWaits} events and timers while waiting for the decision; an administrator must look at it.";
        var stuckZh = $"等待决定期间的事件和计时器超过 {ItemOrchestrator.MaxOfficerWaits} 个；需由管理员处理。";
        UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Failed), note: stuckZh, noteEn: stuck);
        return Ended(ItemState.Failed, "engine", stuckZh, stuck);
    }

    // The supplement step (补正): the task goes to the applicant with what was asked, the department's clock stands
    // still until the answer to this request arrives, then the task is open again with the due time moved. Null when
    // the applicant answered; the item's end when it was cancelled or flooded meanwhile.
    async Task<ItemResult?> AwaitSupplementAsync(OfficerDecided d, string officer)
    {
        var asked = $"Supplement requested ({string.Join(", ", d.Materials ?? [])}): {d.Reason}";
        // The request's id is what the applicant's supplement names: a supplement answers this request only.
        // A decision without an id (sent before ids) gets one from the context, the same on every replay.
        var requestId = d.DecisionId ?? $"r-{context.NewGuid():N}";
        // What was asked is the task's own members (readers never parse the note); the note is for people.
        var request = new SupplementAsked([.. d.Materials ?? []], d.Reason ?? string.Empty, context.CurrentUtcDateTime);
        UpdateTask(OfficerTaskStatus.AwaitingApplicant, decidedBy: officer, note: $"需补正材料（{string.Join("、", d.Materials ?? [])}）：{d.Reason}", noteEn: asked,
            supplement: (requestId, request));
        writes.Audit(officer, "item.supplement.requested", nameof(OfficerTaskStatus.Open), nameof(OfficerTaskStatus.AwaitingApplicant),
            $"需补正材料（{string.Join("、", d.Materials ?? [])}）：{d.Reason} [{requestId}]", $"{asked} [{requestId}]");
        writes.Notify(RecipientKind.Applicant, input.Applicant.Id, NotificationTopics.SupplementRequested, new($"需补正材料：{item.Name}", $"Materials asked for: {NameEn}"), new(
            $"需补正材料（{string.Join("、", d.Materials ?? [])}）：{d.Reason} 在您补交之前，部门的办理时限暂停计算。",
            $"{asked} The department's clock stands still until you supply them."));
        var askedAt = context.CurrentUtcDateTime;
        SupplementProvided? supplied = null;
        // A supplement made for an earlier request (a second post of it, a retry) never answers this one; one
        // without an id comes from a caller before ids and is taken as before. Stale copies are bounded too.
        for (var copy = 0; copy <= ItemOrchestrator.MaxOfficerWaits && supplied is null; copy++)
        {
            var next = context.WaitForExternalEvent<SupplementProvided>(nameof(SupplementProvided));
            if (await WhenAnyAsync(next, cancellation) == cancellation)
            {
                UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Cancelled), note: cancellation.Result.Reason, noteEn: cancellation.Result.ReasonEn);
                return Ended(ItemState.Cancelled, "engine", cancellation.Result.Reason, cancellation.Result.ReasonEn);
            }

            if (next.Result.RequestId is { } answers && answers != requestId)
            {
                writes.Audit($"applicant:{input.Applicant.Id}", "item.supplement.ignored", null, null, $"针对请求 {answers}，而非当前请求 {requestId}",
                    $"made for request {answers}, not the open request {requestId}");
                continue;
            }

            supplied = next.Result;
        }

        if (supplied is null)
        {
            var flooded = $"More than {ItemOrchestrator.MaxOfficerWaits} supplements for other requests while waiting for one; an administrator must look at it.";
            var floodedZh = $"等待补正期间收到超过 {ItemOrchestrator.MaxOfficerWaits} 份针对其他请求的补正材料；需由管理员处理。";
            UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Failed), note: floodedZh, noteEn: flooded);
            return Ended(ItemState.Failed, "engine", floodedZh, flooded);
        }

        // The department's clock stood still while the applicant had the item: its working time moves the due time.
        var before = due;
        holds.Add(new ApplicantHold(askedAt, context.CurrentUtcDateTime));
        due = clock.Extend(due, askedAt, context.CurrentUtcDateTime);
        var what = string.Join(", ", supplied.Materials);
        writes.Audit($"applicant:{input.Applicant.Id}", "item.supplement.provided", nameof(OfficerTaskStatus.AwaitingApplicant), nameof(OfficerTaskStatus.Open), what);
        writes.Audit("engine", "item.due.paused", $"{before:o}", $"{due:o}", $"申请人补正期间（{askedAt:o} 至 {context.CurrentUtcDateTime:o}）时限暂停",
            $"clock stopped {askedAt:o} to {context.CurrentUtcDateTime:o} while the applicant had the item");
        UpdateTask(OfficerTaskStatus.Open, note: $"已补交：{what}", noteEn: $"Supplied: {what}");
        writes.Notify(RecipientKind.Department, item.Department, NotificationTopics.SupplementProvided, new($"补正材料已提交：{item.Name}", $"Supplement received: {NameEn}"), new(
            $"{input.Applicant.Name}已为申请 {input.ApplicationId} 补交 {what}；任务已重新打开，截止 {due:yyyy-MM-dd HH:mm} UTC。",
            $"{input.Applicant.Name} supplied {what} for application {input.ApplicationId}; the task is open again, due {due:yyyy-MM-dd HH:mm} UTC."));
        if (OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.SupplementsReachTheBundle))
        {
            // The bundle keeps the one set of materials: it records the new file, and a deferred material supplied
            // here is supplied for every item that waits for it (this one included: the bundle tells it back).
            foreach (var (material, reference) in supplied.References.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                context.SendEvent(input.ApplicationId, nameof(DeferredMaterialSupplied), new DeferredMaterialSupplied(material, reference, item.Key));
                suppliedHere.Add(material);
            }
        }
        SkipPassedReminder();
        return null;
    }
}
