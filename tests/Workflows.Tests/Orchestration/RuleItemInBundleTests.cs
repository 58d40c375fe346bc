using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Tests.Orchestration;

/// <summary>
/// Which rule items a bundle decides itself (<see cref="RuleItemInBundle"/>, 2.6) and what it writes for them: an item
/// that would wait keeps its own instance; one that decides at once gets the entries, notices and numbers its instance
/// would have written.
/// </summary>
public sealed class RuleItemInBundleTests
{
    static readonly DateTime At = new(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc);
    static readonly Applicant Mother = new("c-mother", ApplicantKind.Citizen, "王芳");

    static RuleDecision Rules(RuleOutcome then) =>
        new([new DecisionRule("age-ok", new FieldPresent("childName"), then, "姓名已填写。", "The name is given.")], RuleOutcome.ReferToOfficer);

    static ItemDefinition Item(DecisionMode decision, params OutputDefinition[] outputs) =>
        new("household-registration", "户口登记", "police", "code", 10, 5, decision, [], ["childName"], outputs, NameEn: "Household registration");

    static ItemInput Input(ItemDefinition item, IReadOnlyDictionary<string, string>? answers = null, params MaterialEntry[] materials) => new(
        "app-1", Mother, "newborn", item, answers ?? new Dictionary<string, string> { ["childName"] = "小明" }, [],
        new Dictionary<string, IReadOnlyDictionary<string, string>>(), materials, []);

    [Fact]
    public void AnApproval_IsDecidedHere_WithTheItemsOwnStepsNoticesAndNumbers()
    {
        var output = new OutputDefinition("householdRegister", "户口簿", OutputKind.Certificate, LicenceType: "household-register", NumberPrefix: "HR");
        var decided = RuleItemInBundle.TryDecide(Input(Item(Rules(RuleOutcome.Approve), output)), At).ShouldNotBeNull();

        decided.Result.State.ShouldBe(ItemState.Approved);
        decided.Result.DecidedBy.ShouldBe("rule:age-ok");
        decided.Result.Outputs["householdRegister"].ShouldBe(ItemOutputs.Number("app-1:household-registration", output));
        decided.Audit.Select(a => (a.StepId, a.Action, a.Actor)).ShouldBe([
            ("household-registration:000", "item.started", "engine"),
            ("household-registration:001", "item.rules.evaluated", "rule:age-ok"),
            ("household-registration:002", "item.approved", "rule:age-ok")]);
        decided.Audit.ShouldAllBe(a => a.Subject == "app-1" && a.At == At);
        decided.Audit[1].DetailEn.ShouldStartWith("The name is given.");
        var notice = decided.Notifications.ShouldHaveSingleItem();
        notice.Id.ShouldBe("app-1:household-registration:n000");
        notice.Recipient.ShouldBe("c-mother");
        notice.Title.ShouldBe("户口登记：已通过");
        notice.TitleEn.ShouldBe("Household registration: approved");
        var certificate = decided.Effects.Certificates.ShouldNotBeNull().Certificates.ShouldHaveSingleItem();
        certificate.Number.ShouldBe(decided.Result.Outputs["householdRegister"]);
        decided.Effects.Audit.ShouldBeEmpty("the entries go with the bundle's own, in the order they were made");
        decided.Effects.Result.ShouldBeNull("no sub-orchestration completion can be lost, so none is kept for recovery");
    }

    [Fact]
    public void ARejection_IsDecidedHere_EvenWithADeferredMaterial()
    {
        var deferred = new MaterialEntry("birthProof", "出生证明", MaterialStatus.Deferred, ["household-registration"], DueAt: At.AddDays(10));
        var decided = RuleItemInBundle.TryDecide(Input(Item(Rules(RuleOutcome.Reject)), null, deferred), At).ShouldNotBeNull();

        decided.Result.State.ShouldBe(ItemState.Rejected);
        decided.Audit[^1].Action.ShouldBe("item.rejected");
        decided.Notifications.ShouldHaveSingleItem().Title.ShouldBe("户口登记：未通过");
        decided.Effects.Certificates.ShouldBeNull();
    }

    [Fact]
    public void AnApprovalHeldForADeferredMaterial_RunsAsItsOwnInstance()
    {
        var deferred = new MaterialEntry("birthProof", "出生证明", MaterialStatus.Deferred, ["household-registration"], DueAt: At.AddDays(10));
        RuleItemInBundle.TryDecide(Input(Item(Rules(RuleOutcome.Approve)), null, deferred), At).ShouldBeNull();
    }

    [Fact]
    public void AReferralToAnOfficer_RunsAsItsOwnInstance() =>
        RuleItemInBundle.TryDecide(Input(Item(Rules(RuleOutcome.Approve)), new Dictionary<string, string>()), At).ShouldBeNull();

    [Fact]
    public void AnOfficersOrOutsideSystemsItem_RunsAsItsOwnInstance()
    {
        RuleItemInBundle.TryDecide(Input(Item(new OfficerDecision())), At).ShouldBeNull();
        RuleItemInBundle.TryDecide(Input(Item(new ExternalDecision("bank"))), At).ShouldBeNull();
    }

    [Fact]
    public void AnApprovalOnACommitment_OpensItsVerification_AndTellsTheDepartment()
    {
        var committed = new MaterialEntry("marriage", "结婚证", MaterialStatus.Committed, ["household-registration"]);
        var decided = RuleItemInBundle.TryDecide(Input(Item(Rules(RuleOutcome.Approve)), null, committed), At).ShouldNotBeNull();

        var verification = decided.Effects.Tasks.ShouldHaveSingleItem();
        verification.Kind.ShouldBe(TaskKind.Verification);
        verification.TaskId.ShouldBe("app-1:household-registration:verify:marriage");
        decided.Notifications.Select(n => (n.Id, n.Recipient)).ShouldBe([
            ("app-1:household-registration:n000", "police"),
            ("app-1:household-registration:n001", "c-mother")]);
    }
}
