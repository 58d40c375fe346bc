using System.Text.Json;
using Workflows.Applications;
using Workflows.Licences;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tests.Applications;

/// <summary>Parties in the submission: named by role, checked as an applicant is, their licences looked up for their materials.</summary>
public class PartiesPlannerTests
{
    static readonly DateTime Monday = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
    const string SellerIdNumber = "11010519491231002X";

    // A small sale: the buyer applies, the seller's ID card and title come from the seller's licences, an optional agent.
    static readonly BundleTemplate Sale = new(
        "sale", "房屋买卖", "卖方确认后办理", ApplicantKind.Citizen, 5,
        [
            new FieldDefinition("sellerName", "卖方姓名", FieldType.Text, LabelEn: "Seller's name"),
            new FieldDefinition("sellerIdNumber", "卖方身份号码", FieldType.IdNumber, LabelEn: "Seller's ID number"),
        ],
        [
            new MaterialDefinition("sellerIdCard", "卖方身份证", ["registration"], FromLicence: "id-card", NameEn: "Seller's ID card", Party: "seller"),
            new MaterialDefinition("title", "不动产权证书", ["registration"], FromLicence: "property-certificate", NameEn: "Title certificate", Party: "seller"),
            new MaterialDefinition("agentIdCard", "代理人身份证", ["registration"], FromLicence: "id-card", NameEn: "Agent's ID card", Party: "agent",
                Upload: new UploadRule(["application/pdf"], 1024 * 1024)),
            new MaterialDefinition("buyerIdCard", "买方身份证", ["registration"], FromLicence: "id-card", NameEn: "Buyer's ID card"),
        ],
        [new ItemDefinition("registration", "转移登记", "natural-resources", "svc", 30, 3, new OfficerDecision(), [], ["sellerName", "sellerIdNumber"], [])],
        Parties:
        [
            new PartyDefinition("seller", ApplicantKind.Citizen, "卖方", "seller", NameField: "sellerName", IdNumberField: "sellerIdNumber",
                Confirmation: new PartyConfirmationRule(5, ConfirmationMissed.EndBundle)),
            new PartyDefinition("agent", ApplicantKind.Citizen, "代理人", "agent", Required: false),
        ]);

    static readonly Applicant Buyer = new("citizen-buyer", ApplicantKind.Citizen, "买方");

    static Dictionary<string, JsonElement> Answers(string sellerName = "李强", string idNumber = SellerIdNumber) => new()
    {
        ["sellerName"] = JsonSerializer.SerializeToElement(sellerName),
        ["sellerIdNumber"] = JsonSerializer.SerializeToElement(idNumber),
    };

    static readonly MaterialProvision AgentCard = new("agentIdCard", ProvisionKind.Upload, "citizen-buyer/agentIdCard/1");

    static SubmissionRequest Request(Dictionary<string, PartyIdentity>? parties, Dictionary<string, JsonElement>? answers = null) =>
        new("sale", Buyer, answers ?? Answers(), [AgentCard], parties);

    static LicenceRecord Licence(string holder, string type, string number) => new(holder, type, number, type, "seed", null, null, Monday, $"{holder}/{type}.json");

    static readonly Dictionary<string, IReadOnlyList<LicenceRecord>> Held = new()
    {
        ["citizen-seller"] = [Licence("citizen-seller", "id-card", SellerIdNumber), Licence("citizen-seller", "property-certificate", "BDC-1")],
        ["citizen-buyer"] = [Licence("citizen-buyer", "id-card", "DEMO-1"), Licence("citizen-buyer", "property-certificate", "BDC-9")],
    };

    static readonly Dictionary<string, PartyIdentity> Seller = new() { ["seller"] = new("citizen-seller", "李强") };

    static SubmissionPlan Plan(SubmissionRequest request, Dictionary<string, IReadOnlyList<LicenceRecord>>? held = null) =>
        SubmissionPlanner.Plan(Sale, request, new HashSet<string> { "id-card", "property-certificate" }, Monday, partyLicences: held ?? Held);

    [Fact]
    public void Plan_SellerNamed_TheirMaterialsComeFromTheirOwnLicences()
    {
        var plan = Plan(Request(Seller));
        plan.Accepted.ShouldBeTrue(string.Join("; ", plan.Problems.Select(p => p.Message)));
        plan.Parties.ShouldNotBeNull().ShouldBe([new BundleParty("seller", "citizen-seller", "李强", ApplicantKind.Citizen)]);
        var ledger = plan.Ledger.ToDictionary(m => m.Key);
        ledger["sellerIdCard"].Party.ShouldBe("seller");
        ledger["title"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["buyerIdCard"].Party.ShouldBeNull();
        ledger["agentIdCard"].Status.ShouldBe(MaterialStatus.Uploaded, "an optional party not named holds nothing: their material is uploaded");
    }

    [Fact]
    public void Plan_OptionalPartyNotNamed_TheirMaterialIsAskedForInItsOtherWays_NamingTheRole()
    {
        var plan = Plan(Request(Seller) with { Materials = [] });
        var missing = plan.Problems.ShouldHaveSingleItem();
        missing.Path.ShouldBe("materials.agentIdCard");
        missing.MessageEn.ShouldNotBeNull().ShouldContain("upload it or the agent holds the electronic licence 'id-card'");
    }

    [Fact]
    public void Plan_OptionalPartyNamed_TheirOwnIdCardSatisfiesIt()
    {
        var plan = Plan(Request(new(Seller) { ["agent"] = new("citizen-buyer", "买方") }) with { Materials = [] });
        plan.Accepted.ShouldBeTrue(string.Join("; ", plan.Problems.Select(p => p.Message)));
        plan.Ledger.Single(m => m.Key == "agentIdCard").Status.ShouldBe(MaterialStatus.FromLicence);
    }

    [Fact]
    public void Plan_SellerHoldsNoTitle_TheBuyersOwnTitleDoesNotCount_AndTheNoticeNamesTheSeller()
    {
        var held = new Dictionary<string, IReadOnlyList<LicenceRecord>>(Held) { ["citizen-seller"] = [Licence("citizen-seller", "id-card", SellerIdNumber)] };
        var plan = Plan(Request(Seller), held);
        var missing = plan.Problems.ShouldHaveSingleItem();
        missing.Path.ShouldBe("materials.title");
        missing.Code.ShouldBe("material.missing");
        missing.Message.ShouldContain("卖方（李强）持有电子证照");
        missing.MessageEn.ShouldNotBeNull().ShouldContain("the seller holds the electronic licence 'property-certificate'");
    }

    [Fact]
    public void Plan_RequiredPartyNotNamed_IsToldOnceAsTheParty()
    {
        var plan = Plan(Request(null));
        var problem = plan.Problems.ShouldHaveSingleItem();
        problem.Path.ShouldBe("parties.seller");
        problem.Code.ShouldBe("party.required");
        problem.MessageEn.ShouldNotBeNull().ShouldContain("Name the seller");
    }

    [Fact]
    public void Plan_PartiesNamedBadly_AreLocatedAndCoded()
    {
        var plan = Plan(Request(new()
        {
            ["seller"] = new("../etc", " "),
            ["landlord"] = new("citizen-x", "某人"),
        }));
        var byPath = plan.Problems.ToDictionary(p => p.Path, p => p.Code);
        byPath["parties.landlord"].ShouldBe("party.unknown");
        byPath["parties.seller.id"].ShouldBe("party.id.invalid");
        byPath["parties.seller.name"].ShouldBe("party.name.invalid");
    }

    [Fact]
    public void Plan_OnePersonInTwoRoles_IsRefused()
    {
        var plan = Plan(Request(new() { ["seller"] = new("citizen-seller", "李强"), ["agent"] = new("citizen-seller", "李强") }));
        var problem = plan.Problems.ShouldHaveSingleItem();
        problem.Path.ShouldBe("parties.agent.id");
        problem.Code.ShouldBe("party.sameAsOther");
    }

    [Fact]
    public void Plan_FormNamesAnotherSeller_IsRefusedAtTheField()
    {
        var plan = Plan(Request(Seller, Answers(sellerName: "张三")));
        var problem = plan.Problems.ShouldHaveSingleItem();
        problem.Path.ShouldBe("answers.sellerName");
        problem.Code.ShouldBe("party.name.mismatch");
    }

    [Fact]
    public void Plan_IdNumberNotTheOneOnTheSellersOwnIdCard_IsRefused_ButANumberTheRegistryDoesNotCarryIsNotChecked()
    {
        const string Another = "110105199001011232";
        FieldRulesValid(Another);
        var plan = Plan(Request(Seller, Answers(idNumber: Another)));
        var problem = plan.Problems.ShouldHaveSingleItem();
        problem.Path.ShouldBe("answers.sellerIdNumber");
        problem.Code.ShouldBe("party.identity.mismatch");

        // The buyer's demo card is numbered DEMO-1: as the seller it says nothing about the number.
        var asBuyer = Plan(Request(new() { ["seller"] = new("citizen-buyer", "李强") }, Answers(idNumber: Another)));
        asBuyer.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void Plan_PartyTheApplicantMayBe_IsTheApplicantWhenLeftOut()
    {
        var template = Sale with { Parties = [Sale.Parties![0] with { MayBeApplicant = true, NameField = null, Confirmation = null }, Sale.Parties[1]] };
        var plan = SubmissionPlanner.Plan(template, Request(null), new HashSet<string> { "id-card", "property-certificate" }, Monday, partyLicences: Held);
        plan.Accepted.ShouldBeTrue(string.Join("; ", plan.Problems.Select(p => p.Message)));
        plan.Parties.ShouldNotBeNull().ShouldHaveSingleItem().Id.ShouldBe(Buyer.Id);
    }

    static void FieldRulesValid(string id) => FieldRules.IsIdNumber(id).ShouldBeTrue("the test needs a checksum-valid number");
}
