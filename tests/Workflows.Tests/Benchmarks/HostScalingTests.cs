using Workflows.Benchmarks;
using Workflows.Orchestration;

namespace Workflows.Tests.Benchmarks;

/// <summary>
/// One engine host against two (issue 19, <c>--hosts</c>): the plan, the sampling of Azurite's main thread from /proc, when
/// the partitions count as shared, and the report's rows and reading.
/// </summary>
public sealed class HostScalingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Plan_ChainNewbornAndDeregistration_AtThisVersionThroughputOnly(bool quick)
    {
        var plan = BenchPlan.CreateHostScaling(quick);

        plan.ThroughputOnly.ShouldBeTrue();
        plan.Comparisons.ShouldBeEmpty();
        plan.Throughput.Select(s => s.Orchestrator).ShouldBe(["ChainOrchestrator", nameof(BundleOrchestrator), nameof(BundleOrchestrator)]);
        plan.Throughput[0].ActivitiesPerInstance.ShouldBe(BenchPlan.ChainSteps);
        ((BundleWorkload)plan.Throughput[1].Input).Template.Key.ShouldBe("newborn");
        ((BundleWorkload)plan.Throughput[2].Input).Template.Key.ShouldBe("company-deregistration");
        plan.Throughput.ShouldAllBe(s => s.Version == null && s.Driver == null);
        plan.Throughput.Select(s => s.Key).Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public void Plan_Full_MoreInstancesThanTheCostPerBundle()
    {
        var cost = BenchPlan.CreateBundleCost(quick: false).Throughput.Where(s => s.Bundle).Max(s => s.Instances);
        BenchPlan.CreateHostScaling(quick: false).Throughput.Where(s => s.Bundle).ShouldAllBe(s => s.Instances >= cost);
    }

    [Fact]
    public void ParseCpu_UserPlusSystemTicks_NameWithSpacesAndParentheses()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        const string stat = "4242 (node (main) x) R 1 4242 4242 0 -1 4194304 100 0 0 0 250 130 0 0 20 0 11 0 99 0";

        MainThreadSampler.ParseCpu(stat).ShouldBe(TimeSpan.FromSeconds(3.8));
    }

    [Fact]
    public void PeakShare_BusiestInterval_ShortLastIntervalIgnored()
    {
        var samples = new List<(TimeSpan, TimeSpan)>
        {
            (TimeSpan.Zero, TimeSpan.Zero),
            (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5)),
            (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1.47)),
            (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1.9)),
            // 10 ms after the one before: a tick here would read as 100%.
            (TimeSpan.FromSeconds(3.01), TimeSpan.FromSeconds(1.91)),
        };

        MainThreadSampler.PeakShare(samples).ShouldBe(0.97, 1e-9);
        MainThreadSampler.PeakShare([(TimeSpan.Zero, TimeSpan.Zero)]).ShouldBe(double.NaN);
    }

    [Theory]
    [InlineData(1, "host-1:4", true)]
    [InlineData(2, "host-1:2,host-2:2", true)]
    [InlineData(2, "host-1:3,host-2:1", false)]
    [InlineData(2, "host-1:4", false)]
    [InlineData(2, "host-1:2,host-2:1,:1", false)]
    [InlineData(2, "", false)]
    public void Shared_EveryPartitionOwnedAndEvenlyByEveryHost(int hosts, string owners, bool shared)
    {
        var byOwner = owners.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(o => o.Split(':')).ToDictionary(o => o[0], o => int.Parse(o[1], System.Globalization.CultureInfo.InvariantCulture));

        PartitionOwners.Shared(byOwner, hosts).ShouldBe(shared);
    }

    [Fact]
    public void Describe_InNameOrder_NobodyForUnowned() =>
        PartitionOwners.Describe(new Dictionary<string, int> { ["host-2"] = 1, [""] = 1, ["host-1"] = 2 }).ShouldBe("nobody 1, host-1 2, host-2 1");

    [Fact]
    public void Row_TwoHosts_RatioEachHostAndAzuritesThread()
    {
        var one = Result(10.0, azurite: 0.95, thread: 0.9, peak: 0.99, engines: [0.6]);
        var two = Result(9.0, azurite: 0.97, thread: 0.92, peak: 1.0, engines: [0.4, 0.35]);

        var row = HostScalingReport.Row(two, 2, one);

        row.ShouldContain("| 2 | 10/10 | 9.0 | 0.90x | 100 / 200 |");
        row.ShouldContain("| 97% | 92% (100%) | 40% + 35% | 5% | 10% |");
        HostScalingReport.Row(one, 1, null).ShouldContain("| 1 | 10/10 | 10.0 |  |");
    }

    [Fact]
    public void Reading_NoGainAndThreadSaturated_SaysAzuriteIsTheCeiling()
    {
        var one = Profile("1 host", Result(10.0, 0.95, 0.9, 0.99, [0.6]));
        var two = Profile("2 hosts", Result(9.0, 0.97, 0.92, 0.95, [0.4, 0.35]));

        var reading = HostScalingReport.Reading(one, two, cores: 2);

        reading.ShouldContain("0.90x of one host's throughput, no gain");
        reading.ShouldContain("95% to 99% in their busiest second: saturated in every run, so it is the ceiling");
        reading.ShouldContain("at most 187% busy of 200%");
        reading.ShouldContain("took 10% of a core during the scenarios.");
    }

    [Fact]
    public void Reading_GainAndThreadNotSaturated_SaysSomethingElseHeldItBack()
    {
        var one = Profile("1 host", Result(5.0, 0.5, 0.4, 0.6, [0.9]));
        var two = Profile("2 hosts", Result(8.0, 0.7, 0.6, 0.8, [0.7, 0.7]));

        var reading = HostScalingReport.Reading(one, two, cores: 2);

        reading.ShouldContain("1.60x of one host's throughput. ");
        reading.ShouldContain("never at 90% of a core, so something else held the runs back");
    }

    [Fact]
    public void Section_BetweenItsMarkers_OneAndTwoHostRowsPerScenario()
    {
        var section = HostScalingReport.Section(
            Profile("1 host", Result(10.0, 0.95, 0.9, 0.99, [0.6])),
            Profile("2 hosts", Result(9.0, 0.97, 0.92, 0.95, [0.4, 0.35])),
            "1.00 / 1.00 / 1.00 when the run began",
            new BenchEnvironment(DateTimeOffset.UnixEpoch, "abc1234", 2, "cpu", "rt", "os", "3.37.0", "v20", 0));

        section.ShouldStartWith(ReportSections.Start(HostScalingReport.SectionName));
        section.TrimEnd().ShouldEndWith(ReportSections.End(HostScalingReport.SectionName));
        section.ShouldContain("`abc1234`");
        section.ShouldContain("-- --hosts`");
        section.Split('\n').Count(l => l.StartsWith("| chain", StringComparison.Ordinal)).ShouldBe(2);
    }

    static ProfileResult Profile(string name, ScenarioResult scenario) =>
        new(name, [new("PartitionCount", "4")], [scenario], null, TimeSpan.FromMinutes(1), []);

    static ScenarioResult Result(double perSecond, double azurite, double thread, double peak, double[] engines)
    {
        var wall = TimeSpan.FromSeconds(10);
        var cpu = new CpuShare(wall, wall * azurite, wall * 0.05, wall * 0.1, [.. engines.Select(e => wall * e)], wall * thread, peak);
        return new ScenarioResult("chain", "chain", 10, 5, 10, 0, 0, perSecond, wall, LatencySummary.Of([100, 100, 200]), null, new StorageOps([]), cpu, 0, 0, []);
    }
}
