using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.IntegrationTests.Bundles;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Not a test of the normal tier: records bundle instances' histories into
/// <c>histories/bundle/</c> for <c>BundleHistoryReplayTests</c> (ADR 0029), as <see cref="ItemHistoryRecorder"/> does
/// for items. The bundles are the built-in newborn and house transfer, started the way a submission starts them (the
/// checker's plan) at the version each scenario names; items that run as sub-orchestrations are not recorded again.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class BundleHistoryRecorder(StorageFixture storage) : HistoryRecorder(storage, "recb", "bundle", TimeSpan.FromSeconds(3))
{
    const string Hospital = "hospital";
    const string BirthCertificate = "birth-certificate";
    const string Transfer = "property-transfer-registration";

    [RecordingFact]
    public async Task AllRulesNewborn_DecidedInTheBundle()
    {
        var newborn = BuiltInTemplates.Get("newborn");
        var allRules = newborn with
        {
            Items = [.. newborn.Items.Select(i => i.Key == BirthCertificate
                ? i with { Decision = new RuleDecision([new DecisionRule("record-complete", new FieldPresent("babyName"), RuleOutcome.Approve, "出生记录完整。", "The birth record is complete.")], RuleOutcome.ReferToOfficer) }
                : i)],
        };
        var id = await StartNewbornAsync("recb-rules", allRules);
        await SaveWhenDoneAsync("newborn-all-rules", id, "A newborn whose five items are all decided by rules, each decided in the bundle (2.6).");
    }

    [RecordingFact]
    public async Task OfficerItemApproved_TheRestDecidedInTheBundle()
    {
        var id = await StartNewbornAsync("recb-approve");
        await Harness.WaitForTaskAsync(Hospital, id, BirthCertificate);
        await SaveAsync("newborn-officer-waiting", id, "A newborn waiting for the hospital's officer (mid-flight, 2.6).");
        await Harness.Applications.DecideAsync(id, BirthCertificate, new OfficerDecided(DecisionKind.Approve, "officer-h1", null, null, "d-approve"));
        await SaveWhenDoneAsync("newborn-officer-approved", id, "A newborn whose officer item (a sub-orchestration) is approved; its dependants are then decided in the bundle (2.6).");
    }

    [RecordingFact]
    public async Task OfficerItemRejected_CancelsItsDependants()
    {
        var id = await StartNewbornAsync("recb-reject");
        await Harness.WaitForTaskAsync(Hospital, id, BirthCertificate);
        await Harness.Applications.DecideAsync(id, BirthCertificate, new OfficerDecided(DecisionKind.Reject, "officer-h1", "出生信息有误", null, "d-reject"));
        await SaveWhenDoneAsync("newborn-officer-rejected", id, "A newborn whose officer item is rejected: the items that depend on it are cancelled (2.6).");
    }

    [RecordingFact]
    public async Task WithdrawnWhileTheOfficerDecides()
    {
        var id = await StartNewbornAsync("recb-withdraw");
        await Harness.WaitForTaskAsync(Hospital, id, BirthCertificate);
        await RaiseAsync(id, new WithdrawalRequested("不再需要"));
        await SaveWhenDoneAsync("newborn-withdrawn", id, "A newborn withdrawn by the applicant while its officer item runs: the item is told to stop (2.6).");
    }

    [RecordingFact]
    public async Task AtTwoFive_ItemsAreSubOrchestrations_Approved()
    {
        var id = await StartNewbornAsync("recb-25", version: OrchestrationVersions.MigrationsPossible);
        await Harness.WaitForTaskAsync(Hospital, id, BirthCertificate);
        await SaveAsync("newborn-v2.5-officer-waiting", id, "A newborn started at 2.5 (every item a sub-orchestration) waiting for its officer (mid-flight).");
        await Harness.Applications.DecideAsync(id, BirthCertificate, new OfficerDecided(DecisionKind.Approve, "officer-h1", null, null, "d-approve"));
        await SaveWhenDoneAsync("newborn-v2.5-approved", id, "A newborn started at 2.5: every item a sub-orchestration, the officer's approved.");
    }

    [RecordingFact]
    public async Task AtTwoFive_CancelledByAnAdministrator()
    {
        var id = await StartNewbornAsync("recb-25-cancel", version: OrchestrationVersions.MigrationsPossible);
        await Harness.WaitForTaskAsync(Hospital, id, BirthCertificate);
        await RaiseAsync(id, new WithdrawalRequested("重复申请", "admin:admin-1"));
        await SaveWhenDoneAsync("newborn-v2.5-cancelled", id, "A newborn started at 2.5, cancelled by an administrator while its officer item runs.");
    }

    [RecordingFact]
    public async Task DeferredMaterial_RemindedThenSupplied()
    {
        const string id = "recb-defer";
        const string item = "business-licence";
        var template = new BundleTemplate("recorded-deferral", "容缺受理（录制）", "A rule item that waits for a deferred material.", ApplicantKind.Company, 5,
            [new FieldDefinition("companyName", "企业名称", FieldType.Text)],
            [new MaterialDefinition("lease", "租赁合同", [item], Deferral: new DeferralRule(5, DeferralOutcome.RejectItem))],
            [new ItemDefinition(item, "营业执照", "market-regulation", "svc-bl", 15, 1,
                new RuleDecision([new DecisionRule("named", new FieldPresent("companyName"), RuleOutcome.Approve, "名称已登记。", "The name is registered.")], RuleOutcome.ReferToOfficer),
                [], ["companyName"], [], NameEn: "Business licence")]);
        var now = DateTime.UtcNow;
        var input = new BundleInput(id, new Applicant($"company-{id}", ApplicantKind.Company, "某某科技有限公司"), 1, template,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" }, [],
            [new MaterialEntry("lease", "租赁合同", MaterialStatus.Deferred, [item], DueAt: now.AddSeconds(20))], now, Clock(), TimeSpan.FromSeconds(14));
        await Harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input, new StartOrchestrationOptions(id));
        await WaitForAuditAsync(id, "material.dueSoon");
        await SaveAsync("deferred-reminded", id, "A rule item holding its approval for a deferred material; the applicant reminded before the deadline (mid-flight, 2.6).");
        await RaiseAsync(id, new DeferredMaterialSupplied("lease", "uploads/lease.pdf"));
        await SaveWhenDoneAsync("deferred-reminded-supplied", id, "A deferred material reminded, then supplied: the bundle tells the waiting item, which is approved (2.6).");
    }

    [RecordingFact]
    public async Task SellerConfirms_AnotherAnswerIgnored_ThenWithdrawn()
    {
        const string app = "recb-house";
        var (buyer, seller) = await StartHouseAsync(app);
        await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Awaiting);
        await SaveAsync("house-awaiting-seller", app, "A house transfer waiting for the seller's confirmation, the items that need them waiting (mid-flight, 2.6).");
        await RaiseAsync(app, new PartyConfirmationGiven("seller", buyer, true, null, DateTime.UtcNow));
        await WaitForAuditAsync(app, "party.confirmation.ignored");
        await RaiseAsync(app, new PartyConfirmationGiven("seller", seller, true, null, DateTime.UtcNow));
        await Harness.WaitForTaskAsync("natural-resources", app, Transfer);
        await RaiseAsync(app, new WithdrawalRequested("测试结束"));
        await SaveWhenDoneAsync("house-seller-confirms-withdrawn", app, "A house transfer: an answer from someone else ignored, the seller confirms, the items start; withdrawn while the officer decides (2.6).");
    }

    [RecordingFact]
    public async Task SellerDeclines()
    {
        const string app = "recb-decline";
        var (_, seller) = await StartHouseAsync(app);
        await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Awaiting);
        await RaiseAsync(app, new PartyConfirmationGiven("seller", seller, false, "价格未谈妥", DateTime.UtcNow));
        await SaveWhenDoneAsync("house-seller-declines", app, "A house transfer whose seller declines: the bundle ends as the template says (2.6).");
    }

    [RecordingFact]
    public async Task SellerLetsTheDeadlinePass()
    {
        const string app = "recb-expire";
        await StartHouseAsync(app);
        await SaveWhenDoneAsync("house-seller-expires", app, "A house transfer whose seller does not confirm in time: the deadline's timer ends the bundle (2.6).");
    }

    // A newborn every rule approves (NewbornBundleTests' submission), on the built-in template or a variant of it.
    async Task<string> StartNewbornAsync(string id, BundleTemplate? template = null, string? version = null)
    {
        var applicant = $"citizen-{id}";
        await Harness.GiveLicenceAsync(applicant, "id-card", $"ID-{applicant}");
        await Harness.GiveLicenceAsync(applicant, "household-register", $"HR-{applicant}");
        await Harness.GiveLicenceAsync(applicant, "marriage-certificate", $"MC-{applicant}");
        var request = NewbornBundleTests.Request(applicant,
            materials: [new MaterialProvision("babyPhoto", ProvisionKind.Upload, await Harness.UploadAsync(applicant, "newborn", "babyPhoto"))]);
        return await StartAsync(id, template ?? BuiltInTemplates.Get("newborn"), request, version);
    }

    // PartiesBundleTests' house transfer: the buyer applies, the seller must confirm within five working days.
    async Task<(string Buyer, string Seller)> StartHouseAsync(string app)
    {
        var buyer = $"citizen-buyer-{app}";
        var seller = $"citizen-seller-{app}";
        var request = await Harness.HouseTransferRequestAsync(buyer, seller);
        await StartAsync(app, BuiltInTemplates.Get("house-transfer"), request, null);
        return (buyer, seller);
    }

    // Starts the bundle as ApplicationService.SubmitAsync does (the checker's plan, the pinned clock, the due-soon lead
    // of one working day), at the version given or the current one.
    async Task<string> StartAsync(string id, BundleTemplate template, SubmissionRequest request, string? version)
    {
        var now = DateTime.UtcNow;
        var clock = Clock();
        var (plan, held) = await Harness.Services.GetRequiredService<SubmissionChecker>().CheckAsync(template, request, now, clock);
        plan.Problems.ShouldBeEmpty(string.Join("; ", plan.Problems.Select(p => $"{p.Path}: {p.Message}")));
        var input = new BundleInput(id, request.Applicant, 1, template, plan.Answers, [.. held], plan.Ledger, now, clock, DayLength,
            plan.Parties is { Count: > 0 } parties ? parties : null);
        await Harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input,
            version is null ? new StartOrchestrationOptions(id) : new StartOrchestrationOptions(id) { Version = version });
        return id;
    }

    async Task WaitForConfirmationAsync(string party, string app, PartyConfirmationStatus status)
    {
        var watch = Stopwatch.StartNew();
        while (await Harness.Store.GetConfirmationAsync(party, app, "seller") is not { } row || row.Party.Confirmation != status)
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"{party}'s confirmation of {app} never became {status}");
            await Task.Delay(200);
        }
    }
}
