using System.Globalization;
using System.Text;

namespace Workflows.Benchmarks;

/// <summary>
/// The "One host against two" section of docs/benchmarks.md (issue 19): the same scenarios on one engine host and on two
/// host processes sharing one task hub on one Azurite, with where each run's CPU went, Azurite's main thread apart.
/// </summary>
public static class HostScalingReport
{
    /// <summary>The section's marker name.</summary>
    public const string SectionName = "hosts";

    /// <summary>Azurite's main thread at or above this share of a core in its busiest second is taken as saturated.</summary>
    public const double Saturated = 0.9;

    /// <summary>The section.</summary>
    /// <param name="one">What one host measured.</param>
    /// <param name="two">What two hosts measured.</param>
    /// <param name="load">The load average when the run began and when it ended.</param>
    /// <param name="environment">The machine and commit.</param>
    /// <returns>The section's markdown, between its markers.</returns>
    public static string Section(ProfileResult one, ProfileResult two, string load, BenchEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(one);
        ArgumentNullException.ThrowIfNull(two);
        ArgumentNullException.ThrowIfNull(environment);
        var s = new StringBuilder();
        s.AppendLine(ReportSections.Start(SectionName));
        s.AppendLine("## One host against two (issue 19)");
        s.AppendLine();
        s.AppendLine(Inv($"Profile Tuned, on {environment.Date:yyyy-MM-dd} at commit `{environment.Commit}` ({environment.Cores} cores, {environment.CpuModel}, Azurite {environment.AzuriteVersion}, Node {environment.NodeVersion}), load average {load}. The same scenarios run twice, each time on a fresh Azurite and task hub: once worked by one local server (`Workflows.Server`, engine and sidecar in one process), once by two such servers, separate processes, on the same task hub. They share it as the platform scales out: the provider's partition leases ({Setting(one, "PartitionCount")} partitions) split the control queues between them, every host takes activities from the one work-item queue, and nothing of ours schedules anything. The bench starts the instances and watches them through a client-only host in its own process. Before measuring, it waits until the partition leases show the partitions shared (one host: {Setting(one, "Partitions by owner at the start")}; two: {Setting(two, "Partitions by owner at the start")}), then warms up as the other parts do."));
        s.AppendLine();
        s.AppendLine("CPU is a share of one core over the scenario (first schedule until the bench saw the last instance finish), read from /proc: Azurite's whole process, its main thread alone (Node runs every request's JavaScript there; sampled each second, mean and busiest second), each engine host process, the bench's own process, and everything else on the machine (other helpers' work included). The hosts' storage requests are not counted here: each host counts only its own, in its own process, and the bench cannot read them; the cost per bundle (section above) has them for one host, and two hosts do the same work per bundle plus their lease and polling traffic.");
        s.AppendLine();
        s.AppendLine("Regenerate with `dotnet run -c Release --project tests/Workflows.Benchmarks -- --hosts` (a few minutes; it replaces only this section).");
        s.AppendLine();
        s.AppendLine("| Scenario | Hosts | Done | Per second | ÷ one host | p50 / p95 ms | Azurite process | Azurite main thread: mean (busiest second) | Engine hosts | Bench | Others |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var single in one.Scenarios)
        {
            s.AppendLine(Row(single, 1, null));
            if (two.Scenarios.FirstOrDefault(r => r.Key == single.Key) is { } pair)
            {
                s.AppendLine(Row(pair, 2, single));
            }
        }

        s.AppendLine();
        s.AppendLine("How to read it: on this machine the engine hosts, Azurite and the bench share two cores, and Azurite serves every request of every host on its one main thread. A second host adds workers, not storage: it can only make the runs faster while that thread has time left, and once the thread is at 100% of a core two hosts cannot go faster than one. A ratio above 1 therefore says the thread had room (its mean below a core), and a row where others took a large share of a core measured the neighbours as much as the engine. In Azure the storage side is a service spread over many servers, so the same two hosts meet other limits (ADR 0003: the account's and each queue's published targets, at most 16 partitions).");
        s.AppendLine();
        s.AppendLine(Reading(one, two, environment.Cores));
        s.AppendLine();
        Notes(s, one, two);
        s.AppendLine(ReportSections.End(SectionName));
        return s.ToString();
    }

    /// <summary>One row: a scenario on some hosts and, beside the one-host row, the ratio to it.</summary>
    /// <param name="r">The scenario.</param>
    /// <param name="hosts">How many hosts ran it.</param>
    /// <param name="oneHost">The same scenario on one host; null for the one-host row itself.</param>
    /// <returns>The markdown row.</returns>
    public static string Row(ScenarioResult r, int hosts, ScenarioResult? oneHost)
    {
        ArgumentNullException.ThrowIfNull(r);
        var ratio = oneHost is null ? string.Empty : Inv($"{r.OrchestrationsPerSecond / oneHost.OrchestrationsPerSecond:0.00}x");
        var c = r.Cpu;
        var engines = c.EngineCores.Count == 0 ? "–" : string.Join(" + ", c.EngineCores.Select(Percent));
        var thread = double.IsNaN(c.AzuriteThreadCores) ? "–" : $"{Percent(c.AzuriteThreadCores)} ({(c.AzuriteThreadPeak is { } peak && !double.IsNaN(peak) ? Percent(peak) : "–")})";
        return Inv($"| {r.Title} | {hosts} | {r.Completed}/{r.Instances} | {r.OrchestrationsPerSecond:0.0} | {ratio} | {r.Latency.P50Ms:0} / {r.Latency.P95Ms:0} | {Percent(c.AzuriteCores)} | {thread} | {engines} | {Percent(c.HostCores)} | {Percent(c.OtherCores)} |");
    }

    /// <summary>What the figures say, read from them: the ratios two hosts reached, and whether Azurite's main thread was the limit.</summary>
    /// <param name="one">What one host measured.</param>
    /// <param name="two">What two hosts measured.</param>
    /// <param name="cores">The machine's cores.</param>
    /// <returns>A paragraph.</returns>
    public static string Reading(ProfileResult one, ProfileResult two, int cores)
    {
        ArgumentNullException.ThrowIfNull(one);
        ArgumentNullException.ThrowIfNull(two);
        var pairs = one.Scenarios.Join(two.Scenarios, r => r.Key, r => r.Key, (a, b) => (One: a, Two: b), StringComparer.Ordinal).ToList();
        if (pairs.Count == 0)
        {
            return "Reading: nothing was measured on both counts of hosts.";
        }

        var ratios = pairs.Select(p => p.Two.OrchestrationsPerSecond / p.One.OrchestrationsPerSecond).ToList();
        var s = new StringBuilder("Reading: ");
        s.Append(Inv($"two hosts reached {Range(ratios, r => $"{r:0.00}x")} of one host's throughput"));
        s.Append(ratios.All(r => r < 1.1) ? ", no gain. " : ratios.All(r => r >= 1.1) ? ". " : ", a gain in some scenarios only. ");
        var thread = pairs.SelectMany(p => new[] { p.One.Cpu, p.Two.Cpu }).Where(c => !double.IsNaN(c.AzuriteThreadCores)).ToList();
        if (thread.Count > 0)
        {
            var peaks = thread.Select(c => c.AzuriteThreadPeak ?? double.NaN).Where(p => !double.IsNaN(p)).ToList();
            s.Append(Inv($"Azurite's main thread was busy {Range([.. thread.Select(c => c.AzuriteThreadCores)], Percent)} of a core over the scenarios"));
            s.Append(peaks.Count == 0 ? ". " : Inv($", {Range(peaks, Percent)} in their busiest second"));
            var saturated = peaks.Count(p => p >= Saturated);
            s.Append(peaks.Count == 0 ? string.Empty
                : saturated == peaks.Count ? Inv($": saturated in every run, so it is the ceiling. ")
                : saturated > 0 ? Inv($": at {Percent(Saturated)} or more in {saturated} of {peaks.Count} runs. ")
                : Inv($": never at {Percent(Saturated)} of a core, so something else held the runs back. "));
        }

        var busiest = pairs.Select(p => p.Two.Cpu).Select(c => c.AzuriteCores + c.HostCores + c.OtherCores + c.EngineCores.Sum()).Max();
        var others = pairs.SelectMany(p => new[] { p.One.Cpu.OtherCores, p.Two.Cpu.OtherCores }).Where(o => !double.IsNaN(o)).ToList();
        s.Append(Inv($"With two hosts the machine's {cores} cores were at most {Percent(busiest)} busy of {Percent(cores)} (Azurite, hosts, bench and others together)"));
        s.Append(others.Count == 0 ? "." : Inv($"; processes outside the bench (other work on the machine) took {Range(others, Percent)} of a core during the scenarios."));
        return s.ToString();
    }

    static void Notes(StringBuilder s, ProfileResult one, ProfileResult two)
    {
        var notes = new[] { one, two }
            .SelectMany(p => p.Scenarios.Where(r => r.Notes.Count > 0).Select(r => $"{r.Title} ({p.Profile}): {string.Join("; ", r.Notes)}."))
            .ToList();
        var warnings = new[] { one, two }.Where(p => p.LogSamples.Count > 0).Select(p => $"{p.Profile}: {Setting(p, "Warnings logged by the hosts")} warnings or errors logged by the hosts from the warm-up on, by kind: {string.Join("; ", p.LogSamples.Select(l => $"`{Shorten(l)}`"))}.").ToList();
        if (notes.Count + warnings.Count > 0)
        {
            s.AppendLine("Notes: " + string.Join(" ", notes.Concat(warnings)));
            s.AppendLine();
        }
    }

    static string Setting(ProfileResult result, string name) => result.Settings.FirstOrDefault(kv => kv.Key == name).Value ?? "unknown";

    static string Range(IReadOnlyList<double> values, Func<double, string> format) =>
        values.Min() is var min && values.Max() is var max && format(min) == format(max) ? format(min) : $"{format(min)} to {format(max)}";

    static string Percent(double share) => double.IsNaN(share) ? "–" : Inv($"{share * 100:0}%");

    static string Shorten(string line) => (line.Length > 160 ? line[..160] + "…" : line).Replace('`', '\'');

    static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
