using Microsoft.DurableTask;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Not a test of the normal tier: records the histories of item instances on the real engine over Azurite, as the
/// provider's history table holds them, into the fixtures that <c>ItemHistoryReplayTests</c> replays without Azurite
/// (ADR 0029). Runs only when <c>RECORD_HISTORIES</c> names the histories folder:
/// <c>RECORD_HISTORIES=$PWD/tests/Workflows.Tests/Orchestration/Fixtures/histories dotnet test tests/Workflows.IntegrationTests --filter FullyQualifiedName~HistoryRecorder</c>.
/// Record with the code whose behaviour the fixtures are to pin, before changing it.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class ItemHistoryRecorder(StorageFixture storage) : HistoryRecorder(storage, "rec", string.Empty, TimeSpan.FromSeconds(2))
{
    const string Officer = "business-licence";
    const string Bank = "bank-account";
    const string Department = "market-regulation";

    [RecordingFact]
    public async Task OfficerApproves_WithAMidFlightCopyWhileTheOfficerDecides()
    {
        var id = await StartAsync("rec-approve", OfficerInput("rec-approve", 30));
        await Harness.WaitForTaskAsync(Department, "rec-approve", Officer);
        await SaveAsync("officer-waiting", id, "An officer item waiting for its decision (mid-flight).");
        await RaiseAsync(id, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-approve"));
        await SaveWhenDoneAsync("officer-approved", id, "An officer item approved.");
    }

    [RecordingFact]
    public async Task TwoSupplementRoundsThenRejected_WithAStaleSupplementAndARepeatedDecision()
    {
        var id = await StartAsync("rec-supplement", OfficerInput("rec-supplement", 30));
        await Harness.WaitForTaskAsync(Department, "rec-supplement", Officer);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "合同不清晰", ["leaseContract"], "d-1"));
        await Harness.WaitForTaskAsync(Department, "rec-supplement", Officer, OfficerTaskStatus.AwaitingApplicant);
        await SaveAsync("supplement-awaiting-applicant", id, "An officer item waiting for the applicant's supplement (mid-flight).");
        await RaiseAsync(id, new SupplementProvided(["leaseContract"], new Dictionary<string, string> { ["leaseContract"] = "uploads/lease-old.pdf" }, "d-0"));
        await WaitForAuditAsync("rec-supplement", "item.supplement.ignored");
        await RaiseAsync(id, new SupplementProvided(["leaseContract"], new Dictionary<string, string> { ["leaseContract"] = "uploads/lease-2.pdf" }, "d-1"));
        await Harness.WaitForTaskAsync(Department, "rec-supplement", Officer);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "合同不清晰", ["leaseContract"], "d-1"));
        await WaitForAuditAsync("rec-supplement", "item.decision.repeated");
        await RaiseAsync(id, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "仍不清晰", ["leaseContract"], "d-2"));
        await Harness.WaitForTaskAsync(Department, "rec-supplement", Officer, OfficerTaskStatus.AwaitingApplicant);
        await RaiseAsync(id, new SupplementProvided(["leaseContract"], new Dictionary<string, string> { ["leaseContract"] = "uploads/lease-3.pdf" }, "d-2"));
        await Harness.WaitForTaskAsync(Department, "rec-supplement", Officer);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.Reject, "officer-m1", "经营场所不符合要求", null, "d-3"));
        await SaveWhenDoneAsync("supplements-then-rejected", id, "Two supplement rounds (a stale supplement and a repeated decision ignored), then rejected.");
    }

    [RecordingFact]
    public async Task SupplementRound_AtVersionTwoOne_WithoutTellingTheBundle()
    {
        var id = await StartAsync("rec-supp-21", OfficerInput("rec-supp-21", 30), OrchestrationVersions.SavesOutliveFaults);
        await Harness.WaitForTaskAsync(Department, "rec-supp-21", Officer);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "合同不清晰", ["leaseContract"], "d-1"));
        await Harness.WaitForTaskAsync(Department, "rec-supp-21", Officer, OfficerTaskStatus.AwaitingApplicant);
        await RaiseAsync(id, new SupplementProvided(["leaseContract"], new Dictionary<string, string> { ["leaseContract"] = "uploads/lease-2.pdf" }, "d-1"));
        await Harness.WaitForTaskAsync(Department, "rec-supp-21", Officer);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.Approve, "officer-m1", "已核实", null, "d-2"));
        await SaveWhenDoneAsync("supplement-v2.1-approved", id, "A supplement round of an item started at 2.1 (no event to the bundle), then approved.");
    }

    [RecordingFact]
    public async Task ReminderEscalationAndExtension()
    {
        var id = await StartAsync("rec-sla", OfficerInput("rec-sla", 2));
        await WaitForAuditAsync("rec-sla", "item.escalated");
        await RaiseAsync(id, new DueExtended(0, "无效", "admin-1"));
        await WaitForAuditAsync("rec-sla", "item.due.extension.ignored");
        await RaiseAsync(id, new DueExtended(2, "材料复杂", "admin-1"));
        await WaitForAuditAsync("rec-sla", "item.due.extended");
        await WaitForAuditAsync("rec-sla", "item.reminded", count: 2);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-approve"));
        await SaveWhenDoneAsync("sla-reminded-escalated-extended", id, "An officer item reminded and escalated, an extension ignored and one taken, reminded again, approved.");
    }

    [RecordingFact]
    public async Task OutsideSystem_KeepsTime_IgnoresAForeignResult_ThenApproved()
    {
        var id = await StartAsync("rec-bank", BankInput("rec-bank"));
        await WaitForAuditAsync("rec-bank", "item.escalated");
        await SaveAsync("external-escalated-waiting", id, "An outside system's item reminded and escalated, still waiting (mid-flight).");
        await RaiseAsync(id, new ExternalSystemDecided("other-system", true, "wrong"));
        await WaitForAuditAsync("rec-bank", "item.external.ignored");
        await RaiseAsync(id, new ExternalSystemDecided("bank-account-system", true, null, new Dictionary<string, string> { ["account"] = "6222-01" }));
        await SaveWhenDoneAsync("external-timers-approved", id, "An outside system's item with its reminder and escalation, a foreign result ignored, then approved.");
    }

    [RecordingFact]
    public async Task OutsideSystem_AtVersionOne_Rejected()
    {
        var id = await StartAsync("rec-bank-1", BankInput("rec-bank-1"), "1.0");
        await WaitForAuditAsync("rec-bank-1", "item.external.requested");
        await RaiseAsync(id, new ExternalSystemDecided("bank-account-system", false, null));
        await SaveWhenDoneAsync("external-v1.0-rejected", id, "An outside system's item started at 1.0 (no timers), rejected.");
    }

    [RecordingFact]
    public async Task DeferredMaterial_HoldsTheApproval_ThenSupplied()
    {
        var id = await StartAsync("rec-defer", DeferredInput("rec-defer", TimeSpan.FromMinutes(10)));
        await Harness.WaitForTaskAsync(Department, "rec-defer", Officer);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-approve"));
        await Harness.WaitForTaskAsync(Department, "rec-defer", Officer, OfficerTaskStatus.Closed);
        await SaveAsync("deferred-held", id, "An approval held for a deferred material (mid-flight).");
        await RaiseAsync(id, new DeferredMaterialSupplied("proof", "uploads/proof.pdf", Officer));
        await SaveWhenDoneAsync("deferred-supplied-approved", id, "An approval held for a deferred material, then supplied.");
    }

    [RecordingFact]
    public async Task DeferredMaterial_DeadlineMissed()
    {
        var id = await StartAsync("rec-defer-late", DeferredInput("rec-defer-late", TimeSpan.FromSeconds(8)));
        await Harness.WaitForTaskAsync(Department, "rec-defer-late", Officer);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-approve"));
        await SaveWhenDoneAsync("deferred-deadline-missed", id, "An approval held for a deferred material whose deadline passes: the item ends as the rule says.");
    }

    [RecordingFact]
    public async Task RuleItems_ApprovedAtOnce_AndReferredToAnOfficer()
    {
        var now = await StartAsync("rec-rules", RuleInput("rec-rules", "yes"));
        await SaveWhenDoneAsync("rules-approved", now, "A rule item approved at once.");
        var id = await StartAsync("rec-referred", RuleInput("rec-referred", "no"));
        await Harness.WaitForTaskAsync(Department, "rec-referred", Officer);
        await RaiseAsync(id, new OfficerDecided(DecisionKind.Approve, "officer-m1", "人工核实通过", null, "d-approve"));
        await SaveWhenDoneAsync("rules-referred-approved", id, "A rule item referred to an officer, then approved.");
    }

    [RecordingFact]
    public async Task Cancellations_WhileTheOfficerDecides_AndWhileTheApplicantSupplies()
    {
        var id = await StartAsync("rec-cancel", OfficerInput("rec-cancel", 30));
        await Harness.WaitForTaskAsync(Department, "rec-cancel", Officer);
        await RaiseAsync(id, new ItemCancellationRequested("申请人撤回", "Withdrawn by the applicant"));
        await SaveWhenDoneAsync("cancelled-waiting-officer", id, "An officer item cancelled while the officer decides.");

        var other = await StartAsync("rec-cancel-supp", OfficerInput("rec-cancel-supp", 30));
        await Harness.WaitForTaskAsync(Department, "rec-cancel-supp", Officer);
        await RaiseAsync(other, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "缺少材料", ["leaseContract"], "d-1"));
        await Harness.WaitForTaskAsync(Department, "rec-cancel-supp", Officer, OfficerTaskStatus.AwaitingApplicant);
        await RaiseAsync(other, new ItemCancellationRequested("前置事项未通过", "A prerequisite was rejected"));
        await SaveWhenDoneAsync("cancelled-awaiting-supplement", other, "An officer item cancelled while the applicant has it.");
    }

    async Task<string> StartAsync(string applicationId, ItemInput input, string? version = null)
    {
        var instance = ItemOrchestrator.InstanceId(applicationId, input.Item.Key);
        await Harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), input,
            version is null ? new StartOrchestrationOptions(instance) : new StartOrchestrationOptions(instance) { Version = version });
        return instance;
    }

    ItemInput OfficerInput(string applicationId, int committedDays)
    {
        var item = new ItemDefinition(Officer, "营业执照", Department, "svc-bl", 30, committedDays, new OfficerDecision(), [], ["companyName"], [], NameEn: "Business licence");
        MaterialEntry[] materials = [new("leaseContract", "经营场所租赁合同", MaterialStatus.Uploaded, [Officer], "uploads/lease-1.pdf")];
        return new ItemInput(applicationId, new Applicant($"company-{applicationId}", ApplicantKind.Company, "某某科技有限公司"), "recorded", item,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" }, [], new Dictionary<string, IReadOnlyDictionary<string, string>>(), materials, [], Clock());
    }

    ItemInput DeferredInput(string applicationId, TimeSpan within)
    {
        var input = OfficerInput(applicationId, 30);
        return input with
        {
            Materials = [.. input.Materials, new MaterialEntry("proof", "场所证明", MaterialStatus.Deferred, [Officer], DueAt: DateTime.UtcNow + within)],
            MaterialRules = [new MaterialDefinition("proof", "场所证明", [Officer], Deferral: new DeferralRule(5, DeferralOutcome.RejectItem))],
        };
    }

    ItemInput RuleInput(string applicationId, string answer)
    {
        var rules = new RuleDecision([new DecisionRule("eligible", new FieldEquals("eligible", "yes"), RuleOutcome.Approve, "符合条件，自动通过。", "Eligible: approved.")],
            RuleOutcome.ReferToOfficer);
        var input = OfficerInput(applicationId, 30);
        return input with
        {
            Item = input.Item with { Decision = rules, Fields = ["companyName", "eligible"] },
            Answers = new Dictionary<string, string> { ["companyName"] = "某某科技有限公司", ["eligible"] = answer },
        };
    }

    ItemInput BankInput(string applicationId)
    {
        var item = new ItemDefinition(Bank, "银行开户", "bank", "svc-bank", 10, 1, new ExternalDecision("bank-account-system"), [], ["companyName"], []);
        return new ItemInput(applicationId, new Applicant($"company-{applicationId}", ApplicantKind.Company, "某某科技有限公司"), "recorded", item,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" }, [], new Dictionary<string, IReadOnlyDictionary<string, string>>(), [], [], Clock());
    }
}
