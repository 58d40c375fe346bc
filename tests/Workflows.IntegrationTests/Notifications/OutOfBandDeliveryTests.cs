using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Notifications;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Notifications;

/// <summary>
/// Delivery on Azurite through the real channels to fakes of the outside systems (an SMTP relay, an SMS gateway):
/// a send that fails stays pending until the sweeper delivers it, exactly once per channel; a notification only
/// recorded goes at the next sweep; two sweepers never deliver the same notification together.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class OutOfBandDeliveryTests(StorageFixture storage)
{
    const string Hospital = "hospital";
    static readonly DateTime At = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task NotifyAsync_SmtpRefusesThenAccepts_PendingUntilTheSweeperMailsItOnce()
    {
        await using var smtp = FakeSmtpServer.Start();
        smtp.RejectWith("554 5.7.1 relay temporarily refused");
        using var services = Services(smtp: smtp.Port);
        var notifier = services.GetRequiredService<Notifier>();
        var n = Sample("smtp-refused:1");

        await notifier.NotifyAsync([n]);

        smtp.Messages.ShouldBeEmpty();
        smtp.Refused.ShouldBe(3, "one try and the pipeline's two retries");
        var stored = await Outbox(services).GetAsync(n);
        stored.ShouldNotBeNull().Status.ShouldBe(DeliveryStatus.Pending);
        stored.Attempts.ShouldBe(3);

        smtp.RejectWith(null);
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(2))).ShouldBe((1, 0, 0));
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(4))).ShouldBe((0, 0, 0));

        var mail = smtp.Messages.ShouldHaveSingleItem();
        mail.To.ShouldBe(["officers@hospital.example"]);
        mail.Subject.ShouldBe(n.Title);
        mail.Body.ShouldBe(n.Body);
        (await Outbox(services).GetAsync(n)).ShouldNotBeNull().Status.ShouldBe(DeliveryStatus.Sent);
    }

    [Fact]
    public async Task NotifyAsync_SmtpServerDown_PendingUntilItIsBackThenMailedOnce()
    {
        var down = FakeSmtpServer.Start();
        var port = down.Port;
        await down.DisposeAsync();
        using var services = Services(smtp: port);
        var notifier = services.GetRequiredService<Notifier>();
        var n = Sample("smtp-down:1");

        await notifier.NotifyAsync([n]);
        (await Outbox(services).GetAsync(n)).ShouldNotBeNull().Status.ShouldBe(DeliveryStatus.Pending);
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(2))).ShouldBe((0, 1, 0), "still down: still pending");

        await using var back = FakeSmtpServer.Start(port);
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(4))).ShouldBe((1, 0, 0));

        back.Messages.ShouldHaveSingleItem().Header(SmtpChannel.IdHeader).ShouldBe(n.Id);
        (await Outbox(services).GetAsync(n)).ShouldNotBeNull().Attempts.ShouldBe(7);
    }

    [Fact]
    public async Task SweepAsync_WebhookTookItButSmtpWasDown_MailsItWithoutPostingItAgain()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var smtp = FakeSmtpServer.Start();
        smtp.RejectWith("451 4.3.0 try again later");
        using var services = Services(smtp: smtp.Port, webhook: gateway.Url);
        var notifier = services.GetRequiredService<Notifier>();
        var n = Sample("both:1");

        await notifier.NotifyAsync([n]);
        smtp.RejectWith(null);
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(2))).ShouldBe((1, 0, 0));

        // The applicant's phone must not get the same text again because the mail relay was down.
        gateway.Accepted(n.Id).ShouldBe(1);
        gateway.Posts.Count(p => p.Id == n.Id).ShouldBe(1);
        smtp.Messages.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task NotifyAsync_GatewayDownForABatch_TriesTheFirstOnlyAndTheSweeperDeliversEachOnce()
    {
        await using var gateway = await FakeGateway.StartAsync();
        gateway.Set(Hospital, GatewayMode.Fail);
        using var services = Services(webhook: gateway.Url);
        var notifier = services.GetRequiredService<Notifier>();
        Notification[] batch = [Sample("batch:1"), Sample("batch:2"), Sample("batch:3")];

        (await notifier.NotifyAsync(batch)).Count.ShouldBe(3);

        // A gateway that is down costs the step one delivery's retries, not one per notification.
        gateway.Posts.Select(p => p.Id).Distinct().ShouldBe(["batch:1"]);
        var pending = await Outbox(services).ListPendingAsync(DateTimeOffset.UtcNow.AddMinutes(2));
        pending.Select(p => p.Notification.Id).Order(StringComparer.Ordinal).ShouldBe(["batch:1", "batch:2", "batch:3"]);

        gateway.Set(Hospital, GatewayMode.Accept);
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(2))).ShouldBe((3, 0, 0));
        batch.ShouldAllBe(b => gateway.Accepted(b.Id) == 1);
    }

    [Fact]
    public async Task SweepAsync_OnlyRecorded_DeliveredAtTheNextSweepOnce()
    {
        await using var gateway = await FakeGateway.StartAsync();
        using var services = Services(webhook: gateway.Url);
        var notifier = services.GetRequiredService<Notifier>();
        var n = Sample("recorded:1");

        (await Outbox(services).AddAsync([n])).ShouldBe([n]);
        gateway.Posts.ShouldBeEmpty("recording delivers nothing");
        var stored = (await Outbox(services).GetAsync(n)).ShouldNotBeNull();
        stored.Status.ShouldBe(DeliveryStatus.Pending);
        stored.Attempts.ShouldBe(0);

        // Never tried, so not held back by SweepMinAge.
        (await notifier.SweepAsync(DateTimeOffset.UtcNow)).ShouldBe((1, 0, 0));
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(5))).ShouldBe((0, 0, 0));
        (await Outbox(services).AddAsync([n])).ShouldBeEmpty("recorded once");
        (await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(5))).ShouldBe((0, 0, 0), "recording it again does not bring a sent one back");

        gateway.Accepted(n.Id).ShouldBe(1);
        (await Outbox(services).GetAsync(n)).ShouldNotBeNull().Status.ShouldBe(DeliveryStatus.Sent);
    }

    [Fact]
    public async Task SweepAsync_TwoSweepersAtOnce_OnlyTheOneHoldingTheLeaseDelivers()
    {
        await using var gateway = await FakeGateway.StartAsync();
        gateway.Set(Hospital, GatewayMode.Hold);
        using var services = Services(webhook: gateway.Url);
        using var otherHost = Services(webhook: gateway.Url, prefix: Prefix(services));
        var n = Sample("two-sweepers:1");
        await Outbox(services).AddAsync([n]);

        var first = services.GetRequiredService<Notifier>().SweepAsync(DateTimeOffset.UtcNow);
        await WaitUntilAsync(() => gateway.Holding(Hospital) == 1, "the first sweeper's post to reach the gateway");
        var second = await otherHost.GetRequiredService<Notifier>().SweepAsync(DateTimeOffset.UtcNow.AddMinutes(5));
        gateway.Release(Hospital);

        second.ShouldBe((0, 0, 0), "the first sweeper holds the lease");
        (await first).ShouldBe((1, 0, 0));
        gateway.Accepted(n.Id).ShouldBe(1);
        gateway.Posts.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task NotifyAsync_StepRunAgainWhileItsFirstRunDelivers_TheRerunSendsNothing()
    {
        await using var gateway = await FakeGateway.StartAsync();
        gateway.Set(Hospital, GatewayMode.Hold);
        using var services = Services(webhook: gateway.Url);
        var notifier = services.GetRequiredService<Notifier>();
        var n = Sample("dual-run:1");

        var firstRun = notifier.NotifyAsync([n]);
        await WaitUntilAsync(() => gateway.Holding(Hospital) == 1, "the first run's post to reach the gateway");
        var rerun = await notifier.NotifyAsync([n]);
        gateway.Release(Hospital);

        rerun.ShouldBeEmpty();
        (await firstRun).ShouldBe([n]);
        gateway.Posts.ShouldHaveSingleItem().Id.ShouldBe(n.Id);
        (await Outbox(services).GetAsync(n)).ShouldNotBeNull().Status.ShouldBe(DeliveryStatus.Sent);
    }

    static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!done())
        {
            limit.IsCancellationRequested.ShouldBeFalse($"waited too long for {what}");
            await Task.Delay(20);
        }
    }

    static Notification Sample(string id) =>
        new(id, RecipientKind.Department, Hospital, NotificationTopics.NewTask, "新任务 New task", "王芳的出生医学证明等待您的决定。A task is waiting.", At, "app-x", "birth-certificate");

    static NotificationOutbox Outbox(ServiceProvider services) => services.GetRequiredService<NotificationOutbox>();

    static string Prefix(ServiceProvider services) => services.GetRequiredService<IConfiguration>()["Storage:TablePrefix"]!;

    ServiceProvider Services(int? smtp = null, Uri? webhook = null, string? prefix = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = prefix ?? storage.NewHub("oob").TablePrefix,
            // Only the outside systems under test: the log channel takes everything and would hide nothing.
            ["Notifications:Log:Enabled"] = "false",
            // Retries a few milliseconds apart: the pipeline's shape is under test, not its delays.
            ["Notifications:RetryDelay"] = "00:00:00.010",
            ["Notifications:Addresses:Department:hospital"] = "officers@hospital.example",
        };
        if (smtp is { } port)
        {
            settings["Notifications:Smtp:Enabled"] = "true";
            settings["Notifications:Smtp:Host"] = FakeSmtpServer.Host;
            settings["Notifications:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture);
            settings["Notifications:Smtp:From"] = "notify@workflows.example";
        }

        if (webhook is not null)
        {
            settings["Notifications:Webhook:Enabled"] = "true";
            settings["Notifications:Webhook:Url"] = webhook.ToString();
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddWorkflows(configuration);
        return services.BuildServiceProvider();
    }
}
