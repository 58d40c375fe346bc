using System.Text;

namespace Workflows.Benchmarks;

/// <summary>
/// Writes docs/benchmarks.md: the side-by-side table, the issue's targets against the results, storage
/// operations by service and method, the settings each profile ran with, how it was measured, and notes.
/// </summary>
public sealed class ReportWriter(BenchPlan plan, BenchEnvironment environment, TimeSpan runTime)
{
    /// <summary>Tuned chain throughput over defaults that the issue asks for.</summary>
    public const double ChainTarget = 2.0;

    /// <summary>Tuned fan-out throughput over defaults that the issue asks for.</summary>
    public const double FanOutTarget = 1.5;

    /// <summary>Event round-trip p95 the issue asks for, in ms.</summary>
    public const double RoundTripP95TargetMs = 250;

    /// <summary>Bundle throughput over the bare engine's with as many activities per instance that the issue asks for.</summary>
    public const double BundleTarget = 0.5;

    /// <summary>Other processes' CPU share above which a scenario is flagged as measured on a busy machine.</summary>
    public const double OtherCpuLimit = 0.10;

    readonly StringBuilder text = new();

    /// <summary>The whole report.</summary>
    /// <param name="defaults">Results under ProviderDefaults.</param>
    /// <param name="tuned">Results under Tuned.</param>
    /// <param name="http">The HTTP part, when it ran.</param>
    /// <returns>Markdown.</returns>
    public string Write(ProfileResult defaults, ProfileResult tuned, HttpResult? http = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(tuned);
        text.Clear();
        Line("# Engine benchmarks");
        Line();
        Line(Inv($"The engine (Durable Task SDK, gRPC sidecar, DurableTask.AzureStorage over Azurite) under `Engine:Profile=ProviderDefaults` and `Engine:Profile=Tuned`, measured side by side in one run of `tests/Workflows.Benchmarks` on {environment.Date:yyyy-MM-dd} at commit `{environment.Commit}`."));
        if (plan.Quick)
        {
            Line();
            Line("**Quick run (`--quick`): small counts for checking the bench, not numbers to quote.**");
        }

        Line();
        Line("Regenerate with `dotnet run -c Release --project tests/Workflows.Benchmarks` (this run took " + Inv($"{runTime.TotalMinutes:0.0}") + " min); `--quick` runs small counts and writes nothing unless `--out` is given.");
        Line();
        MainTable(defaults, tuned);
        Targets(defaults, tuned, http);
        if (http is not null)
        {
            HttpReport.Write(text, http);
        }

        StorageDetail(defaults, tuned);
        Settings(defaults, tuned);
        HowMeasured(defaults, tuned);
        Notes(defaults, tuned);
        Suggestions.Write(text, defaults, tuned);
        return text.ToString();
    }

    void MainTable(ProfileResult defaults, ProfileResult tuned)
    {
        Line("## Results");
        Line();
        Line("| Scenario | Measure | ProviderDefaults | Tuned | Tuned ÷ defaults |");
        Line("| --- | --- | ---: | ---: | ---: |");
        foreach (var (d, t) in Pairs(defaults, tuned))
        {
            var title = d.Title;
            if (d.LatencyOnly)
            {
                Row(title, "raise event → next activity starts, p50 / p95 / max ms (lower is better)",
                    Inv($"{Ms(d.EventLatency!.P50Ms)} / {Ms(d.EventLatency.P95Ms)} / {Ms(d.EventLatency.MaxMs)}"),
                    Inv($"{Ms(t.EventLatency!.P50Ms)} / {Ms(t.EventLatency.P95Ms)} / {Ms(t.EventLatency.MaxMs)}"),
                    Inv($"{Ratio(t.EventLatency.P50Ms, d.EventLatency.P50Ms)} / {Ratio(t.EventLatency.P95Ms, d.EventLatency.P95Ms)} / {Ratio(t.EventLatency.MaxMs, d.EventLatency.MaxMs)}"));
                continue;
            }

            if (d.EventLatency is { } de && t.EventLatency is { } te)
            {
                Row(title, "raise event → next activity starts, p50 / p95 ms (lower is better)",
                    Inv($"{Ms(de.P50Ms)} / {Ms(de.P95Ms)}"), Inv($"{Ms(te.P50Ms)} / {Ms(te.P95Ms)}"),
                    Inv($"{Ratio(te.P50Ms, de.P50Ms)} / {Ratio(te.P95Ms, de.P95Ms)}"));
                title = string.Empty;
            }
            else
            {
                var what = d.Bundle ? "bundles" : "orchestrations";
                Row(title, $"completed {what}/s (higher is better)",
                    Rate(d), Rate(t), Ratio(t.OrchestrationsPerSecond, d.OrchestrationsPerSecond));
                if (BareFor(d, defaults, tuned) is { } bare)
                {
                    Row(string.Empty, Inv($"bundles/s ÷ bare engine's orchestrations/s ({bare.Shape}, same count; target ≥ {BundleTarget:0.0})"),
                        Inv($"{Share(d, bare.Defaults)}"), Inv($"{Share(t, bare.Tuned)}"), string.Empty);
                }

                Row(string.Empty, "schedule → completion, p50 / p95 ms (lower is better)",
                    Inv($"{Ms(d.Latency.P50Ms)} / {Ms(d.Latency.P95Ms)}"), Inv($"{Ms(t.Latency.P50Ms)} / {Ms(t.Latency.P95Ms)}"),
                    Inv($"{Ratio(t.Latency.P50Ms, d.Latency.P50Ms)} / {Ratio(t.Latency.P95Ms, d.Latency.P95Ms)}"));
                title = string.Empty;
            }

            Row(title, d.Bundle ? "storage ops per bundle (items and all): total (blob / queue / table)" : "storage ops per orchestration: total (blob / queue / table)",
                Ops(d), Ops(t), Ratio(t.OpsPerInstance(), d.OpsPerInstance()));
            Row(string.Empty, "CPU, share of one core: Azurite / host / other processes", Cpu(d.Cpu), Cpu(t.Cpu), string.Empty);
        }

        if (defaults.Lull is { } dl && tuned.Lull is { } tl)
        {
            Row(Inv($"Idle ({dl.Cpu.Wall.TotalSeconds:0} s, starting {dl.Delay.TotalSeconds:0} s after the last completion)"),
                "storage ops/s: total (blob / queue / table)", LullOps(dl), LullOps(tl), Ratio(tl.PerSecond(), dl.PerSecond()));
            Row(string.Empty, "CPU, share of one core: Azurite / host / other processes", Cpu(dl.Cpu), Cpu(tl.Cpu), string.Empty);
        }

        Line();
    }

    /// <summary>The HTTP part alone (<c>--http-only</c>), for developing it; never the published report.</summary>
    /// <param name="http">The HTTP part.</param>
    /// <returns>Markdown.</returns>
    public string WriteHttpOnly(HttpResult http)
    {
        ArgumentNullException.ThrowIfNull(http);
        text.Clear();
        Line("# Engine benchmarks: the HTTP part only");
        Line();
        Line(Inv($"Run with `--http-only`{(http.Plan.Quick ? " `--quick` (small counts for checking the bench, not numbers to quote)" : string.Empty)} on {environment.Date:yyyy-MM-dd HH:mm} UTC at commit `{environment.Commit}`: only the HTTP part of `tests/Workflows.Benchmarks`, without the profile scenarios. Machine: {environment.Cores} cores ({environment.CpuModel}), {environment.Os}, {environment.Runtime}; Azurite {environment.AzuriteVersion} on node {environment.NodeVersion}. The run took {runTime.TotalMinutes:0.0} min."));
        Line();
        Line("## Against the issue's targets");
        Line();
        Line("| Target | Measured | Met |");
        Line("| --- | --- | --- |");
        foreach (var row in HttpReport.TargetRows(http))
        {
            Line(row);
        }

        Line();
        HttpReport.Write(text, http);
        return text.ToString();
    }

    void Targets(ProfileResult defaults, ProfileResult tuned, HttpResult? http)
    {
        Line("## Against the issue's targets");
        Line();
        Line("| Target | Measured | Met |");
        Line("| --- | --- | --- |");
        var pairs = Pairs(defaults, tuned).ToList();
        var chains = pairs.Where(p => p.Defaults.Key.StartsWith("chain", StringComparison.Ordinal)).ToList();
        var chainRatios = chains.Select(p => (p.Defaults.Title, Ratio: p.Tuned.OrchestrationsPerSecond / p.Defaults.OrchestrationsPerSecond)).ToList();
        Line(Inv($"| Tuned chain of {BenchPlan.ChainSteps}: at least {ChainTarget:0}x the defaults' orchestrations/s | {string.Join("; ", chainRatios.Select(c => Inv($"{c.Title}: {c.Ratio:0.00}x")))} | {Met(chainRatios.All(c => c.Ratio >= ChainTarget))} |"));

        foreach (var (d, t) in pairs.Where(p => p.Defaults.Key.StartsWith("fan", StringComparison.Ordinal)))
        {
            var ratio = t.OrchestrationsPerSecond / d.OrchestrationsPerSecond;
            Line(Inv($"| Tuned fan-out of {BenchPlan.FanOutWidth}: at least {FanOutTarget:0.0}x (only fewer storage ops per orchestration can give it) | {ratio:0.00}x orchestrations/s; storage ops per orchestration {t.OpsPerInstance():0} vs {d.OpsPerInstance():0} ({Ratio(t.OpsPerInstance(), d.OpsPerInstance())}) | {Met(ratio >= FanOutTarget)} |"));
        }

        foreach (var (d, t) in pairs.Where(p => p.Defaults.Bundle))
        {
            if (BareFor(d, defaults, tuned) is not { } bare)
            {
                continue;
            }

            var (ds, ts) = (d.OrchestrationsPerSecond / bare.Defaults.OrchestrationsPerSecond, t.OrchestrationsPerSecond / bare.Tuned.OrchestrationsPerSecond);
            var clean = d.Notes.Count == 0 && t.Notes.Count == 0 && bare.Defaults.Notes.Count == 0 && bare.Tuned.Notes.Count == 0;
            Line(Inv($"| Bundles reach at least half the bare engine's throughput: {d.Title} against a bare {bare.Shape}, {d.Instances} at once | tuned {Rate(t)} vs {Rate(bare.Tuned)}/s = {Share(t, bare.Tuned)}; defaults {Rate(d)} vs {Rate(bare.Defaults)}/s = {Share(d, bare.Defaults)}{(clean ? string.Empty : " (see the notes)")} | tuned {Met(ts >= BundleTarget)}; defaults {Met(ds >= BundleTarget)} |"));
        }

        foreach (var (d, t) in pairs.Where(p => p.Tuned.EventLatency is not null))
        {
            var which = d.LatencyOnly ? " (beyond the issue: a decision from another process after a quiet spell)" : string.Empty;
            Line(Inv($"| Event round trip p95 under {RoundTripP95TargetMs:0} ms: {t.Title}{which} | tuned {Ms(t.EventLatency!.P95Ms)} ms (defaults {Ms(d.EventLatency!.P95Ms)} ms) | {Met(t.EventLatency.P95Ms < RoundTripP95TargetMs)} |"));
        }

        foreach (var row in http is null ? [] : HttpReport.TargetRows(http))
        {
            Line(row);
        }

        Line();
    }

    void StorageDetail(ProfileResult defaults, ProfileResult tuned)
    {
        Line("## Storage operations per orchestration, by service and method");
        Line();
        Line("Every request the host's Azure SDK clients sent (the engine's and our step ledger's), divided by the instances started. The ledger's share is exact: each activity appends one attempt row and records its step once, two table requests, listed separately. The bench's own completion checks are included (one table read each, every " + Inv($"{InstanceWatcher.PollInterval.TotalMilliseconds:0}") + " ms; their number is in the notes).");
        Line();
        Line("| Scenario | Service | Method | ProviderDefaults | Tuned |");
        Line("| --- | --- | --- | ---: | ---: |");
        foreach (var (d, t) in Pairs(defaults, tuned).Where(p => !p.Defaults.LatencyOnly))
        {
            var title = d.Title;
            foreach (var service in StorageOps.Services)
            {
                var methods = d.Operations.Counts.Concat(t.Operations.Counts).Where(c => c.Service == service)
                    .Select(c => c.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
                foreach (var method in methods)
                {
                    Line(Inv($"| {title} | {service} | {method} | {d.OpsPerInstance(service, method):0.0} | {t.OpsPerInstance(service, method):0.0} |"));
                    title = string.Empty;
                }
            }

            Line(Inv($"| | table | of which step ledger | {d.LedgerOpsPerInstance:0.0} | {t.LedgerOpsPerInstance:0.0} |"));
            Line(Inv($"| | **all** | | **{d.OpsPerInstance():0.0}** | **{t.OpsPerInstance():0.0}** |"));
        }

        if (defaults.Lull is { } dl && tuned.Lull is { } tl)
        {
            var title = "Idle, per second";
            foreach (var key in dl.Operations.Counts.Concat(tl.Operations.Counts).Select(c => (c.Service, c.Method)).Distinct().OrderBy(k => k.Service, StringComparer.Ordinal).ThenBy(k => k.Method, StringComparer.Ordinal))
            {
                Line(Inv($"| {title} | {key.Service} | {key.Method} | {dl.Operations.Of(key.Service, key.Method) / dl.Cpu.Wall.TotalSeconds:0.00} | {tl.Operations.Of(key.Service, key.Method) / tl.Cpu.Wall.TotalSeconds:0.00} |"));
                title = string.Empty;
            }
        }

        Line();
    }

    void Settings(ProfileResult defaults, ProfileResult tuned)
    {
        Line("## Provider settings each profile ran with");
        Line();
        Line("Read back from `EngineSettings.Create` with the options each host bound; nothing else was configured.");
        Line();
        Line("| Setting | ProviderDefaults | Tuned |");
        Line("| --- | --- | --- |");
        foreach (var (name, value) in defaults.Settings)
        {
            var other = tuned.Settings.FirstOrDefault(s => s.Key == name).Value ?? "?";
            Line($"| {name} | {value} | {(other == value ? other : $"**{other}**")} |");
        }

        Line();
    }

    void HowMeasured(ProfileResult defaults, ProfileResult tuned)
    {
        var rt = plan.RoundTrip;
        Line("## How measured");
        Line();
        Line(Inv($"Machine: {environment.Cores} cores ({environment.CpuModel}), {environment.Os}, {environment.Runtime}; Azurite {environment.AzuriteVersion} on node {environment.NodeVersion}, which is single-threaded, so storage can use at most one of the two cores.{(environment.Nice != 0 ? $" The bench, its engines and its Azurites ran at nice {environment.Nice}, ahead of other work on the machine, which was shared with builds and tests at the time." : string.Empty)} Run on {environment.Date:yyyy-MM-dd HH:mm} UTC at commit `{environment.Commit}`; the whole run took {runTime.TotalMinutes:0.0} min (ProviderDefaults {defaults.Duration.TotalMinutes:0.0} min, Tuned {tuned.Duration.TotalMinutes:0.0} min)."));
        Line();
        Line(Inv($"Each profile ran in its own child process of the bench, on its own fresh private Azurite (`Azurite.StartAsync`, data in a temp folder) with its own task hub, in an engine hosted in that process exactly as the local server hosts it (`InProcessEngine.StartAsync` with `Storage:ConnectionString`, `Storage:TablePrefix`, `Engine:TaskHubName`, `Engine:Profile` and `Engine:RunWorker=true`, nothing else). ProviderDefaults ran first, then Tuned. Before measuring, {plan.WarmUpInstances} instances of each orchestrator ran to completion; before each scenario the bench paused {plan.Settle.TotalSeconds:0} s, the same for both profiles. After the warm-up and after each scenario it purged every finished instance (history and instance rows, outside any measured interval): Azurite answers every table query, including the provider's history read at each episode, by scanning the whole table, so without the purge each scenario would run slower for the data the scenarios before it left behind (real Azure Storage looks a partition up by key). A scenario starts all its instances at once (concurrent `ScheduleNewOrchestrationInstanceAsync` calls) and ends when a query for its instance id prefix finds none pending or running; that query goes every {InstanceWatcher.PollInterval.TotalMilliseconds:0} ms with a page size of one and without inputs and outputs. Latency is each instance's `LastUpdatedAt` (stamped by the host when it checkpoints the completion) minus the moment just before its own schedule call; throughput is completed instances over first schedule to last completion. All times come from this machine's clock, read by one process, with `Stopwatch` for intervals."));
        Line();
        Line(Inv($"Event round trip: {rt.Instances} instances of `EventRoundTripOrchestrator` with {rt.Rounds} rounds each; once none was pending (each was waiting for its first `Ping`), every instance got one event every {rt.Gap.TotalSeconds:0.#} s, the instances staggered evenly across that gap, so the engine saw a steady {rt.Instances / rt.Gap.TotalSeconds:0} events/s. Latency is the attempt row's `StartedAt` of `RoundStep(i)` in the step ledger minus the moment just before `RaiseEventAsync` for round i; the bench checked afterwards, rather than by polling during the run, that each round's activity had started before the next event to that instance was raised. The ledger (`InProcessEngine.Ledger.AttemptsAsync`) was read after the scenario's storage counts were taken, so those reads are not in them."));
        Line();
        var lull = plan.AfterLull;
        Line(Inv($"Event from another host after idle: {lull.Instances} more instances were started after the round trips and left waiting for one `Ping`; the host then had no work for {(plan.LullDelay + plan.LullWindow).TotalSeconds:0} s (the idle row measures the last {plan.LullWindow.TotalSeconds:0} s of it), and then each instance got its event at the same moment, raised through a second, client-only host on the same task hub (`Engine:RunWorker=false`, its own provider instance and storage counter). The provider backs its queue polling off while idle, up to `MaxQueuePollingInterval`, but resets that backoff whenever its own process enqueues a message, so events raised through the worker host's own client (as in the round trip above) never wait for a poll; an event from another process (an API front end, the Functions app, a second host) does. Only latency is reported for it: {lull.Instances} events are too little work for rates, counts or CPU shares."));
        Line();
        if (plan.Comparisons.Count > 0)
        {
            var bundles = plan.Throughput.Where(s => s.Bundle).Select(s => Inv($"{s.Instances} {((BundleWorkload)s.Input).Template.Key}")).ToList();
            Line(Inv($"Bundles ({string.Join(", ", bundles)} at once): `BundleOrchestrator` scheduled directly through the client, as the deferral tests do, without the submission planner or the API. Each bundle's template is the built-in one (`BuiltInTemplates.Get`) with every item's decision, officer, outside system or the template's own rules, replaced in code by a single rule that always approves (`fieldPresent` of a required field the answers fill), so nobody is in the loop; the answers and the applicant's licences make every item part of the application (every licence type an item's `includeWhen` asks for), and the materials ledger holds only materials from licences, uploads and those produced by an earlier item, none deferred or committed. Each bundle has its own application id (its instance id; its items run as sub-orchestrations `{{id}}:{{item}}`, under the same prefix) and its own applicant. A bundle counts from its schedule call to its own `LastUpdatedAt` when it completes, after all its items; storage operations are per bundle, items included, and no bundle activity writes the step ledger. Afterwards, outside the measured interval, the bench read every bundle's outcome and checked that it completed with every item approved by the bench's rule. The bare engine ran, in the same process and on the same Azurite, as many instances with as many activities each: a chain of {BenchPlan.ChainSteps} (`ChainOrchestrator`) against newborn's {BenchPlan.ChainSteps} items, one after another where the template has three levels, and a fan-out/fan-in (`FanOutOrchestrator`) as wide as deregistration's items, most of which run side by side. A bundle does more than its items: every item is an orchestration of its own whose one activity issues its certificates and writes its audit, and the bundle saves the application record, with its own audit entries, at its start, after each wake-up in which items end, and at its end."));
            Line();
        }

        Line("Storage operations: the host's `StorageOperationCounter`, reset when a scenario starts and read when its end is detected, divided by instances started; it counts every request of the engine's provider (queues, history and instance tables, partition leases, idle polling while the scenario ran) and of our step ledger. CPU: `TotalProcessorTime` of Azurite's node process and of the profile's bench process (engine, sidecar, worker, the client-only host and the bench's own driver) over the same interval, as a share of one core, and the machine's busy time from /proc/stat less those two as \"other processes\", which should stay near zero on an otherwise idle machine; all three together can reach 200%.");
        Line();
    }

    void Notes(ProfileResult defaults, ProfileResult tuned)
    {
        Line("## Notes");
        Line();
        foreach (var profile in new[] { defaults, tuned })
        {
            foreach (var s in profile.Scenarios)
            {
                var items = new List<string>(s.Notes);
                if (s.Cpu.OtherCores > OtherCpuLimit && !s.LatencyOnly)
                {
                    items.Add(Inv($"other processes used {s.Cpu.OtherCores * 100:0}% of a core meanwhile, so this scenario's numbers are skewed"));
                }

                if (s.Warnings > 0)
                {
                    items.Add(Inv($"the host logged {s.Warnings} warnings or errors"));
                }

                if (items.Count > 0)
                {
                    Line(Inv($"- {profile.Profile}, {s.Title}: {string.Join("; ", items)}."));
                }
            }

            foreach (var sample in profile.LogSamples)
            {
                Line($"- {profile.Profile}: `{sample.Replace('`', '\'')}`");
            }
        }

        var clean = new[] { defaults, tuned }.SelectMany(p => p.Scenarios).All(s => s.Notes.Count == 0 && s.Warnings == 0 && s.Failed == 0 && s.Unfinished == 0);
        if (clean)
        {
            Line("- Every instance of every scenario completed; the host logged no warnings or errors.");
        }

        Line("- One run per scenario, no repetitions. In development runs of the quick plan the same scenario's throughput moved by up to a quarter from run to run, so ratios between about 0.8x and 1.25x show no difference.");
        var queries = new[] { defaults, tuned }.SelectMany(p => p.Scenarios.Select(s => Inv($"{p.Profile} {s.Key} {s.StatusQueries} ({s.StatusQueries / (double)s.Instances:0.00}/orchestration)")));
        Line($"- The bench's status queries (included in the table reads above): {string.Join(", ", queries)}.");
        Line();
    }

    /// <summary>The scenarios both profiles ran, paired by key, in run order.</summary>
    /// <param name="defaults">Results under ProviderDefaults.</param>
    /// <param name="tuned">Results under Tuned.</param>
    /// <returns>The pairs.</returns>
    public static IEnumerable<(ScenarioResult Defaults, ScenarioResult Tuned)> Pairs(ProfileResult defaults, ProfileResult tuned) =>
        defaults.Scenarios.Join(tuned.Scenarios, d => d.Key, t => t.Key, (d, t) => (d, t), StringComparer.Ordinal);

    (string Shape, ScenarioResult Defaults, ScenarioResult Tuned)? BareFor(ScenarioResult bundle, ProfileResult defaults, ProfileResult tuned)
    {
        var comparison = plan.Comparisons.FirstOrDefault(c => c.BundleKey == bundle.Key);
        var d = defaults.Scenarios.FirstOrDefault(s => s.Key == comparison?.BareKey);
        var t = tuned.Scenarios.FirstOrDefault(s => s.Key == comparison?.BareKey);
        return comparison is null || d is null || t is null ? null : (comparison.Shape, d, t);
    }

    static string Share(ScenarioResult bundle, ScenarioResult bare) => Ratio(bundle.OrchestrationsPerSecond, bare.OrchestrationsPerSecond);

    void Row(string scenario, string measure, string d, string t, string ratio) => Line($"| {scenario} | {measure} | {d} | {t} | {ratio} |");

    static string Rate(ScenarioResult s) => double.IsNaN(s.OrchestrationsPerSecond) ? "–" : Inv($"{s.OrchestrationsPerSecond:0.0}");

    static string Ops(ScenarioResult s) => Inv($"{s.OpsPerInstance():0} ({s.OpsPerInstance("blob"):0.0} / {s.OpsPerInstance("queue"):0.0} / {s.OpsPerInstance("table"):0.0})");

    static string LullOps(LullResult l) => Inv($"{l.PerSecond():0.0} ({l.PerSecond("blob"):0.0} / {l.PerSecond("queue"):0.0} / {l.PerSecond("table"):0.0})");

    static string Cpu(CpuShare c) => Inv($"{c.AzuriteCores * 100:0}% / {c.HostCores * 100:0}% / {c.OtherCores * 100:0}%");

    static string Ms(double ms) => double.IsNaN(ms) ? "–" : Inv($"{ms:0}");

    static string Ratio(double tuned, double defaults) =>
        double.IsNaN(tuned) || double.IsNaN(defaults) || defaults == 0 ? "–" : Inv($"{tuned / defaults:0.00}x");

    static string Met(bool met) => met ? "yes" : "**no**";

    static string Inv(FormattableString value) => FormattableString.Invariant(value);

    void Line(string line = "") => text.Append(line).Append('\n');
}
