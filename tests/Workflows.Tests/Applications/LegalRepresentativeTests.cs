using System.Text.Json;
using Workflows.Applications;
using Workflows.Auth;
using Workflows.Licences;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tests.Applications;

/// <summary>
/// A company's opening and deregistration take the legal representative's ID card from the representative's OWN
/// licences (the party the submission names), never from the company's; without one, the upload is the fallback.
/// </summary>
public class LegalRepresentativeTests
{
    static readonly DateTime Monday = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
    const string Company = "co-1";
    const string Rep = "citizen-chen";
    const string RepName = "陈明";
    const string RepIdNumber = "110108199007074567";

    public static TheoryData<string> Keys => new() { "company-opening", "company-deregistration" };

    static Dictionary<string, JsonElement> Answers(object answers) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(answers))!;

    static Dictionary<string, JsonElement> AnswersFor(string key) => key == "company-opening"
        ? Answers(new
        {
            companyName = "杭州云栖数据科技有限公司", nameCheckPassed = true, companyType = "llc-natural-person-invested", registeredCapital = 100,
            capitalContributionYears = 5, registeredAddress = "杭州市西湖区文三路100号501室", businessScope = "软件开发", legalRepName = RepName,
            legalRepIdNumber = RepIdNumber, contactPhone = "13912345678", wantsSeal = true, sealCount = 3, taxpayerType = "small-scale", invoiceQuantity = 25,
            accountBank = "icbc", employeeCount = 3, housingFundRate = 12, needsWaterConnection = false, needsPowerConnection = false, needsGasConnection = false,
        })
        : Answers(new
        {
            companyName = "杭州云栖数据科技有限公司", creditCode = "91110108MA01ABCD1E", legalRepName = RepName, legalRepIdNumber = RepIdNumber,
            contactPhone = "13912345678", deregistrationMode = "simple", deregistrationReason = "shareholder-resolution", publicNoticeNoObjection = true,
            liquidationCompleted = true, noPendingCases = true, noOutstandingTax = true, invoicesCancelled = true, employeeCount = 0,
            noSocialInsuranceArrears = true, noHousingFundArrears = true, sealsReturned = true, noPendingCustomsMatters = true, dischargeStopped = true,
            vehicleCertificatesReturned = true, operatesPublicVenue = false, hazardousStockDisposed = true, touristComplaintsSettled = true, noUnfinishedProjects = true,
        });

    static readonly string[] OpeningUploads = ["articlesOfAssociation", "premisesProof", "taxAgentIdentity", "shareholderIdentity"];

    // Everything but the representative's card, as each bundle's other materials are given.
    static List<MaterialProvision> OtherMaterials(string key) => key == "company-opening"
        ? [.. OpeningUploads.Select(m => new MaterialProvision(m, ProvisionKind.Upload, $"{Company}/{m}/1"))]
        : [new("dissolutionResolution", ProvisionKind.Upload, $"{Company}/dissolutionResolution/1"), new("liquidationDocuments", ProvisionKind.Commitment)];

    static readonly MaterialProvision CardUpload = new("legalRepIdCard", ProvisionKind.Upload, $"{Company}/legalRepIdCard/1");

    static readonly Dictionary<string, PartyIdentity> Named = new() { ["legalRepresentative"] = new(Rep, RepName) };

    static LicenceRecord Licence(string holder, string type, string number) => new(holder, type, number, type, "seed", null, null, Monday, $"{holder}/{type}.json");

    // The company holds its business licence (a deregistration needs it) and, to show it counts for nothing, an ID card.
    static SubmissionPlan Plan(string key, bool named, bool repHoldsCard, bool upload = false, string cardNumber = RepIdNumber)
    {
        var request = new SubmissionRequest(key, new Applicant(Company, ApplicantKind.Company, "杭州云栖数据科技有限公司"), AnswersFor(key),
            [.. OtherMaterials(key), .. upload ? [CardUpload] : Array.Empty<MaterialProvision>()], named ? Named : null);
        var parties = new Dictionary<string, IReadOnlyList<LicenceRecord>>
        {
            [Company] = [Licence(Company, "business-licence", "91-1"), Licence(Company, "id-card", "ID-COMPANY")],
            [Rep] = repHoldsCard ? [Licence(Rep, "id-card", cardNumber)] : [],
        };
        return SubmissionPlanner.Plan(BuiltInTemplates.Get(key), request, new HashSet<string> { "business-licence", "id-card" }, Monday, partyLicences: parties);
    }

    static string Problems(SubmissionPlan plan) => string.Join("; ", plan.Problems.Select(p => $"{p.Path}: {p.Message}"));

    [Theory]
    [MemberData(nameof(Keys))]
    public void Template_TheCardIsTheLegalRepresentativesOwnLicence_WithTheUploadAsFallback(string key)
    {
        var template = BuiltInTemplates.Get(key);
        var card = template.Materials.Single(m => m.Key == "legalRepIdCard");
        card.FromLicence.ShouldBe("id-card");
        card.Party.ShouldBe("legalRepresentative");
        card.Upload.ShouldNotBeNull();
        var party = template.Parties.ShouldNotBeNull().Single(p => p.Role == card.Party);
        (party.Kind, party.Required, party.MayBeApplicant, party.IdNumberField).ShouldBe((ApplicantKind.Citizen, false, false, "legalRepIdNumber"));
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Plan_RepresentativeNamedHoldingAnIdCard_TheCardComesFromTheirLicence(string key)
    {
        var plan = Plan(key, named: true, repHoldsCard: true);
        plan.Accepted.ShouldBeTrue(Problems(plan));
        var card = plan.Ledger.Single(m => m.Key == "legalRepIdCard");
        card.Status.ShouldBe(MaterialStatus.FromLicence);
        card.Reference.ShouldBe("id-card");
        card.Party.ShouldBe("legalRepresentative");
        plan.Parties.ShouldNotBeNull().ShouldHaveSingleItem().ShouldBe(new BundleParty("legalRepresentative", Rep, RepName, ApplicantKind.Citizen));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Plan_RepresentativeHoldingNoCard_TheUploadDoesIt_NamedOrNot(string key)
    {
        foreach (var named in new[] { true, false })
        {
            var plan = Plan(key, named, repHoldsCard: false, upload: true);
            plan.Accepted.ShouldBeTrue(Problems(plan));
            var card = plan.Ledger.Single(m => m.Key == "legalRepIdCard");
            card.Status.ShouldBe(MaterialStatus.Uploaded, $"named: {named}");
            card.Party.ShouldBe("legalRepresentative");
        }
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Plan_RepresentativeHoldingNoCardAndNothingUploaded_OneNoticeAsksForIt_TheCompanysOwnCardDoesNotCount(string key)
    {
        var named = Plan(key, named: true, repHoldsCard: false);
        var missing = named.Problems.ShouldHaveSingleItem(Problems(named));
        missing.Path.ShouldBe("materials.legalRepIdCard");
        missing.Code.ShouldBe("material.missing");
        missing.Message.ShouldContain($"上传该材料或法定代表人（{RepName}）持有电子证照“id-card”");
        missing.MessageEn.ShouldNotBeNull().ShouldContain("upload it or the legal representative holds the electronic licence 'id-card'");

        var unnamed = Plan(key, named: false, repHoldsCard: true);
        var told = unnamed.Problems.ShouldHaveSingleItem(Problems(unnamed));
        told.Path.ShouldBe("materials.legalRepIdCard");
        told.Message.ShouldContain("上传该材料或法定代表人持有电子证照“id-card”");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Plan_FormGivesAnotherNumberThanTheRepresentativesOwnCard_IsRefusedAtTheField(string key)
    {
        const string another = "110105199001011232";
        FieldRules.IsIdNumber(another).ShouldBeTrue("the test needs a checksum-valid number");
        var plan = Plan(key, named: true, repHoldsCard: true, cardNumber: another);
        var problem = plan.Problems.ShouldHaveSingleItem(Problems(plan));
        problem.Path.ShouldBe("answers.legalRepIdNumber");
        problem.Code.ShouldBe("party.identity.mismatch");
    }

    [Fact]
    public void DemoUsers_TheDemoCompanysLegalRepresentative_HoldsTheIdCardItsOpeningReads()
    {
        var users = DemoUsers.All(BuiltInTemplates.Catalog);
        users.ShouldContain(u => u.Id == "company-hengtai" && u.Kind == ApplicantKind.Company);
        var rep = users.Single(u => u.Id == Rep);
        (rep.Name, rep.Kind).ShouldBe((RepName, ApplicantKind.Citizen));
        rep.Licences.ShouldNotBeNull().ShouldContain("id-card");
    }
}
