using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.IntegrationTests.Bundles;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Storage;

namespace Workflows.IntegrationTests.Storage;

/// <summary>
/// A bundle outlives a read-model save that fails after its retries: the fault is audited and alerted, the save is
/// tried again on a durable timer, and the application ends as it would have. Instances started before that change
/// (version 2.0) take the old path and still complete. The fault is injected into the Applications table's writes
/// through <see cref="InjectedTableFaults"/>, on the real engine and Azurite. (An instance of 2.0 whose save fails for good
/// was seen to stay Running after its last retry timer on this engine rather than end Failed: not asserted here.)
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class SaveFaultTests(StorageFixture storage) : IAsyncLifetime
{
    readonly InjectedTableFaults faults = new();
    BundleHarness harness = null!;

    // One activity's worth: OrchestrationRetry.Storage tries a save five times.
    const int OneFailedSave = 5;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "savef", services: s => s.AddSingleton(faults));

    public async Task DisposeAsync() => await harness.DisposeAsync();

    string ApplicationsTable => harness.Services.GetRequiredService<StorageClients>().TableName(ApplicationStore.TableName);

    // A deregistration whose tax clearance waits for an officer, once the bundle has saved that and waits too.
    async Task<string> SubmitAndWaitForTheOfficerAsync(string company, string app)
    {
        await harness.GiveLicenceAsync(company, "business-licence", "91-20200101-0001");
        var result = await harness.Applications.SubmitAsync(await CompanyDeregistrationBundleTests.DeregistrationRequestAsync(harness, company, noOutstandingTax: false), app);
        result.Accepted.ShouldBeTrue();
        await harness.WaitForTaskAsync("tax", app, "tax-clearance");
        var watch = Stopwatch.StartNew();
        while ((await harness.Store.GetAsync(app))?.Items.Single(i => i.Key == "tax-clearance").State != ItemState.Running)
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60));
            await Task.Delay(200);
        }

        return app;
    }

    [Fact]
    public async Task Save_FailingAfterItsRetries_IsAuditedAlertedAndRetriedOnATimer_TheApplicationCompletes()
    {
        var app = await SubmitAndWaitForTheOfficerAsync("company-save-fault", "dr-save-fault");
        faults.FailWrites(ApplicationsTable, OneFailedSave, key: app);

        await harness.Applications.DecideAsync(app, "tax-clearance", new OfficerDecided(DecisionKind.Approve, "officer-t1", "Arrears paid at the counter."));

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        faults.Remaining(ApplicationsTable).ShouldBe(0);
        var record = (await harness.Store.GetAsync(app)).ShouldNotBeNull();
        record.Status.ShouldBe(ApplicationStatus.Completed);
        record.Items.Single(i => i.Key == "tax-clearance").State.ShouldBe(ItemState.Approved);
        record.Items.Single(i => i.Key == "business-licence-deregistration").State.ShouldBe(ItemState.Approved);

        var audit = await harness.Audit.ReadAsync(app);
        var failed = audit.Single(e => e.Action == "application.save.failed");
        failed.Detail.ShouldNotBeNull().ShouldContain("Injected storage fault");
        var recovered = audit.Single(e => e.Action == "application.save.recovered");
        // Durable timers fire on the storage clock, which may run a little apart from the orchestration's; allow a second.
        (recovered.At - failed.At).ShouldBeGreaterThan(BundleOrchestrator.SaveRetryDelay(1) - TimeSpan.FromSeconds(1));
        audit.ShouldContain(e => e.Action == "application.ended" && e.After == nameof(ApplicationStatus.Completed));

        var alerts = await harness.Outbox.ListAsync(RecipientKind.Administrators, "admin");
        alerts.Select(a => a.Notification).ShouldContain(n => n.Topic == NotificationTopics.SaveFault && n.Id == $"{app}:saveFailed:{failed.StepId}" && n.Title.StartsWith("申请状态保存失败", StringComparison.Ordinal));
        alerts.Select(a => a.Notification).ShouldContain(n => n.Topic == NotificationTopics.SaveFault && n.Id == $"{app}:saveRecovered:{recovered.StepId}");
    }

    [Fact]
    public async Task Bundle_StartedAtVersion2_0_TakesTheOldSavePathAndCompletes()
    {
        // The same input as a current instance's, started again at the version before saves outlived faults.
        var current = await SubmitAndWaitForTheOfficerAsync("company-save-old", "dr-save-current");
        var input = (await EngineInputs.ReadAsync<BundleInput>(harness.Client, current, nameof(BundleOrchestrator))).ShouldNotBeNull() with { ApplicationId = "dr-save-old" };
        await harness.Client.TerminateInstanceAsync(current);

        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input,
            new StartOrchestrationOptions("dr-save-old") { Version = OrchestrationVersions.OutsideSystemsKeepTime });
        await harness.WaitForTaskAsync("tax", "dr-save-old", "tax-clearance");
        await harness.Applications.DecideAsync("dr-save-old", "tax-clearance", new OfficerDecided(DecisionKind.Approve, "officer-t1", "Arrears paid at the counter."));

        (await harness.WaitForOutcomeAsync("dr-save-old")).Status.ShouldBe(BundleStatus.Completed);
        (await harness.Store.GetAsync("dr-save-old")).ShouldNotBeNull().Status.ShouldBe(ApplicationStatus.Completed);
    }

    [Fact]
    public void SaveRetryDelay_DoublesFrom30SecondsTo30Minutes()
    {
        BundleOrchestrator.SaveRetryDelay(1).ShouldBe(TimeSpan.FromSeconds(30));
        BundleOrchestrator.SaveRetryDelay(2).ShouldBe(TimeSpan.FromMinutes(1));
        BundleOrchestrator.SaveRetryDelay(7).ShouldBe(TimeSpan.FromMinutes(30));
        BundleOrchestrator.SaveRetryDelay(1000).ShouldBe(TimeSpan.FromMinutes(30));
    }
}
