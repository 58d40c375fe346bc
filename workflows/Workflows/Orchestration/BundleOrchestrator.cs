using System.Text.Json;
using Microsoft.DurableTask;
using Workflows.Activities;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Cases;
using Workflows.Notifications;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>
/// Walks a bundle template for one application: starts each included item as a sub-orchestration as soon as
/// its prerequisites are approved (parallel where the DAG allows), cancels the dependants of an item that is
/// not approved, lets the applicant withdraw, and joins every item into one outcome. The same orchestrator
/// walks every template; nothing here knows a bundle. The instance id is the application id.
/// </summary>
public sealed class BundleOrchestrator : TaskOrchestrator<BundleInput, BundleOutcome>
{
    /// <inheritdoc />
    public override async Task<BundleOutcome> RunAsync(TaskOrchestrationContext context, BundleInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return await new Run(context, input).ExecuteAsync();
    }

    /// <summary>
    /// How long a bundle waits before trying a failed save again (after the activity's own tries): 30 s, doubling,
    /// at most 30 min, so a short outage heals within a minute and a lasting fault costs a few activities an hour.
    /// </summary>
    /// <param name="attempt">The save attempt that failed, from 1.</param>
    /// <returns>The wait.</returns>
    public static TimeSpan SaveRetryDelay(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(30 * Math.Pow(2, Math.Clamp(attempt - 1, 0, 10)), 30 * 60));

    /// <summary>How much earlier than its time a bundle's timer may fire and still count as fired (ADR 0027).</summary>
    public static readonly TimeSpan EarlyFireTolerance = TimeSpan.FromSeconds(5);

    sealed class Run(TaskOrchestrationContext context, BundleInput input)
    {
        // The template walked: the pinned snapshot, or the newer version an administrator moved the application to (2.5).
        BundleTemplate template = input.Template;
        int version = input.TemplateVersion;
        readonly Dictionary<string, ItemState> states = input.Template.Items.ToDictionary(i => i.Key, _ => ItemState.Waiting, StringComparer.Ordinal);
        readonly Dictionary<string, ItemResult> results = new(StringComparer.Ordinal);
        readonly Dictionary<string, DateTime> started = new(StringComparer.Ordinal);
        readonly Dictionary<string, IReadOnlyDictionary<string, string>> outputs = new(StringComparer.Ordinal);
        readonly HashSet<string> licences = new(input.Licences, StringComparer.Ordinal);
        // Per running item, its sub-orchestration's completion read by content, or the read of its stored result once
        // the engine handed the slot something else (ADR 0027); null from a slot that carried no item result.
        readonly Dictionary<string, Task<ItemResult?>> running = new(StringComparer.Ordinal);
        readonly List<MaterialEntry> materials = [.. input.Materials];
        // Audit entries and notifications made but not written yet: the next save writes them with the read model, in one activity.
        readonly WriteBuffer writes = WriteBuffer.ForBundle(input.ApplicationId, () => context.CurrentUtcDateTime);
        // The writes of rule items decided here (2.6) not written yet: they go with the next save, before its state.
        readonly List<FinishItemInput> decidedItems = [];
        // Per deferred material, the timer that reminds the applicant shortly before its deadline.
        readonly Dictionary<string, (Task Timer, CancellationTokenSource Cancel, DateTime At)> reminders = new(StringComparer.Ordinal);
        // The committed due time, moved by the times items waited on the applicant as the items report them.
        readonly List<ApplicantHold> holds = [];
        // The parties besides the applicant and where each one's confirmation stands, in the template's order (2.4).
        readonly List<PartyStanding> standings = [];
        // Per party who must still confirm, the timer of their deadline; the items that need them wait meanwhile.
        readonly Dictionary<string, (Task Timer, CancellationTokenSource Cancel, DateTime At)> awaiting = new(StringComparer.Ordinal);
        // A missed confirmation whose template says the bundle ends: nothing more starts.
        bool ended;
        bool withdrawn;
        // Saves so far: each record carries the next (ApplicationRecord.Revision); a replay counts the same.
        long revision;

        public async Task<BundleOutcome> ExecuteAsync()
        {
            var log = context.CreateReplaySafeLogger<BundleOrchestrator>();
            OrchestrationLog.BundleStarted(log, input.ApplicationId, template.Key, input.TemplateVersion, template.Items.Count);
            writes.Audit($"applicant:{input.Applicant.Id}", "application.accepted", null, nameof(ApplicationStatus.InProgress),
                $"{template.Key} v{input.TemplateVersion}；材料：{string.Join(", ", materials.Select(m => $"{m.Key}={m.Status}"))}",
                $"{template.Key} v{input.TemplateVersion}; materials: {string.Join(", ", materials.Select(m => $"{m.Key}={m.Status}"))}");
            var deferred = materials.Where(m => m.Status == MaterialStatus.Deferred).ToList();
            Notify("accepted", NotificationTopics.Accepted, new("申请已受理", "Application accepted"), new(
                $"您的“{template.Name}”申请（{input.ApplicationId}）已受理，{template.Items.Count} 个事项正在办理。"
                + (deferred.Count > 0 ? $"尚需补交：{string.Join("、", deferred.Select(m => $"{m.Name}（{m.DueAt:yyyy-MM-dd HH:mm} UTC 前）"))}。" : string.Empty),
                $"Your application for {template.NameEn ?? template.Name} ({input.ApplicationId}) was accepted; {template.Items.Count} items are under way."
                + (deferred.Count > 0 ? $" Still to supply: {string.Join(", ", deferred.Select(m => $"{MaterialEn(m)} by {m.DueAt:yyyy-MM-dd HH:mm} UTC"))}." : string.Empty)));
            StartReminders();
            StartConfirmations();

            var withdrawal = context.WaitForExternalEvent<WithdrawalRequested>(nameof(WithdrawalRequested));
            Task<PartyConfirmationGiven>? confirmation = awaiting.Count > 0 ? context.WaitForExternalEvent<PartyConfirmationGiven>(nameof(PartyConfirmationGiven)) : null;
            var supply = context.WaitForExternalEvent<DeferredMaterialSupplied>(nameof(DeferredMaterialSupplied));
            // Every instance listens (a wait writes no history, so older ones replay); only 2.5 and newer take a move.
            var migration = context.WaitForExternalEvent<TemplateMigrationRequested>(nameof(TemplateMigrationRequested));
            string? cancelledBy = null;
            StartReadyItems();
            await SaveWhileRunningAsync();

            while (running.Count > 0 || awaiting.Count > 0)
            {
                var waits = running.Values.Cast<Task>().Append(supply).Append(migration).Concat(reminders.Values.Select(r => r.Timer)).ToList();
                if (!withdrawn)
                {
                    waits.Add(withdrawal);
                }

                if (awaiting.Count > 0 && confirmation is not null)
                {
                    waits.Add(confirmation);
                    waits.AddRange(awaiting.Values.Select(a => a.Timer));
                }

                var first = await Task.WhenAny(waits);
                if (FiredEarly(awaiting, first) || FiredEarly(reminders, first))
                {
                    continue;
                }

                if (awaiting.FirstOrDefault(a => a.Value.Timer == first).Key is { } late)
                {
                    Missed(late, null);
                    await SaveAsync(ApplicationStatus.InProgress);
                    continue;
                }

                if (first == confirmation)
                {
                    Answered(confirmation.Result);
                    confirmation = awaiting.Count > 0 ? context.WaitForExternalEvent<PartyConfirmationGiven>(nameof(PartyConfirmationGiven)) : null;
                    await SaveAsync(ApplicationStatus.InProgress);
                    continue;
                }

                if (reminders.FirstOrDefault(r => r.Value.Timer == first).Key is { } dueSoon)
                {
                    RemindIfStillAwaited(dueSoon);
                    await SaveAsync(ApplicationStatus.InProgress);
                    continue;
                }

                if (first == migration)
                {
                    Migrate(migration.Result);
                    migration = context.WaitForExternalEvent<TemplateMigrationRequested>(nameof(TemplateMigrationRequested));
                    await SaveAsync(ApplicationStatus.InProgress);
                    continue;
                }

                if (first == supply)
                {
                    Supplied(supply.Result);
                    supply = context.WaitForExternalEvent<DeferredMaterialSupplied>(nameof(DeferredMaterialSupplied));
                    await SaveAsync(ApplicationStatus.InProgress);
                    continue;
                }

                if (first == withdrawal && !withdrawn)
                {
                    withdrawn = true;
                    // An administrator's cancellation arrives the same way, and is shown as theirs, not the applicant's.
                    cancelledBy = withdrawal.Result.CancelledBy;
                    Withdraw(withdrawal.Result.Reason, cancelledBy);
                    if (cancelledBy is null)
                    {
                        writes.Audit($"applicant:{input.Applicant.Id}", "application.withdrawn", nameof(ApplicationStatus.InProgress), nameof(ApplicationStatus.Withdrawn), withdrawal.Result.Reason);
                    }
                    else
                    {
                        writes.Audit(cancelledBy, "application.cancelled", nameof(ApplicationStatus.InProgress), nameof(ApplicationStatus.Cancelled), withdrawal.Result.Reason);
                    }

                    await SaveAsync(ApplicationStatus.InProgress);
                    continue;
                }

                foreach (var (key, task) in running.Where(r => r.Value.IsCompleted).ToList())
                {
                    if (!running.Remove(key, out var still) || still != task)
                    {
                        // Its result came earlier in another item's slot.
                        continue;
                    }

                    var result = await Finish(key, task);
                    if (result?.ItemKey != key)
                    {
                        // The engine handed this slot a completion of a lost run: this item's own is read from storage.
                        writes.Audit("engine", "item.completion.misdelivered", null, null, $"事项“{key}”的完成消息被替换为：{result?.ItemKey ?? "非事项结果"}；改为读取已保存的结果。",
                            $"The completion of item '{key}' was replaced by {(result is null ? "something that is not an item's result" : $"the result of '{result.ItemKey}'")}; its stored result is read instead.");
                        running[key] = RecoverAsync(key);
                    }

                    // A result is taken once, for whichever item it is of, as long as that item has not ended; that
                    // item's own slot, when it is another's, is dropped.
                    if (result is not null && states.TryGetValue(result.ItemKey, out var state) && state is ItemState.Running or ItemState.Waiting)
                    {
                        running.Remove(result.ItemKey);
                        Record(result);
                    }
                }

                if (!withdrawn && !ended)
                {
                    StartReadyItems();
                }

                await SaveWhileRunningAsync();
            }

            var status = !withdrawn ? Conclude() : cancelledBy is null ? ApplicationStatus.Withdrawn : ApplicationStatus.Cancelled;
            writes.Audit("engine", "application.ended", nameof(ApplicationStatus.InProgress), status.ToString(), null);
            // Reminders of materials nobody needs any more must not keep the instance open.
            StopReminders();
            NotifyEnded(status);
            await SaveAsync(status);
            OrchestrationLog.BundleEnded(log, input.ApplicationId, status);
            return new BundleOutcome(input.ApplicationId, ToBundleStatus(status), [.. template.Items.Select(i => results[i.Key])]);
        }

        // Starts every waiting item whose prerequisites are settled, and settles those the answers leave out or a
        // prerequisite not approved cancels, as TemplateWalk decides them, in its order (so items start in the same order).
        // From 2.6 a rule item decided here settles at once, so the walk goes on until a pass decides nothing here.
        void StartReadyItems()
        {
            bool decidedHere;
            do
            {
                decidedHere = false;
                foreach (var step in TemplateWalk.Next(template.Items, states, results, Context(), awaiting.Keys, materials))
                {
                    if (step.Action == WalkAction.Start)
                    {
                        decidedHere |= Start(step.Item);
                    }
                    else
                    {
                        Record(step.Result!);
                    }
                }
            }
            while (decidedHere);

            context.SetCustomStatus(new BundleProgress(new Dictionary<string, ItemState>(states), context.Version));
        }

        // Inclusion that reads only answers and licences can be told before the prerequisites end.
        ItemResult? NotWanted(ItemDefinition item) => TemplateWalk.NotWanted(item, Context());

        // Starts an item's sub-orchestration, or (2.6) decides a rule item that decides at once here; true when decided here.
        bool Start(ItemDefinition item)
        {
            states[item.Key] = ItemState.Running;
            started[item.Key] = context.CurrentUtcDateTime;
            var needed = materials.Where(m => m.RequiredBy.Contains(item.Key)).ToList();
            var rules = template.Materials.Where(m => m.RequiredBy.Contains(item.Key)).ToList();
            var itemInput = new ItemInput(input.ApplicationId, input.Applicant, template.Key, item, input.Answers, [.. licences],
                item.DependsOn.Where(outputs.ContainsKey).ToDictionary(d => d, d => outputs[d], StringComparer.Ordinal), needed, rules, input.Clock, DateOnly.FromDateTime(input.SubmittedAt), input.Parties);
            if (OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.RulesDecidedInBundle)
                && RuleItemInBundle.TryDecide(itemInput, context.CurrentUtcDateTime) is { } decided)
            {
                var log = context.CreateReplaySafeLogger<BundleOrchestrator>();
                OrchestrationLog.ItemStarted(log, input.ApplicationId, item.Key, nameof(RuleDecision));
                writes.Add(decided.Audit);
                writes.Add(decided.Notifications);
                decidedItems.Add(decided.Effects);
                Record(decided.Result);
                OrchestrationLog.ItemEnded(log, input.ApplicationId, item.Key, decided.Result.State, decided.Result.DecidedBy);
                return true;
            }

            running[item.Key] = Read(context.CallSubOrchestratorAsync<JsonElement>(
                nameof(ItemOrchestrator), itemInput, new SubOrchestrationOptions { InstanceId = ItemOrchestrator.InstanceId(input.ApplicationId, item.Key) }));
            return false;
        }

        static async Task<ItemResult?> Read(Task<JsonElement> slot) => ItemCompletion.Read(await slot);

        // Reads the item's stored result until it is there (the item still runs, or its finish is being written).
        async Task<ItemResult?> RecoverAsync(string key)
        {
            OrchestrationLog.ItemCompletionLost(context.CreateReplaySafeLogger<BundleOrchestrator>(), input.ApplicationId, key);
            for (var attempt = 0; ; attempt++)
            {
                var stored = ItemCompletion.Read(await context.CallActivityAsync<JsonElement>(nameof(ReadItemResultActivity), new ItemResultQuery(input.ApplicationId, key), OrchestrationRetry.Storage));
                if (stored?.ItemKey == key)
                {
                    return stored;
                }

                await context.CreateTimer(context.CurrentUtcDateTime + ItemCompletion.PollDelay(attempt), CancellationToken.None);
            }
        }

        static async Task<ItemResult?> Finish(string key, Task<ItemResult?> task)
        {
            try
            {
                return await task;
            }
            catch (TaskFailedException ex)
            {
                // A technical failure inside the item (its activities exhausted their retries): the item stops,
                // the rest of the bundle goes on, and the reason is kept for an administrator.
                return new ItemResult(key, ItemState.Failed, "engine", $"技术故障：{ex.FailureDetails.ErrorMessage}", new Dictionary<string, string>(), [],
                    ReasonEn: $"Technical failure: {ex.FailureDetails.ErrorMessage}");
            }
        }

        void Record(ItemResult result)
        {
            states[result.ItemKey] = result.State;
            results[result.ItemKey] = result;
            if (result.HeldByApplicant is { Count: > 0 } held)
            {
                var before = Due();
                holds.AddRange(held);
                writes.Audit("engine", "bundle.due.paused", $"{before:o}", $"{Due():o}", $"{result.ItemKey} 曾等待申请人", $"{result.ItemKey} waited on the applicant");
            }

            if (result.State != ItemState.Approved)
            {
                return;
            }

            outputs[result.ItemKey] = result.Outputs;
            var item = template.Items.First(i => i.Key == result.ItemKey);
            foreach (var output in item.Outputs.Where(o => o.Kind == OutputKind.Certificate && o.LicenceType is not null))
            {
                // The applicant's licences for later conditions: not one issued to another party (the buyer's title).
                if (BundleParty.HolderOf(input.Parties, output.Holder, input.Applicant.Id) == input.Applicant.Id)
                {
                    licences.Add(output.LicenceType!);
                }

                // A material this certificate stands for is now in hand for the items that need it.
                for (var i = 0; i < materials.Count; i++)
                {
                    var definition = template.Materials.FirstOrDefault(m => m.Key == materials[i].Key);
                    if (definition?.ProducedBy is { } produced && produced.Item == item.Key && produced.Output == output.Key)
                    {
                        materials[i] = materials[i] with { Reference = result.Outputs.GetValueOrDefault(output.Key) };
                    }
                }
            }
        }

        // A deferred material arrives for the whole application: the ledger records it, running items that need it
        // are told, and items that start later see it as supplied.
        void Supplied(DeferredMaterialSupplied supplied)
        {
            var at = materials.FindIndex(m => m.Key == supplied.Material && m.Status == MaterialStatus.Deferred);
            if (at < 0 && supplied.ForItem is { } by && materials.FindIndex(m => m.Key == supplied.Material) is var line and >= 0)
            {
                // A file an officer asked for replaces the one the ledger held, so the departments see what was supplied.
                var before = materials[line].Status;
                var now = before is MaterialStatus.Uploaded or MaterialStatus.Supplied ? before : MaterialStatus.Uploaded;
                materials[line] = materials[line] with { Status = now, Reference = supplied.Reference };
                writes.Audit($"applicant:{input.Applicant.Id}", "material.resupplied", before.ToString(), now.ToString(), $"{supplied.Material}（为 {by}）", $"{supplied.Material} for {by}");
                return;
            }

            if (at < 0)
            {
                writes.Audit($"applicant:{input.Applicant.Id}", "material.supply.ignored", null, null, $"{supplied.Material} 并未在等待补交", $"{supplied.Material} is not awaited");
                return;
            }

            materials[at] = materials[at] with { Status = MaterialStatus.Supplied, Reference = supplied.Reference };
            StopReminder(supplied.Material);
            foreach (var key in materials[at].RequiredBy.Where(running.ContainsKey))
            {
                context.SendEvent(ItemOrchestrator.InstanceId(input.ApplicationId, key), nameof(DeferredMaterialSupplied), supplied);
            }

            writes.Audit($"applicant:{input.Applicant.Id}", "material.supplied", nameof(MaterialStatus.Deferred), nameof(MaterialStatus.Supplied),
                supplied.ForItem is { } item ? $"{supplied.Material}（在 {item} 的补正中）" : supplied.Material,
                supplied.ForItem is { } forItem ? $"{supplied.Material} (in a supplement for {forItem})" : null);
        }

        void Withdraw(string reason, string? cancelledBy)
        {
            // The engine's words in both languages; the person's reason inside them as written.
            var why = cancelledBy is null ? $"申请人已撤回：{reason}" : $"管理员已取消：{reason}";
            var whyEn = cancelledBy is null ? $"Withdrawn by the applicant: {reason}" : $"Cancelled by an administrator: {reason}";
            StopReminders();
            StopConfirmations();
            var log = context.CreateReplaySafeLogger<BundleOrchestrator>();
            // The reason is a person's text: sanitized, so it cannot forge log lines or carry terminal escapes.
            if (log.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
            {
                var sanitized = Api.PersonText.ForLog(reason, 200);
                OrchestrationLog.BundleWithdrawn(log, input.ApplicationId, sanitized);
            }
            foreach (var key in running.Keys)
            {
                context.SendEvent(ItemOrchestrator.InstanceId(input.ApplicationId, key), nameof(ItemCancellationRequested), new ItemCancellationRequested(why, whyEn));
            }

            foreach (var item in template.Items.Where(i => states[i.Key] == ItemState.Waiting))
            {
                Record(NotWanted(item) ?? new ItemResult(item.Key, ItemState.Cancelled, cancelledBy ?? $"applicant:{input.Applicant.Id}", why, new Dictionary<string, string>(), [], ReasonEn: whyEn));
            }

            context.SetCustomStatus(new BundleProgress(new Dictionary<string, ItemState>(states), context.Version));
        }

        ApplicationStatus Conclude()
        {
            var included = results.Values.Where(r => r.State != ItemState.NotIncluded).ToList();
            if (included.Count > 0 && included.TrueForAll(r => r.State == ItemState.Approved))
            {
                return ApplicationStatus.Completed;
            }

            return included.Exists(r => r.State == ItemState.Approved) ? ApplicationStatus.PartiallyCompleted : ApplicationStatus.Rejected;
        }

        static BundleStatus ToBundleStatus(ApplicationStatus status) => status switch
        {
            ApplicationStatus.Completed => BundleStatus.Completed,
            ApplicationStatus.PartiallyCompleted => BundleStatus.PartiallyCompleted,
            ApplicationStatus.Withdrawn => BundleStatus.Withdrawn,
            ApplicationStatus.Cancelled => BundleStatus.Cancelled,
            _ => BundleStatus.Rejected,
        };

        EvaluationContext Context() => new(input.Answers, licences, outputs, DateOnly.FromDateTime(input.SubmittedAt), input.ClockOrDefault().Calendar);

        // The bundle's committed working days from submission, on the pinned clock, and the applicant's holds after.
        DateTime Due() => ApplicantHold.Extend(input.ClockOrDefault(), input.ClockOrDefault().Due(input.SubmittedAt, template.CommittedDays), holds);

        // Once nothing runs and no party is awaited, the final save follows at once and says the same and more: this one would be wasted.
        Task SaveWhileRunningAsync() => running.Count > 0 || awaiting.Count > 0 ? SaveAsync(ApplicationStatus.InProgress) : Task.CompletedTask;

        // Writes the read model with the audit entries made since the last save, so the trail and the state an
        // officer or the applicant sees move together, one activity per change.
        async Task SaveAsync(ApplicationStatus status)
        {
            var items = template.Items.Select(i =>
            {
                results.TryGetValue(i.Key, out var result);
                DateTime? dueAt = started.TryGetValue(i.Key, out var at) ? input.ClockOrDefault().Due(at, i.CommittedDays) : null;
                return new ItemView(i.Key, i.Name, i.Department, states[i.Key], dueAt, result?.DecidedBy, result?.Reason, result?.Outputs, ReasonEn: result?.ReasonEn);
            }).ToList();
            var record = new ApplicationRecord(
                input.ApplicationId, input.Applicant, template.Key, version, template.Name, status,
                input.SubmittedAt, context.CurrentUtcDateTime, items, materials, Due(), ++revision, standings.Count > 0 ? [.. standings] : null);
            // The first save keeps what was submitted, for simulations of later drafts (data only: replays alike).
            var submission = revision == 1
                ? new SubmissionSnapshot(input.Answers, input.Licences, input.ClockOrDefault().Calendar.Region, input.ClockOrDefault().Calendar.Version)
                : null;
            var pending = writes.Take();
            var update = new ApplicationUpdate(record, pending.Audit, pending.NotificationsOrNull, submission);
            var wave = decidedItems.Count > 0 ? new DecidedItemsSave(update, [.. decidedItems]) : null;
            decidedItems.Clear();
            if (wave is not null)
            {
                // Only 2.6 decides items here, and 2.6 saves outlive faults.
                await SaveUntilWrittenAsync(nameof(SaveDecidedItemsActivity), wave);
                return;
            }

            if (OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.SavesOutliveFaults))
            {
                await SaveUntilWrittenAsync(nameof(SaveApplicationActivity), update);
            }
            else
            {
                // Instances started before 2.1 replay their history: a save failed after its retries fails them.
                await context.CallActivityAsync(nameof(SaveApplicationActivity), update, OrchestrationRetry.Storage);
            }
        }

        // A save that fails after its retries (storage down for longer than they last, a row the service refuses)
        // does not end the application Failed with the applicant left on "in progress": the fault is logged, audited
        // and sent to the administrators once, and the same save is tried again on a durable timer, waiting longer
        // each time, until it is written. Events and items that end meanwhile wait in the history for the next turn.
        async Task SaveUntilWrittenAsync(string activity, object update)
        {
            var log = context.CreateReplaySafeLogger<BundleOrchestrator>();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // What a write returns is not read: a completion of a lost run may arrive in its place (ADR 0027).
                    await context.CallActivityAsync(activity, update, OrchestrationRetry.Storage);
                    if (attempt > 1)
                    {
                        OrchestrationLog.SaveRecovered(log, input.ApplicationId, attempt);
                        await RecordSaveFaultAsync(writes.Entry("engine", "application.save.recovered", null, null, $"第 {attempt} 次尝试时已保存。", $"Written at attempt {attempt}."), "saveRecovered",
                            new("申请状态已恢复保存", "An application's state is saved again"),
                            new($"申请 {input.ApplicationId}（{template.Key}）已在第 {attempt} 次尝试时保存。", $"Application {input.ApplicationId} ({template.Key}) was saved at attempt {attempt}."));
                    }

                    return;
                }
                catch (TaskFailedException ex)
                {
                    var wait = SaveRetryDelay(attempt);
                    var error = ex.FailureDetails.ErrorMessage is { Length: > 500 } message ? message[..500] + "…" : ex.FailureDetails.ErrorMessage;
                    OrchestrationLog.SaveFailed(log, input.ApplicationId, attempt, wait, error);
                    if (attempt == 1)
                    {
                        await RecordSaveFaultAsync(writes.Entry("engine", "application.save.failed", null, null, $"{error} 将在 {wait:c} 后重试，之后间隔更长。", $"{error} Retrying in {wait:c}, then less often."), "saveFailed",
                            new("申请状态保存失败", "An application's state could not be saved"),
                            new($"申请 {input.ApplicationId}（{template.Key}）未能保存：{error} 引擎将定时重试（首次在 {wait:c} 后）；在此之前，申请人和工作人员看到的是上次保存的状态。",
                                $"Application {input.ApplicationId} ({template.Key}) could not be saved: {error} The engine tries again on a timer (first in {wait:c}); until then the applicant and officers see its last saved state."));
                    }

                    await context.CreateTimer(context.CurrentUtcDateTime + wait, CancellationToken.None);
                }
            }
        }

        // The fault's audit entry and the administrators' alert, in one activity; storage may be down altogether,
        // so a failure here is left to the error log and the save's own retries.
        async Task RecordSaveFaultAsync(AuditEntry entry, string what, LocalText title, LocalText body)
        {
            var alert = writes.NoticeAs($"{what}:{entry.StepId}", RecipientKind.Administrators, StuckCaseOrchestrator.Administrators, NotificationTopics.SaveFault, title, body);
            try
            {
                await context.CallActivityAsync(nameof(AppendAuditActivity), new AuditBatch([entry], [alert]), OrchestrationRetry.Storage);
            }
            catch (TaskFailedException)
            {
            }
        }

        // An administrator's move to another version of the template (2.5): checked again here on the bundle's own state,
        // so what was safe at the dry run but is not any more (an item started meanwhile) is refused, audited with the
        // reasons. Taken: the items not started are walked by the newer version, running items whose time limit grew
        // are extended by the difference, and the read model shows the newer version from the save that follows.
        void Migrate(TemplateMigrationRequested request)
        {
            var refusal = !OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.MigrationsPossible)
                ? new TemplateProblem("$", "migration.version", "The application started before migration was possible.", "该申请在可迁移之前已开始办理。")
                : request.FromVersion != version
                    ? new TemplateProblem("$", "migration.from", $"The application runs version {version}, not {request.FromVersion}.", $"该申请使用版本 {version}，不是 {request.FromVersion}。")
                    : withdrawn || ended
                        ? new TemplateProblem("$", "migration.ended", "The application is ending.", "该申请正在终止。")
                        : null;
            var verdict = refusal is null ? TemplateMigration.Check(template, request.Template, MigrationStateNow()) : new MigrationVerdict(false, [], [refusal]);
            if (!verdict.CanMove)
            {
                writes.Audit(request.By, "application.migration.refused", $"v{version}", $"v{request.ToVersion}",
                    string.Join("；", verdict.Reasons.Select(r => $"{r.Path} {r.Code}：{r.In(false)}")), string.Join("; ", verdict.Reasons.Select(r => $"{r.Path} {r.Code}: {r.Message}")));
                return;
            }

            var older = template;
            var newer = request.Template;
            foreach (var key in states.Keys.Where(k => newer.Items.All(i => i.Key != k)).ToList())
            {
                states.Remove(key);
                results.Remove(key);
            }

            foreach (var item in newer.Items)
            {
                var before = older.Items.FirstOrDefault(i => i.Key == item.Key);
                if (before is null)
                {
                    states[item.Key] = ItemState.Waiting;
                }
                else if (states[item.Key] == ItemState.NotIncluded
                    && System.Text.Json.JsonSerializer.Serialize(before.IncludeWhen, TemplateJson.Options) != System.Text.Json.JsonSerializer.Serialize(item.IncludeWhen, TemplateJson.Options))
                {
                    // Left out by the older condition: the newer one decides again.
                    states[item.Key] = ItemState.Waiting;
                    results.Remove(item.Key);
                }
                else if (states[item.Key] == ItemState.Running && item.CommittedDays > before.CommittedDays)
                {
                    context.SendEvent(ItemOrchestrator.InstanceId(input.ApplicationId, item.Key), nameof(DueExtended),
                        new DueExtended(item.CommittedDays - before.CommittedDays, $"迁移到版本 {request.ToVersion} / moved to version {request.ToVersion}", request.By));
                }
            }

            // The ledger: items that started keep the lines they read; items not started read them as the newer version says.
            for (var i = 0; i < materials.Count; i++)
            {
                if (newer.Materials.FirstOrDefault(m => m.Key == materials[i].Key) is { } definition)
                {
                    var kept = materials[i].RequiredBy.Where(k => states.TryGetValue(k, out var s) && s is not (ItemState.Waiting or ItemState.NotIncluded));
                    var next = definition.RequiredBy.Where(k => states.TryGetValue(k, out var s) && s == ItemState.Waiting);
                    materials[i] = materials[i] with { RequiredBy = [.. kept.Union(next, StringComparer.Ordinal)] };
                }
            }

            template = newer;
            writes.Audit(request.By, "application.migrated", $"v{version}", $"v{request.ToVersion}",
                (request.Reason is { } why ? why + "；" : string.Empty) + string.Join("；", verdict.Changes.Select(c => c.In(false))),
                (request.Reason is { } whyEn ? whyEn + "; " : string.Empty) + string.Join("; ", verdict.Changes.Select(c => c.Message)));
            version = request.ToVersion;
            StartReadyItems();
        }

        MigrationState MigrationStateNow() =>
            new(states, input.Answers, materials, licences, outputs, DateOnly.FromDateTime(input.SubmittedAt), input.ClockOrDefault().Calendar);

        // The parties besides the applicant (2.4): each one's standing, and for each who must confirm and is not the
        // applicant, a deadline timer on the pinned clock and a notification in their own inbox. Instances of an older
        // version wait on nobody, as they did (they also carry no parties).
        void StartConfirmations()
        {
            if (!OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.PartiesConfirm))
            {
                return;
            }

            foreach (var party in input.Parties ?? [])
            {
                var definition = template.Parties?.FirstOrDefault(d => d.Role == party.Role);
                var standing = new PartyStanding(party.Role, party.Id, party.Name, party.Kind, definition?.Label ?? party.Role, definition?.LabelEn);
                if (definition?.Confirmation is { WithinDays: { } days } && party.Id != input.Applicant.Id)
                {
                    var due = input.ClockOrDefault().Due(input.SubmittedAt, days);
                    standing = standing with { Confirmation = PartyConfirmationStatus.Awaiting, DueAt = due };
                    var cancel = new CancellationTokenSource();
                    var at = due > context.CurrentUtcDateTime ? due : context.CurrentUtcDateTime;
                    awaiting[party.Role] = (context.CreateTimer(at, cancel.Token), cancel, at);
                    writes.Audit("engine", "party.confirmation.requested", null, nameof(PartyConfirmationStatus.Awaiting), $"{party.Role}：{party.Id}，{due:o} 前", $"{party.Role}: {party.Id}, by {due:o}");
                    writes.NotifyAs($"confirm:{party.Role}", RecipientKind.Applicant, party.Id, NotificationTopics.PartyConfirmationRequested,
                        new("请确认", "Please confirm"),
                        new($"{input.Applicant.Name}办理“{template.Name}”（{input.ApplicationId}），您是其中的{standing.Label}。请在 {due:yyyy-MM-dd HH:mm} UTC 前登录确认或拒绝；逾期未确认，{MissedZh(definition.Confirmation)}。",
                            $"{input.Applicant.Name} applied for {template.NameEn ?? template.Name} ({input.ApplicationId}) with you as the {Applications.SubmissionPlanner.InSentence(standing.LabelEn ?? standing.Label)}. Sign in to confirm or decline by {due:yyyy-MM-dd HH:mm} UTC; if you do not, {MissedEn(definition.Confirmation)}."));
                }

                standings.Add(standing);
            }
        }

        static string MissedZh(PartyConfirmationRule rule) => rule.OnMissed == ConfirmationMissed.CancelItems ? "需要您确认的事项将被取消" : "整件事将终止";

        static string MissedEn(PartyConfirmationRule rule) => rule.OnMissed == ConfirmationMissed.CancelItems ? "the items that need you are cancelled" : "the whole application ends";

        // An item needs a party when a material of theirs is in its part of the ledger, it issues them a certificate or
        // it supersedes a licence of theirs.
        bool Needs(ItemDefinition item, string role) => TemplateWalk.Needs(item, role, materials);

        int StandingOf(string role) => standings.FindIndex(s => s.Role == role);

        // A party's answer, taken only from the party the application names in that role and only while awaited.
        void Answered(PartyConfirmationGiven given)
        {
            var at = StandingOf(given.Role);
            if (at < 0 || !awaiting.ContainsKey(given.Role) || standings[at].Id != given.By)
            {
                writes.Audit($"party:{given.By}", "party.confirmation.ignored", null, null, $"{given.Role} 并未在等待该当事人确认", $"{given.Role} is not awaiting this party");
                return;
            }

            if (!given.Confirmed)
            {
                Missed(given.Role, given);
                return;
            }

            StopConfirmation(given.Role);
            var party = standings[at] = standings[at] with { Confirmation = PartyConfirmationStatus.Confirmed, At = context.CurrentUtcDateTime };
            writes.Audit($"party:{party.Id}", "party.confirmed", nameof(PartyConfirmationStatus.Awaiting), nameof(PartyConfirmationStatus.Confirmed),
                $"{party.Label}（{party.Name}）于 {given.At:o} 确认", $"The {Applications.SubmissionPlanner.InSentence(party.LabelEn ?? party.Label)} ({party.Name}) confirmed at {given.At:o}");
            Notify($"confirmed:{party.Role}", NotificationTopics.PartyConfirmationSettled, new($"{party.Label}已确认", $"The {Applications.SubmissionPlanner.InSentence(party.LabelEn ?? party.Label)} confirmed"), new(
                $"您的“{template.Name}”申请（{input.ApplicationId}）中，{party.Label}（{party.Name}）已确认，需要其确认的事项开始办理。",
                $"In your application for {template.NameEn ?? template.Name} ({input.ApplicationId}) the {Applications.SubmissionPlanner.InSentence(party.LabelEn ?? party.Label)} confirmed; the items that need them start."));
            if (!withdrawn && !ended)
            {
                StartReadyItems();
            }
        }

        // A declination (given) or a passed deadline (null): what the template says, the bundle's end or the items that need the party.
        void Missed(string role, PartyConfirmationGiven? declined)
        {
            StopConfirmation(role);
            var at = StandingOf(role);
            var status = declined is null ? PartyConfirmationStatus.Expired : PartyConfirmationStatus.Declined;
            var party = standings[at] = standings[at] with { Confirmation = status, At = context.CurrentUtcDateTime, Reason = declined?.Reason };
            var (label, labelEn) = (party.Label, Applications.SubmissionPlanner.InSentence(party.LabelEn ?? party.Label));
            var why = declined is null ? $"{label}（{party.Name}）未在 {party.DueAt:yyyy-MM-dd HH:mm} UTC 前确认。" : $"{label}（{party.Name}）拒绝确认：{declined.Reason}";
            var whyEn = declined is null ? $"The {labelEn} ({party.Name}) did not confirm by {party.DueAt:yyyy-MM-dd HH:mm} UTC." : $"The {labelEn} ({party.Name}) declined: {declined.Reason}";
            writes.Audit(declined is null ? "engine" : $"party:{party.Id}", declined is null ? "party.confirmation.expired" : "party.declined",
                nameof(PartyConfirmationStatus.Awaiting), status.ToString(), why, whyEn);
            var endsBundle = template.Parties?.FirstOrDefault(d => d.Role == role)?.Confirmation?.OnMissed != ConfirmationMissed.CancelItems;
            if (endsBundle)
            {
                // The bundle ends: running items are told to stop, waiting ones are cancelled, nothing more starts.
                ended = true;
                StopConfirmations();
                StopReminders();
                foreach (var key in running.Keys)
                {
                    context.SendEvent(ItemOrchestrator.InstanceId(input.ApplicationId, key), nameof(ItemCancellationRequested), new ItemCancellationRequested(why, whyEn));
                }

                foreach (var item in template.Items.Where(i => states[i.Key] == ItemState.Waiting))
                {
                    Record(NotWanted(item) ?? new ItemResult(item.Key, ItemState.Cancelled, "engine", why, new Dictionary<string, string>(), [], ReasonEn: whyEn));
                }
            }
            else
            {
                foreach (var item in template.Items.Where(i => states[i.Key] == ItemState.Waiting && Needs(i, role)))
                {
                    Record(NotWanted(item) ?? new ItemResult(item.Key, ItemState.Cancelled, "engine", why, new Dictionary<string, string>(), [], ReasonEn: whyEn));
                }
            }

            Notify($"missed:{role}", NotificationTopics.PartyConfirmationSettled, new($"{label}未确认", $"The {labelEn} did not confirm"), new(
                why + (endsBundle ? "申请因此终止。" : "需要其确认的事项已取消。"), whyEn + (endsBundle ? " The application ends." : " The items that need them are cancelled.")));
            if (!withdrawn && !ended)
            {
                StartReadyItems();
            }

            context.SetCustomStatus(new BundleProgress(new Dictionary<string, ItemState>(states), context.Version));
        }

        void StopConfirmation(string role)
        {
            if (awaiting.Remove(role, out var timer))
            {
                timer.Cancel.Cancel();
                timer.Cancel.Dispose();
            }
        }

        void StopConfirmations()
        {
            foreach (var role in awaiting.Keys.ToList())
            {
                StopConfirmation(role);
            }
        }

        // One durable timer per deferred material, at its deadline less the lead (at once when that has passed).
        void StartReminders()
        {
            if (input.DueSoonLead is not { } lead)
            {
                return;
            }

            foreach (var m in materials.Where(m => m.Status == MaterialStatus.Deferred && m.DueAt > context.CurrentUtcDateTime))
            {
                var at = m.DueAt!.Value - lead;
                var cancel = new CancellationTokenSource();
                var fireAt = at > context.CurrentUtcDateTime ? at : context.CurrentUtcDateTime;
                reminders[m.Key] = (context.CreateTimer(fireAt, cancel.Token), cancel, fireAt);
            }
        }

        // A deadline's or reminder's timer that "fired" well before its time was completed by a lost run's completion
        // (ADR 0027), not by the clock: it is aimed again at the same time and nothing acts. The provider's own timers
        // fire up to about a second early, so only an earlier fire counts, and every history written so far replays alike.
        bool FiredEarly(Dictionary<string, (Task Timer, CancellationTokenSource Cancel, DateTime At)> timers, Task fired)
        {
            if (timers.FirstOrDefault(t => t.Value.Timer == fired) is not { Key: { } key, Value: var timer } || context.CurrentUtcDateTime >= timer.At - EarlyFireTolerance)
            {
                return false;
            }

            OrchestrationLog.TimerFiredEarly(context.CreateReplaySafeLogger<BundleOrchestrator>(), input.ApplicationId, key, timer.At);
            timers[key] = (context.CreateTimer(timer.At, timer.Cancel.Token), timer.Cancel, timer.At);
            return true;
        }

        void RemindIfStillAwaited(string key)
        {
            StopReminder(key);
            if (materials.Find(m => m.Key == key && m.Status == MaterialStatus.Deferred) is { } m)
            {
                writes.Audit("engine", "material.dueSoon", null, null, $"{key} 截止 {m.DueAt:o}", $"{key} due {m.DueAt:o}");
                Notify($"dueSoon:{key}", NotificationTopics.DeferredDueSoon, new("容缺材料即将到期", "Material due soon"), new(
                    $"申请 {input.ApplicationId} 的{m.Name}须在 {m.DueAt:yyyy-MM-dd HH:mm} UTC 前补交，否则需要它的事项（{string.Join("、", m.RequiredBy)}）将因缺少该材料而办结。",
                    $"{MaterialEn(m)} for application {input.ApplicationId} must be supplied by {m.DueAt:yyyy-MM-dd HH:mm} UTC, or the items that need it ({string.Join(", ", m.RequiredBy)}) end without it."));
            }
        }

        void StopReminder(string key)
        {
            if (reminders.Remove(key, out var reminder))
            {
                reminder.Cancel.Cancel();
                reminder.Cancel.Dispose();
            }
        }

        void StopReminders()
        {
            foreach (var key in reminders.Keys.ToList())
            {
                StopReminder(key);
            }
        }

        void NotifyEnded(ApplicationStatus status)
        {
            var approved = results.Values.Where(r => r.State == ItemState.Approved).Select(r => template.Items.First(i => i.Key == r.ItemKey)).ToList();
            var (title, said) = status switch
            {
                ApplicationStatus.Completed => (new LocalText("办结", "Completed"), new LocalText("所有事项均已通过", "every item was approved")),
                ApplicationStatus.PartiallyCompleted => (new LocalText("部分办结", "Partly completed"), new LocalText("部分事项通过、部分未通过", "some items were approved and some not")),
                ApplicationStatus.Withdrawn => (new LocalText("已撤回", "Withdrawn"), new LocalText("申请已撤回", "it was withdrawn")),
                ApplicationStatus.Cancelled => (new LocalText("已由管理员取消", "Cancelled by an administrator"), new LocalText("管理员取消了申请", "an administrator cancelled it")),
                _ => (new LocalText("未通过", "Rejected"), new LocalText("没有事项获得通过", "no item was approved")),
            };
            Notify("ended", NotificationTopics.Ended, title, new(
                $"您的“{template.Name}”申请（{input.ApplicationId}）已办结：{said.Zh}。"
                + (approved.Count > 0 ? $"已通过：{string.Join("、", approved.Select(i => i.Name))}。" : string.Empty),
                $"Your application for {template.NameEn ?? template.Name} ({input.ApplicationId}) has ended: {said.En}."
                + (approved.Count > 0 ? $" Approved: {string.Join(", ", approved.Select(i => i.NameEn ?? i.Name))}." : string.Empty)));
            if (approved.Count > 0)
            {
                Notify("rating", NotificationTopics.RatingInvited, new("请您评价", "Rate the service"), new(
                    $"您对“{template.Name}”申请（{input.ApplicationId}）的办理满意吗？请为各部门的服务评价。",
                    $"How was your application for {template.NameEn ?? template.Name} ({input.ApplicationId})? Rate each department's service."));
            }
        }

        // The id names the application and what happened, so a replay or a re-run of the save records it once.
        // Both languages are written (a text, not a step: what is scheduled is the same, so instances in flight replay).
        void Notify(string what, string topic, LocalText title, LocalText body) => writes.NotifyAs(what, RecipientKind.Applicant, input.Applicant.Id, topic, title, body);

        string MaterialEn(MaterialEntry m) => template.Materials.FirstOrDefault(d => d.Key == m.Key)?.NameEn ?? m.Name;
    }
}
