using Workflows.Activities;
using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>A rule item its bundle decided itself: the result, and what the item would have written at its end.</summary>
/// <param name="Result">How the item ended.</param>
/// <param name="Effects">Its certificates, verification tasks and licence endings, written with the bundle's next save;
/// the audit and notifications are in <paramref name="Audit"/> and <paramref name="Notifications"/> instead.</param>
/// <param name="Audit">Its audit entries, in order, under the item's own step ids.</param>
/// <param name="Notifications">What it tells people, under the item's own notification ids.</param>
public sealed record DecidedInBundle(ItemResult Result, FinishItemInput Effects, IReadOnlyList<AuditEntry> Audit, IReadOnlyList<Notification> Notifications);

/// <summary>
/// Decides a rule item (秒批) inside its bundle instead of in a sub-orchestration of its own (2.6, ADR 0028): an item
/// that waits for nothing needs no instance, no history and no messages of its own. Pure: the same input, instance id
/// and time give the same result, entries, notices and certificate numbers as <see cref="ItemOrchestrator"/> writes
/// for it, so the trail, the task list and the licences cannot tell the two paths apart. An item that must wait (the
/// rules refer it to an officer, or an approval waits for a deferred material) is not decided here: it runs as before.
/// </summary>
public static class RuleItemInBundle
{
    /// <summary>Decides the item when it decides at once.</summary>
    /// <param name="input">The item's input, as its sub-orchestration would get it.</param>
    /// <param name="now">The orchestration time.</param>
    /// <returns>The decision, or null when the item must run as its own instance.</returns>
    public static DecidedInBundle? TryDecide(ItemInput input, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Item.Decision is not RuleDecision rules)
        {
            return null;
        }

        var item = input.Item;
        var clock = input.ClockOrDefault();
        var verdict = RuleEngine.Decide(rules, new EvaluationContext(input.Answers, input.Licences.ToHashSet(StringComparer.Ordinal), input.PriorOutputs, input.SubmittedOn, clock.Calendar));
        var deferred = input.Materials.Any(m => m.Status == MaterialStatus.Deferred);
        if (verdict.Outcome is not (RuleOutcome.Approve or RuleOutcome.Reject) || (verdict.Outcome == RuleOutcome.Approve && deferred))
        {
            return null;
        }

        var instanceId = ItemOrchestrator.InstanceId(input.ApplicationId, item.Key);
        // The same ids as the item's own instance gives its entries and notices.
        var writes = WriteBuffer.ForItem(input.ApplicationId, item.Key, instanceId, () => now);
        var due = clock.Due(now, item.CommittedDays);
        var decidedBy = verdict.RuleKey is null ? "rules:fallback" : $"rule:{verdict.RuleKey}";
        var evidence = string.Join("; ", verdict.Evidence);
        writes.Audit("engine", "item.started", null, nameof(ItemState.Running), $"截止 {due:o}", $"due {due:o}");
        writes.Audit(decidedBy, "item.rules.evaluated", null, verdict.Outcome.ToString(), $"{verdict.Rationale} | {evidence}", verdict.RationaleEn is { } en ? $"{en} | {evidence}" : null);
        var result = new ItemResult(item.Key, verdict.Outcome == RuleOutcome.Approve ? ItemState.Approved : ItemState.Rejected, decidedBy, verdict.Rationale,
            new Dictionary<string, string>(), verdict.Evidence, ReasonEn: verdict.RationaleEn);

        IssueCertificatesInput? certificates = null;
        IReadOnlyList<TaskRecord> verifications = [];
        if (result.State == ItemState.Approved)
        {
            (var outputs, certificates) = ItemOutputs.Of(input, result.Outputs, instanceId, now);
            result = result with { Outputs = outputs };
            verifications = ItemEffects.Verifications(input, now);
            ItemEffects.NotifyVerifiers(input, verifications, writes, now);
        }

        var (detail, detailEn) = ItemEffects.OutcomeDetail(result);
        writes.Audit(result.DecidedBy, $"item.{result.State.ToString().ToLowerInvariant()}", nameof(ItemState.Running), result.State.ToString(), detail, detailEn);
        ItemEffects.NotifyDecided(input, result, writes, now);
        var endings = ItemEffects.Endings(input, result, now);
        var effects = new FinishItemInput(certificates, verifications, [], null, endings.Count > 0 ? endings[0] : null, endings.Count > 1 ? [.. endings.Skip(1)] : null);
        var written = writes.Take();
        return new DecidedInBundle(result, effects, written.Audit, written.Notifications);
    }
}
