using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>The item's due clock: the reminder and escalation raced with each wait, an administrator's extension, and the pause while the applicant has the item.</summary>
sealed partial class ItemRun
{
    // Waits for the first of the given tasks while keeping time: the reminder before the due time and the escalation
    // at it are timers raced with the wait, never instead of it, and an administrator's extension moves the due
    // time; when one of those comes the item tells people and waits on. Returns null after ItemOrchestrator.MaxOfficerWaits wake-ups
    // (a flood of ignored events), which bounds the history.
    async Task<Task?> AwaitKeepingTimeAsync(params Task[] waits)
    {
        var early = false;
        while (wakes++ < ItemOrchestrator.MaxOfficerWaits)
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
        writes.Audit("engine", "item.reminded", null, null, $"截止 {due:o}", $"due {due:o}");
        writes.Notify(RecipientKind.Department, item.Department, NotificationTopics.Reminder, new($"即将到期：{item.Name}", $"Due soon: {NameEn}"), new(
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
        writes.Audit("engine", "item.escalated", nameof(OfficerTaskStatus.Open), "Escalated", $"截止 {due:o} 已过，尚未作出决定", $"due {due:o} passed without a decision");
        if (current is not null)
        {
            SetTask(current with { Escalated = true });
        }

        writes.Notify(RecipientKind.Supervisor, item.Department, NotificationTopics.Escalation, new($"已超期：{item.Name}", $"Overdue: {NameEn}"), new(
            $"申请 {input.ApplicationId}（{input.Applicant.Name}）已超过到期时间 {due:yyyy-MM-dd HH:mm} UTC，{item.Department} 仍未作出决定。",
            $"Application {input.ApplicationId} ({input.Applicant.Name}) passed its due time {due:yyyy-MM-dd HH:mm} UTC without a decision of {item.Department}."));
    }

    // An administrator's extension: the due time moves by working days on the pinned clock, both timers are armed
    // again for it, and an escalation of the old due time no longer stands.
    void Extend(DueExtended extended)
    {
        if (extended.WorkingDays is < 1 or > ItemOrchestrator.MaxExtensionDays || extensions >= ItemOrchestrator.MaxExtensions)
        {
            writes.Audit(extended.By, "item.due.extension.ignored", null, null,
                $"{extended.WorkingDays} 个工作日：最多延期 {ItemOrchestrator.MaxExtensions} 次，每次 1 至 {ItemOrchestrator.MaxExtensionDays} 个工作日",
                $"{extended.WorkingDays} working day(s): at most {ItemOrchestrator.MaxExtensions} extensions of 1 to {ItemOrchestrator.MaxExtensionDays} working days");
            return;
        }

        extensions++;
        var before = due;
        due = clock.Due(due, extended.WorkingDays);
        writes.Audit(extended.By, "item.due.extended", $"{before:o}", $"{due:o}", $"延长 {extended.WorkingDays} 个工作日：{extended.Reason}", $"+{extended.WorkingDays} working day(s): {extended.Reason}");
        if (current is not null)
        {
            SetTask(current with { DueAt = due, Escalated = false });
        }

        SkipPassedReminder();
    }
}
