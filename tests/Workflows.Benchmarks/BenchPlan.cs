namespace Workflows.Benchmarks;

/// <summary>A throughput scenario: instances of one orchestrator started at once and run to completion.</summary>
/// <param name="Key">Stable identifier; also the instance id prefix, so one query finds the scenario's instances.</param>
/// <param name="Title">Row title in the report.</param>
/// <param name="Orchestrator">The orchestrator's registered name.</param>
/// <param name="Input">The input every instance gets.</param>
/// <param name="Instances">How many instances.</param>
/// <param name="ActivitiesPerInstance">Activities each instance runs.</param>
public sealed record ThroughputSpec(string Key, string Title, string Orchestrator, object Input, int Instances, int ActivitiesPerInstance);

/// <summary>The event round-trip scenario.</summary>
/// <param name="Key">Stable identifier and instance id prefix.</param>
/// <param name="Title">Row title in the report.</param>
/// <param name="Instances">How many instances wait for events at once.</param>
/// <param name="Rounds">Events raised to each instance, one at a time.</param>
/// <param name="Gap">Time between two events to one instance; instances are staggered evenly across it.</param>
public sealed record RoundTripSpec(string Key, string Title, int Instances, int Rounds, TimeSpan Gap);

/// <summary>How much to run: the full plan for docs/benchmarks.md, or a quick one while developing.</summary>
/// <param name="Quick">Whether this is the quick plan.</param>
/// <param name="Throughput">The throughput scenarios, in run order.</param>
/// <param name="RoundTrip">The event round-trip scenario, run after the throughput scenarios.</param>
/// <param name="AfterLull">Instances that each get one event after the idle window: the round trip after a lull.</param>
/// <param name="WarmUpInstances">Instances of each orchestrator run before measuring, so JIT, connection pools and tables are warm.</param>
/// <param name="Settle">Pause before each scenario, the same for both profiles, so each starts from the same short lull.</param>
/// <param name="LullDelay">How long after the last scenario the idle window starts.</param>
/// <param name="LullWindow">How long the idle window lasts.</param>
/// <param name="ScenarioTimeout">Longest a scenario may take before it is reported unfinished.</param>
public sealed record BenchPlan(
    bool Quick,
    IReadOnlyList<ThroughputSpec> Throughput,
    RoundTripSpec RoundTrip,
    RoundTripSpec AfterLull,
    int WarmUpInstances,
    TimeSpan Settle,
    TimeSpan LullDelay,
    TimeSpan LullWindow,
    TimeSpan ScenarioTimeout)
{
    /// <summary>Steps of the chain scenario.</summary>
    public const int ChainSteps = 5;

    /// <summary>Width of the fan-out scenario.</summary>
    public const int FanOutWidth = 16;

    /// <summary>The plan.</summary>
    /// <param name="quick">Small counts for a run of a minute or two.</param>
    /// <returns>The plan.</returns>
    public static BenchPlan Create(bool quick)
    {
        var (smallChains, largeChains, fanOuts, waiters, rounds, sleepers) = quick ? (20, 50, 10, 10, 3, 4) : (200, 1000, 100, 50, 5, 10);
        var (lullDelay, lullWindow) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(quick ? 5 : 20));
        return new BenchPlan(
            quick,
            [
                Chain(smallChains),
                Chain(largeChains),
                new ThroughputSpec($"fan{fanOuts}", $"Fan-out/fan-in of {FanOutWidth}, {fanOuts} at once", nameof(SelfCheck.FanOutOrchestrator),
                    new SelfCheck.FanOutInput(FanOutWidth, "bench"), fanOuts, FanOutWidth),
            ],
            new RoundTripSpec($"evt{waiters}", $"Event round trip, {waiters} instances x {rounds} rounds", waiters, rounds, TimeSpan.FromSeconds(quick ? 1 : 2)),
            new RoundTripSpec($"lull{sleepers}", $"Event from another host after {(lullDelay + lullWindow).TotalSeconds:0} s idle, {sleepers} instances at once", sleepers, 1, TimeSpan.Zero),
            WarmUpInstances: quick ? 2 : 5,
            Settle: TimeSpan.FromSeconds(2),
            LullDelay: lullDelay,
            LullWindow: lullWindow,
            ScenarioTimeout: TimeSpan.FromMinutes(quick ? 3 : 6));
    }

    static ThroughputSpec Chain(int instances) => new(
        $"chain{instances}", $"Chain of {ChainSteps}, {instances} at once", nameof(SelfCheck.ChainOrchestrator),
        new SelfCheck.ChainInput(ChainSteps, "bench"), instances, ChainSteps);
}
