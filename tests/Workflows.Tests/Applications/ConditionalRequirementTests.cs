using System.Text.Json;
using Workflows.Applications;
using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Templates;
using Workflows.Tests.Templates;

namespace Workflows.Tests.Applications;

/// <summary>Multi-choice answers and fields and materials required only when a condition holds, through the submission check.</summary>
public sealed class ConditionalRequirementTests
{
    // Monday; the sample's hospital record is required when the birth was within 30 working days of it.
    static readonly DateTime Monday = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
    static readonly BundleTemplate Sample = TemplateSamples.Newborn().WithNewParts();
    static readonly HashSet<string> Licences = ["id-card"];
    static readonly MaterialProvision Record = new("hospitalRecord", ProvisionKind.Upload, "c1/hospitalRecord/1");

    static JsonElement J(object value) => JsonSerializer.SerializeToElement(value);

    static List<string> List(params string[] options) => [.. options];

    // The sample's hukou item always needs the signed residence commitment.
    static readonly MaterialProvision Commitment = new("residenceCommitment", ProvisionKind.Commitment);

    static SubmissionRequest Request(Dictionary<string, JsonElement> answers, params MaterialProvision[] materials) =>
        new("newborn", new Applicant("c1", ApplicantKind.Citizen, "王芳"), answers, [Commitment, .. materials]);

    static SubmissionPlan Plan(Dictionary<string, JsonElement> answers, params MaterialProvision[] materials) =>
        SubmissionPlanner.Plan(Sample, Request(answers, materials), Licences, Monday);

    static Dictionary<string, JsonElement> Answers(string hospital, string? birthDate, params string[] services)
    {
        var answers = new Dictionary<string, JsonElement>
        {
            ["childName"] = J("王小明"), ["hospital"] = J(hospital), ["familySize"] = J(3), ["wantsInsurance"] = J(true), ["services"] = J(services),
        };
        if (birthDate is not null)
        {
            answers["birthDate"] = J(birthDate);
        }

        return answers;
    }

    [Fact]
    public void Plan_FieldRequiredWhenItsConditionHolds_IsRequired()
    {
        var plan = Plan(Answers("public", null), Record);
        plan.Problems.ShouldHaveSingleItem().Path.ShouldBe("answers.birthDate");
        plan.Problems[0].Code.ShouldBe("answer.required");
    }

    [Fact]
    public void Plan_FieldRequiredWhenItsConditionDoesNotHold_MayBeLeftOut()
    {
        var plan = Plan(Answers("private", null));
        plan.Accepted.ShouldBeTrue(string.Join("; ", plan.Problems.Select(p => p.Path)));
    }

    [Fact]
    public void Plan_ConditionalRequirement_KeepsTheNoticeInTheFormsOrder()
    {
        var answers = Answers("public", null);
        answers.Remove("childName");
        answers["familySize"] = J("three");
        var plan = Plan(answers, Record);
        plan.Problems.Select(p => p.Path).ShouldBe(["answers.childName", "answers.familySize", "answers.birthDate"]);
    }

    [Fact]
    public void Plan_MaterialRequiredWhenItsConditionHolds_IsInTheOneNoticeWhenMissing()
    {
        // 2026-11-13 is 6 working days before Monday 23 November: within 30, so the hospital record is needed.
        var plan = Plan(Answers("public", "2026-11-13"));
        var problem = plan.Problems.ShouldHaveSingleItem();
        problem.Path.ShouldBe("materials.hospitalRecord");
        problem.Code.ShouldBe("material.missing");
        Plan(Answers("public", "2026-11-13"), Record).Ledger.ShouldContain(m => m.Key == "hospitalRecord" && m.Status == MaterialStatus.Uploaded);
    }

    [Fact]
    public void Plan_MaterialRequiredWhenItsConditionDoesNotHold_IsNeitherAskedNorInTheLedger()
    {
        // 2026-09-01 is more than 30 working days before: the record is not needed, even when offered.
        foreach (var offered in new[] { Array.Empty<MaterialProvision>(), [Record] })
        {
            var plan = Plan(Answers("public", "2026-09-01"), offered);
            plan.Accepted.ShouldBeTrue(string.Join("; ", plan.Problems.Select(p => p.Path)));
            plan.Ledger.ShouldNotContain(m => m.Key == "hospitalRecord");
        }
    }

    [Fact]
    public void Plan_MaterialRequirementCountsWorkingDaysOnThePinnedCalendar()
    {
        // 30 working days before Monday 23 November reach back to 12 October on weekends only, to 5 October when
        // 16-20 November are days off: a birth on 7 October needs the record on that calendar only.
        var calendar = WorkingCalendar.WeekendsOnly with { Holidays = [new PublicHoliday("test", new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 20))] };
        var request = Request(Answers("public", "2026-10-07"));
        SubmissionPlanner.Plan(Sample, request, Licences, Monday).Accepted.ShouldBeTrue();
        SubmissionPlanner.Plan(Sample, request, Licences, Monday, SlaClock.Real(calendar)).Problems.ShouldContain(p => p.Path == "materials.hospitalRecord");
    }

    [Fact]
    public void Plan_MultiChoice_IsKeptInTheTemplatesOrderAndIncludesAnItem()
    {
        var plan = Plan(Answers("private", null, "photo", "vaccine"));
        plan.Accepted.ShouldBeTrue();
        plan.Answers["services"].ShouldBe("""["vaccine","photo"]""");
        var context = new EvaluationContext(plan.Answers, Licences, new Dictionary<string, IReadOnlyDictionary<string, string>>());
        ConditionEvaluator.Evaluate(new FieldIncludes("services", "photo"), context).ShouldBeTrue();
    }

    [Fact]
    public void Plan_EmptyMultiChoice_IsNoAnswer()
    {
        var plan = Plan(Answers("private", null));
        plan.Answers.ShouldNotContainKey("services");
        var required = Sample.WithField("services", f => f with { Required = true });
        var request = Request(Answers("private", null));
        SubmissionPlanner.Plan(required, request, Licences, Monday).Problems.ShouldHaveSingleItem().Code.ShouldBe("answer.required");
    }

    [Theory]
    [InlineData("\"photo\"", "list of options")]
    [InlineData("[\"photo\", \"dentist\"]", "only these options: vaccine, photo")]
    [InlineData("[\"photo\", \"photo\"]", "more than once")]
    [InlineData("[\"photo\", 3]", "only these options")]
    [InlineData("[\"photo\", null]", "only these options")]
    public void Check_MultiChoice_RefusesWhatIsNotAListOfDistinctOptions(string json, string expected)
    {
        var field = Sample.Fields.Single(f => f.Key == "services");
        FieldRules.Check(field, JsonDocument.Parse(json).RootElement, out _).ShouldNotBeNull().ShouldContain(expected);
    }

    [Fact]
    public void Check_MultiChoice_CountsTheOptionsChosen()
    {
        var field = new FieldDefinition("services", "服务", FieldType.MultiChoice, Options: ["a", "b", "c"], Min: 2, Max: 2);
        FieldRules.Check(field, J(List("a")), out _).ShouldNotBeNull().ShouldContain("at least 2");
        FieldRules.Check(field, J(List("a", "b", "c")), out _).ShouldNotBeNull().ShouldContain("at most 2");
        FieldRules.Explain(field, J(List("c", "a")), out var normalised).ShouldBeNull();
        normalised.ShouldBe("""["a","c"]""");
    }

    static IReadOnlyList<string> BuiltInProblemPaths(string template, ApplicantKind kind, object answers, params MaterialProvision[] materials)
    {
        var request = new SubmissionRequest(template, new Applicant("a1", kind, "申请人"), JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(answers))!, materials);
        return [.. SubmissionPlanner.Plan(BuiltInTemplates.Get(template), request, new HashSet<string>(), Monday).Problems.Select(p => p.Path)];
    }

    [Theory]
    [InlineData(true, null, false, true, false)]
    [InlineData(false, null, false, false, false)]
    [InlineData(true, 50, false, false, false)]
    [InlineData(true, 200, false, false, true)]
    [InlineData(true, 200, true, false, false)]
    public void BuiltInCompanyOpening_PowerCapacityAndLoadList_AreRequiredOnlyWhenThePowerConnectionNeedsThem(
        bool needsPower, int? capacity, bool uploadsList, bool capacityMissing, bool listMissing)
    {
        var list = new MaterialProvision("powerLoadList", ProvisionKind.Upload, "a1/powerLoadList/1");
        var paths = BuiltInProblemPaths("company-opening", ApplicantKind.Company, new { needsPowerConnection = needsPower, powerCapacityKw = capacity }, uploadsList ? [list] : []);
        paths.Contains("answers.powerCapacityKw").ShouldBe(capacityMissing);
        paths.Contains("materials.powerLoadList").ShouldBe(listMissing);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void BuiltInCompanyOpening_SealCount_IsRequiredOnlyForSeals(bool wantsSeal, bool required) =>
        BuiltInProblemPaths("company-opening", ApplicantKind.Company, new { wantsSeal }).Contains("answers.sealCount").ShouldBe(required);
}
