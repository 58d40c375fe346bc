using Workflows.Activities;
using Workflows.Tasks;

namespace Workflows.Orchestration;

/// <summary>
/// The one activity that ends the item. What an approval leaves behind (licences ended, commitments to verify, who is
/// told) is <see cref="ItemEffects"/>, shared with the rule items a bundle decides itself (ADR 0028).
/// </summary>
sealed partial class ItemRun
{
    // One activity ends the item: its certificates, its tasks and the rest of its audit, the outcome last.
    async Task FinishAsync(ItemResult result, IssueCertificatesInput? certificates, IReadOnlyList<TaskRecord> verifications)
    {
        var now = context.CurrentUtcDateTime;
        var (detail, detailEn) = ItemEffects.OutcomeDetail(result);
        // Not held: should this write fail, the item's last flush (ExecuteAsync) must not claim an end not reached.
        var outcome = writes.Entry(result.DecidedBy, $"item.{result.State.ToString().ToLowerInvariant()}", nameof(ItemState.Running), result.State.ToString(), detail, detailEn);
        ItemEffects.NotifyDecided(input, result, writes, now);
        var pending = writes.Peek();
        IReadOnlyList<TaskRecord> tasks = pending.DecisionTask is { } decision ? [decision, .. verifications] : verifications;

        // Endings are data, not a step, so instances in flight replay (ADR 0004).
        var endings = ItemEffects.Endings(input, result, now);
        // What a write returns is not read (ADR 0027: a completion of a lost run may arrive in its place).
        await context.CallActivityAsync(nameof(FinishItemActivity), new FinishItemInput(certificates, tasks, [.. pending.Audit, outcome], pending.NotificationsOrNull,
            endings.Count > 0 ? endings[0] : null, endings.Count > 1 ? [.. endings.Skip(1)] : null, input.ApplicationId, result), OrchestrationRetry.Storage);
        writes.Clear();
    }
}
