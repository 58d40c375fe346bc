using Microsoft.Extensions.Options;
using Workflows.Notifications;
using Workflows.Storage;

namespace Workflows.IntegrationTests.Notifications;

/// <summary>The outbox on Azurite: a step run again adds nothing, and a recipient reads their own, newest first.</summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class NotificationOutboxTests(StorageFixture storage) : IDisposable
{
    static readonly DateTime At = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);
    readonly StorageOperationCounter counter = new();

    [Fact]
    public async Task AddAsync_SameStepAgain_RecordsOnce()
    {
        var outbox = Outbox();
        var first = new Notification("app-1:bundle:001", RecipientKind.Applicant, "citizen-1", NotificationTopics.Accepted, "已受理", "Your application was accepted.", At, "app-1");

        (await outbox.AddAsync([first])).ShouldBe([first]);
        (await outbox.AddAsync([first])).ShouldBeEmpty();

        var mine = await outbox.ListAsync(RecipientKind.Applicant, "citizen-1");
        mine.Select(n => n.Notification).ShouldBe([first]);
        mine[0].Status.ShouldBe(DeliveryStatus.Pending);
    }

    [Fact]
    public async Task ListAsync_Recipient_SeesOnlyTheirOwnNewestFirst()
    {
        var outbox = Outbox();
        var older = new Notification("a:1", RecipientKind.Applicant, "citizen-2", NotificationTopics.Accepted, "t", "b", At);
        var newer = new Notification("a:2", RecipientKind.Applicant, "citizen-2", NotificationTopics.ItemDecided, "t", "b", At.AddMinutes(5));
        var someoneElse = new Notification("b:1", RecipientKind.Applicant, "citizen-3", NotificationTopics.Accepted, "t", "b", At.AddMinutes(1));
        var department = new Notification("c:1", RecipientKind.Department, "citizen-2", NotificationTopics.NewTask, "t", "b", At.AddMinutes(2));
        await outbox.AddAsync([older, someoneElse, newer, department]);

        var mine = await outbox.ListAsync(RecipientKind.Applicant, "citizen-2");

        mine.Select(n => n.Notification.Id).ShouldBe(["a:2", "a:1"]);
    }

    [Fact]
    public async Task MarkAsync_Delivered_ShowsSentWithAttempts()
    {
        var outbox = Outbox();
        var n = new Notification("d:1", RecipientKind.Department, "hospital", NotificationTopics.NewTask, "新任务", "A task is waiting.", At);
        await outbox.AddAsync([n]);

        await outbox.MarkAsync(n, DeliveryStatus.Sent, 2);

        var stored = (await outbox.ListAsync(RecipientKind.Department, "hospital")).Single();
        stored.Status.ShouldBe(DeliveryStatus.Sent);
        stored.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task AddAsync_SameIdAtAnotherTime_RecordsOnce()
    {
        var outbox = Outbox();
        var first = new Notification("app-9:item:n000", RecipientKind.Applicant, "citizen-9", NotificationTopics.ItemDecided, "t", "b", At, "app-9");

        (await outbox.AddAsync([first])).ShouldBe([first]);
        (await outbox.AddAsync([first with { At = At.AddHours(3) }])).ShouldBeEmpty("a re-run's orchestration time is not a new notification");

        (await outbox.ListAsync(RecipientKind.Applicant, "citizen-9")).ShouldHaveSingleItem().Notification.ShouldBe(first);
        (await outbox.ListPendingAsync(At.AddDays(2))).Where(p => p.Notification.Id == first.Id).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task MarkAsync_LatePendingAfterSent_StaysSent()
    {
        var outbox = Outbox();
        var n = new Notification("late:1", RecipientKind.Department, "police", NotificationTopics.NewTask, "t", "b", At);
        await outbox.AddAsync([n]);
        await outbox.MarkAsync(n, DeliveryStatus.Sent, 1);

        // A deliverer whose lease ran out reports its failure after another one sent it.
        await outbox.MarkAsync(n, DeliveryStatus.Pending, 3, ["webhook"]);
        await outbox.MarkAsync(n, DeliveryStatus.Failed, 5);

        var stored = (await outbox.ListAsync(RecipientKind.Department, "police")).Single();
        stored.Status.ShouldBe(DeliveryStatus.Sent);
        stored.Attempts.ShouldBe(1);
        (await outbox.ListPendingAsync(At.AddDays(2))).ShouldNotContain(p => p.Notification.Id == n.Id, "a sent one is not brought back for the sweeper");
    }

    public void Dispose() => counter.Dispose();

    NotificationOutbox Outbox()
    {
        var options = Options.Create(new StorageOptions { ConnectionString = storage.ConnectionString, TablePrefix = storage.NewHub("notify").TablePrefix });
        return new NotificationOutbox(new StorageTables(new StorageClients(options, counter)));
    }
}
