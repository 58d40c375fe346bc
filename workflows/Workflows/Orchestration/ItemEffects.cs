using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>
/// What an item's end does besides its result: the verification of each commitment it was approved on, what it ends
/// in licences, and what it tells people (into the item's <see cref="WriteBuffer"/>, which numbers the notices). Deterministic,
/// from the item's input and the orchestration time, so a rule item its bundle decides (<see cref="RuleItemInBundle"/>)
/// writes what its own instance would have written.
/// </summary>
public static class ItemEffects
{
    /// <summary>
    /// A task to verify each commitment (告知承诺) the approval was given on: the verifier's, named in the ledger, once for
    /// every item approved on it (whichever finishes first creates it; the task is created only if absent); in a ledger
    /// from before, this item's own.
    /// </summary>
    /// <param name="input">The item's input.</param>
    /// <param name="now">The orchestration time of the approval.</param>
    /// <returns>The tasks, in the ledger's order.</returns>
    public static IReadOnlyList<TaskRecord> Verifications(ItemInput input, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var item = input.Item;
        var clock = input.ClockOrDefault();
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

    /// <summary>
    /// Tells each verifying department of its new task. One shared by several items (its verifier named in the ledger)
    /// is told under the task's own id, so every item approved on the commitment writes the same notice and the
    /// department reads it once; the item's own is numbered like the item's other notices.
    /// </summary>
    /// <param name="input">The item's input.</param>
    /// <param name="verifications">The verification tasks.</param>
    /// <param name="writes">The item's writes, which number its notices and hold these.</param>
    /// <param name="now">The orchestration time.</param>
    public static void NotifyVerifiers(ItemInput input, IReadOnlyList<TaskRecord> verifications, WriteBuffer writes, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(verifications);
        ArgumentNullException.ThrowIfNull(writes);
        var item = input.Item;
        foreach (var verification in verifications)
        {
            var verifierEn = input.Materials.Select(m => m.Verifier).FirstOrDefault(v => v?.Item == verification.ItemKey)?.ItemNameEn;
            var title = new LocalText($"新任务：核查“{verification.ItemName}”的承诺",
                $"New task: verify a commitment for {(verification.ItemKey == item.Key ? NameEn(item) : verifierEn ?? verification.ItemName)}");
            var body = new LocalText($"{input.Applicant.Name}的申请 {input.ApplicationId} 已凭书面承诺通过；{verification.Note} 截止 {verification.DueAt:yyyy-MM-dd HH:mm} UTC。",
                $"{input.Applicant.Name}'s application {input.ApplicationId} was approved on a written commitment; {verification.NoteEn ?? verification.Note} Due {verification.DueAt:yyyy-MM-dd HH:mm} UTC.");
            writes.Add(verification.ItemKey == item.Key && !Shared(input, verification)
                ? Notification.Of(writes.NextNoticeId(), RecipientKind.Department, item.Department, NotificationTopics.NewTask, title, body, now, input.ApplicationId, item.Key)
                : Notification.Of($"{verification.TaskId}:opened", RecipientKind.Department, verification.Department, NotificationTopics.NewTask, title, body, now, input.ApplicationId, verification.ItemKey));
        }
    }

    /// <summary>Tells the applicant an item was approved or rejected; nothing for any other end.</summary>
    /// <param name="input">The item's input.</param>
    /// <param name="result">How it ended.</param>
    /// <param name="writes">The item's writes, which number its notices and hold this one.</param>
    /// <param name="now">The orchestration time.</param>
    public static void NotifyDecided(ItemInput input, ItemResult result, WriteBuffer writes, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writes);
        if (result.State is not (ItemState.Approved or ItemState.Rejected))
        {
            return;
        }

        var item = input.Item;
        var (zh, en) = result.State == ItemState.Approved ? ("已通过", "approved") : ("未通过", "rejected");
        // The engine's reason in each language; an officer's or outside system's own words are the body in both.
        writes.Add(Notification.Of(writes.NextNoticeId(), RecipientKind.Applicant, input.Applicant.Id, NotificationTopics.ItemDecided,
            new($"{item.Name}：{zh}", $"{NameEn(item)}: {en}"), new(result.Reason ?? zh, result.ReasonEn ?? result.Reason ?? en), now, input.ApplicationId, item.Key));
    }

    /// <summary>
    /// What an approval ends in the applicant's licences (the template's revokes and supersedes), recorded before the
    /// item's own certificates; a supersession of another party's licence (the seller's title) is its own ending, in that
    /// party's licences.
    /// </summary>
    /// <param name="input">The item's input.</param>
    /// <param name="result">How it ended; nothing ends unless approved.</param>
    /// <param name="now">The orchestration time.</param>
    /// <returns>The endings, the applicant's first.</returns>
    public static IReadOnlyList<LicenceEnding> Endings(ItemInput input, ItemResult result, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(result);
        var item = input.Item;
        if (result.State != ItemState.Approved || (item.Revokes is not { Count: > 0 } && item.Supersedes is null))
        {
            return [];
        }

        var by = item.Supersedes is { } s ? item.Outputs.FirstOrDefault(o => o.Key == s.By) : null;
        var supersededHolder = BundleParty.HolderOf(input.Parties, item.Supersedes?.Party, input.Applicant.Id);
        var supersession = new LicenceEnding(
            supersededHolder, input.ApplicationId, item.Key, [], item.Supersedes?.LicenceType,
            by?.LicenceType, by is null ? null : result.Outputs.GetValueOrDefault(by.Key), now, item.Name, item.NameEn);
        if (supersededHolder == input.Applicant.Id)
        {
            return [supersession with { Revokes = item.Revokes ?? [] }];
        }

        var endings = new List<LicenceEnding>();
        if (item.Revokes is { Count: > 0 } revokes)
        {
            endings.Add(new LicenceEnding(input.Applicant.Id, input.ApplicationId, item.Key, revokes, null, null, null, now, item.Name, item.NameEn));
        }

        endings.Add(supersession);
        return endings;
    }

    /// <summary>The outcome's reason in each language where the engine wrote it, with the evidence.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The Chinese (or a person's words) and the English when the engine wrote it.</returns>
    public static (string Zh, string? En) OutcomeDetail(ItemResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var evidence = result.Evidence.Count == 0 ? string.Empty : $" | {string.Join("; ", result.Evidence)}";
        return ($"{result.Reason}{evidence}", result.ReasonEn is { } en ? $"{en}{evidence}" : null);
    }

    // The item's name in English notifications: its own English name, or the Chinese one when it has none.
    static string NameEn(ItemDefinition item) => item.NameEn ?? item.Name;

    // A verification several items share (its ledger line names a verifier and more than one item needs it).
    static bool Shared(ItemInput input, TaskRecord verification) => input.Materials.Any(m =>
        m.Verifier is not null && m.RequiredBy.Count > 1 && verification.TaskId.EndsWith($":verify:{m.Key}", StringComparison.Ordinal));
}
