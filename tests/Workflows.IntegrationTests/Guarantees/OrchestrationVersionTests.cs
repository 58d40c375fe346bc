using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Calendar;
using Workflows.IntegrationTests.Bundles;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Orchestration versions on Microsoft's engine: an instance started by older code replays the steps it was started
/// with, one started by newer code is left for a newer worker, and this code stamps its own version. A working day
/// lasts <see cref="DayLength"/>, so an outside system's item of the current version escalates within seconds.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class OrchestrationVersionTests(StorageFixture storage) : IAsyncLifetime
{
    const string Bank = "bank-account";
    static readonly TimeSpan DayLength = TimeSpan.FromSeconds(2);

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "ver",
        new Dictionary<string, string?> { ["Sla:DayLength"] = DayLength.ToString("c", System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task OutsideSystemItem_StartedAtVersionOne_WaitsForTheCallbackWithoutTheTimersItNeverHad()
    {
        const string id = "ver-old";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), ItemInput(id), new StartOrchestrationOptions(ItemOrchestrator.InstanceId(id, Bank)) { Version = "1.0" });
        await WaitForAuditAsync(id, "item.external.requested");

        // Three working days pass the one-day due time: a current item would have been reminded and escalated by now.
        await Task.Delay(DayLength * 3);
        (await harness.Audit.ReadAsync(id)).ShouldNotContain(e => e.Action == "item.reminded" || e.Action == "item.escalated");

        await harness.Applications.CompleteExternalAsync(id, Bank, new ExternalSystemDecided("bank-account-system", true, "Account opened."));
        var done = await WaitForCompletionAsync(ItemOrchestrator.InstanceId(id, Bank));
        done.ReadOutputAs<ItemResult>()!.State.ShouldBe(ItemState.Approved);
    }

    [Fact]
    public async Task OutsideSystemItem_StartedByThisCode_IsStampedWithTheCurrentVersionAndKeepsTime()
    {
        const string id = "ver-current";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), ItemInput(id), new StartOrchestrationOptions(ItemOrchestrator.InstanceId(id, Bank)));

        await WaitForAuditAsync(id, "item.escalated");
        await harness.Applications.CompleteExternalAsync(id, Bank, new ExternalSystemDecided("bank-account-system", true, "Account opened."));
        var done = await WaitForCompletionAsync(ItemOrchestrator.InstanceId(id, Bank));
        done.ReadOutputAs<ItemResult>()!.State.ShouldBe(ItemState.Approved);
        OrchestrationVersions.AtLeast(OrchestrationVersions.Current, OrchestrationVersions.OutsideSystemsKeepTime).ShouldBeTrue();
    }

    [Fact]
    public async Task Instance_StartedByNewerCode_IsLeftUntouchedForANewerWorker()
    {
        const string newer = "ver-newer";
        var instance = ItemOrchestrator.InstanceId(newer, Bank);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), ItemInput(newer), new StartOrchestrationOptions(instance) { Version = "99.0" });

        // An instance of this version started after it runs to the end meanwhile: the worker is not idle.
        const string current = "ver-alongside";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), ItemInput(current), new StartOrchestrationOptions(ItemOrchestrator.InstanceId(current, Bank)));
        await WaitForAuditAsync(current, "item.external.requested");
        await harness.Applications.CompleteExternalAsync(current, Bank, new ExternalSystemDecided("bank-account-system", true, "Account opened."));
        await WaitForCompletionAsync(ItemOrchestrator.InstanceId(current, Bank));

        (await harness.Client.GetInstanceAsync(instance))!.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Pending, "an older worker must not run a newer instance");
        (await harness.Audit.ReadAsync(newer)).ShouldBeEmpty();
    }

    [Fact]
    public async Task OfficerItem_StartedAtVersionTwoOne_TakesItsSupplementWithoutTellingTheBundle()
    {
        // 2.3 added the event that tells the bundle of a supplied material; an item of 2.1 replays its round without it.
        const string id = "ver-supplement";
        var instance = ItemOrchestrator.InstanceId(id, Licence);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), OfficerItemInput(id),
            new StartOrchestrationOptions(instance) { Version = OrchestrationVersions.SavesOutliveFaults });
        await harness.WaitForTaskAsync("market-regulation", id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "合同不清晰", ["leaseContract"], "d-ask"));
        (await harness.WaitForTaskAsync("market-regulation", id, Licence, Tasks.OfficerTaskStatus.AwaitingApplicant)).SupplementRequestId.ShouldBe("d-ask");
        await harness.Applications.SupplyAsync(id, Licence, new SupplementProvided(["leaseContract"], new Dictionary<string, string> { ["leaseContract"] = "uploads/lease-2.pdf" }, "d-ask"));
        await harness.WaitForTaskAsync("market-regulation", id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-approve"));

        var done = await WaitForCompletionAsync(instance);
        done.ReadOutputAs<ItemResult>()!.State.ShouldBe(ItemState.Approved);
        (await harness.Audit.ReadAsync(id)).ShouldContain(e => e.Action == "item.supplement.provided");
        OrchestrationVersions.AtLeast(OrchestrationVersions.Current, OrchestrationVersions.SupplementsReachTheBundle).ShouldBeTrue();
    }

    [Fact]
    public async Task OfficerItemThatRevokes_StartedAtVersionTwoThree_CompletesAndRevokesWithoutANewStep()
    {
        // What an item ends rides on its finishing activity's input (data, not a step), so an item in flight since 2.3
        // replays unchanged and still records the revocation when it is approved.
        const string id = "ver-revokes";
        var company = $"company-{id}";
        await harness.GiveLicenceAsync(company, "food-business-licence", "JY-1");
        var instance = ItemOrchestrator.InstanceId(id, Licence);
        var input = OfficerItemInput(id) with { Item = OfficerItemInput(id).Item with { Revokes = ["food-business-licence"] } };
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), input,
            new StartOrchestrationOptions(instance) { Version = OrchestrationVersions.SupplementsReachTheBundle });
        await harness.WaitForTaskAsync("market-regulation", id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-approve"));

        var done = await WaitForCompletionAsync(instance);
        done.ReadOutputAs<ItemResult>()!.State.ShouldBe(ItemState.Approved);
        var history = await harness.Licences.HistoryAsync(company);
        history.Single(l => l.Licence.Number == "JY-1").End.ShouldNotBeNull().ItemKey.ShouldBe(Licence);
        (await harness.Audit.ReadAsync(id)).ShouldContain(e => e.Action == "licence.revoked" && e.Detail == "food-business-licence JY-1");
    }

    [Fact]
    public async Task BundleNamingAConfirmingParty_StartedAtVersionTwoThree_RunsItsItemsWithoutWaitingForTheParty()
    {
        // 2.4 waits for a confirming party on a timer and an event before the items that need them; a bundle of 2.3
        // replays without those steps and runs as it did (its input could not name parties, but if it did, it waits on nobody).
        const string old = "ver-party-old";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), PartyBundleInput(old),
            new StartOrchestrationOptions(old) { Version = OrchestrationVersions.SupplementsReachTheBundle });
        var done = await WaitForCompletionAsync(old);
        done.ReadOutputAs<BundleOutcome>()!.Status.ShouldBe(BundleStatus.Completed);
        (await harness.Audit.ReadAsync(old)).ShouldNotContain(e => e.Action.StartsWith("party.", StringComparison.Ordinal));

        // The same application started by this code waits for the seller, then runs once they confirm.
        const string current = "ver-party-current";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), PartyBundleInput(current), new StartOrchestrationOptions(current));
        await WaitForAuditAsync(current, "party.confirmation.requested");
        (await harness.Client.GetInstanceAsync(current))!.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Running);
        await harness.Applications.AnswerAsPartyAsync(current, new PartyConfirmationGiven("seller", "citizen-ver-seller", true, null, DateTime.UtcNow));
        (await WaitForCompletionAsync(current)).ReadOutputAs<BundleOutcome>()!.Status.ShouldBe(BundleStatus.Completed);
        OrchestrationVersions.AtLeast(OrchestrationVersions.Current, OrchestrationVersions.PartiesConfirm).ShouldBeTrue();
    }

    BundleInput PartyBundleInput(string applicationId)
    {
        var clock = harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));
        var item = new ItemDefinition("registration", "转移登记", "natural-resources", "svc-reg", 30, 30,
            new RuleDecision([new DecisionRule("always", new FieldPresent("note"), RuleOutcome.Approve, "有备注即通过。", "Approved when noted.")], RuleOutcome.ReferToOfficer),
            [], ["note"], []);
        var template = new BundleTemplate("party-versions", "卖方确认", "版本测试", ApplicantKind.Citizen, 30,
            [new FieldDefinition("note", "备注", FieldType.Text)],
            [new MaterialDefinition("title", "不动产权证书", ["registration"], FromLicence: "property-certificate", Party: "seller")],
            [item],
            Parties: [new PartyDefinition("seller", ApplicantKind.Citizen, "卖方", "Seller", Confirmation: new PartyConfirmationRule(30, ConfirmationMissed.EndBundle))]);
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        return new BundleInput(applicationId, new Applicant($"citizen-{applicationId}", ApplicantKind.Citizen, "王芳"), 1, template,
            new Dictionary<string, string> { ["note"] = "x" }, [],
            [new MaterialEntry("title", "不动产权证书", MaterialStatus.FromLicence, ["registration"], "property-certificate", Party: "seller")],
            DateTime.UtcNow, clock, Parties: [new BundleParty("seller", "citizen-ver-seller", "李建国", ApplicantKind.Citizen)]);
    }

    const string Licence = "business-licence";

    ItemInput OfficerItemInput(string applicationId)
    {
        var clock = harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));
        var item = new ItemDefinition(Licence, "营业执照", "market-regulation", "svc-bl", 30, 30, new OfficerDecision(), [], ["companyName"], []);
        MaterialEntry[] materials = [new("leaseContract", "经营场所租赁合同", MaterialStatus.Uploaded, [Licence], "uploads/lease-1.pdf")];
        return new ItemInput(applicationId, new Applicant($"company-{applicationId}", ApplicantKind.Company, "某某科技有限公司"), "versions", item,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" }, [], new Dictionary<string, IReadOnlyDictionary<string, string>>(), materials, [], clock);
    }

    ItemInput ItemInput(string applicationId)
    {
        var clock = harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));
        clock.DayLength.ShouldBe(DayLength);
        var item = new ItemDefinition(Bank, "银行开户", "bank", "svc-bank", 10, 1, new ExternalDecision("bank-account-system"), [], ["companyName"], []);
        return new ItemInput(applicationId, new Applicant($"company-{applicationId}", ApplicantKind.Company, "某某科技有限公司"), "versions", item,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" }, [], new Dictionary<string, IReadOnlyDictionary<string, string>>(), [], [], clock);
    }

    async Task WaitForAuditAsync(string applicationId, string action)
    {
        var watch = Stopwatch.StartNew();
        while (!(await harness.Audit.ReadAsync(applicationId)).Any(e => e.Action == action))
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"{applicationId} never wrote {action}");
            await Task.Delay(200);
        }
    }

    async Task<OrchestrationMetadata> WaitForCompletionAsync(string instanceId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await harness.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
        done.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, done.SerializedOutput);
        return done;
    }
}
