using Workflows.Calendar;
using Workflows.Templates;

namespace Workflows.Tests.Templates;

/// <summary>The conditions issue 18 added: dates, number ranges, multi-choice; one row per case.</summary>
public sealed class ConditionLanguageTests
{
    // Thursday 2026-10-01 is 国庆 in the built-in calendar; this test's calendar makes 1-7 October days off and
    // Sunday 2026-10-11 a make-up working day, so working days differ from calendar days both ways.
    static readonly WorkingCalendar Calendar = WorkingCalendar.WeekendsOnly with
    {
        Holidays = [new PublicHoliday("国庆节", new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 7))],
        MakeUpDays = [new MakeUpDay(new DateOnly(2026, 10, 11), "国庆节")],
    };

    static EvaluationContext Context(Dictionary<string, string> answers, DateOnly? submittedOn = null) =>
        new(answers, new HashSet<string>(), new Dictionary<string, IReadOnlyDictionary<string, string>>(), submittedOn ?? new DateOnly(2026, 10, 12), Calendar);

    public static TheoryData<string, Condition, string, bool> DateRows => new()
    {
        // Calendar days against the submission (Monday 2026-10-12).
        { "birth 30 days before submission is within 30 days", new DateCompare("birth", DateRelation.Within, "submission", 30), "2026-09-12", true },
        { "birth 31 days before submission is not within 30 days", new DateCompare("birth", DateRelation.Within, "submission", 30), "2026-09-11", false },
        { "a date after the submission is within 30 days of it too", new DateCompare("birth", DateRelation.Within, "submission", 30), "2026-10-20", true },
        { "the submission day is not before the submission", new DateCompare("birth", DateRelation.Before, "submission"), "2026-10-12", false },
        { "the day before is before the submission", new DateCompare("birth", DateRelation.Before, "submission"), "2026-10-11", true },
        { "before by 10 days: 10 days before is not enough", new DateCompare("birth", DateRelation.Before, "submission", 10), "2026-10-02", false },
        { "before by 10 days: 11 days before is", new DateCompare("birth", DateRelation.Before, "submission", 10), "2026-10-01", true },
        { "after by 2 days: 3 days after is", new DateCompare("birth", DateRelation.After, "submission", 2), "2026-10-15", true },
        { "after by 2 days: 2 days after is not", new DateCompare("birth", DateRelation.After, "submission", 2), "2026-10-14", false },

        // Working days: 5 working days before Monday 12 October are 11 (make-up), 9, 8, 30 Sep, 29 Sep (1-7 Oct off, 10 Oct Saturday).
        { "within 5 working days reaches back over the holiday", new DateCompare("birth", DateRelation.Within, "submission", 5, DayCount.WorkingDays), "2026-09-29", true },
        { "within 5 working days stops there", new DateCompare("birth", DateRelation.Within, "submission", 5, DayCount.WorkingDays), "2026-09-28", false },
        { "within 5 calendar days does not reach the holiday's far side", new DateCompare("birth", DateRelation.Within, "submission", 5), "2026-09-29", false },
        { "after 1 working day from Friday 9 October is after the make-up Sunday", new DateCompare("birth", DateRelation.After, "other", 1, DayCount.WorkingDays), "2026-10-12", true },
        { "the make-up Sunday itself is 1 working day after Friday, not after it", new DateCompare("birth", DateRelation.After, "other", 1, DayCount.WorkingDays), "2026-10-11", false },

        // Years and months (an age): "other" is Friday 2026-10-09.
        { "born 60 years and a day before is 60 before", new DateCompare("birth", DateRelation.Before, "other", Years: 60), "1966-10-08", true },
        { "born exactly 60 years before is not before", new DateCompare("birth", DateRelation.Before, "other", Years: 60), "1966-10-09", false },
        { "60 years and 3 months: born in July 1966 is not old enough", new DateCompare("birth", DateRelation.Before, "other", Years: 60, Months: 3), "1966-07-09", false },
        { "60 years and 3 months: born the day before is", new DateCompare("birth", DateRelation.Before, "other", Years: 60, Months: 3), "1966-07-08", true },
        { "years, months and days add up", new DateCompare("birth", DateRelation.Before, "other", 2, Years: 1, Months: 1), "2025-09-06", true },
        { "years, months and days: one day short", new DateCompare("birth", DateRelation.Before, "other", 2, Years: 1, Months: 1), "2025-09-07", false },
        { "within a year either side", new DateCompare("birth", DateRelation.Within, "other", Years: 1), "2027-10-09", true },
        { "within a year: a day beyond", new DateCompare("birth", DateRelation.Within, "other", Years: 1), "2025-10-08", false },
        { "after 18 months", new DateCompare("birth", DateRelation.After, "submission", Months: 18), "2028-04-13", true },

        // Missing or unreadable dates never hold.
        { "no answer", new DateCompare("nothing", DateRelation.Before, "submission"), "2026-10-01", false },
        { "an answer that is not a date", new DateCompare("text", DateRelation.Before, "submission"), "2026-10-01", false },
    };

    [Theory]
    [MemberData(nameof(DateRows))]
    public void Evaluate_DateCompare(string name, Condition condition, string birth, bool expected)
    {
        var answers = new Dictionary<string, string> { ["birth"] = birth, ["other"] = "2026-10-09", ["text"] = "yesterday" };
        ConditionEvaluator.Evaluate(condition, Context(answers)).ShouldBe(expected, name);
    }

    [Fact]
    public void Evaluate_DateCompare_LeapDayMovedByYears_LandsOnTheLastDayOfFebruary()
    {
        // 29 Feb 2028 back 60 years is 29 Feb 1968 (a leap year too); back 61 is 28 Feb 1967.
        var answers = new Dictionary<string, string> { ["birth"] = "1967-02-27", ["other"] = "2028-02-29" };
        ConditionEvaluator.Evaluate(new DateCompare("birth", DateRelation.Before, "other", Years: 61), Context(answers)).ShouldBeTrue();
        answers["birth"] = "1967-02-28";
        ConditionEvaluator.Evaluate(new DateCompare("birth", DateRelation.Before, "other", Years: 61), Context(answers)).ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_DateCompareOfSubmission_WithoutASubmissionDate_DoesNotHold()
    {
        var context = new EvaluationContext(new Dictionary<string, string> { ["birth"] = "2026-01-01" }, new HashSet<string>(), new Dictionary<string, IReadOnlyDictionary<string, string>>());
        ConditionEvaluator.Evaluate(new DateCompare("birth", DateRelation.Before, "submission"), context).ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_DateCompare_RecordsBothDatesAsEvidence()
    {
        var evidence = new List<string>();
        ConditionEvaluator.Evaluate(new DateCompare("birth", DateRelation.Within, "submission", 30), Context(new() { ["birth"] = "2026-10-01" }), evidence).ShouldBeTrue();
        evidence.ShouldBe(["field birth = '2026-10-01'", "submission date = '2026-10-12'"]);
    }

    [Theory]
    [InlineData("100", true)]
    [InlineData("90", true)]
    [InlineData("144", true)]
    [InlineData("89.99", false)]
    [InlineData("144.5", false)]
    [InlineData("", false)]
    public void Evaluate_FieldBetween_IncludesBothEnds(string area, bool expected) =>
        ConditionEvaluator.Evaluate(new FieldBetween("area", 90, 144), Context(new() { ["area"] = area })).ShouldBe(expected);

    [Theory]
    [InlineData(null, 144.0, "10", true)]
    [InlineData(90.0, null, "1000", true)]
    [InlineData(90.0, null, "10", false)]
    public void Evaluate_FieldBetween_AnOpenEnd(double? min, double? max, string area, bool expected) =>
        ConditionEvaluator.Evaluate(new FieldBetween("area", (decimal?)min, (decimal?)max), Context(new() { ["area"] = area })).ShouldBe(expected);

    [Theory]
    [InlineData("[\"water\",\"gas\"]", "gas", true)]
    [InlineData("[\"water\",\"gas\"]", "power", false)]
    [InlineData("[]", "water", false)]
    [InlineData("water", "water", false)] // a plain text answer is not a list
    public void Evaluate_FieldIncludes_TestsOneOption(string answer, string option, bool expected) =>
        ConditionEvaluator.Evaluate(new FieldIncludes("utilities", option), Context(new() { ["utilities"] = answer })).ShouldBe(expected);

    [Fact]
    public void Evaluate_AllAnyNot_CombineTheNewParts()
    {
        var condition = new AllOf(
        [
            new FieldIncludes("utilities", "gas"),
            new AnyOf([new FieldBetween("area", Max: 90), new DateCompare("birth", DateRelation.Within, "submission", 30)]),
            new NotCondition(new FieldIncludes("utilities", "power")),
        ]);
        var answers = new Dictionary<string, string> { ["utilities"] = "[\"water\",\"gas\"]", ["area"] = "120", ["birth"] = "2026-10-01" };
        ConditionEvaluator.Evaluate(condition, Context(answers)).ShouldBeTrue();
        answers["utilities"] = "[\"power\",\"gas\"]";
        ConditionEvaluator.Evaluate(condition, Context(answers)).ShouldBeFalse();
    }

    [Fact]
    public void Json_NewConditions_RoundTripWithTheirDiscriminators()
    {
        var json = """
            {"op":"all","conditions":[
              {"op":"dateCompare","field":"birth","relation":"within","of":"submission","days":30,"count":"workingDays"},
              {"op":"fieldBetween","field":"area","min":90},
              {"op":"fieldIncludes","field":"utilities","value":"gas"}]}
            """;
        var condition = System.Text.Json.JsonSerializer.Deserialize<Condition>(json, TemplateJson.Options).ShouldBeOfType<AllOf>();
        condition.Conditions[0].ShouldBe(new DateCompare("birth", DateRelation.Within, "submission", 30, DayCount.WorkingDays));
        condition.Conditions[1].ShouldBe(new FieldBetween("area", 90));
        condition.Conditions[2].ShouldBe(new FieldIncludes("utilities", "gas"));
        System.Text.Json.JsonSerializer.Serialize<Condition>(condition.Conditions[0], TemplateJson.Options).ShouldContain("\"op\": \"dateCompare\"");
    }
}
