using System.Text;

namespace Workflows.Benchmarks;

/// <summary>
/// The report's "What the numbers suggest": which provider settings would cut storage operations, read off
/// the per-service counts of this run, and what no setting changes. Numbers come from the results; the
/// reasoning about the provider is fixed text, so it is rewritten here if the engine's host changes.
/// </summary>
public static class Suggestions
{
    /// <summary>Appends the section.</summary>
    /// <param name="text">The report so far.</param>
    /// <param name="defaults">Results under ProviderDefaults.</param>
    /// <param name="tuned">Results under Tuned.</param>
    public static void Write(StringBuilder text, ProfileResult defaults, ProfileResult tuned)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(tuned);
        var pairs = ReportWriter.Pairs(defaults, tuned).Where(p => !p.Defaults.LatencyOnly).ToList();
        var chain = pairs.FirstOrDefault(p => p.Tuned.Key.StartsWith("chain", StringComparison.Ordinal));
        var fan = pairs.FirstOrDefault(p => p.Tuned.Key.StartsWith("fan", StringComparison.Ordinal));
        var afterLull = ReportWriter.Pairs(defaults, tuned).FirstOrDefault(p => p.Defaults.LatencyOnly);
        if (chain.Tuned is null || fan.Tuned is null)
        {
            return;
        }

        var (c, f) = (chain.Tuned, fan.Tuned);
        var spread = pairs.Max(p => Math.Abs((p.Tuned.OpsPerInstance() / p.Defaults.OpsPerInstance()) - 1));
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("## What the numbers suggest");
        Line();
        Line(Inv($"Tuned changes how the provider waits, not what it stores: storage operations per orchestration are within {spread * 100:0}% of the defaults in every scenario. Per service (tuned profile, per orchestration):"));
        Line();

        // Queue reads beyond the one per work-item message are control-queue fetches and polls.
        var chainQueueGets = c.OpsPerInstance("queue", "GET");
        var chainMessages = c.OpsPerInstance("queue", "POST");
        var idle = tuned.Lull;
        Line(Inv($"- **Queue reads: `PartitionCount`.** A chain of {BenchPlan.ChainSteps} reads its queues {chainQueueGets:0.0} times for {chainMessages:0.0} messages sent; only {c.ActivitiesPerInstance} of those reads are the work-item queue's one-message fetches, and a control-queue read takes up to 32 messages, so most of the rest are polls of the provider's 4 control queues that found little or nothing. Each partition is one more queue to poll, busy or idle{(idle is null ? string.Empty : Inv($" (idle now: {idle.PerSecond("queue"):0.0} queue reads/s, five queues at the 1 s cap)"))}. On one host, `PartitionCount=1` polls two queues instead of five. A side probe outside this bench (50 chains of 5, tuned, same machine) went from 24 to 12 queue reads per chain, 15% fewer requests in all, with throughput unchanged within run-to-run noise. The count is fixed when a task hub is created and caps how many hosts can share orchestration work, so it is a decision for the first deployment."));

        // Table reads follow episodes: one history read per episode, one instance update (PATCH) per episode.
        Line(Inv($"- **History reads: `ExtendedSessionsEnabled`, but not with this host.** Table reads ({c.OpsPerInstance("table", "GET"):0.0} per chain, {f.OpsPerInstance("table", "GET"):0.0} per fan-out) track episodes ({c.OpsPerInstance("table", "PATCH"):0.0} and {f.OpsPerInstance("table", "PATCH"):0.0} instance-row updates): every episode reads the instance's history back. Extended sessions would keep it in memory, but `ExtendedSessionsEnabled` is false in both profiles: Tuned sets only `ExtendedSessionIdleTimeout`, which does nothing on its own, although its comment promises the saved read. Turning it on is not enough here either: the in-process sidecar's dispatcher (Microsoft.DurableTask.InProcessTestHost) releases each work item as soon as it is checkpointed, so no session lives on to the next episode, and a side probe with `Engine:ExtendedSessionsEnabled=true` sent no fewer table reads. It pays only under a dispatcher that keeps sessions, such as DurableTask.Core's, which Durable Functions uses."));

        Line(Inv($"- **Idle polling: `MaxQueuePollingInterval`.** {(idle is null || defaults.Lull is null ? "Not measured in this run." : Inv($"Idle, tuned sends {idle.PerSecond():0.0} requests/s ({idle.PerSecond() * 86400:N0} a day per host) against {defaults.Lull.PerSecond():0.0}/s for the defaults in the same window, whose backoff is still growing towards 30 s."))} That is the price of the 1 s cap{(afterLull.Tuned?.EventLatency is { } tl && afterLull.Defaults?.EventLatency is { } dl ? Inv($", which holds the first event after a lull to p95 {tl.P95Ms:0} ms against {dl.P95Ms:0} ms") : string.Empty)}. Idle reads fall in proportion to the cap and the wait after a lull grows with it (one control-queue poll: the activity message that follows is enqueued by the worker itself, which wakes its own poller), so a cost-sensitive deployment could take 2-5 s; fewer partitions cut the same reads without the latency."));

        // What no setting touches: three queue requests per message and our ledger's two writes per activity.
        var fanMessages = f.OpsPerInstance("queue", "POST");
        var perMessage = f.OpsPerInstance("queue", "POST") + f.OpsPerInstance("queue", "DELETE") + f.ActivitiesPerInstance;
        var needed = fan.Defaults.OpsPerInstance() / ReportWriter.FanOutTarget;
        Line(Inv($"- **What no provider setting changes.** Every message costs an enqueue, a read and a delete: a fan-out of {BenchPlan.FanOutWidth} sends {fanMessages:0} messages, and their enqueues and deletes plus the work-item queue's {f.ActivitiesPerInstance} one-message reads are {perMessage:0} of its {f.OpsPerInstance():0} requests before any control-queue read. Each episode costs a history read, a history write and an instance update, and the {BenchPlan.FanOutWidth} completions reach the orchestration in about {f.OpsPerInstance("table", "PATCH") - 1:0} batches (`ControlQueueBatchSize` is already at its maximum of 32). Our step ledger adds {f.LedgerOpsPerInstance:0} table writes ({f.LedgerOpsPerInstance / f.OpsPerInstance() * 100:0}%), two per activity. The issue's 1.5x for fan-out needs at most {needed:0} requests per orchestration; fewer partitions save a few queue reads, nowhere near {f.OpsPerInstance() - needed:0}. Reaching it takes fewer messages per orchestration (fewer, larger activities), a ledger that writes once per activity (`RecordAttemptAsync` appends a row before every execution), or a backend that does not pay per queue message."));

        // Chains: where neither process was saturated, throughput is bound by waiting, not by storage work.
        var chains = pairs.Where(p => p.Tuned.Key.StartsWith("chain", StringComparison.Ordinal)).Select(p => p.Tuned).ToList();
        var shares = string.Join("; ", chains.Select(s => Inv($"{s.Instances:N0} at once: Azurite {s.Cpu.AzuriteCores * 100:0}%, host {s.Cpu.HostCores * 100:0}%")));
        var idleBound = chains.Where(s => s.Cpu.AzuriteCores < 0.85).Select(s => Inv($"{s.Instances:N0}")).ToList();
        var storageBound = chains.Where(s => s.Cpu.AzuriteCores >= 0.85).Select(s => Inv($"{s.Instances:N0}")).ToList();
        var reading = (idleBound.Count > 0 ? $" At {string.Join(" and ", idleBound)} at once neither was saturated, so fewer storage operations alone would not make those chains much faster." : string.Empty)
            + (storageBound.Count > 0 ? $" At {string.Join(" and ", storageBound)} at once Azurite was the limit; part of that is the emulator's own cost, as every history read scans a history table that grows by about 25 rows per chain (one per history event) while the scenario runs, which real Azure Storage would not charge." : string.Empty);
        Line(Inv($"- **Chains: concurrency before storage.** CPU per chain scenario (tuned): {shares}.{reading} A lone chain of {BenchPlan.ChainSteps} takes about 0.2 s here; many at once queue for the provider's 10 activity slots (`MaxConcurrentTaskActivityWorkItems`, unchanged in both profiles), each held for several storage round trips. A side probe with `Engine:MaxConcurrentActivities=100` finished 50 chains of 5 in 3.2 s, against 5.7-7.2 s in four runs without it, with about the same storage operations per chain. That is a concurrency setting rather than a storage one, and the likeliest route to the 2x chain target where storage is not saturated; it needs its own measurement at 200 and 1,000 chains."));
        Line();
    }

    static string Inv(FormattableString value) => FormattableString.Invariant(value);
}
