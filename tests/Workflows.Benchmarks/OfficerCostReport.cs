using System.Globalization;
using System.Text;

namespace Workflows.Benchmarks;

/// <summary>
/// The "Officer-decided bundles" section of docs/benchmarks.md (issue 19): the newborn bundle with every item decided
/// by a scripted officer, beside the bare engine's chain with as many external events, measured one after the other on
/// one engine, against the same targets as the cost per bundle (≥ 0.6x the bare engine's throughput, ≤ 1.5x its storage
/// operations).
/// </summary>
public static class OfficerCostReport
{
    /// <summary>The section's marker name.</summary>
    public const string SectionName = "officer-cost";

    /// <summary>The section.</summary>
    /// <param name="plan">The plan measured (<see cref="BenchPlan.CreateOfficerCost"/>).</param>
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
        s.AppendLine("## Officer-decided bundles (issue 19)");
        s.AppendLine();
        s.AppendLine(Inv($"Profile {result.Profile}, one engine on one Azurite, on {environment.Date:yyyy-MM-dd} at commit `{environment.Commit}` ({environment.Cores} cores, {environment.CpuModel}), load average {load} when the run began. The newborn bundle with every item decided by an officer (no deferred material, started at the client's default version) runs right after the bare engine's chain of as many steps, each step waiting for an external event; both with the same count at once. {BenchPlan.Officers} scripted officers in the bench process approve each task as it appears: they read each department's open list as the API's task list does and the task as its GET does, then decide through the API's own decide handler (`OfficerApi.DecideAsync`: note, mark, the event to the item, the task read again), on the engine's host. For the bare chain, {BenchPlan.Officers} raisers send each step's event as soon as the instance says it waits for it (its custom status, one query of the running instances per look). Latency is from schedule to the bundle's (or chain's) completion, so it holds the time the officers take to see and decide each task."));
        s.AppendLine();
        s.AppendLine("Storage operations count every request of the engine host's Azure clients, the engine's and ours, divided by the instances: the decide handler's reads and writes are in them (its task store has a counter of its own, added to the engine's and shown apart in the column “Decide handler each, in the total”), and so are the events it and the raisers send through the engine's client; the officers' and raisers' own looks (the lists, the task's GET, the status queries) go through a second, client-only host and are counted apart (the column “Looks each, not counted”), since how often they look is the script's choice, not the bundle's cost. The bare chain's activities write the step ledger (two table requests each), the bundle's do not.");
        s.AppendLine();
        s.AppendLine("Regenerate with `dotnet run -c Release --project tests/Workflows.Benchmarks -- --officers` (a few minutes; it replaces only this section).");
        s.AppendLine();
        s.AppendLine("| Scenario | Done | Per second | ÷ bare (target ≥ 0.6) | p50 / p95 ms | Storage ops each: total (blob / queue / table) | ÷ bare (target ≤ 1.5) | Decide handler each, in the total | Looks each, not counted | Acted | |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        BundleCostReport.ComparisonRows(s, plan, result, Row);
        s.AppendLine();
        s.AppendLine("Why the targets are missed here while the all-rules bundles meet them: an item that waits for an officer still runs as its own `ItemOrchestrator` (ADR 0028 moved only the items that decide at once into the bundle), so each costs a sub-orchestration's start and completion messages, its instance row and history, its task write before the wait and its finishing write, and the bundle an episode to take each completion: the shape the all-rules bundles had at 2.5 (4.5x there too). The decision itself is a small part (the decide handler's column). Closing the gap means waiting for the decision in the bundle (its own event, its own timers for the due clock) instead of in a sub-orchestration: a new orchestration version and its own ADR, not a setting.");
        s.AppendLine();
        BundleCostReport.ReplayTable(s, result);
        BundleCostReport.Notes(s, result);

        s.AppendLine(ReportSections.End(SectionName));
        return s.ToString();
    }

    /// <summary>One row: a scenario, and beside its bare counterpart the ratios and whether both targets are met.</summary>
    /// <param name="r">The scenario.</param>
    /// <param name="bare">Its bare counterpart; null for the bare row itself.</param>
    /// <returns>The markdown row.</returns>
    public static string Row(ScenarioResult r, ScenarioResult? bare)
    {
        ArgumentNullException.ThrowIfNull(r);
        var ops = r.OpsPerInstance();
        var (rate, cost) = bare is null ? (double.NaN, double.NaN) : (r.OrchestrationsPerSecond / bare.OrchestrationsPerSecond, ops / bare.OpsPerInstance());
        var met = bare is null
            ? "bare engine"
            : rate >= BundleCostReport.ThroughputTarget && cost <= BundleCostReport.OperationsTarget ? "both targets met" : "**a target missed**";
        var each = (double)Math.Max(1, r.Instances);
        var looks = r.Driver is { } d ? Inv($"{d.Operations.Total / each:0.0}") : "–";
        var decide = r.Driver?.Acting is { } acting ? Inv($"{acting.Total / each:0.0}") : "–";
        var acted = r.Driver is { } a ? Inv($"{a.Acted}{(a.Refused > 0 ? $" ({a.Refused} refused)" : string.Empty)} by {a.Concurrency}") : "–";
        return Inv($"| {r.Title} | {r.Completed}/{r.Instances} | {r.OrchestrationsPerSecond:0.0} | {Ratio(rate, BundleCostReport.ThroughputTarget, atLeast: true)} | {r.Latency.P50Ms:0} / {r.Latency.P95Ms:0} | {ops:0} ({r.OpsPerInstance("blob"):0.0} / {r.OpsPerInstance("queue"):0.0} / {r.OpsPerInstance("table"):0.0}) | {Ratio(cost, BundleCostReport.OperationsTarget, atLeast: false)} | {decide} | {looks} | {acted} | {met} |");
    }

    static string Ratio(double value, double target, bool atLeast) =>
        double.IsNaN(value) ? string.Empty : (atLeast ? value >= target : value <= target) ? Inv($"{value:0.00}x") : Inv($"**{value:0.00}x**");

    static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
