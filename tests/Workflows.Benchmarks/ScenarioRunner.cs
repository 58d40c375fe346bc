using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Workflows.Orchestration;
using Workflows.SelfCheck;
using Workflows.Storage;

namespace Workflows.Benchmarks;

/// <summary>
/// Runs one scenario against a started engine and turns what it saw into a <see cref="ScenarioResult"/>.
/// Times are wall-clock UTC of this one machine: the bench stamps schedules and raised events, the host
/// stamps completions (LastUpdatedAt) and activity starts (the step ledger's StartedAt), so they compare.
/// </summary>
/// <param name="client">The engine host's client.</param>
/// <param name="watcher">Finds out when a scenario's instances are done.</param>
/// <param name="meter">The engine host's storage requests and the CPU.</param>
/// <param name="logs">The engine host's warnings and errors.</param>
/// <param name="ledger">The step ledger, for the round trips' activity starts.</param>
/// <param name="timeout">Longest a scenario may take.</param>
/// <param name="drivers">Makes the driver a scenario asks for (<see cref="ThroughputSpec.Driver"/>); null when none is needed.</param>
/// <param name="driverCounter">The storage counter of the host the drivers look through, so their looks are counted apart.</param>
/// <param name="provider">The engine's provider, to read a finished bundle's history (<see cref="ReplayProbe"/>); none when null.</param>
public sealed class ScenarioRunner(
    DurableTaskClient client,
    InstanceWatcher watcher,
    ResourceMeter meter,
    LogTally logs,
    StepLedger ledger,
    TimeSpan timeout,
    Func<ThroughputSpec, ScenarioDriver>? drivers = null,
    StorageOperationCounter? driverCounter = null,
    DurableTask.AzureStorage.AzureStorageOrchestrationService? provider = null)
{
    /// <summary>Starts every instance of a throughput scenario at once and waits for all to finish.</summary>
    /// <param name="spec">The scenario.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was measured.</returns>
    public async Task<ScenarioResult> RunAsync(ThroughputSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var prefix = spec.Key + "-";
        var ids = InstanceIds(prefix, spec.Instances);
        var notes = new List<string>();
        var (warnings, queries) = (logs.Count, watcher.Queries);

        var mark = meter.Start();
        // The driver looks before the first instance is scheduled, so it finds each as soon as it waits.
        using var stopDriver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var driverBefore = driverCounter?.Snapshot();
        var actor = spec.Driver is { } driver
            ? (drivers ?? throw new InvalidOperationException($"Scenario {spec.Key} needs a driver ({driver.Kind}) and the runner has none."))(spec)
            : null;
        var actingBefore = actor?.Acting?.Snapshot();
        var driving = actor?.RunAsync(prefix, stopDriver.Token);
        var scheduledAt = await ScheduleAllAsync(spec.Orchestrator, spec.InputFor ?? (_ => spec.Input), ids, cancellationToken, spec.Version);
        if (!await watcher.WaitUntilFinishedAsync(prefix, timeout, cancellationToken))
        {
            notes.Add($"timed out after {timeout.TotalMinutes:0} min");
        }

        DriverResult? driven = null;
        if (driving is not null)
        {
            await stopDriver.CancelAsync();
            var tally = await driving;
            var acting = actor!.Acting is { } counter ? Since(counter, actingBefore) : null;
            driven = new DriverResult(spec.Driver!.Kind, spec.Driver.Concurrency, tally.Acted, tally.Refused, Since(driverCounter, driverBefore), acting);
            if (tally.Refused > 0)
            {
                notes.Add($"{tally.Refused} {(spec.Driver.Kind == DriverKind.Officers ? "decisions refused or failed, or looks failed (each tried again)" : "events not raised or looks failed")}, e.g. {tally.Example}");
            }
        }

        var (operations, cpu) = meter.Stop(mark);
        if (driven?.Acting is { } apart)
        {
            // What the driver's actions cost through their own clients is the engine's cost as much as the rest.
            operations = new StorageOps([.. operations.Counts, .. apart.Counts]);
        }

        var instances = await watcher.ListAsync(prefix, cancellationToken);
        if (spec.Bundle)
        {
            // Read after the storage counts were taken, so these reads are not in them.
            // From 2.6 the bundle decides rule items itself: no item has an instance of its own. An officer's item still has one.
            var workload = spec.Input as BundleWorkload;
            var itemInstances = workload?.ByOfficers != true
                && Orchestration.OrchestrationVersions.AtLeast(spec.Version ?? Orchestration.OrchestrationVersions.Current, Orchestration.OrchestrationVersions.RulesDecidedInBundle)
                ? 0
                : spec.ActivitiesPerInstance;
            await CheckBundlesAsync(ids, instances, spec.ActivitiesPerInstance, itemInstances, spec.Version ?? Orchestration.OrchestrationVersions.Current, workload, notes, cancellationToken);
        }

        var result = await SummariseAsync(spec.Key, spec.Title, spec.ActivitiesPerInstance, ids, scheduledAt, instances, null,
            operations, cpu, watcher.Queries - queries, logs.Count - warnings, notes, cancellationToken);
        // One finished bundle's history and the cost of replaying it, read after the counts were taken.
        var replay = provider is not null && spec.Bundle && instances.FirstOrDefault(i => i.InstanceId == ids[0])?.RuntimeStatus == OrchestrationRuntimeStatus.Completed
            ? await ReplayProbe.MeasureAsync(provider, ids[0])
            : null;
        return result with { Bundle = spec.Bundle, Driver = driven, Replay = replay };
    }

    // The requests a counter saw since a snapshot (it is not reset: its host's other users are not this runner's).
    static StorageOps Since(StorageOperationCounter? counter, IReadOnlyDictionary<(string Service, string Method), long>? before)
    {
        if (counter is null)
        {
            return new StorageOps([]);
        }

        return new StorageOps([.. counter.Snapshot()
            .Select(c => new StorageCount(c.Key.Service, c.Key.Method, c.Value - (before?.GetValueOrDefault(c.Key) ?? 0)))
            .Where(c => c.Count > 0)]);
    }

    /// <summary>
    /// A bundle that completes is not enough: every one of its items must have been approved as the workload means
    /// (by the bench's rule, or by a scripted officer), and every item that runs as a sub-orchestration completed (its id
    /// is the bundle's plus ":item", so the prefix query lists it).
    /// </summary>
    async Task CheckBundlesAsync(
        string[] ids, IReadOnlyList<OrchestrationMetadata> instances, int items, int itemInstancesEach, string version, BundleWorkload? workload, List<string> notes, CancellationToken cancellationToken)
    {
        var bundles = ids.ToHashSet(StringComparer.Ordinal);
        var itemInstances = instances.Where(i => !bundles.Contains(i.InstanceId)).ToList();
        var itemsCompleted = itemInstances.Count(i => i.RuntimeStatus == OrchestrationRuntimeStatus.Completed);
        if (itemsCompleted != ids.Length * itemInstancesEach || itemInstances.Count != itemsCompleted)
        {
            notes.Add($"{itemsCompleted} item orchestrations completed, {ids.Length * itemInstancesEach} expected ({itemInstances.Count} found)");
        }

        var (notCompleted, notApproved, unread, otherVersion) = (0, 0, 0, 0);
        string? example = null;
        string? ranAs = null;
        foreach (var id in ids)
        {
            var state = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
            if (state?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                continue;
            }

            // The version the bundle ran as is in its progress (the variants differ only by it).
            var progress = state.ReadCustomStatusAs<BundleProgress>();
            if (progress?.Version != version)
            {
                otherVersion++;
                ranAs ??= progress?.Version ?? "(none)";
            }

            var outcome = state.ReadOutputAs<BundleOutcome>();
            if (outcome is null)
            {
                unread++;
                continue;
            }

            if (outcome.Status != BundleStatus.Completed)
            {
                notCompleted++;
            }

            var wrong = outcome.Items.Where(i => i.State != ItemState.Approved || !(workload?.DecidedAsMeant(i.DecidedBy) ?? i.DecidedBy == $"rule:{BundleWorkload.RuleKey}")).ToList();
            if (wrong.Count > 0 || outcome.Items.Count != items)
            {
                notApproved++;
                example ??= $"{id}: {string.Join(", ", wrong.Select(w => $"{w.ItemKey} {w.State} by {w.DecidedBy} ({w.Reason})"))}";
            }
        }

        if (otherVersion > 0)
        {
            notes.Add($"{otherVersion} bundles ran as version {ranAs}, not {version}");
        }

        if (notCompleted + notApproved + unread > 0)
        {
            notes.Add($"{notCompleted} bundles ended other than Completed, {notApproved} had an item not approved as the bench meant (by its rule or its officers), {unread} outcomes unreadable{(example is null ? string.Empty : $", e.g. {example}")}");
        }
    }

    /// <summary>
    /// Starts the round-trip instances, waits until each waits for its first event, then raises events on a
    /// fixed cadence: each instance gets one every <see cref="RoundTripSpec.Gap"/>, instances staggered
    /// evenly across the gap so the engine sees a steady stream rather than bursts. The bench never polls
    /// for an activity between events (that would load the Azurite being measured); instead it checks
    /// afterwards that each round's activity started before the next event was raised.
    /// </summary>
    /// <param name="spec">The scenario.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was measured; <see cref="ScenarioResult.EventLatency"/> holds the round trips.</returns>
    public async Task<ScenarioResult> RunAsync(RoundTripSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var prefix = spec.Key + "-";
        var ids = InstanceIds(prefix, spec.Instances);
        var notes = new List<string>();
        var (warnings, queries) = (logs.Count, watcher.Queries);

        var mark = meter.Start();
        var scheduledAt = await ScheduleAllAsync(nameof(EventRoundTripOrchestrator), _ => new RoundTripInput(spec.Rounds), ids, cancellationToken);
        if (!await watcher.WaitUntilStartedAsync(prefix, timeout, cancellationToken))
        {
            notes.Add("some instances had not started when the events were raised (they were buffered)");
        }

        var raisedAt = await RaiseAllAsync(ids, spec, cancellationToken);
        if (!await watcher.WaitUntilFinishedAsync(prefix, timeout, cancellationToken))
        {
            notes.Add($"timed out after {timeout.TotalMinutes:0} min");
        }

        var (operations, cpu) = meter.Stop(mark);
        var instances = await watcher.ListAsync(prefix, cancellationToken);
        var eventLatency = await RoundTripsAsync(ids, raisedAt, spec.Rounds, notes, cancellationToken);
        return await SummariseAsync(spec.Key, spec.Title, spec.Rounds, ids, scheduledAt, instances, eventLatency,
            operations, cpu, watcher.Queries - queries, logs.Count - warnings, notes, cancellationToken);
    }

    /// <summary>
    /// The round trip after a lull: starts instances that each wait for one event, lets the host idle
    /// (<paramref name="lull"/>, which measures the idle window), then raises one event to each at once
    /// through <paramref name="remote"/>, a client-only host. The provider backs its queue polling off while
    /// idle, but resets the backoff whenever its own process enqueues, so an event raised through the
    /// worker's own client never sees the lull; one raised by another host (an API front end, the Functions
    /// app) waits for the next poll. Only the part after the lull is metered.
    /// </summary>
    /// <param name="spec">The instances; one round each.</param>
    /// <param name="remote">The client of a host that runs no worker.</param>
    /// <param name="lull">Runs while the instances wait.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was measured; only <see cref="ScenarioResult.EventLatency"/> is meaningful.</returns>
    public async Task<ScenarioResult> RunAfterLullAsync(RoundTripSpec spec, DurableTaskClient remote, Func<Task> lull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(lull);
        var prefix = spec.Key + "-";
        var ids = InstanceIds(prefix, spec.Instances);
        var notes = new List<string>();
        var scheduledAt = await ScheduleAllAsync(nameof(EventRoundTripOrchestrator), _ => new RoundTripInput(1), ids, cancellationToken);
        if (!await watcher.WaitUntilStartedAsync(prefix, timeout, cancellationToken))
        {
            notes.Add("some instances had not started before the lull");
        }

        await lull();

        // Status queries read the instances table only, so waiting below does not wake the queue pollers.
        var (warnings, queries) = (logs.Count, watcher.Queries);
        var mark = meter.Start();
        var raisedAt = ids.Select(_ => new DateTimeOffset[1]).ToArray();
        await Task.WhenAll(ids.Select(async (id, i) =>
        {
            raisedAt[i][0] = DateTimeOffset.UtcNow;
            await remote.RaiseEventAsync(id, nameof(Ping), new Ping("after-lull"), cancellationToken);
        }));
        if (!await watcher.WaitUntilFinishedAsync(prefix, timeout, cancellationToken))
        {
            notes.Add($"timed out after {timeout.TotalMinutes:0} min");
        }

        var (operations, cpu) = meter.Stop(mark);
        var instances = await watcher.ListAsync(prefix, cancellationToken);
        var eventLatency = await RoundTripsAsync(ids, raisedAt, 1, notes, cancellationToken);
        var result = await SummariseAsync(spec.Key, spec.Title, 1, ids, scheduledAt, instances, eventLatency,
            operations, cpu, watcher.Queries - queries, logs.Count - warnings, notes, cancellationToken);
        return result with { LatencyOnly = true };
    }

    /// <summary>
    /// Deletes the history and instance rows of every finished instance. Azurite answers a table query by
    /// scanning the whole table, so every history read would otherwise get slower with each scenario run
    /// before it; real Azure Storage looks a partition up by key. Runs between scenarios, outside any
    /// metered interval.
    /// </summary>
    /// <param name="cancellationToken">Cancels the purge.</param>
    /// <returns>How many instances were purged.</returns>
    public async Task<int> PurgeFinishedAsync(CancellationToken cancellationToken)
    {
        var filter = new PurgeInstancesFilter(
            DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddMinutes(1),
            [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated]);
        var purged = 0;
        while (true)
        {
            var result = await client.PurgeAllInstancesAsync(filter, cancellationToken);
            purged += result.PurgedInstanceCount;
            if (result.IsComplete is not false || result.PurgedInstanceCount == 0)
            {
                return purged;
            }
        }
    }

    static string[] InstanceIds(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => prefix + i.ToString("D5", CultureInfo.InvariantCulture))];

    async Task<DateTimeOffset[]> ScheduleAllAsync(string orchestrator, Func<string, object> inputFor, string[] ids, CancellationToken cancellationToken, string? version = null)
    {
        // All at once: each start is stamped just before its own request, so the queueing of a burst of
        // starts in the sidecar and in storage is part of that instance's latency, as it would be in production.
        var scheduledAt = new DateTimeOffset[ids.Length];
        await Task.WhenAll(ids.Select(async (id, i) =>
        {
            var input = inputFor(id);
            scheduledAt[i] = DateTimeOffset.UtcNow;
            // A null version assigned is an empty one (TaskVersion converts it), not the client's default: leave it unset.
            var options = version is null ? new StartOrchestrationOptions(id) : new StartOrchestrationOptions(id) { Version = version };
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, options, cancellationToken);
        }));
        return scheduledAt;
    }

    async Task<DateTimeOffset[][]> RaiseAllAsync(string[] ids, RoundTripSpec spec, CancellationToken cancellationToken)
    {
        var raisedAt = ids.Select(_ => new DateTimeOffset[spec.Rounds]).ToArray();
        var origin = DateTimeOffset.UtcNow;
        await Task.WhenAll(ids.Select((id, i) => RaiseRoundsAsync(id, origin + (spec.Gap * i / ids.Length), raisedAt[i])));
        return raisedAt;

        async Task RaiseRoundsAsync(string id, DateTimeOffset first, DateTimeOffset[] stamps)
        {
            for (var round = 0; round < stamps.Length; round++)
            {
                var wait = first + (spec.Gap * round) - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                stamps[round] = DateTimeOffset.UtcNow;
                await client.RaiseEventAsync(id, nameof(Ping), new Ping(EventRoundTripOrchestrator.RoundStep(round)), cancellationToken);
            }
        }
    }

    async Task<LatencySummary> RoundTripsAsync(string[] ids, DateTimeOffset[][] raisedAt, int rounds, List<string> notes, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var (missing, overlapping) = (0, 0);
        for (var i = 0; i < ids.Length; i++)
        {
            // Read after the scenario's storage counts were taken, so these reads are not in them.
            var attempts = await ledger.AttemptsAsync(ids[i], cancellationToken);
            for (var round = 0; round < rounds; round++)
            {
                var step = EventRoundTripOrchestrator.RoundStep(round);
                var starts = attempts.Where(a => a.GetString("Step") == step).Select(a => a.GetDateTimeOffset("StartedAt")).OfType<DateTimeOffset>().ToList();
                if (starts.Count == 0)
                {
                    missing++;
                    continue;
                }

                var started = starts.Min();
                latencies.Add((started - raisedAt[i][round]).TotalMilliseconds);
                if (round + 1 < rounds && started > raisedAt[i][round + 1])
                {
                    overlapping++;
                }
            }
        }

        if (missing > 0)
        {
            notes.Add($"{missing} rounds have no activity start in the ledger");
        }

        if (overlapping > 0)
        {
            notes.Add($"{overlapping} of {ids.Length * rounds} events were raised before the previous round's activity had started (not one at a time)");
        }

        return LatencySummary.Of(latencies);
    }

    async Task<ScenarioResult> SummariseAsync(
        string key,
        string title,
        int activities,
        string[] ids,
        DateTimeOffset[] scheduledAt,
        IReadOnlyList<OrchestrationMetadata> instances,
        LatencySummary? eventLatency,
        StorageOps operations,
        CpuShare cpu,
        int queries,
        int warnings,
        List<string> notes,
        CancellationToken cancellationToken)
    {
        var index = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var completed = instances.Where(s => s.RuntimeStatus == OrchestrationRuntimeStatus.Completed && index.ContainsKey(s.InstanceId)).ToList();
        // Only the scenario's own instances: a bundle's items share its id prefix and are checked apart.
        var failed = instances.Where(s => s.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated && index.ContainsKey(s.InstanceId)).ToList();
        var unfinished = ids.Length - completed.Count - failed.Count;

        if (failed.Count > 0)
        {
            var first = await client.GetInstanceAsync(failed[0].InstanceId, getInputsAndOutputs: true, cancellationToken);
            notes.Add($"{failed.Count} instances failed, e.g. {failed[0].InstanceId}: {first?.FailureDetails?.ErrorMessage ?? "no details"}");
        }

        if (unfinished > 0)
        {
            notes.Add($"{unfinished} instances never finished");
        }

        var latency = LatencySummary.Of(completed.Select(s => (s.LastUpdatedAt - scheduledAt[index[s.InstanceId]]).TotalMilliseconds));
        var makespan = completed.Count == 0 ? TimeSpan.Zero : completed.Max(s => s.LastUpdatedAt) - scheduledAt.Min();
        var rate = makespan > TimeSpan.Zero ? completed.Count / makespan.TotalSeconds : double.NaN;
        return new ScenarioResult(key, title, ids.Length, activities, completed.Count, failed.Count, unfinished,
            rate, makespan, latency, eventLatency, operations, cpu, queries, warnings, notes);
    }
}
