using Microsoft.DurableTask;
using Workflows.Audit;
using Workflows.Notifications;

namespace Workflows.Cases;

/// <summary>A case's state, the audit entries of the step that led to it and whom to tell.</summary>
/// <param name="Case">The case.</param>
/// <param name="Audit">The step's entries.</param>
/// <param name="Notifications">What to tell people; none when null.</param>
public sealed record CaseUpdate(StuckCase Case, IReadOnlyList<AuditEntry> Audit, IReadOnlyList<Notification>? Notifications = null);

/// <summary>
/// Writes a case step: audit first (whoever sees the state finds the trail), then the case row, then the
/// notifications. Re-runs add no audit row or notification twice (deterministic ids) and merge the same row.
/// </summary>
public sealed class SaveCaseActivity(CaseStore store, AuditTrail trail, Notifier notifier) : TaskActivity<CaseUpdate, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, CaseUpdate input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await trail.AppendAsync(input.Audit);
        await store.SaveAsync(input.Case);
        await notifier.NotifyAsync(input.Notifications ?? []);
        return true;
    }
}
