using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Notifications;

namespace Workflows.IntegrationTests.Notifications;

/// <summary>
/// Delivery on Azurite through the named resilience pipeline: a channel that fails a few times is retried and
/// delivers once; one that never works leaves the row pending with its attempts for the sweeper; a step run again
/// delivers what its first run could not, and tells nobody twice.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class NotifierTests(StorageFixture storage)
{
    static readonly DateTime At = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task NotifyAsync_ChannelFailsTwiceThenWorks_DeliveredOnceAndMarkedSent()
    {
        var channel = new FlakyChannel(failures: 2);
        using var services = Services(channel);
        var n = Sample("flaky:1");

        await services.GetRequiredService<Notifier>().NotifyAsync([n]);

        channel.Calls.ShouldBe(3);
        channel.Delivered.ShouldBe([n.Id]);
        var stored = (await Outbox(services).ListAsync(n.Kind, n.Recipient)).ShouldHaveSingleItem();
        stored.Status.ShouldBe(DeliveryStatus.Sent);
        stored.Attempts.ShouldBe(3);
        (await Outbox(services).ListPendingAsync(DateTimeOffset.UtcNow.AddHours(1))).ShouldNotContain(p => p.Notification.Id == n.Id);
    }

    [Fact]
    public async Task NotifyAsync_ChannelAlwaysFails_LeftPendingWithAttemptsAndIndexedForTheSweeper()
    {
        var channel = new FlakyChannel(failures: int.MaxValue);
        using var services = Services(channel);
        var n = Sample("down:1");

        var added = await services.GetRequiredService<Notifier>().NotifyAsync([n]);

        added.ShouldBe([n], "a delivery failure must not undo the record");
        channel.Calls.ShouldBe(3, "one try and the pipeline's two retries");
        channel.Delivered.ShouldBeEmpty();
        var stored = (await Outbox(services).ListAsync(n.Kind, n.Recipient)).ShouldHaveSingleItem();
        stored.Status.ShouldBe(DeliveryStatus.Pending);
        stored.Attempts.ShouldBe(3);
        var pending = (await Outbox(services).ListPendingAsync(DateTimeOffset.UtcNow.AddHours(1))).ShouldHaveSingleItem();
        pending.Notification.ShouldBe(n);
        pending.Attempts.ShouldBe(3);
        (await Outbox(services).ListPendingAsync(DateTimeOffset.UtcNow.AddMinutes(-5))).ShouldBeEmpty("only rows tried before the bound");
    }

    [Fact]
    public async Task NotifyAsync_StepRunAgainAfterAFailedDelivery_DeliversThePendingOneOnlyAndNeverTheSentOne()
    {
        var channel = new FlakyChannel(failures: 3);
        using var services = Services(channel);
        var notifier = services.GetRequiredService<Notifier>();
        var failing = Sample("rerun:1");
        await notifier.NotifyAsync([failing]);
        channel.Delivered.ShouldBeEmpty();

        // The step runs again (its activity was retried): same notifications, nothing new recorded.
        var again = await notifier.NotifyAsync([failing]);
        var third = await notifier.NotifyAsync([failing]);

        again.ShouldBeEmpty();
        third.ShouldBeEmpty();
        channel.Delivered.ShouldBe([failing.Id], "delivered by the re-run, and not again by the third run");
        var stored = (await Outbox(services).ListAsync(failing.Kind, failing.Recipient)).ShouldHaveSingleItem();
        stored.Status.ShouldBe(DeliveryStatus.Sent);
        stored.Attempts.ShouldBe(4);
        (await Outbox(services).ListPendingAsync(DateTimeOffset.UtcNow.AddHours(1))).ShouldBeEmpty("the pending index row goes once sent");
    }

    [Fact]
    public async Task NotifyAsync_ReRunWithAnotherOrchestrationTime_OneRowOneDelivery()
    {
        var channel = new FlakyChannel(failures: 0);
        using var services = Services(channel);
        var notifier = services.GetRequiredService<Notifier>();
        var first = Sample("rerun-time:n000");

        await notifier.NotifyAsync([first]);
        // A re-run of the orchestration makes the same notification (same id) at its own orchestration time.
        var again = await notifier.NotifyAsync([first with { At = first.At.AddMinutes(7) }]);
        var later = await notifier.NotifyAsync([first with { At = first.At.AddDays(1) }]);

        again.ShouldBeEmpty();
        later.ShouldBeEmpty();
        channel.Delivered.ShouldBe([first.Id]);
        var stored = (await Outbox(services).ListAsync(first.Kind, first.Recipient)).ShouldHaveSingleItem();
        stored.Notification.ShouldBe(first, "the first record stands");
        stored.Status.ShouldBe(DeliveryStatus.Sent);
        (await Outbox(services).ListPendingAsync(DateTimeOffset.UtcNow.AddDays(3))).ShouldBeEmpty();
    }

    [Fact]
    public async Task SweepAsync_PendingOlderThanTheMinimumAge_DeliversAndClearsTheIndex()
    {
        var channel = new FlakyChannel(failures: 3);
        using var services = Services(channel);
        var notifier = services.GetRequiredService<Notifier>();
        var n = Sample("sweep:1");
        await notifier.NotifyAsync([n]);

        (await notifier.SweepAsync(DateTimeOffset.UtcNow)).ShouldBe((0, 0, 0), "tried just now: too young for the sweeper");
        var swept = await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(2));

        swept.ShouldBe((1, 0, 0));
        channel.Delivered.ShouldBe([n.Id]);
        (await Outbox(services).ListAsync(n.Kind, n.Recipient)).ShouldHaveSingleItem().Status.ShouldBe(DeliveryStatus.Sent);
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(2))).ShouldBe((0, 0, 0));
    }

    [Fact]
    public async Task SweepAsync_ChannelStillDownAtTheLimit_MarksFailedAndStopsTrying()
    {
        var channel = new FlakyChannel(failures: int.MaxValue);
        using var services = Services(channel, giveUpAfter: 5);
        var notifier = services.GetRequiredService<Notifier>();
        var n = Sample("limit:1");
        await notifier.NotifyAsync([n]);

        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(2))).ShouldBe((0, 0, 1));

        (await Outbox(services).ListAsync(n.Kind, n.Recipient)).ShouldHaveSingleItem().Status.ShouldBe(DeliveryStatus.Failed);
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(4))).ShouldBe((0, 0, 0));
    }

    static Notification Sample(string id) =>
        new(id, RecipientKind.Department, "hospital", NotificationTopics.NewTask, "新任务 New task", "A task is waiting.", At, "app-x", "birth-certificate");

    static NotificationOutbox Outbox(ServiceProvider services) => services.GetRequiredService<NotificationOutbox>();

    ServiceProvider Services(INotificationChannel channel, int giveUpAfter = 30)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = storage.NewHub("ntf").TablePrefix,
            // Retries a few milliseconds apart: the pipeline's shape is under test, not its delays.
            ["Notifications:RetryDelay"] = "00:00:00.010",
            ["Notifications:GiveUpAfterAttempts"] = giveUpAfter.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddWorkflows(configuration);
        services.AddSingleton(channel);
        return services.BuildServiceProvider();
    }

    /// <summary>A channel that fails its first <c>failures</c> calls, then delivers.</summary>
    sealed class FlakyChannel(int failures) : INotificationChannel
    {
        int calls;

        public int Calls => calls;

        public List<string> Delivered { get; } = [];

        public string Name => "flaky";

        public bool IsEnabled => true;

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref calls) <= failures)
            {
                throw new HttpRequestException("The gateway is down.");
            }

            Delivered.Add(notification.Id);
            return Task.CompletedTask;
        }
    }
}
