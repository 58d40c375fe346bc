using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Templates;

namespace Workflows.Tasks;

/// <summary>What one sweep of task deadlines did.</summary>
/// <param name="Reminded">Tasks whose department was reminded now.</param>
/// <param name="Escalated">Tasks escalated to the department's supervisors now.</param>
public sealed record TaskDeadlineSweep(int Reminded, int Escalated);

/// <summary>
/// Keeps time for the tasks no orchestration waits on: a commitment's verification (告知承诺) and a bad rating's
/// follow-up (好差评). A decision task's item arms durable timers for its reminder and escalation; these tasks are
/// the department's own work with a due time, so a periodic sweep does the same for them: a reminder
/// <see cref="SlaOptions.ReminderBefore"/> working days before the due time, and at it an escalation to the
/// department's supervisors (the task marked <see cref="TaskRecord.Escalated"/>), each once per due time. Each
/// department's open tasks due soon are one range read of the queue index, however many tasks it has.
/// </summary>
/// <param name="tasks">The task lists.</param>
/// <param name="outbox">Where the notices go (the notification sweeper delivers them).</param>
/// <param name="audit">The trail of the application each task belongs to.</param>
/// <param name="clocks">The SLA clock in force.</param>
public sealed class TaskDeadlines(TaskStore tasks, NotificationOutbox outbox, AuditTrail audit, SlaClockSource clocks)
{
    // Tasks due within this many calendar days are read; a reminder of a working day or two before never reaches further.
    static readonly TimeSpan Horizon = TimeSpan.FromDays(30);

    /// <summary>Reminds and escalates what is due.</summary>
    /// <param name="now">Now.</param>
    /// <param name="cancellationToken">Cancels the sweep; what was done stays done.</param>
    /// <returns>What it did.</returns>
    public async Task<TaskDeadlineSweep> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var clock = await clocks.CurrentAsync(cancellationToken);
        var at = now.UtcDateTime;
        var reminded = 0;
        var escalated = 0;
        foreach (var department in BuiltInTemplates.Catalog.Departments.Select(d => d.Code))
        {
            string? continuation = null;
            do
            {
                var page = await tasks.ListPageAsync(department, OfficerTaskStatus.Open, at + Horizon, null, TaskStore.MaxPageSize, continuation, cancellationToken: cancellationToken);
                foreach (var task in page.Tasks.Where(t => TaskKinds.SweptForDeadlines(t.Kind)))
                {
                    if (task.DueAt <= at && !task.Escalated)
                    {
                        await EscalateAsync(task, cancellationToken);
                        escalated++;
                    }
                    else if (task.DueAt > at && !task.Reminded && clock.ReminderAt(task.DueAt) is var remindAt && remindAt <= at)
                    {
                        await RemindAsync(task, remindAt, cancellationToken);
                        reminded++;
                    }
                }

                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        return new TaskDeadlineSweep(reminded, escalated);
    }

    // The notice and the audit entry are keyed by the task and its due time, then the task is marked: a sweep cut
    // short in between does it again and writes nothing twice. The mark is written only on a task still open, so a
    // task answered or verified meanwhile is not reopened (its notice is then one the department can ignore).
    async Task RemindAsync(TaskRecord task, DateTime remindAt, CancellationToken cancellationToken)
    {
        var key = $"{task.TaskId}:reminder:{task.DueAt.Ticks}";
        await outbox.AddAsync(
        [
            Notification.Of(key, RecipientKind.Department, task.Department, NotificationTopics.Reminder, new($"即将到期：{task.ItemName}", $"Due soon: {task.ItemName}"),
                new($"申请 {task.ApplicationId}（{task.ApplicantName}）的{TaskKinds.Describe(task.Kind).Zh}将于 {task.DueAt:yyyy-MM-dd HH:mm} UTC 到期。",
                    $"{TaskKinds.Describe(task.Kind).En} for application {task.ApplicationId} ({task.ApplicantName}) is due {task.DueAt:yyyy-MM-dd HH:mm} UTC."), remindAt,
                task.ApplicationId, task.ItemKey),
        ], cancellationToken);
        await audit.AppendAsync(new AuditEntry(task.ApplicationId, key, remindAt, "engine", "task.reminded", null, null, $"{task.TaskId} 截止 {task.DueAt:o}", $"{task.TaskId} due {task.DueAt:o}"), cancellationToken);
        await tasks.SaveIfStatusAsync(task with { Reminded = true }, OfficerTaskStatus.Open, cancellationToken);
    }

    async Task EscalateAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        var key = $"{task.TaskId}:escalated:{task.DueAt.Ticks}";
        await outbox.AddAsync(
        [
            Notification.Of(key, RecipientKind.Supervisor, task.Department, NotificationTopics.Escalation, new($"已超期：{task.ItemName}", $"Overdue: {task.ItemName}"),
                new($"申请 {task.ApplicationId}（{task.ApplicantName}）的{TaskKinds.Describe(task.Kind).Zh}已超过到期时间 {task.DueAt:yyyy-MM-dd HH:mm} UTC。",
                    $"{TaskKinds.Describe(task.Kind).En} for application {task.ApplicationId} ({task.ApplicantName}) passed its due time {task.DueAt:yyyy-MM-dd HH:mm} UTC."), task.DueAt,
                task.ApplicationId, task.ItemKey),
        ], cancellationToken);
        // States camelCase, as the API answers them (ADR 0016).
        await audit.AppendAsync(new AuditEntry(task.ApplicationId, key, task.DueAt, "engine", "task.escalated", "open", "escalated",
            $"{task.TaskId} 已过截止 {task.DueAt:o}", $"{task.TaskId} due {task.DueAt:o} passed"), cancellationToken);
        await tasks.SaveIfStatusAsync(task with { Escalated = true, Reminded = true }, OfficerTaskStatus.Open, cancellationToken);
    }
}
