using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Storage;

/// <summary>
/// Reminders and escalations of the tasks no orchestration keeps time for (verifications, follow-ups), swept on
/// Azurite with the CN calendar (the store is not seeded, so the built-in one) and a reminder one working day ahead.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class TaskDeadlinesTests(StorageFixture storage) : IAsyncLifetime
{
    // Tuesday 2026-12-01, noon in Beijing.
    static readonly DateTimeOffset Now = new(2026, 12, 1, 4, 0, 0, TimeSpan.Zero);

    ServiceProvider provider = null!;

    TaskStore Tasks => provider.GetRequiredService<TaskStore>();

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = TaskHubNames.New("dln"),
        }).Build();
        provider = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await provider.DisposeAsync();

    static TaskRecord Make(string department, string id, TaskKind kind, DateTime due, OfficerTaskStatus status = OfficerTaskStatus.Open) => new(
        department, id, kind, $"app-{id}", "item", "事项", "newborn", "citizen-1", "王芳", status, due.AddDays(-10), due);

    [Fact]
    public async Task SweepAsync_FollowUpDueSoonAndVerificationOverdue_RemindsOneEscalatesTheOtherOnce()
    {
        var dueSoon = Make("hospital", "fu-soon", TaskKind.FollowUp, new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc));
        var overdue = Make("police", "vf-late", TaskKind.Verification, new DateTime(2026, 11, 30, 4, 0, 0, DateTimeKind.Utc));
        var decision = Make("police", "dc-late", TaskKind.Decision, new DateTime(2026, 11, 30, 4, 0, 0, DateTimeKind.Utc));
        var later = Make("hospital", "fu-later", TaskKind.FollowUp, new DateTime(2026, 12, 11, 4, 0, 0, DateTimeKind.Utc));
        var closed = Make("police", "vf-closed", TaskKind.Verification, new DateTime(2026, 11, 27, 4, 0, 0, DateTimeKind.Utc), OfficerTaskStatus.Closed);
        foreach (var t in new[] { dueSoon, overdue, decision, later, closed })
        {
            await Tasks.SaveAsync(t);
        }

        var deadlines = provider.GetRequiredService<TaskDeadlines>();
        (await deadlines.SweepAsync(Now)).ShouldBe(new TaskDeadlineSweep(1, 1));
        // The next sweep finds both done.
        (await deadlines.SweepAsync(Now.AddMinutes(1))).ShouldBe(new TaskDeadlineSweep(0, 0));

        (await Tasks.GetAsync("hospital", "fu-soon"))!.Reminded.ShouldBeTrue();
        var escalated = (await Tasks.GetAsync("police", "vf-late"))!;
        (escalated.Escalated, escalated.Status).ShouldBe((true, OfficerTaskStatus.Open));
        (await Tasks.GetAsync("police", "dc-late"))!.Escalated.ShouldBeFalse("a decision task's item keeps its own time");
        (await Tasks.GetAsync("hospital", "fu-later"))!.Reminded.ShouldBeFalse();
        (await Tasks.GetAsync("police", "vf-closed"))!.Escalated.ShouldBeFalse();

        var outbox = provider.GetRequiredService<NotificationOutbox>();
        (await outbox.ListAsync(RecipientKind.Department, "hospital")).ShouldHaveSingleItem().Notification.Topic.ShouldBe(NotificationTopics.Reminder);
        (await outbox.ListAsync(RecipientKind.Supervisor, "police")).ShouldHaveSingleItem().Notification.Topic.ShouldBe(NotificationTopics.Escalation);
        (await outbox.ListAsync(RecipientKind.Department, "police")).ShouldBeEmpty();
        var audit = provider.GetRequiredService<AuditTrail>();
        var escalation = (await audit.ReadAsync("app-vf-late")).ShouldHaveSingleItem();
        (escalation.Action, escalation.Before, escalation.After).ShouldBe(("task.escalated", "open", "escalated"));
        (await audit.ReadAsync("app-fu-soon")).ShouldHaveSingleItem().Action.ShouldBe("task.reminded");
    }

    [Fact]
    public async Task SaveIfStatusAsync_TaskAnsweredSinceItWasRead_IsNotReopened()
    {
        var open = Make("hospital", "fu-race", TaskKind.FollowUp, new DateTime(2026, 11, 30, 4, 0, 0, DateTimeKind.Utc));
        await Tasks.SaveAsync(open);
        await Tasks.SaveAsync(open with { Status = OfficerTaskStatus.Closed, Outcome = "answered" });

        (await Tasks.SaveIfStatusAsync(open with { Escalated = true }, OfficerTaskStatus.Open)).ShouldBeFalse();

        var stored = (await Tasks.GetAsync("hospital", "fu-race"))!;
        (stored.Status, stored.Escalated).ShouldBe((OfficerTaskStatus.Closed, false));
        (await Tasks.ListAsync("hospital")).Count(t => t.TaskId == "fu-race").ShouldBe(1);
    }
}
