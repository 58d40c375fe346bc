using System.Globalization;
using System.Text;

namespace Workflows.Benchmarks;

/// <summary>
/// The "Cost per bundle" section of docs/benchmarks.md (issue 19): each all-rules bundle at 2.5 and at 2.6 beside the bare
/// engine of the same shape, measured one after the other on one engine, with the targets (≥ 0.6x the bare engine's
/// throughput, ≤ 1.5x its storage operations).
/// </summary>
public static class BundleCostReport
{
    /// <summary>The section's marker name.</summary>
    public const string SectionName = "bundle-cost";

    /// <summary>Throughput a bundle must reach, as a share of the bare engine's of the same shape.</summary>
    public const double ThroughputTarget = 0.6;

    /// <summary>Storage operations a bundle may cost at most, as a multiple of the bare engine's.</summary>
    public const double OperationsTarget = 1.5;

    /// <summary>The section.</summary>
    /// <param name="plan">The plan measured (<see cref="BenchPlan.CreateBundleCost"/>).</param>
    /// <param name="result">What was measured.</param>
    /// <param name="load">The load average when the run began.</param>
    /// <param name="environment">The machine and commit.</param>
    /// <returns>The section's markdown, between its markers.</returns>
    public static string Section(BenchPlan plan, ProfileResult result, string load, BenchEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(environment);
        var s = new StringBuilder();
        s.AppendLine(ReportSections.Start(SectionName));
        s.AppendLine("## Cost per bundle (issue 19)");
        s.AppendLine();
        s.AppendLine(Inv($"Profile {result.Profile}, one engine on one Azurite, on {environment.Date:yyyy-MM-dd} at commit `{environment.Commit}` ({environment.Cores} cores, {environment.CpuModel}), load average {load} when the run began. Each bundle scenario runs right after the bare engine of the same shape and count; the bundle is measured as orchestration version 2.5 started it (each item its own sub-orchestration) and as this code starts it (2.6: a rule item that decides at once is decided by the bundle, and its writes go with the bundle's save, ADR 0028). Storage operations count every request of the host's Azure clients, the engine's and ours, divided by the bundles. Where the full run's bundle rows above (Results, Against the issue's targets) are dated before this section, they measured 2.5 and these rows supersede them."));
        s.AppendLine();
        s.AppendLine("Regenerate with `dotnet run -c Release --project tests/Workflows.Benchmarks -- --bundles` (a few minutes; it replaces only this section).");
        s.AppendLine();
        s.AppendLine("| Scenario | Done | Per second | ÷ bare (target ≥ 0.6) | p50 / p95 ms | Storage ops each: total (blob / queue / table) | ÷ bare (target ≤ 1.5) | |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        ComparisonRows(s, plan, result, Row);
        s.AppendLine();
        ReplayTable(s, result);
        Notes(s, result);

        s.AppendLine(ReportSections.End(SectionName));
        return s.ToString();
    }

    /// <summary>Each comparison's bare row once, then the bundle's row beside it.</summary>
    /// <param name="s">The section being written.</param>
    /// <param name="plan">The plan, for its comparisons.</param>
    /// <param name="result">What was measured.</param>
    /// <param name="row">Writes a row: the scenario and, for a bundle, its bare counterpart.</param>
    public static void ComparisonRows(StringBuilder s, BenchPlan plan, ProfileResult result, Func<ScenarioResult, ScenarioResult?, string> row)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(row);
        var byKey = result.Scenarios.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var comparison in plan.Comparisons)
        {
            if (!byKey.TryGetValue(comparison.BareKey, out var bare) || !byKey.TryGetValue(comparison.BundleKey, out var bundle))
            {
                continue;
            }

            if (written.Add(bare.Key))
            {
                s.AppendLine(row(bare, null));
            }

            s.AppendLine(row(bundle, bare));
        }
    }

    /// <summary>Anything odd a scenario saw, in one paragraph; nothing when none did.</summary>
    /// <param name="s">The section being written.</param>
    /// <param name="result">What was measured.</param>
    public static void Notes(StringBuilder s, ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(result);
        var notes = result.Scenarios.Where(r => r.Notes.Count > 0).Select(r => $"{r.Title}: {string.Join("; ", r.Notes)}").ToList();
        if (notes.Count > 0)
        {
            s.AppendLine("Notes: " + string.Join(" ", notes.Select(n => $"{n}.")));
            s.AppendLine();
        }
    }

    /// <summary>
    /// The history at the end of one bundle of each bundle scenario and the time to replay it (issue 19 asks for these
    /// measured, not assumed); nothing when none was measured.
    /// </summary>
    /// <param name="s">The section being written.</param>
    /// <param name="result">What was measured.</param>
    public static void ReplayTable(StringBuilder s, ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(result);
        var replays = result.Scenarios.Where(r => r.Bundle && r.Replay is not null).ToList();
        if (replays.Count > 0)
        {
            s.AppendLine("History at the end of one bundle of each scenario, as the engine returns it, and the median time to replay it through `BundleOrchestrator` in the bench process (the last episode new, the rest past; JIT excluded). Each episode of a bundle pays such a replay and the read of its history.");
            s.AppendLine();
            s.AppendLine("| Scenario | History events | Episodes | History (protobuf) | Input (the template rides in it) | Replay, median ms |");
            s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var r in replays)
            {
                var f = r.Replay!;
                s.AppendLine(Inv($"| {r.Title} | {f.Events} | {f.Episodes} | {f.HistoryBytes / 1024.0:0.0} KB | {f.InputBytes / 1024.0:0.0} KB | {(double.IsNaN(f.ReplayMs) ? "did not replay to the end" : f.ReplayMs.ToString("0.0", CultureInfo.InvariantCulture))} |"));
            }

            s.AppendLine();
        }
    }

    static string Row(ScenarioResult r, ScenarioResult? bare)
    {
        var ops = r.OpsPerInstance();
        var rate = bare is null ? "" : Ratio(r.OrchestrationsPerSecond / bare.OrchestrationsPerSecond, ThroughputTarget, atLeast: true);
        var cost = bare is null ? "" : Ratio(ops / bare.OpsPerInstance(), OperationsTarget, atLeast: false);
        var met = bare is null ? "bare engine" : Met(r.OrchestrationsPerSecond / bare.OrchestrationsPerSecond >= ThroughputTarget && ops / bare.OpsPerInstance() <= OperationsTarget);
        return Inv($"| {r.Title} | {r.Completed}/{r.Instances} | {r.OrchestrationsPerSecond:0.0} | {rate} | {r.Latency.P50Ms:0} / {r.Latency.P95Ms:0} | {ops:0} ({r.OpsPerInstance("blob"):0.0} / {r.OpsPerInstance("queue"):0.0} / {r.OpsPerInstance("table"):0.0}) | {cost} | {met} |");
    }

    static string Ratio(double value, double target, bool atLeast) =>
        Inv($"{value:0.00}x") is var text && (atLeast ? value >= target : value <= target) ? text : $"**{text}**";

    static string Met(bool met) => met ? "both targets met" : "**a target missed**";

    static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
