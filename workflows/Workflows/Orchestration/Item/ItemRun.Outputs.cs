using Workflows.Activities;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>What an approval leaves behind (licences ended, commitments to verify) and the one activity that ends the item.</summary>
sealed partial class ItemRun
{
    // A verification is a new task like a decision: its department is told, in the same finishing activity. One
    // shared by several items (its verifier named in the ledger) is told under the task's own id, so every item
    // approved on the commitment writes the same notice and the department reads it once.
    void TellVerifiers(IReadOnlyList<TaskRecord> verifications)
    {
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

    // The outcome's reason in each language where the engine wrote it, with the evidence.
    static (string Zh, string? En) Detail(ItemResult result)
    {
        var evidence = result.Evidence.Count == 0 ? string.Empty : $" | {string.Join("; ", result.Evidence)}";
        return ($"{result.Reason}{evidence}", result.ReasonEn is { } en ? $"{en}{evidence}" : null);
    }
}
