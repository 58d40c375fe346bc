using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Activities;
using Workflows.IntegrationTests.Bundles;
using Workflows.Notifications;
using Workflows.Orchestration;

namespace Workflows.IntegrationTests.Notifications;

/// <summary>What the bundle tells the applicant, on the engine over Azurite: accepted, ended and invited to rate, once each.</summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class BundleNotificationTests(StorageFixture storage) : IAsyncLifetime
{
    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "bnn");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task NewbornBundle_Completed_AcceptedEndedAndRatingInvitedOnceEachEvenWhenTheSaveRunsAgain()
    {
        const string applicant = "citizen-notified";
        const string id = "bnn-newborn";
        foreach (var (type, number) in new[] { ("id-card", "ID-n"), ("household-register", "HR-n"), ("marriage-certificate", "MC-n") })
        {
            await harness.GiveLicenceAsync(applicant, type, number);
        }

        var photo = await harness.UploadAsync(applicant, "newborn", "babyPhoto");
        var result = await harness.Applications.SubmitAsync(
            NewbornBundleTests.Request(applicant, materials: [new Workflows.Applications.MaterialProvision("babyPhoto", Workflows.Applications.ProvisionKind.Upload, photo)]), id);
        result.Accepted.ShouldBeTrue();
        await harness.WaitForTaskAsync("hospital", id, "birth-certificate");
        await harness.Applications.DecideAsync(id, "birth-certificate", new OfficerDecided(DecisionKind.Approve, "officer-h1"));
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);

        var mine = await harness.Notifications.ListAsync(RecipientKind.Applicant, applicant);
        var bundles = mine.Where(n => n.Notification.ApplicationId == id && n.Notification.ItemKey is null).ToList();
        bundles.Count(n => n.Notification.Topic == NotificationTopics.Accepted).ShouldBe(1);
        bundles.Count(n => n.Notification.Topic == NotificationTopics.Ended).ShouldBe(1);
        bundles.Count(n => n.Notification.Topic == NotificationTopics.RatingInvited).ShouldBe(1);
        bundles.ShouldAllBe(n => n.Status == DeliveryStatus.Sent, "the local log channel takes everything");
        var ended = bundles.Single(n => n.Notification.Topic == NotificationTopics.Ended).Notification;
        (ended.Title, ended.TitleEn).ShouldBe(("办结", "Completed"));
        ended.BodyEn.ShouldNotBeNull().ShouldNotContain("办结");

        // The final save's activity runs again (as after a crash before its completion was recorded): nothing new.
        var save = ActivatorUtilities.CreateInstance<SaveApplicationActivity>(harness.Services);
        var record = (await harness.Store.GetAsync(id))!;
        var update = new ApplicationUpdate(record, [], [.. bundles.Select(n => n.Notification)]);
        await save.RunAsync(new RerunContext(id), update);
        await save.RunAsync(new RerunContext(id), update);

        var after = (await harness.Notifications.ListAsync(RecipientKind.Applicant, applicant)).Where(n => n.Notification.ApplicationId == id && n.Notification.ItemKey is null).ToList();
        after.Select(n => n.Notification.Id).Order(StringComparer.Ordinal).ShouldBe(bundles.Select(n => n.Notification.Id).Order(StringComparer.Ordinal));
        after.ShouldAllBe(n => n.Attempts == 1, "a re-run delivers nothing already sent");
    }

    [Fact]
    public async Task Submit_Refused_TheOneNoticeIsTheApplicantsNotificationOnce()
    {
        const string applicant = "citizen-refused";
        var request = NewbornBundleTests.Request(applicant);

        (await harness.Applications.SubmitAsync(request, "bnn-refused")).Accepted.ShouldBeFalse();
        (await harness.Applications.SubmitAsync(request, "bnn-refused")).Accepted.ShouldBeFalse();

        var refused = (await harness.Notifications.ListAsync(RecipientKind.Applicant, applicant)).ShouldHaveSingleItem();
        refused.Notification.Topic.ShouldBe(NotificationTopics.Refused);
        refused.Notification.Body.ShouldContain("babyPhoto");
    }

    [Fact]
    public async Task Submit_Refused_TheNoticeIsOnlyRecordedAndTheSweeperDeliversItOnce()
    {
        const string applicant = "citizen-refused-later";

        (await harness.Applications.SubmitAsync(NewbornBundleTests.Request(applicant), "bnn-refused-later")).Accepted.ShouldBeFalse();

        // The request touched no channel: the notice waits in the outbox, never tried, for the sweeper.
        var recorded = (await harness.Notifications.ListAsync(RecipientKind.Applicant, applicant)).ShouldHaveSingleItem();
        recorded.Status.ShouldBe(DeliveryStatus.Pending);
        recorded.Attempts.ShouldBe(0);
        (await harness.Notifications.ListPendingAsync(DateTimeOffset.UtcNow)).ShouldContain(p => p.Notification.Id == recorded.Notification.Id);

        var notifier = harness.Services.GetRequiredService<Notifier>();
        await notifier.SweepAsync(DateTimeOffset.UtcNow);
        await notifier.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(5));

        var delivered = (await harness.Notifications.ListAsync(RecipientKind.Applicant, applicant)).ShouldHaveSingleItem();
        delivered.Status.ShouldBe(DeliveryStatus.Sent);
        delivered.Attempts.ShouldBe(1, "one delivery, by the first sweep; the second finds nothing to do");
    }

    sealed class RerunContext(string instanceId) : TaskActivityContext
    {
        public override TaskName Name => nameof(SaveApplicationActivity);

        public override string InstanceId => instanceId;
    }
}
