using Workflows.Templates;

namespace Workflows.Tests.Applications;

public class RuleEngineTests
{
    static EvaluationContext Context(Dictionary<string, string>? answers = null, string[]? licences = null, Dictionary<string, IReadOnlyDictionary<string, string>>? outputs = null) =>
        new(answers ?? [], (licences ?? []).ToHashSet(), outputs ?? []);

    [Fact]
    public void Decide_FirstRuleThatHolds_DecidesWithItsRationaleAndEvidence()
    {
        var rules = new RuleDecision(
        [
            new DecisionRule("too-young", new FieldCompare("age", Comparison.LessThan, 18), RuleOutcome.Reject, "Under 18."),
            new DecisionRule("adult", new AllOf([new FieldCompare("age", Comparison.AtLeast, 18), new HasLicence("id-card")]), RuleOutcome.Approve, "Adult with an ID card."),
        ], RuleOutcome.ReferToOfficer);
        var verdict = RuleEngine.Decide(rules, Context(new() { ["age"] = "30" }, ["id-card"]));
        verdict.Outcome.ShouldBe(RuleOutcome.Approve);
        verdict.RuleKey.ShouldBe("adult");
        verdict.Rationale.ShouldBe("Adult with an ID card.");
        verdict.Evidence.ShouldContain("too-young: field age = '30'");
        verdict.Evidence.ShouldContain("adult: licence id-card: held");
    }

    [Fact]
    public void Decide_NoRuleHolds_TheFallbackApplies()
    {
        var rules = new RuleDecision([new DecisionRule("r", new FieldEquals("x", "1"), RuleOutcome.Approve, "x is 1")], RuleOutcome.ReferToOfficer);
        var verdict = RuleEngine.Decide(rules, Context());
        verdict.Outcome.ShouldBe(RuleOutcome.ReferToOfficer);
        verdict.RuleKey.ShouldBeNull();
        verdict.Evidence.ShouldBe(["r: field x = (none)"]);
    }

    [Theory]
    [InlineData("fieldIn", true)]
    [InlineData("not", false)]
    [InlineData("any", true)]
    [InlineData("output", true)]
    [InlineData("present", false)]
    public void Evaluate_EachKindOfCondition_ReadsItsValue(string kind, bool expected)
    {
        Condition condition = kind switch
        {
            "fieldIn" => new FieldIn("sex", ["male", "female"]),
            "not" => new NotCondition(new FieldEquals("sex", "male")),
            "any" => new AnyOf([new FieldEquals("sex", "x"), new HasLicence("id-card")]),
            "output" => new OutputEquals("hukou", "status", "registered"),
            _ => new FieldPresent("missing"),
        };
        var context = Context(new() { ["sex"] = "male" }, ["id-card"], new() { ["hukou"] = new Dictionary<string, string> { ["status"] = "registered" } });
        ConditionEvaluator.Evaluate(condition, context).ShouldBe(expected);
    }
}
