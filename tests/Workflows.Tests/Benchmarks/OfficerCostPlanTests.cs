using Workflows.Benchmarks;
using Workflows.Orchestration;
using Workflows.SelfCheck;
using Workflows.Templates;

namespace Workflows.Tests.Benchmarks;

/// <summary>
/// The officer-decided part of the bench (issue 19): the newborn bundle with every item waiting for an officer, beside a
/// bare chain with as many external events and as many instances, and the report's row against the targets.
/// </summary>
public sealed class OfficerCostPlanTests
{
    [Fact]
    public void AllOfficers_Newborn_EveryItemWaitsForAnOfficerWithNothingDeferred()
    {
        var workload = BundleWorkload.AllOfficers("newborn");
        workload.ByOfficers.ShouldBeTrue();
        workload.Items.ShouldBe(5);
        workload.Template.Items.ShouldAllBe(i => i.Decision is OfficerDecision);
        workload.Materials.ShouldNotContain(m => m.Status == MaterialStatus.Deferred || m.Status == MaterialStatus.Committed);
    }

    [Theory]
    [InlineData("officer:bench-officer-2", true)]
    [InlineData("officer:someone-else", false)]
    [InlineData("rule:bench-always-approve", false)]
    [InlineData(null, false)]
    public void DecidedAsMeant_OfficerWorkload_OnlyTheBenchsOfficers(string? decidedBy, bool meant) =>
        BundleWorkload.AllOfficers("newborn").DecidedAsMeant(decidedBy).ShouldBe(meant);

    [Fact]
    public void DecidedAsMeant_RuleWorkload_OnlyTheBenchsRule()
    {
        var workload = BundleWorkload.AllRules("newborn");
        workload.DecidedAsMeant("rule:bench-always-approve").ShouldBeTrue();
        workload.DecidedAsMeant("officer:bench-officer-0").ShouldBeFalse();
    }

    [Theory]
    [InlineData(true, 10)]
    [InlineData(false, 50)]
    public void CreateOfficerCost_BareChainOfAsManyEventsRightBeforeTheBundle_SameCount(bool quick, int instances)
    {
        var plan = BenchPlan.CreateOfficerCost(quick);
        plan.ThroughputOnly.ShouldBeTrue();
        plan.Throughput.Count.ShouldBe(2);
        var (bare, bundle) = (plan.Throughput[0], plan.Throughput[1]);
        plan.Comparisons.ShouldHaveSingleItem().ShouldBe(new BundleComparison(bundle.Key, bare.Key, "chain of 5 external events"));

        bare.Orchestrator.ShouldBe(nameof(EventChainOrchestrator));
        bare.Input.ShouldBe(new EventChainInput(5, "bench"));
        bare.Driver.ShouldBe(new DriverSpec(DriverKind.Events, BenchPlan.Officers));

        bundle.Bundle.ShouldBeTrue();
        bundle.Version.ShouldBeNull("started at the client's default version, not an assigned (empty) one");
        bundle.Driver.ShouldBe(new DriverSpec(DriverKind.Officers, BenchPlan.Officers));
        bundle.Input.ShouldBeOfType<BundleWorkload>().ByOfficers.ShouldBeTrue();
        (bare.Instances, bundle.Instances, bare.ActivitiesPerInstance, bundle.ActivitiesPerInstance).ShouldBe((instances, instances, 5, 5));
    }

    [Fact]
    public void Row_BundleAgainstBare_RatiosDecideHandlerLooksAndTargets()
    {
        var bare = Result("bare", 10, 10.0, ops: 100, looks: 30, acted: 50);
        var bundle = Result("bundle", 10, 5.0, ops: 160, looks: 90, acted: 50);

        var row = OfficerCostReport.Row(bundle, bare);

        row.ShouldContain("| **0.50x** |");
        row.ShouldContain("| **1.60x** |");
        row.ShouldContain("| 2.5 | 9.0 |");
        row.ShouldContain("| 50 by 4 |");
        row.ShouldContain("**a target missed**");
        OfficerCostReport.Row(bare, null).ShouldContain("bare engine");
        OfficerCostReport.Row(Result("ok", 10, 7.0, ops: 140, looks: 0, acted: 50), bare).ShouldContain("both targets met");
    }

    static ScenarioResult Result(string key, int instances, double perSecond, long ops, long looks, int acted) => new(
        key, key, instances, 5, instances, 0, 0, perSecond, TimeSpan.FromSeconds(1), LatencySummary.Of([100, 200]), null,
        new StorageOps([new StorageCount("table", "GET", ops)]), new CpuShare(TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero), 0, 0, [],
        Driver: new DriverResult(DriverKind.Officers, BenchPlan.Officers, acted, 0, new StorageOps([new StorageCount("table", "GET", looks)]),
            new StorageOps([new StorageCount("table", "MERGE", 25)])));
}
