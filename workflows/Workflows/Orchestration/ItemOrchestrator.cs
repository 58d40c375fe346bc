using Microsoft.DurableTask;
using Workflows.Activities;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>
/// Decides one department item of an application: by rules at once (秒批), by an officer of the department
/// (approve, reject, or ask for a supplement and wait for it), or by an outside system's callback. Holds an
/// approval until deferred materials (容缺) arrive or their deadline passes, issues the item's outputs, and opens
/// the verification of a commitment (告知承诺) it was approved on. One instance per item: <c>{application}:{item}</c>.
/// </summary>
public sealed class ItemOrchestrator : TaskOrchestrator<ItemInput, ItemResult>
{
    /// <summary>
    /// Supplement rounds one item may go through. Each round adds to the instance's history; a bound keeps the
    /// history small, and no real matter needs more.
    /// </summary>
    public const int MaxSupplementRounds = 20;

    /// <summary>Results from the wrong outside system an item ignores before it gives up (bounds its history).</summary>
    public const int MaxForeignCallbacks = 20;

    /// <summary>Due-time extensions one item takes; later ones are audited and ignored (bounds its history).</summary>
    public const int MaxExtensions = 20;

    /// <summary>
    /// Wake-ups of one decision wait (events, reminders, escalations, timers aimed again): far more than the bounded
    /// supplements and extensions need, so only a flood of ignored events reaches it.
    /// </summary>
    public const int MaxOfficerWaits = 300;

    /// <summary>The most working days one extension may add.</summary>
    public const int MaxExtensionDays = 60;

    static readonly IReadOnlyDictionary<string, string> NoOutputs = new Dictionary<string, string>();

    /// <summary>The instance id of an item of an application.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <returns>The id.</returns>
    public static string InstanceId(string applicationId, string itemKey) => $"{applicationId}:{itemKey}";

    /// <inheritdoc />
    public override async Task<ItemResult> RunAsync(TaskOrchestrationContext context, ItemInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var run = new Run(context, input);
        return await run.ExecuteAsync();
    }

    /// <summary>The state of one execution; all time and ids come from the context, so replays match.</summary>
    sealed class Run(TaskOrchestrationContext context, ItemInput input)
    {
        readonly ItemDefinition item = input.Item;

        // The item's name in English notifications: its own English name, or the Chinese one when it has none.
        string NameEn => item.NameEn ?? item.Name;
        readonly Task<ItemCancellationRequested> cancellation = context.WaitForExternalEvent<ItemCancellationRequested>(nameof(ItemCancellationRequested));
        // Writes made but not done yet, the audit entries and the latest state of the decision task: each activity
        // costs the task hub several storage requests, so they go together, before each wait and when the item ends.
        readonly List<AuditEntry> audit = [];
        // Notifications go with the same writes, so telling people costs no activity of its own.
        readonly List<Notification> notifications = [];
        readonly SlaClock clock = input.ClockOrDefault();
        // Decisions acted on, by id: the same decision delivered again (the API re-sends one that seemed lost) is not
        // a second decision. Rebuilt by replay like the rest of this state.
        readonly HashSet<string> decided = new(StringComparer.Ordinal);
        // The times the item waited on the applicant, for the bundle's clock (the item's own due time moves at once).
        readonly List<ApplicantHold> holds = [];
        // Materials the applicant supplied in this item's supplements (2.3 on): a deferred one among them is not awaited.
        readonly HashSet<string> suppliedHere = new(StringComparer.Ordinal);
        TaskRecord? task;
        // The decision task as last set (written or not), so a reminder or an extension changes only what it changes.
        TaskRecord? current;
        Task<DueExtended>? extension;
        DateTime due;
        // The due time each timer last fired for: each fires once per due time, and an extension arms both again.
        DateTime? remindedFor;
        DateTime? escalatedFor;
        int extensions;
        // Wake-ups of the item's waits so far (events, reminders, escalations, timers aimed again).
        int wakes;
        int step;
        int notice;
        // The decision task's revision (TaskRecord.Revision), counted like the steps so a replay counts the same.
        long revision;

        string TaskId => context.InstanceId;

        public async Task<ItemResult> ExecuteAsync()
        {
            try
            {
                return await DecideAndFinishAsync();
            }
            catch (TaskFailedException) when (audit.Count > 0 || task is not null || notifications.Count > 0)
            {
                // An activity ran out of retries and the item fails. The trail and the task list still get what
                // happened before; the outcome entry is never in the buffer, so it cannot claim an end not reached.
                try
                {
                    await FlushAsync();
                }
                catch (TaskFailedException)
                {
                    // Storage is still failing; the first failure is the one to report.
                }

                throw;
            }
        }

        async Task<ItemResult> DecideAndFinishAsync()
        {
            due = clock.Due(context.CurrentUtcDateTime, item.CommittedDays);
            var log = context.CreateReplaySafeLogger<ItemOrchestrator>();
            OrchestrationLog.ItemStarted(log, input.ApplicationId, item.Key, item.Decision.GetType().Name);
            Audit("engine", "item.started", null, nameof(ItemState.Running), $"截止 {due:o}", $"due {due:o}");

            var result = item.Decision switch
            {
                RuleDecision rules => await DecideByRulesAsync(rules),
                ExternalDecision external => await DecideExternallyAsync(external),
                _ => await DecideByOfficerAsync(note: null),
            };

            if (result.State == ItemState.Approved)
            {
                result = await AwaitDeferredMaterialsAsync(result);
            }

            IssueCertificatesInput? certificates = null;
            IReadOnlyList<TaskRecord> verifications = [];
            if (result.State == ItemState.Approved)
            {
                (var outputs, certificates) = ItemOutputs.Of(input, result.Outputs, context.InstanceId, context.CurrentUtcDateTime);
                result = result with { Outputs = outputs };
                verifications = CommitmentVerifications();
                // A verification is a new task like a decision: its department is told, in the same finishing activity. One
                // shared by several items (its verifier named in the ledger) is told under the task's own id, so every item
                // approved on the commitment writes the same notice and the department reads it once.
                foreach (var verification in verifications)
                {
                    var verifierEn = input.Materials.Select(m => m.Verifier).FirstOrDefault(v => v?.Item == verification.ItemKey)?.ItemNameEn;
                    var title = new LocalText($"新任务：核查“{verification.ItemName}”的承诺",
                        $"New task: verify a commitment for {(verification.ItemKey == item.Key ? NameEn : verifierEn ?? verification.ItemName)}");
                    var body = new LocalText($"{input.Applicant.Name}的申请 {input.ApplicationId} 已凭书面承诺通过；{verification.Note} 截止 {verification.DueAt:yyyy-MM-dd HH:mm} UTC。",
                        $"{input.Applicant.Name}'s application {input.ApplicationId} was approved on a written commitment; {verification.NoteEn ?? verification.Note} Due {verification.DueAt:yyyy-MM-dd HH:mm} UTC.");
                    if (verification.ItemKey == item.Key && !Shared(verification))
                    {
                        Notify(RecipientKind.Department, item.Department, NotificationTopics.NewTask, title, body);
                    }
                    else
                    {
                        notifications.Add(Notification.Of($"{verification.TaskId}:opened", RecipientKind.Department, verification.Department, NotificationTopics.NewTask,
                            title, body, context.CurrentUtcDateTime, input.ApplicationId, verification.ItemKey));
                    }
                }
            }

            if (holds.Count > 0)
            {
                result = result with { HeldByApplicant = [.. holds] };
            }

            await FinishAsync(result, certificates, verifications);
            OrchestrationLog.ItemEnded(log, input.ApplicationId, item.Key, result.State, result.DecidedBy);
            return result;
        }

        async Task<ItemResult> DecideByRulesAsync(RuleDecision rules)
        {
            var verdict = RuleEngine.Decide(rules, new EvaluationContext(input.Answers, input.Licences.ToHashSet(StringComparer.Ordinal), input.PriorOutputs, input.SubmittedOn, input.ClockOrDefault().Calendar));
            var decidedBy = verdict.RuleKey is null ? "rules:fallback" : $"rule:{verdict.RuleKey}";
            Audit(decidedBy, "item.rules.evaluated", null, verdict.Outcome.ToString(),
                $"{verdict.Rationale} | {string.Join("; ", verdict.Evidence)}", verdict.RationaleEn is { } en ? $"{en} | {string.Join("; ", verdict.Evidence)}" : null);
            return verdict.Outcome switch
            {
                RuleOutcome.Approve => new ItemResult(item.Key, ItemState.Approved, decidedBy, verdict.Rationale, NoOutputs, verdict.Evidence, ReasonEn: verdict.RationaleEn),
                RuleOutcome.Reject => new ItemResult(item.Key, ItemState.Rejected, decidedBy, verdict.Rationale, NoOutputs, verdict.Evidence, ReasonEn: verdict.RationaleEn),
                // The rationale is template data in each language (ADR 0016); the note says it in both.
                _ => await DecideByOfficerAsync(note: $"规则转人工审核：{verdict.Rationale}", noteEn: $"Referred by rules: {verdict.RationaleEn ?? verdict.Rationale}"),
            };
        }

        // Waits for the department's decision, keeping time beside it (see AwaitKeepingTimeAsync).
        async Task<ItemResult> DecideByOfficerAsync(string? note, string? noteEn = null)
        {
            UpdateTask(OfficerTaskStatus.Open, note: note, noteEn: noteEn);
            Notify(RecipientKind.Department, item.Department, NotificationTopics.NewTask, new($"新任务：{item.Name}", $"New task: {NameEn}"), new(
                $"{input.Applicant.Name}的申请 {input.ApplicationId} 等待您对“{item.Name}”作出决定，截止 {due:yyyy-MM-dd HH:mm} UTC。",
                $"{input.Applicant.Name}'s application {input.ApplicationId} waits for your decision on {NameEn}, due {due:yyyy-MM-dd HH:mm} UTC."));
            SkipPassedReminder();
            Task<OfficerDecided>? decision = null;
            var supplements = 0;
            // Every round consumes a wake-up of AwaitKeepingTimeAsync, which gives up after MaxOfficerWaits: the bound is there.
            for (var round = 0; round <= MaxOfficerWaits; round++)
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
                    Audit(officer, "item.decision.repeated", null, null, $"决定 {id}（{d.Kind}）已处理过；忽略", $"decision {id} ({d.Kind}) was acted on already; ignored");
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

                var asked = $"Supplement requested ({string.Join(", ", d.Materials ?? [])}): {d.Reason}";
                // The request's id is what the applicant's supplement names: a supplement answers this request only.
                // A decision without an id (sent before ids) gets one from the context, the same on every replay.
                var requestId = d.DecisionId ?? $"r-{context.NewGuid():N}";
                // What was asked is the task's own members (readers never parse the note); the note is for people.
                var request = new SupplementAsked([.. d.Materials ?? []], d.Reason ?? string.Empty, context.CurrentUtcDateTime);
                UpdateTask(OfficerTaskStatus.AwaitingApplicant, decidedBy: officer, note: $"需补正材料（{string.Join("、", d.Materials ?? [])}）：{d.Reason}", noteEn: asked,
                    supplement: (requestId, request));
                Audit(officer, "item.supplement.requested", nameof(OfficerTaskStatus.Open), nameof(OfficerTaskStatus.AwaitingApplicant),
                    $"需补正材料（{string.Join("、", d.Materials ?? [])}）：{d.Reason} [{requestId}]", $"{asked} [{requestId}]");
                Notify(RecipientKind.Applicant, input.Applicant.Id, NotificationTopics.SupplementRequested, new($"需补正材料：{item.Name}", $"Materials asked for: {NameEn}"), new(
                    $"需补正材料（{string.Join("、", d.Materials ?? [])}）：{d.Reason} 在您补交之前，部门的办理时限暂停计算。",
                    $"{asked} The department's clock stands still until you supply them."));
                var askedAt = context.CurrentUtcDateTime;
                SupplementProvided? supplied = null;
                // A supplement made for an earlier request (a second post of it, a retry) never answers this one; one
                // without an id comes from a caller before ids and is taken as before. Stale copies are bounded too.
                for (var copy = 0; copy <= MaxOfficerWaits && supplied is null; copy++)
                {
                    var next = context.WaitForExternalEvent<SupplementProvided>(nameof(SupplementProvided));
                    if (await WhenAnyAsync(next, cancellation) == cancellation)
                    {
                        UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Cancelled), note: cancellation.Result.Reason, noteEn: cancellation.Result.ReasonEn);
                        return Ended(ItemState.Cancelled, "engine", cancellation.Result.Reason, cancellation.Result.ReasonEn);
                    }

                    if (next.Result.RequestId is { } answers && answers != requestId)
                    {
                        Audit($"applicant:{input.Applicant.Id}", "item.supplement.ignored", null, null, $"针对请求 {answers}，而非当前请求 {requestId}",
                            $"made for request {answers}, not the open request {requestId}");
                        continue;
                    }

                    supplied = next.Result;
                }

                if (supplied is null)
                {
                    var flooded = $"More than {MaxOfficerWaits} supplements for other requests while waiting for one; an administrator must look at it.";
                    var floodedZh = $"等待补正期间收到超过 {MaxOfficerWaits} 份针对其他请求的补正材料；需由管理员处理。";
                    UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Failed), note: floodedZh, noteEn: flooded);
                    return Ended(ItemState.Failed, "engine", floodedZh, flooded);
                }

                // The department's clock stood still while the applicant had the item: its working time moves the due time.
                var before = due;
                holds.Add(new ApplicantHold(askedAt, context.CurrentUtcDateTime));
                due = clock.Extend(due, askedAt, context.CurrentUtcDateTime);
                var what = string.Join(", ", supplied.Materials);
                Audit($"applicant:{input.Applicant.Id}", "item.supplement.provided", nameof(OfficerTaskStatus.AwaitingApplicant), nameof(OfficerTaskStatus.Open), what);
                Audit("engine", "item.due.paused", $"{before:o}", $"{due:o}", $"申请人补正期间（{askedAt:o} 至 {context.CurrentUtcDateTime:o}）时限暂停",
                    $"clock stopped {askedAt:o} to {context.CurrentUtcDateTime:o} while the applicant had the item");
                UpdateTask(OfficerTaskStatus.Open, note: $"已补交：{what}", noteEn: $"Supplied: {what}");
                Notify(RecipientKind.Department, item.Department, NotificationTopics.SupplementProvided, new($"补正材料已提交：{item.Name}", $"Supplement received: {NameEn}"), new(
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
                if (++supplements > MaxSupplementRounds)
                {
                    var limit = $"More than {MaxSupplementRounds} supplement requests; the item needs a new application.";
                    var limitZh = $"补正请求超过 {MaxSupplementRounds} 次；该事项需重新申请。";
                    UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Rejected), note: limitZh, noteEn: limit);
                    return Ended(ItemState.Rejected, "engine", limitZh, limit);
                }
            }

            var stuck = $"More than {MaxOfficerWaits} events and timers while waiting for the decision; an administrator must look at it.";
            var stuckZh = $"等待决定期间的事件和计时器超过 {MaxOfficerWaits} 个；需由管理员处理。";
            UpdateTask(OfficerTaskStatus.Closed, outcome: nameof(ItemState.Failed), note: stuckZh, noteEn: stuck);
            return Ended(ItemState.Failed, "engine", stuckZh, stuck);
        }

        // Waits for the first of the given tasks while keeping time: the reminder before the due time and the escalation
        // at it are timers raced with the wait, never instead of it, and an administrator's extension moves the due
        // time; when one of those comes the item tells people and waits on. Returns null after MaxOfficerWaits wake-ups
        // (a flood of ignored events), which bounds the history.
        async Task<Task?> AwaitKeepingTimeAsync(params Task[] waits)
        {
            var early = false;
            while (wakes++ < MaxOfficerWaits)
            {
                extension ??= context.WaitForExternalEvent<DueExtended>(nameof(DueExtended));
                var reminderAt = clock.ReminderAt(due);
                using var timers = new CancellationTokenSource();
                var reminder = remindedFor == due ? null : context.CreateTimer(Aim(reminderAt, early), timers.Token);
                var escalation = escalatedFor == due ? null : context.CreateTimer(Aim(due, early), timers.Token);
                var first = await WhenAnyAsync([.. waits, extension, .. new[] { reminder, escalation }.OfType<Task>()]);
                // Pending timers go whatever came first: the next round arms them for the due time then in force,
                // and the item can end without a timer outstanding.
                timers.Cancel();
                if (first == reminder || first == escalation)
                {
                    var target = first == reminder ? reminderAt : due;
                    // The provider may deliver a timer up to a second early; aim again a second past the target.
                    early = context.CurrentUtcDateTime < target;
                    if (!early)
                    {
                        if (first == reminder)
                        {
                            Remind();
                        }
                        else
                        {
                            Escalate();
                        }
                    }

                    continue;
                }

                if (first == extension)
                {
                    Extend(extension.Result);
                    extension = null;
                    continue;
                }

                return first;
            }

            return null;
        }

        static DateTime Aim(DateTime target, bool early) => early ? target.AddSeconds(1) : target;

        // A due time set when its reminder time has passed already (a short item, a small extension) gets no reminder:
        // the department was just told of the task or of the new due time.
        void SkipPassedReminder()
        {
            if (clock.ReminderAt(due) <= context.CurrentUtcDateTime)
            {
                remindedFor = due;
            }
        }

        void Remind()
        {
            remindedFor = due;
            Audit("engine", "item.reminded", null, null, $"截止 {due:o}", $"due {due:o}");
            Notify(RecipientKind.Department, item.Department, NotificationTopics.Reminder, new($"即将到期：{item.Name}", $"Due soon: {NameEn}"), new(
                $"申请 {input.ApplicationId}（{input.Applicant.Name}）将于 {due:yyyy-MM-dd HH:mm} UTC 到期；请在此之前{WaitingFor().Zh}。",
                $"Application {input.ApplicationId} ({input.Applicant.Name}) is due {due:yyyy-MM-dd HH:mm} UTC; {WaitingFor().En} before then."));
        }

        // An outside system's item has no task: the department that owns it chases the system.
        LocalText WaitingFor() => item.Decision is ExternalDecision external
            ? new($"取得 {external.System} 的答复", $"the answer of {external.System} is needed")
            : new("作出决定", "decide it");

        // The due time passed without a decision: the supervisor is told and the task marked, and the wait goes on.
        void Escalate()
        {
            escalatedFor = due;
            remindedFor = due;
            Audit("engine", "item.escalated", nameof(OfficerTaskStatus.Open), "Escalated", $"截止 {due:o} 已过，尚未作出决定", $"due {due:o} passed without a decision");
            if (current is not null)
            {
                SetTask(current with { Escalated = true });
            }

            Notify(RecipientKind.Supervisor, item.Department, NotificationTopics.Escalation, new($"已超期：{item.Name}", $"Overdue: {NameEn}"), new(
                $"申请 {input.ApplicationId}（{input.Applicant.Name}）已超过到期时间 {due:yyyy-MM-dd HH:mm} UTC，{item.Department} 仍未作出决定。",
                $"Application {input.ApplicationId} ({input.Applicant.Name}) passed its due time {due:yyyy-MM-dd HH:mm} UTC without a decision of {item.Department}."));
        }

        // An administrator's extension: the due time moves by working days on the pinned clock, both timers are armed
        // again for it, and an escalation of the old due time no longer stands.
        void Extend(DueExtended extended)
        {
            if (extended.WorkingDays is < 1 or > MaxExtensionDays || extensions >= MaxExtensions)
            {
                Audit(extended.By, "item.due.extension.ignored", null, null,
                    $"{extended.WorkingDays} 个工作日：最多延期 {MaxExtensions} 次，每次 1 至 {MaxExtensionDays} 个工作日",
                    $"{extended.WorkingDays} working day(s): at most {MaxExtensions} extensions of 1 to {MaxExtensionDays} working days");
                return;
            }

            extensions++;
            var before = due;
            due = clock.Due(due, extended.WorkingDays);
            Audit(extended.By, "item.due.extended", $"{before:o}", $"{due:o}", $"延长 {extended.WorkingDays} 个工作日：{extended.Reason}", $"+{extended.WorkingDays} working day(s): {extended.Reason}");
            if (current is not null)
            {
                SetTask(current with { DueAt = due, Escalated = false });
            }

            SkipPassedReminder();
        }

        async Task<ItemResult> DecideExternallyAsync(ExternalDecision external)
        {
            Audit("engine", "item.external.requested", null, null, $"系统 {external.System}", $"system {external.System}");
            SkipPassedReminder();
            // Instances started before outside systems kept time wrote no timers here; they replay without them.
            var keepTime = OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.OutsideSystemsKeepTime);
            for (var callback = 0; callback <= MaxForeignCallbacks; callback++)
            {
                // The committed time runs for an outside system too: its department is reminded and its supervisor
                // told on a breach, as for an officer's decision.
                var result = context.WaitForExternalEvent<ExternalSystemDecided>(nameof(ExternalSystemDecided));
                var first = keepTime ? await AwaitKeepingTimeAsync(result, cancellation) : await WhenAnyAsync(result, cancellation);
                if (first is null)
                {
                    return Ended(ItemState.Failed, "engine", $"等待 {external.System} 期间的事件和计时器超过 {MaxOfficerWaits} 个；需由管理员处理。",
                        $"More than {MaxOfficerWaits} events and timers while waiting for {external.System}; an administrator must look at it.");
                }

                if (first == cancellation)
                {
                    return Ended(ItemState.Cancelled, "engine", cancellation.Result.Reason, cancellation.Result.ReasonEn);
                }

                var decided = result.Result;
                if (decided.System != external.System)
                {
                    // Only the system the template names may decide this item; another's result is noted and ignored.
                    Audit($"system:{decided.System}", "item.external.ignored", null, null, $"应由 {external.System} 决定", $"expected {external.System}");
                    continue;
                }

                var by = $"system:{decided.System}";
                return decided.Approved
                    ? new ItemResult(item.Key, ItemState.Approved, by, decided.Reason ?? "外部系统已批准。", decided.Outputs ?? NoOutputs, [],
                        ReasonEn: decided.Reason is null ? "Approved by the outside system." : null)
                    : decided.Reason is null ? Ended(ItemState.Rejected, by, "外部系统已驳回。", "Rejected by the outside system.") : Ended(ItemState.Rejected, by, decided.Reason);
            }

            return Ended(ItemState.Failed, "engine", $"收到超过 {MaxForeignCallbacks} 个来自 {external.System} 以外系统的结果；需由管理员处理。",
                $"More than {MaxForeignCallbacks} results from systems other than {external.System}; an administrator must look at it.");
        }

        // An approval takes effect once every deferred material is supplied; a missed deadline ends the item as the template says.
        async Task<ItemResult> AwaitDeferredMaterialsAsync(ItemResult approved)
        {
            var missing = input.Materials.Where(m => m.Status == MaterialStatus.Deferred && !suppliedHere.Contains(m.Key)).ToDictionary(m => m.Key, StringComparer.Ordinal);
            if (missing.Count == 0)
            {
                return approved;
            }

            // Decided, but held until the applicant supplies: that time is theirs, whichever way it ends.
            var heldFrom = context.CurrentUtcDateTime;
            try
            {
                return await AwaitDeferredAsync(approved, missing);
            }
            finally
            {
                holds.Add(new ApplicantHold(heldFrom, context.CurrentUtcDateTime));
            }
        }

        async Task<ItemResult> AwaitDeferredAsync(ItemResult approved, Dictionary<string, MaterialEntry> missing)
        {
            var firedEarly = false;
            Task<DeferredMaterialSupplied>? supplied = null;
            while (missing.Count > 0)
            {
                var deadline = missing.Values.Min(m => m.DueAt) ?? context.CurrentUtcDateTime;
                if (context.CurrentUtcDateTime >= deadline)
                {
                    var late = missing.Values.Where(m => m.DueAt <= context.CurrentUtcDateTime).Select(m => m.Key).ToList();
                    var rule = input.MaterialRules.FirstOrDefault(r => late.Contains(r.Key))?.Deferral;
                    var reason = $"Deferred material not supplied by its deadline: {string.Join(", ", late)}.";
                    return Ended(rule?.OnMissed == DeferralOutcome.CancelItem ? ItemState.Cancelled : ItemState.Rejected, "engine",
                        $"容缺材料未在期限内补交：{string.Join("、", late)}。", reason);
                }

                // The provider may deliver a timer up to a second early (queue visibility is set in whole seconds);
                // after an early one, aim a second past the deadline so the item never ends before it.
                using var timerCancel = new CancellationTokenSource();
                var timer = context.CreateTimer(firedEarly ? deadline.AddSeconds(1) : deadline, timerCancel.Token);
                // One waiter until it is used: a second one would leave the next event to the abandoned first.
                supplied ??= context.WaitForExternalEvent<DeferredMaterialSupplied>(nameof(DeferredMaterialSupplied));
                var first = await WhenAnyAsync(supplied, timer, cancellation);
                if (first == cancellation)
                {
                    timerCancel.Cancel();
                    return Ended(ItemState.Cancelled, "engine", cancellation.Result.Reason, cancellation.Result.ReasonEn);
                }

                if (first == timer)
                {
                    firedEarly = context.CurrentUtcDateTime < deadline;
                    continue;
                }

                timerCancel.Cancel();
                var material = supplied.Result.Material;
                supplied = null;
                missing.Remove(material);
                Audit($"applicant:{input.Applicant.Id}", "item.deferred.supplied", null, null, material);
            }

            return approved;
        }

        // What an approval ends in the applicant's licences (the template's revokes and supersedes), for the finishing
        // activity to record before the item's own certificates: data, not a step, so instances in flight replay (ADR 0004).
        // A supersession of another party's licence (the seller's title) is its own ending, in that party's licences.
        List<Licences.LicenceEnding> Endings(ItemResult result)
        {
            if (result.State != ItemState.Approved || (item.Revokes is not { Count: > 0 } && item.Supersedes is null))
            {
                return [];
            }

            var by = item.Supersedes is { } s ? item.Outputs.FirstOrDefault(o => o.Key == s.By) : null;
            var supersededHolder = BundleParty.HolderOf(input.Parties, item.Supersedes?.Party, input.Applicant.Id);
            var supersession = new Licences.LicenceEnding(
                supersededHolder, input.ApplicationId, item.Key, [], item.Supersedes?.LicenceType,
                by?.LicenceType, by is null ? null : result.Outputs.GetValueOrDefault(by.Key), context.CurrentUtcDateTime, item.Name, item.NameEn);
            if (supersededHolder == input.Applicant.Id)
            {
                return [supersession with { Revokes = item.Revokes ?? [] }];
            }

            var endings = new List<Licences.LicenceEnding>();
            if (item.Revokes is { Count: > 0 } revokes)
            {
                endings.Add(new Licences.LicenceEnding(input.Applicant.Id, input.ApplicationId, item.Key, revokes, null, null, null, context.CurrentUtcDateTime, item.Name, item.NameEn));
            }

            endings.Add(supersession);
            return endings;
        }

        // A task to verify each commitment (告知承诺) the approval was given on: the verifier's, named in the ledger, once for
        // every item approved on it (whichever finishes first creates it; the task is created only if absent); in a
        // ledger from before, this item's own.
        List<TaskRecord> CommitmentVerifications()
        {
            var now = context.CurrentUtcDateTime;
            return [.. input.Materials.Where(m => m.Status == MaterialStatus.Committed).Select(entry =>
            {
                var rule = input.MaterialRules.FirstOrDefault(r => r.Key == entry.Key)?.Commitment;
                var (key, department, name) = entry.Verifier is { } v ? (v.Item, v.Department, v.ItemName) : (item.Key, item.Department, item.Name);
                var covers = entry.Verifier is null || entry.RequiredBy.Count < 2 ? ("", "") : ($"（涉及事项：{string.Join("、", entry.RequiredBy)}）", $" (for the items {string.Join(", ", entry.RequiredBy)})");
                return new TaskRecord(
                    department, $"{ItemOrchestrator.InstanceId(input.ApplicationId, key)}:verify:{entry.Key}", TaskKind.Verification, input.ApplicationId, key, name,
                    input.TemplateKey, input.Applicant.Id, input.Applicant.Name, OfficerTaskStatus.Open, now,
                    clock.Due(now, rule?.VerifyWithinDays ?? item.CommittedDays), Note: $"核查{entry.Name}的承诺{covers.Item1}：{rule?.Text}", NoteEn: $"Verify the commitment for {entry.Name}{covers.Item2}: {rule?.Text}");
            })];
        }

        // A verification several items share (its ledger line names a verifier and more than one item needs it).
        bool Shared(TaskRecord verification) => input.Materials.Any(m =>
            m.Verifier is not null && m.RequiredBy.Count > 1 && verification.TaskId.EndsWith($":verify:{m.Key}", StringComparison.Ordinal));

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

        // One activity ends the item: its certificates, its tasks and the rest of its audit, the outcome last.
        async Task FinishAsync(ItemResult result, IssueCertificatesInput? certificates, IReadOnlyList<TaskRecord> verifications)
        {
            var (detail, detailEn) = Detail(result);
            var outcome = Entry(result.DecidedBy, $"item.{result.State.ToString().ToLowerInvariant()}", nameof(ItemState.Running), result.State.ToString(), detail, detailEn);
            IReadOnlyList<TaskRecord> tasks = task is { } decision ? [decision, .. verifications] : verifications;
            if (result.State is ItemState.Approved or ItemState.Rejected)
            {
                var (zh, en) = result.State == ItemState.Approved ? ("已通过", "approved") : ("未通过", "rejected");
                // The engine's reason in each language; an officer's or outside system's own words are the body in both.
                Notify(RecipientKind.Applicant, input.Applicant.Id, NotificationTopics.ItemDecided, new($"{item.Name}：{zh}", $"{NameEn}: {en}"),
                    new(result.Reason ?? zh, result.ReasonEn ?? result.Reason ?? en));
            }

            var endings = Endings(result);
            // What a write returns is not read (ADR 0027: a completion of a lost run may arrive in its place).
            await context.CallActivityAsync(nameof(FinishItemActivity), new FinishItemInput(certificates, tasks, [.. audit, outcome], TakeNotifications(),
                endings.FirstOrDefault(), endings.Count > 1 ? endings[1..] : null, input.ApplicationId, result), OrchestrationRetry.Storage);
            audit.Clear();
            notifications.Clear();
            task = null;
        }

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

        // The outcome's reason in each language where the engine wrote it, with the evidence.
        static (string Zh, string? En) Detail(ItemResult result)
        {
            var evidence = result.Evidence.Count == 0 ? string.Empty : $" | {string.Join("; ", result.Evidence)}";
            return ($"{result.Reason}{evidence}", result.ReasonEn is { } en ? $"{en}{evidence}" : null);
        }
    }
}
