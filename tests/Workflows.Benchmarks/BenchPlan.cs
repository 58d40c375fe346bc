namespace Workflows.Benchmarks;

/// <summary>A throughput scenario: instances of one orchestrator started at once and run to completion.</summary>
/// <param name="Key">Stable identifier; also the instance id prefix, so one query finds the scenario's instances.</param>
/// <param name="Title">Row title in the report.</param>
/// <param name="Orchestrator">The orchestrator's registered name.</param>
/// <param name="Input">The input every instance gets.</param>
/// <param name="Instances">How many instances.</param>
/// <param name="ActivitiesPerInstance">Activities each instance runs; for a bundle, its items.</param>
/// <param name="InputFor">When set, the input of each instance by its id (a bundle's application id is its instance id).</param>
/// <param name="Bundle">A bundle scenario: its instances are <c>BundleOrchestrator</c>s, each with item sub-orchestrations under the same id prefix.</param>
/// <param name="Version">The orchestration version to start the instances at; null for this code's own.</param>
/// <param name="Driver">What plays the outside world while the instances run (scripted officers, an event raiser); null for nothing.</param>
public sealed record ThroughputSpec(
    string Key, string Title, string Orchestrator, object Input, int Instances, int ActivitiesPerInstance, Func<string, object>? InputFor = null, bool Bundle = false,
    string? Version = null, DriverSpec? Driver = null);

/// <summary>Who acts on a scenario's instances while they run, and how many act at once.</summary>
/// <param name="Kind">Scripted officers deciding tasks, or a raiser of the events an <c>EventChainOrchestrator</c> waits for.</param>
/// <param name="Concurrency">How many act at once (officers, or raisers).</param>
public sealed record DriverSpec(DriverKind Kind, int Concurrency);

/// <summary>The kinds of <see cref="DriverSpec"/>.</summary>
public enum DriverKind
{
    /// <summary>Scripted officers: each open task of the scenario's applications is approved through the API's decide route.</summary>
    Officers,

    /// <summary>Each instance waiting for its next step's event gets it at once.</summary>
    Events,
}

/// <summary>A bundle scenario and the bare-engine scenario with the same number of activities per instance and the same instance count.</summary>
/// <param name="BundleKey">The bundle scenario's key.</param>
/// <param name="BareKey">The bare scenario's key.</param>
/// <param name="Shape">The bare scenario's shape, for the report (e.g. "chain of 5").</param>
public sealed record BundleComparison(string BundleKey, string BareKey, string Shape);

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
/// <param name="Comparisons">Each bundle scenario with its bare-engine counterpart in <paramref name="Throughput"/>.</param>
/// <param name="RoundTrip">The event round-trip scenario, run after the throughput scenarios.</param>
/// <param name="AfterLull">Instances that each get one event after the idle window: the round trip after a lull.</param>
/// <param name="WarmUpInstances">Instances of each orchestrator run before measuring, so JIT, connection pools and tables are warm.</param>
/// <param name="Settle">Pause before each scenario, the same for both profiles, so each starts from the same short lull.</param>
/// <param name="LullDelay">How long after the last scenario the idle window starts.</param>
/// <param name="LullWindow">How long the idle window lasts.</param>
/// <param name="ScenarioTimeout">Longest a scenario may take before it is reported unfinished.</param>
/// <param name="ThroughputOnly">Only the throughput scenarios: no round trip and no idle window (the cost per bundle).</param>
public sealed record BenchPlan(
    bool Quick,
    IReadOnlyList<ThroughputSpec> Throughput,
    IReadOnlyList<BundleComparison> Comparisons,
    RoundTripSpec RoundTrip,
    RoundTripSpec AfterLull,
    int WarmUpInstances,
    TimeSpan Settle,
    TimeSpan LullDelay,
    TimeSpan LullWindow,
    TimeSpan ScenarioTimeout,
    bool ThroughputOnly = false)
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
        var (newborns, deregistrations) = quick ? (10, 4) : (50, 20);
        var (lullDelay, lullWindow) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(quick ? 5 : 20));
        List<ThroughputSpec> throughput =
        [
            Chain(smallChains),
            Chain(largeChains),
            new ThroughputSpec($"fan{fanOuts}", $"Fan-out/fan-in of {FanOutWidth}, {fanOuts} at once", nameof(SelfCheck.FanOutOrchestrator),
                new SelfCheck.FanOutInput(FanOutWidth, "bench"), fanOuts, FanOutWidth),
        ];

        // Bundles after the bare scenarios, each right after the bare scenario with as many activities per
        // instance and as many instances (a chain scenario already in the plan is reused when it matches).
        List<BundleComparison> comparisons = [];
        var newborn = BundleWorkload.AllRules("newborn");
        var chain = newborn.Items == ChainSteps ? throughput.FirstOrDefault(s => s.Key == $"chain{newborns}") : null;
        if (chain is null)
        {
            chain = new ThroughputSpec($"barechain{newborn.Items}x{newborns}", $"Bare engine: chain of {newborn.Items}, {newborns} at once", nameof(SelfCheck.ChainOrchestrator),
                new SelfCheck.ChainInput(newborn.Items, "bench"), newborns, newborn.Items);
            throughput.Add(chain);
        }

        throughput.Add(NewbornBundle(newborn, newborns));
        comparisons.Add(new BundleComparison($"nb{newborns}", chain.Key, $"chain of {newborn.Items}"));

        var deregistration = BundleWorkload.AllRules("company-deregistration");
        var fan = new ThroughputSpec($"barefan{deregistration.Items}x{deregistrations}", $"Bare engine: fan-out/fan-in of {deregistration.Items}, {deregistrations} at once",
            nameof(SelfCheck.FanOutOrchestrator), new SelfCheck.FanOutInput(deregistration.Items, "bench"), deregistrations, deregistration.Items);
        throughput.Add(fan);
        throughput.Add(DeregistrationBundle(deregistration, deregistrations));
        comparisons.Add(new BundleComparison($"dereg{deregistrations}", fan.Key, $"fan-out of {deregistration.Items}"));

        return new BenchPlan(
            quick,
            throughput,
            comparisons,
            new RoundTripSpec($"evt{waiters}", $"Event round trip, {waiters} instances x {rounds} rounds", waiters, rounds, TimeSpan.FromSeconds(quick ? 1 : 2)),
            new RoundTripSpec($"lull{sleepers}", $"Event from another host after {(lullDelay + lullWindow).TotalSeconds:0} s idle, {sleepers} instances at once", sleepers, 1, TimeSpan.Zero),
            WarmUpInstances: quick ? 2 : 5,
            Settle: TimeSpan.FromSeconds(2),
            LullDelay: lullDelay,
            LullWindow: lullWindow,
            ScenarioTimeout: TimeSpan.FromMinutes(quick ? 3 : 6));
    }

    /// <summary>
    /// The cost per bundle alone (issue 19): each all-rules bundle as this code runs it (2.6: rule items decided by the
    /// bundle) and as 2.5 did (each item its own sub-orchestration), right after the bare engine of the same shape and
    /// count, on one engine.
    /// </summary>
    /// <param name="quick">Small counts.</param>
    /// <returns>The plan; its comparisons pair each bundle scenario with its bare one.</returns>
    public static BenchPlan CreateBundleCost(bool quick)
    {
        var full = Create(quick);
        var throughput = new List<ThroughputSpec>();
        var comparisons = new List<BundleComparison>();
        foreach (var comparison in full.Comparisons)
        {
            var bare = full.Throughput.Single(s => s.Key == comparison.BareKey);
            var bundle = full.Throughput.Single(s => s.Key == comparison.BundleKey);
            var before = bundle with
            {
                Key = bundle.Key + "v25",
                Title = bundle.Title + ", started at 2.5 (each item its own sub-orchestration)",
                Version = Orchestration.OrchestrationVersions.MigrationsPossible,
            };
            throughput.AddRange([bare, before, bundle]);
            comparisons.Add(comparison with { BundleKey = before.Key });
            comparisons.Add(comparison);
        }

        return full with { Throughput = throughput, Comparisons = comparisons, ThroughputOnly = true };
    }

    /// <summary>Officers deciding at once: a small fixed number, as a department's desk would have.</summary>
    public const int Officers = 4;

    /// <summary>
    /// Officer-decided bundles (issue 19): the newborn bundle with every item decided by an officer, approved by
    /// <see cref="Officers"/> scripted officers through the API's decide route, right after the bare engine's chain of as many
    /// steps, each waiting for an external event the bench raises as soon as the instance waits for it, on one engine.
    /// </summary>
    /// <param name="quick">Small counts.</param>
    /// <returns>The plan; its one comparison pairs the bundle scenario with the bare one.</returns>
    public static BenchPlan CreateOfficerCost(bool quick)
    {
        var full = Create(quick);
        var newborns = quick ? 10 : 50;
        var newborn = BundleWorkload.AllOfficers("newborn");
        var bare = new ThroughputSpec($"bareevt{newborn.Items}x{newborns}",
            $"Bare engine: chain of {newborn.Items}, each step after an external event the bench raises, {newborns} at once",
            nameof(SelfCheck.EventChainOrchestrator), new SelfCheck.EventChainInput(newborn.Items, "bench"), newborns, newborn.Items,
            Driver: new DriverSpec(DriverKind.Events, Officers));
        var bundle = Bundle($"nbofc{newborns}", $"Bundle: newborn ({newborn.Items} items, every one decided by an officer), {newborns} at once", newborn, newborns)
            with { Driver = new DriverSpec(DriverKind.Officers, Officers) };
        return full with
        {
            Throughput = [bare, bundle],
            Comparisons = [new BundleComparison(bundle.Key, bare.Key, $"chain of {newborn.Items} external events")],
            ThroughputOnly = true,
        };
    }

    /// <summary>
    /// One engine host against two (issue 19): the bare chain of <see cref="ChainSteps"/> and the two all-rules bundles at this
    /// code's version, with more instances than the cost per bundle so each scenario runs long enough to show a ceiling; run
    /// once on one host and once on two host processes sharing one task hub.
    /// </summary>
    /// <param name="quick">Small counts.</param>
    /// <returns>The plan: throughput only, no comparisons.</returns>
    public static BenchPlan CreateHostScaling(bool quick)
    {
        var (chains, newborns, deregistrations) = quick ? (40, 20, 6) : (400, 200, 60);
        return Create(quick) with
        {
            Throughput =
            [
                Chain(chains),
                NewbornBundle(BundleWorkload.AllRules("newborn"), newborns),
                DeregistrationBundle(BundleWorkload.AllRules("company-deregistration"), deregistrations),
            ],
            Comparisons = [],
            ThroughputOnly = true,
        };
    }

    static ThroughputSpec NewbornBundle(BundleWorkload newborn, int instances) =>
        Bundle($"nb{instances}", $"Bundle: newborn ({newborn.Items} items, every one decided by rules), {instances} at once", newborn, instances);

    static ThroughputSpec DeregistrationBundle(BundleWorkload deregistration, int instances) => Bundle(
        $"dereg{instances}",
        $"Bundle: company deregistration ({deregistration.Items} items, {deregistration.Independent} in parallel, every one decided by rules), {instances} at once",
        deregistration,
        instances);

    static ThroughputSpec Bundle(string key, string title, BundleWorkload workload, int instances) => new(
        key, title, nameof(Orchestration.BundleOrchestrator), workload, instances, workload.Items, workload.InputFor, Bundle: true);

    static ThroughputSpec Chain(int instances) => new(
        $"chain{instances}", $"Chain of {ChainSteps}, {instances} at once", nameof(SelfCheck.ChainOrchestrator),
        new SelfCheck.ChainInput(ChainSteps, "bench"), instances, ChainSteps);
}
