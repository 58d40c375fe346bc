using Microsoft.DurableTask;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Orchestration;

namespace Workflows.Cases;

/// <summary>Input of <see cref="StuckCaseOrchestrator"/>.</summary>
/// <param name="CaseId">The case (and instance) id.</param>
/// <param name="ApplicationId">The application reported.</param>
/// <param name="ApplicantId">Who reported it.</param>
/// <param name="ApplicantName">Their name.</param>
/// <param name="Description">What is stuck.</param>
/// <param name="Clock">The working-day clock the time limit is counted on.</param>
/// <param name="LimitDays">Working days to resolve it.</param>
/// <param name="ReminderBeforeDays">Working days before the limit to remind the administrators.</param>
public sealed record StuckCaseInput(
    string CaseId, string ApplicationId, string ApplicantId, string ApplicantName, string Description, SlaClock Clock, int LimitDays, double ReminderBeforeDays);

/// <summary>
/// One stuck case (办不成事): opens it and tells the administrators, then waits for their resolution while two
/// durable timers run beside the wait, a reminder before the time limit and an escalation at it; neither ends the
/// wait. The resolution closes the case and is sent to the applicant. Times come from the orchestration's clock
/// and ids from the case id, so replays agree; every write is <see cref="SaveCaseActivity"/>.
/// </summary>
public sealed class StuckCaseOrchestrator : TaskOrchestrator<StuckCaseInput, StuckCase>
{
    /// <summary>Who administrators' notifications go to.</summary>
    public const string Administrators = "admin";

    /// <inheritdoc />
    public override async Task<StuckCase> RunAsync(TaskOrchestrationContext context, StuckCaseInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var opened = context.CurrentUtcDateTime;
        var due = input.Clock.Due(opened, input.LimitDays);
        var remindAt = due - (input.Clock.DayLength * input.ReminderBeforeDays);
        var stuck = new StuckCase(input.CaseId, input.ApplicationId, input.ApplicantId, input.ApplicantName, input.Description, CaseStatus.Open, opened, due);
        // Each save writes one entry and its notices, all named for the step, so a replay or a re-run writes them once.
        var writes = WriteBuffer.ForCase(input.ApplicationId, input.CaseId, () => context.CurrentUtcDateTime);
        writes.AuditAs("opened", $"applicant:{input.ApplicantId}", "case.opened", null, nameof(CaseStatus.Open), input.Description);
        writes.NotifyAs("opened", RecipientKind.Administrators, Administrators, CaseTopics.Opened, new("办不成事：有申请被反映办不成", "A stuck application was reported (办不成事)"), new(
            $"{input.ApplicantName}反映申请 {input.ApplicationId} 办不成：{input.Description} 请在 {due:O} 前解决。",
            $"{input.ApplicantName} reports application {input.ApplicationId} stuck: {input.Description} Resolve by {due:O}."));
        writes.NotifyAs("received", RecipientKind.Applicant, input.ApplicantId, CaseTopics.Opened, new("您的反映已收到", "Your report was received"),
            new($"管理员将在 {due:O} 前解决。", $"An administrator will resolve it by {due:O}."));
        await SaveAsync(context, stuck, writes);

        using var timers = new CancellationTokenSource();
        var resolved = context.WaitForExternalEvent<CaseResolved>(nameof(CaseResolved));
        var reminder = context.CreateTimer(remindAt > opened ? remindAt : opened, timers.Token);
        var escalation = context.CreateTimer(due, timers.Token);
        var pending = new List<Task> { resolved, reminder, escalation };
        while (await Task.WhenAny(pending) is var fired && fired != resolved)
        {
            pending.Remove(fired);
            var now = context.CurrentUtcDateTime;
            if (fired == reminder)
            {
                stuck = stuck with { RemindedAt = now };
                writes.AuditAs("reminded", "engine", "case.reminded", null, null, $"截止 {due:O}。", $"Due {due:O}.");
                writes.NotifyAs("reminder", RecipientKind.Administrators, Administrators, CaseTopics.Reminder, new("办不成事案件即将到期", "A stuck case is due soon"), new(
                    $"案件 {stuck.CaseId}（{stuck.ApplicationId}）须在 {due:O} 前解决。", $"Case {stuck.CaseId} ({stuck.ApplicationId}) must be resolved by {due:O}."));
            }
            else
            {
                stuck = stuck with { EscalatedAt = now };
                writes.AuditAs("escalated", "engine", "case.escalated", null, null, $"到期 {due:O} 时仍未解决。", $"Unresolved at its time limit {due:O}.");
                writes.NotifyAs("escalated", RecipientKind.Administrators, Administrators, CaseTopics.Escalated, new("办不成事案件已超期", "A stuck case passed its time limit"), new(
                    $"案件 {stuck.CaseId}（{stuck.ApplicationId}）已于 {due:O} 到期，仍未解决。", $"Case {stuck.CaseId} ({stuck.ApplicationId}) was due {due:O} and is still unresolved."));
            }

            await SaveAsync(context, stuck, writes);
        }

        // The timers not fired yet are cancelled, so the instance completes without waiting for them. Synchronously:
        // CancelAsync would resume the orchestrator on another thread, which replay cannot follow.
        timers.Cancel();
        var resolution = resolved.Result;
        var at = context.CurrentUtcDateTime;
        stuck = stuck.Resolve(resolution.By, resolution.Resolution, at);
        writes.AuditAs("resolved", resolution.By, "case.resolved", nameof(CaseStatus.Open), nameof(CaseStatus.Resolved), resolution.Resolution);
        // The administrator's own words, in the one language they were written in.
        writes.NotifyAs("resolved", RecipientKind.Applicant, stuck.ApplicantId, CaseTopics.Resolved, new("您反映的办不成事：处理结果", "Your stuck application: resolution"),
            new(resolution.Resolution, resolution.Resolution));
        await SaveAsync(context, stuck, writes);
        return stuck;
    }

    // The case with the entry and notices made since the last save. With the storage retry policy like every other
    // activity call: a blip no longer fails the case. A save that succeeds at once records the same history as
    // before, so instances in flight replay without a version raise.
    // What the save returns is not read: a completion of a lost run may arrive in its place (ADR 0027).
    static Task SaveAsync(TaskOrchestrationContext context, StuckCase stuck, WriteBuffer writes)
    {
        var pending = writes.Take();
        return context.CallActivityAsync(nameof(SaveCaseActivity), new CaseUpdate(stuck, pending.Audit, pending.Notifications), OrchestrationRetry.Storage);
    }
}
