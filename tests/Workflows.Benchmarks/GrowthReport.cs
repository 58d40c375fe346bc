using System.Globalization;
using System.Text;

namespace Workflows.Benchmarks;

/// <summary>The "Flat as the store grows" section of docs/benchmarks.md (issue 19), between its markers.</summary>
public static class GrowthReport
{
    /// <summary>The name of the section's markers.</summary>
    public const string SectionName = "growth";

    /// <summary>The name of the markers around the audit of what each request and step reads, written by hand and kept by every run.</summary>
    public const string AuditSectionName = "growth-audit";

    /// <summary>Within this share of the empty store's figure counts as flat (issue 19).</summary>
    public const double FlatWithin = 0.20;

    /// <summary>The levels measured unless <c>--levels</c> says otherwise.</summary>
    public static readonly IReadOnlyList<int> DefaultLevels = [0, 10_000, 100_000];

    /// <summary>A figure as a share of the first level's: "1.00", or a dash where the first is zero or missing.</summary>
    /// <param name="value">The figure.</param>
    /// <param name="baseline">The first level's figure.</param>
    /// <returns>The ratio as text.</returns>
    public static string Ratio(double value, double baseline) =>
        baseline > 0 && !double.IsNaN(value) ? (value / baseline).ToString("0.00", CultureInfo.InvariantCulture) : "–";

    /// <summary>Whether a rate stays within <see cref="FlatWithin"/> of the first level's (it may rise freely).</summary>
    /// <param name="value">The rate.</param>
    /// <param name="baseline">The first level's rate.</param>
    /// <returns>True when flat.</returns>
    public static bool Flat(double value, double baseline) => baseline > 0 && value >= baseline * (1 - FlatWithin);

    /// <summary>The section.</summary>
    /// <param name="levels">One row per level, the empty store first.</param>
    /// <param name="environment">Where it ran.</param>
    /// <param name="command">The command line that ran it.</param>
    /// <returns>The section, markers included.</returns>
    public static string Section(IReadOnlyList<GrowthLevel> levels, BenchEnvironment environment, string command)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(environment);
        var s = new StringBuilder();
        s.AppendLine(ReportSections.Start(SectionName));
        s.AppendLine("## Flat as the store grows");
        s.AppendLine();
        var window = levels.Count > 0 ? levels[0].Window.TotalSeconds : 0;
        s.AppendLine(Inv($"`{command}` on {environment.Cores} cores ({environment.CpuModel}), {environment.Date:yyyy-MM-dd}, commit `{environment.Commit}`. Each level on a server of its own (Tuned profile) with its own fresh in-memory Azurite and task hub. The store is first seeded with that many newborn applications straight into the read model as the engine leaves them (`Applications`, `ApplicationIndex`, `ApplicationsByTemplate`, `ApplicationsByApplicant`, `Submissions`, the hospital's task and queue row, 2 to 4 audit entries, 1 or 2 delivered notifications; not the notifications' id rows, one partition each and read only when the same notification is recorded again), before the server starts, spread over applicants as real data is (one to three applications each, two on average; from 10,000 on, {GrowthSeed.HeavyApplicants} heavy applicants with {GrowthSeed.HeavyShare} each), as table transactions of up to 100 rows. Then one citizen submits newborns back to back for {window:0} s while the hospital's officer approves each birth certificate as soon as its task is there (a point read of the task by id, then the decision; the other items go by their rules), and the heavy applicant's list (first page of 20) is requested once a second. Bundles/s: the bench's applications that ended within the window, read back by id. Target (issue 19): submit rate and bundles/s within {FlatWithin:P0} of the empty store's."));
        s.AppendLine();
        s.AppendLine("| stored | seeding | accepted/s | ratio | bundles ended/s | ratio | submit p50 | p95 | list p50 | p95 | heavy applicant's applications | not accepted | ended by the drain's end (all accepted) | load average |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var first = levels.Count > 0 ? levels[0] : null;
        foreach (var l in levels)
        {
            var refused = l.Refused.Count == 0 ? "0" : string.Join(", ", l.Refused.Select(r => $"{r.Key} ×{r.Value}"));
            s.AppendLine(Inv($"| {l.Stored:N0} | {l.SeedSeconds:0} s | {l.SubmitRate:0.00} | {Ratio(l.SubmitRate, first!.SubmitRate)} | {l.BundleRate:0.00} | {Ratio(l.BundleRate, first.BundleRate)} | {l.Submit.P50Ms:0} ms | {l.Submit.P95Ms:0} ms | {l.List.P50Ms:0} ms | {l.List.P95Ms:0} ms | {l.ListedApplications} | {refused} | {l.EndedAfterDrain} | {l.LoadAverage} |"));
        }

        s.AppendLine();
        if (first is not null && levels.Count > 1)
        {
            var flat = levels.All(l => Flat(l.SubmitRate, first.SubmitRate) && Flat(l.BundleRate, first.BundleRate));
            s.AppendLine(flat
                ? Inv($"Submit rate and bundles/s stay within {FlatWithin:P0} of the empty store's at every level: the target is **met** on this run.")
                : Inv($"Submit rate or bundles/s fall by more than {FlatWithin:P0} below the empty store's at some level: the target is **missed** on this run (see the notes below)."));
        }

        s.AppendLine(ReportSections.End(SectionName));
        return s.ToString();
    }

    static string Inv(FormattableString value) => FormattableString.Invariant(value);
}
