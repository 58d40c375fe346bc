using System.Text.Json;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tests.Applications;

public class SubmissionPlannerTests
{
    static readonly DateTime Monday = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
    static readonly BundleTemplate Newborn = BuiltInTemplates.Get("newborn");

    static readonly Dictionary<string, JsonElement> GoodAnswers = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(new
    {
        babyName = "王小明", babySex = "male", babyBirthDate = "2026-11-20", birthPlace = "市第一人民医院", motherName = "王芳",
        motherIdNumber = "11010519491231002X", settleWith = "mother", registrationAddress = "人民路1号", guardianPhone = "13800138000",
        parentInsuredLocally = true, applyCardWithBank = false,
    }))!;

    static SubmissionRequest Request(IReadOnlyList<MaterialProvision> materials, IReadOnlyDictionary<string, JsonElement>? answers = null) =>
        new("newborn", new Applicant("c1", ApplicantKind.Citizen, "王芳"), answers ?? GoodAnswers, materials);

    static readonly MaterialProvision Photo = new("babyPhoto", ProvisionKind.Upload, "c1/babyPhoto/1");

    [Fact]
    public void Plan_EverythingInHand_LedgerSaysHowEachMaterialIsSatisfied()
    {
        var plan = SubmissionPlanner.Plan(Newborn, Request([Photo]), new HashSet<string> { "id-card", "household-register", "marriage-certificate" }, Monday);
        plan.Accepted.ShouldBeTrue(string.Join("; ", plan.Problems.Select(p => p.Message)));
        var ledger = plan.Ledger.ToDictionary(m => m.Key);
        ledger["parentsIdCards"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["birthCertificate"].Status.ShouldBe(MaterialStatus.ProducedByItem);
        ledger["birthCertificate"].Reference.ShouldBe("birth-certificate.birthCertificate");
        ledger["babyPhoto"].Status.ShouldBe(MaterialStatus.Uploaded);
        ledger["babyPhoto"].RequiredBy.ShouldBe(["social-security-card"]);
        plan.Answers["parentInsuredLocally"].ShouldBe("true");
    }

    [Fact]
    public void Plan_DeferrableMaterialMissing_IsDeferredWithAWorkingDayDeadline()
    {
        var plan = SubmissionPlanner.Plan(Newborn, Request([Photo]), new HashSet<string> { "id-card", "household-register" }, Monday);
        plan.Accepted.ShouldBeTrue();
        var marriage = plan.Ledger.Single(m => m.Key == "marriageCertificate");
        marriage.Status.ShouldBe(MaterialStatus.Deferred);
        var days = Newborn.Materials.Single(m => m.Key == "marriageCertificate").Deferral!.WithinDays;
        marriage.DueAt.ShouldBe(Workflows.Calendar.WorkingDays.Add(Monday, days));
        marriage.DueAt!.Value.DayOfWeek.ShouldNotBe(DayOfWeek.Saturday);
    }

    [Fact]
    public void Plan_ManyThingsMissing_OneNoticeListsThemAllWithTheirDepartments()
    {
        var answers = new Dictionary<string, JsonElement>(GoodAnswers) { ["motherIdNumber"] = JsonSerializer.SerializeToElement("123"), ["colour"] = JsonSerializer.SerializeToElement("red") };
        answers.Remove("babyName");
        var plan = SubmissionPlanner.Plan(Newborn, Request([], answers), new HashSet<string>(), Monday);
        plan.Accepted.ShouldBeFalse();
        var byPath = plan.Problems.ToDictionary(p => p.Path);
        byPath["answers.babyName"].Code.ShouldBe("answer.required");
        byPath["answers.motherIdNumber"].Code.ShouldBe("answer.invalid");
        byPath["answers.colour"].Code.ShouldBe("answer.unknown");
        byPath["materials.parentsIdCards"].Departments!.ShouldBe(["hospital", "police"], ignoreOrder: true);
        byPath["materials.babyPhoto"].Departments!.ShouldBe(["human-resources"]);
        byPath["materials.householdRegister"].MessageEn.ShouldNotBeNull().ShouldContain("upload it");
        // Each language whole: the Chinese says it in Chinese, the English has no Chinese in it but the names it quotes.
        byPath["materials.householdRegister"].Message.ShouldContain("上传该材料");
        plan.Problems.ShouldAllBe(p => p.MessageEn != null && !p.MessageEn.Any(c => c >= '\u3000' && c <= '\u9fff'), "the newborn bundle names everything in English too");
        plan.Problems.ShouldAllBe(p => p.Message.Any(c => c >= '\u4e00' && c <= '\u9fff'));
        plan.Problems.ShouldNotContain(p => p.Path == "materials.marriageCertificate", "a deferrable material is deferred, not refused");
    }

    [Fact]
    public void Plan_ProvisionsTheMaterialDoesNotAllow_AreRefusedByName()
    {
        var plan = SubmissionPlanner.Plan(Newborn, Request([
            Photo,
            new MaterialProvision("parentsIdCards", ProvisionKind.Upload, "c1/x/1"),
            new MaterialProvision("babyPhoto", ProvisionKind.Commitment),
            new MaterialProvision("householdRegister", ProvisionKind.Defer),
            new MaterialProvision("nothing", ProvisionKind.Upload, "c1/x/2"),
        ]), new HashSet<string> { "id-card", "household-register", "marriage-certificate" }, Monday);
        var codes = plan.Problems.Select(p => (p.Path, p.Code)).ToList();
        codes.ShouldContain(("materials.parentsIdCards", "material.notAccepted"));
        codes.ShouldContain(("materials.babyPhoto", "material.duplicate"));
        codes.ShouldContain(("materials.householdRegister", "material.notAccepted"));
        codes.ShouldContain(("materials.nothing", "material.unknown"));
    }

    [Fact]
    public void Plan_CompanyApplyingForACitizenBundle_IsRefused()
    {
        var request = Request([Photo]) with { Applicant = new Applicant("co", ApplicantKind.Company, "Co") };
        SubmissionPlanner.Plan(Newborn, request, new HashSet<string> { "id-card", "household-register" }, Monday)
            .Problems.ShouldContain(p => p.Path == "applicant.kind");
    }

    [Fact]
    public void Plan_ItemNotIncluded_ItsMaterialsAreNotAskedFor()
    {
        var opening = BuiltInTemplates.Get("company-opening");
        var seal = opening.Items.Single(i => i.Key == "seal-engraving");
        seal.IncludeWhen.ShouldNotBeNull();
        var sealOnly = opening.Materials.Where(m => m.RequiredBy.All(r => r == seal.Key)).Select(m => m.Key).ToList();
        var request = new SubmissionRequest("company-opening", new Applicant("co", ApplicantKind.Company, "Co"), new Dictionary<string, JsonElement>(), []);
        var plan = SubmissionPlanner.Plan(opening, request, new HashSet<string>(), Monday);
        // With no answers the seal's condition cannot hold, so its own materials are not in the notice.
        plan.Problems.ShouldNotContain(p => sealOnly.Contains(p.Path.Replace("materials.", string.Empty, StringComparison.Ordinal)));
    }
}
