using System.Text.Json;
using Workflows.Applications;
using Workflows.Licences;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tests.Applications;

/// <summary>A commitment several items need is verified once: the ledger names the one item whose department does it.</summary>
public sealed class CommitmentVerifierTests
{
    static readonly DateTime Monday = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
    static readonly BundleTemplate House = BuiltInTemplates.Get("house-transfer");

    static readonly Dictionary<string, JsonElement> Answers = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(new
    {
        sellerName = "李建国", sellerIdNumber = "310104198503152349", buyerName = "王芳", buyerIdNumber = "110105198001011238",
        buyerPhone = "13800138000", propertyAddress = "上海市徐汇区漕溪北路88弄5号1201室", propertyCertificateNumber = "沪(2019)徐汇区不动产权第012345号",
        contractNumber = "WQ-2026-000123", dealPrice = 3200000, buildingArea = 89.5m, houseType = "ordinary-residential", heldOverFiveYears = true,
        sellerOnlyHome = true, buyerFirstHome = true, waterAccountNumber = "310012345678", powerAccountNumber = "0012345678",
    }))!;

    // The marital status (needed by the tax and the registration) committed rather than drawn from a licence.
    static SubmissionPlan Plan(BundleTemplate template) => SubmissionPlanner.Plan(template,
        new SubmissionRequest("house-transfer", new Applicant("c1", ApplicantKind.Citizen, "王芳"), Answers,
        [
            new MaterialProvision("saleContract", ProvisionKind.Upload, "c1/saleContract/1"),
            new MaterialProvision("maritalStatus", ProvisionKind.Commitment),
            new MaterialProvision("housingStatusCommitment", ProvisionKind.Commitment),
        ], new Dictionary<string, PartyIdentity> { ["seller"] = new("citizen-seller", "李建国") }),
        new HashSet<string> { "id-card" }, Monday, partyLicences: new Dictionary<string, IReadOnlyList<LicenceRecord>>
        {
            // The seller's own ID card and title (the numbers are not real cards, so identity is not checked against them).
            ["citizen-seller"] = [Seller("id-card", "DEMO-ID"), Seller("property-certificate", "BDC-1")],
        });

    static LicenceRecord Seller(string type, string number) =>
        new("citizen-seller", type, number, type, "earlier", null, null, Monday.AddYears(-1), $"citizen-seller/{type}.json");

    [Fact]
    public void Plan_CommitmentNeededByTwoItems_NamesTheFirstOfThemAsItsOneVerifier()
    {
        var plan = Plan(House);
        plan.Accepted.ShouldBeTrue(string.Join("; ", plan.Problems.Select(p => p.Message)));
        var marital = plan.Ledger.Single(m => m.Key == "maritalStatus");
        marital.Status.ShouldBe(MaterialStatus.Committed);
        marital.RequiredBy.ShouldBe(["transfer-tax", "property-transfer-registration"]);
        marital.Verifier.ShouldBe(new CommitmentVerifier("transfer-tax", "tax", "存量房交易税费申报缴纳", "Declaring and paying the transaction taxes"));
        plan.Ledger.Single(m => m.Key == "housingStatusCommitment").Verifier!.Item.ShouldBe("transfer-tax");
    }

    [Fact]
    public void Plan_CommitmentWithAVerifierNamed_IsVerifiedByThatItemsDepartment()
    {
        var template = House with
        {
            Materials = [.. House.Materials.Select(m => m.Key == "maritalStatus" ? m with { Commitment = m.Commitment! with { VerifiedBy = "property-transfer-registration" } } : m)],
        };
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();

        var verifier = Plan(template).Ledger.Single(m => m.Key == "maritalStatus").Verifier!;
        verifier.Item.ShouldBe("property-transfer-registration");
        verifier.Department.ShouldBe("natural-resources");
    }

    [Fact]
    public void Plan_MaterialNotCommitted_HasNoVerifier() =>
        Plan(House).Ledger.Where(m => m.Status != MaterialStatus.Committed).ShouldAllBe(m => m.Verifier == null);
}
