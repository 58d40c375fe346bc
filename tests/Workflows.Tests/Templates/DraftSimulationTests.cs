using Workflows.Templates;
using static Workflows.Tests.Templates.TemplateSamples;

namespace Workflows.Tests.Templates;

/// <summary>
/// The simulation of a draft on one past application's inputs: items newly included or dropped, rule decisions that flip
/// (both verdicts, each rationale in both languages), time limits that move; nothing for an unchanged template; counts
/// as a fold. The verdicts are the rule engine's own.
/// </summary>
public class DraftSimulationTests
{
    static PastApplication Past(string id, int familySize, string hospital = "public", bool wantsInsurance = true, string? hukouStatus = "registered") => new(
        id,
        new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc),
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["childName"] = "王小明",
            ["hospital"] = hospital,
            ["familySize"] = familySize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["wantsInsurance"] = wantsInsurance ? "true" : "false",
        },
        new HashSet<string>(["id-card"], StringComparer.Ordinal),
        new Dictionary<string, string>(StringComparer.Ordinal) { ["hospitalRecord"] = "Uploaded" },
        Outputs: hukouStatus is null ? null : new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            [Hukou] = new Dictionary<string, string>(StringComparer.Ordinal) { ["status"] = hukouStatus },
        });

    static BundleTemplate WithItem(BundleTemplate template, string key, Func<ItemDefinition, ItemDefinition> change) =>
        template with { Items = [.. template.Items.Select(i => i.Key == key ? change(i) : i)] };

    // The insurance item approves only families of three or more; smaller ones fall to the officer.
    static BundleTemplate StricterInsurance() => WithItem(Newborn(), Insurance, i => i with
    {
        Decision = new RuleDecision(
            [
                new DecisionRule(
                    "registered",
                    new AllOf([new OutputEquals(Hukou, "status", "registered"), new FieldCompare("familySize", Comparison.AtLeast, 3)]),
                    RuleOutcome.Approve,
                    "已落户的三口以上之家直接参保",
                    "A registered child of a family of three or more is insured at once"),
                new DecisionRule("notRegistered", new NotCondition(new OutputEquals(Hukou, "status", "registered")), RuleOutcome.Reject, "未完成户口登记", "Not registered yet"),
            ],
            RuleOutcome.ReferToOfficer),
    });

    [Fact]
    public void Simulate_TheSameTemplate_ChangesNothing()
    {
        var result = DraftSimulation.Simulate(Newborn(), Newborn(), Past("a1", 4));

        result.ApplicationId.ShouldBe("a1");
        result.Changes.ShouldBeEmpty();
    }

    [Fact]
    public void Simulate_AStricterRule_FlipsTheDecisionWithBothRationalesInBothLanguages()
    {
        var result = DraftSimulation.Simulate(Newborn(), StricterInsurance(), Past("a1", 2));

        var flip = result.Changes.ShouldHaveSingleItem();
        flip.Kind.ShouldBe(SimulatedChangeKind.DecisionFlipped);
        flip.Item.ShouldBe(Insurance);
        flip.Name.ShouldBe("城乡居民医保参保登记");
        flip.Before.ShouldBe(new SimulatedVerdict(RuleOutcome.Approve, "registered", "已落户的新生儿直接参保", "已落户的新生儿直接参保"));
        flip.After.ShouldBe(new SimulatedVerdict(RuleOutcome.ReferToOfficer, null, RuleEngine.NoRuleHeldZh, RuleEngine.NoRuleHeld));
    }

    [Fact]
    public void Simulate_AStricterRule_LeavesAnApplicationItStillApprovesAlone()
    {
        DraftSimulation.Simulate(Newborn(), StricterInsurance(), Past("a1", 3)).Changes.ShouldBeEmpty();
    }

    [Fact]
    public void Simulate_AnotherRuleWithTheSameOutcome_IsNoFlip()
    {
        var renamed = WithItem(Newborn(), Insurance, i => i with
        {
            Decision = new RuleDecision([new DecisionRule("any", new FieldPresent("childName"), RuleOutcome.Approve, "有姓名即可")], RuleOutcome.ReferToOfficer),
        });

        DraftSimulation.Simulate(Newborn(), renamed, Past("a1", 2)).Changes.ShouldBeEmpty();
    }

    [Fact]
    public void Simulate_TheSameVerdictAsTheRuleEngine()
    {
        var application = Past("a1", 2);
        var draft = StricterInsurance();

        var after = DraftSimulation.Simulate(Newborn(), draft, application).Changes.Single().After;

        var item = draft.Items.Single(i => i.Key == Insurance);
        var engine = RuleEngine.Decide((RuleDecision)item.Decision, new EvaluationContext(application.Answers, application.Licences,
            new Dictionary<string, IReadOnlyDictionary<string, string>> { [Hukou] = application.Outputs![Hukou] }, DateOnly.FromDateTime(application.SubmittedAt)));
        after.ShouldBe(SimulatedVerdict.Of(engine));
    }

    [Fact]
    public void Simulate_ALooserInclusion_NewlyIncludesTheItem()
    {
        var draft = WithItem(Newborn(), Allowance, i => i with
        {
            IncludeWhen = new AllOf([new FieldCompare("familySize", Comparison.AtLeast, 2), new FieldIn("hospital", ["public"])]),
        });

        var change = DraftSimulation.Simulate(Newborn(), draft, Past("a1", 2)).Changes.ShouldHaveSingleItem();

        change.Kind.ShouldBe(SimulatedChangeKind.NewlyIncluded);
        change.Item.ShouldBe(Allowance);
        DraftSimulation.Simulate(Newborn(), draft, Past("a2", 2, hospital: "private")).Changes.ShouldBeEmpty();
    }

    [Fact]
    public void Simulate_AnItemRemovedOrExcluded_IsDroppedOnlyWhereItWasIncluded()
    {
        var removed = Newborn() with { Items = [.. Newborn().Items.Where(i => i.Key != Allowance)] };

        var change = DraftSimulation.Simulate(Newborn(), removed, Past("a1", 4)).Changes.ShouldHaveSingleItem();
        change.Kind.ShouldBe(SimulatedChangeKind.Dropped);
        change.Item.ShouldBe(Allowance);
        change.Name.ShouldBe("生育津贴");
        DraftSimulation.Simulate(Newborn(), removed, Past("a2", 1)).Changes.ShouldBeEmpty();
    }

    [Fact]
    public void Simulate_AnItemNewInTheDraft_IsNewlyIncludedWhenItsConditionHolds()
    {
        var added = Newborn() with
        {
            Items = [.. Newborn().Items, Item("vaccine") with { IncludeWhen = new FieldEquals("hospital", "public") }],
        };

        DraftSimulation.Simulate(Newborn(), added, Past("a1", 1)).Changes.ShouldHaveSingleItem().Kind.ShouldBe(SimulatedChangeKind.NewlyIncluded);
        DraftSimulation.Simulate(Newborn(), added, Past("a2", 1, hospital: "private")).Changes.ShouldBeEmpty();
    }

    [Fact]
    public void Simulate_ShorterTimeLimits_MoveForIncludedItemsAndTheBundle()
    {
        var draft = WithItem(Newborn(), Allowance, i => i with { CommittedDays = 10 }) with { CommittedDays = 15 };

        var changes = DraftSimulation.Simulate(Newborn(), draft, Past("a1", 4)).Changes;

        changes.Count.ShouldBe(2);
        changes[0].ShouldBe(new SimulatedChange(Allowance, SimulatedChangeKind.TimeLimitMoved, "生育津贴", "生育津贴", DaysBefore: 15, DaysAfter: 10));
        changes[1].Item.ShouldBeNull();
        changes[1].DaysBefore.ShouldBe(20);
        changes[1].DaysAfter.ShouldBe(15);
        // Where the allowance is not included only the bundle's limit moves.
        DraftSimulation.Simulate(Newborn(), draft, Past("a2", 1)).Changes.ShouldHaveSingleItem().Item.ShouldBeNull();
    }

    [Fact]
    public void Counts_AreAFoldOverApplications()
    {
        var draft = StricterInsurance();
        var counts = new[] { Past("a1", 1), Past("a2", 2), Past("a3", 3), Past("a4", 2, wantsInsurance: false) }
            .Select(a => DraftSimulation.Simulate(Newborn(), draft, a))
            .Aggregate(SimulationCounts.Zero, (sum, a) => sum.Add(a));

        counts.ShouldBe(new SimulationCounts(4, 2, 0, 0, 2, 0));
        counts.ChangesDecisions.ShouldBeTrue();
        SimulationCounts.Zero.ChangesDecisions.ShouldBeFalse();
    }
}
