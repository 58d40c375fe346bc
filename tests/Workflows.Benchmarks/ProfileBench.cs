using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workflows.Hosting;
using Workflows.SelfCheck;
using Workflows.Storage;
using Workflows.Tasks;
using Workflows.Testing;

namespace Workflows.Benchmarks;

/// <summary>
/// Measures one profile from scratch: its own private Azurite, its own task hub, an engine hosted in this
/// process and configured only by keys (plus a client-only host on the same hub), a warm-up, every scenario
/// of the plan, then an idle window.
/// </summary>
public sealed class ProfileBench(BenchPlan plan, TextWriter progress)
{
    /// <summary>Runs the plan under one profile.</summary>
    /// <param name="profile">A value of Engine:Profile.</param>
    /// <param name="measured">
    /// Gets the result as soon as it is measured, before the hosts stop, and again with any error stopping them.
    /// </param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was measured.</returns>
    public async Task<ProfileResult> RunAsync(EngineProfile profile, Func<ProfileResult, Task> measured, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var elapsed = Stopwatch.StartNew();

        // A fresh emulator per profile: neither profile inherits the other's tables, queues or leases.
        await using var azurite = await Azurite.StartAsync();
        using var azuriteProcess = azurite.ProcessId is { } pid ? Process.GetProcessById(pid) : null;
        var hub = TaskHubNames.New("bench");
        var engine = await InProcessEngine.StartAsync(Settings(azurite, hub, profile, runWorker: true));

        // A second host on the same hub that runs no worker: events raised through it reach the worker the
        // way an API front end's would, from a provider instance that cannot wake the worker's pollers.
        var remote = await InProcessEngine.StartAsync(Settings(azurite, hub, profile, runWorker: false));
        var logs = new LogTally();
        engine.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        progress.WriteLine($"[{profile}] Azurite pid {azurite.ProcessId}, task hub {hub}");

        ProfileResult result;
        var stopErrors = new List<string>();
        try
        {
            result = await MeasureAsync(profile, engine, remote, logs, azuriteProcess, cancellationToken) with { Duration = elapsed.Elapsed, AzuritePid = azurite.ProcessId };
            await measured(result);
        }
        finally
        {
            // A host that throws while stopping has still measured: keep the numbers and report the error.
            await StopAsync(remote, "client-only host", stopErrors);
            await StopAsync(engine, "worker host", stopErrors);
        }

        if (stopErrors.Count > 0)
        {
            stopErrors.ForEach(e => progress.WriteLine($"[{profile}] {e}"));
            result = result with { LogSamples = [.. result.LogSamples, .. stopErrors] };
            await measured(result);
        }

        return result;
    }

    async Task<ProfileResult> MeasureAsync(
        EngineProfile profile, InProcessEngine engine, InProcessEngine remote, LogTally logs, Process? azuriteProcess, CancellationToken cancellationToken)
    {
        var watcher = new InstanceWatcher(engine.Client);
        var meter = new ResourceMeter(azuriteProcess, engine.StorageOperations);
        // The decide handler's task store is its own, on the engine's storage, so its requests are counted apart (and added
        // to the engine's); one for the whole run, so its tables are opened in the warm-up.
        using var decideCounter = new StorageOperationCounter();
        var decideStore = new TaskStore(new StorageTables(new StorageClients(engine.Services.GetRequiredService<IOptions<StorageOptions>>(), decideCounter)));
        var officers = ActivatorUtilities.CreateInstance<OfficerApi>(engine.Services, decideStore);
        var runner = new ScenarioRunner(engine.Client, watcher, meter, logs, engine.Ledger, plan.ScenarioTimeout,
            spec => Driver(spec, engine, remote, officers, decideCounter), remote.StorageOperations,
            engine.Services.GetRequiredService<DurableTask.AzureStorage.AzureStorageOrchestrationService>());

        var scenarios = await RunThroughputAsync(runner, profile.ToString(), cancellationToken);
        if (plan.ThroughputOnly)
        {
            return new ProfileResult(profile.ToString(), EffectiveSettings(engine), scenarios, null, TimeSpan.Zero, logs.Samples);
        }

        await Task.Delay(plan.Settle, cancellationToken);
        scenarios.Add(Report(profile.ToString(), await runner.RunAsync(plan.RoundTrip, cancellationToken)));
        await PurgeAsync(runner, profile.ToString(), cancellationToken);

        // What the host costs with nothing to do: the provider keeps polling its queues and renewing leases.
        // Instances wait for an event meanwhile, and get it when the window ends: the first decision after a lull.
        LullResult? lull = null;
        await Task.Delay(plan.Settle, cancellationToken);
        scenarios.Add(Report(profile.ToString(), await runner.RunAfterLullAsync(plan.AfterLull, remote.Client, async () =>
        {
            await Task.Delay(plan.LullDelay, cancellationToken);
            var mark = meter.Start();
            await Task.Delay(plan.LullWindow, cancellationToken);
            var (operations, cpu) = meter.Stop(mark);
            lull = new LullResult(operations, cpu, plan.LullDelay);
            progress.WriteLine(Inv($"[{profile}] idle: {lull.PerSecond():0.0} storage ops/s, Azurite {cpu.AzuriteCores * 100:0}% / host {cpu.HostCores * 100:0}% / other {cpu.OtherCores * 100:0}% of a core"));
        }, cancellationToken)));

        return new ProfileResult(profile.ToString(), EffectiveSettings(engine), scenarios, lull, TimeSpan.Zero, logs.Samples);
    }

    /// <summary>The warm-up, then each throughput scenario of the plan after the same short lull, purged after it.</summary>
    /// <param name="runner">Runs the scenarios against the engine.</param>
    /// <param name="label">Names the run in the progress lines (a profile, a number of hosts).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The scenarios measured, in the plan's order.</returns>
    internal async Task<List<ScenarioResult>> RunThroughputAsync(ScenarioRunner runner, string label, CancellationToken cancellationToken)
    {
        await WarmUpAsync(runner, label, cancellationToken);
        await PurgeAsync(runner, label, cancellationToken);

        var scenarios = new List<ScenarioResult>();
        foreach (var spec in plan.Throughput)
        {
            await Task.Delay(plan.Settle, cancellationToken);
            scenarios.Add(Report(label, await runner.RunAsync(spec, cancellationToken)));
            await PurgeAsync(runner, label, cancellationToken);
        }

        return scenarios;
    }

    // The driver a scenario asks for: its looks go through the client-only host (counted apart), what it does through the
    // engine's host (as the local server's API, which shares the worker's process, does it).
    static ScenarioDriver Driver(ThroughputSpec spec, InProcessEngine engine, InProcessEngine remote, OfficerApi officers, StorageOperationCounter decideCounter) => spec.Driver switch
    {
        { Kind: DriverKind.Officers } d when spec.Input is BundleWorkload workload => new ScriptedOfficers(
            remote.Services.GetRequiredService<TaskStore>(),
            officers,
            decideCounter,
            [.. workload.Template.Items.Select(i => i.Department).Distinct(StringComparer.Ordinal)],
            workload.Template.Key,
            d.Concurrency),
        { Kind: DriverKind.Events } d => new EventRaiser(remote.Client, engine.Client, d.Concurrency),
        _ => throw new InvalidOperationException($"Scenario {spec.Key} asks for a driver this bench cannot make."),
    };

    static async Task StopAsync(InProcessEngine engine, string name, List<string> errors)
    {
        try
        {
            await engine.DisposeAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var at = ex.StackTrace?.Split('\n', 2)[0].Trim() ?? string.Empty;
            errors.Add($"stopping the {name} threw {ex.GetType().Name}: {ex.Message} {at}");
        }
    }

    static Dictionary<string, string?> Settings(Azurite azurite, string hub, EngineProfile profile, bool runWorker) => new()
    {
        ["Storage:ConnectionString"] = azurite.ConnectionString,
        ["Storage:TablePrefix"] = hub,
        ["Engine:TaskHubName"] = hub,
        ["Engine:Profile"] = profile.ToString(),
        ["Engine:RunWorker"] = runWorker ? "true" : "false",
    };

    async Task PurgeAsync(ScenarioRunner runner, string label, CancellationToken cancellationToken)
    {
        // Each scenario starts on history tables as empty as the first one's (see PurgeFinishedAsync).
        var elapsed = Stopwatch.StartNew();
        var purged = await runner.PurgeFinishedAsync(cancellationToken);
        progress.WriteLine(Inv($"[{label}] purged {purged} finished instances in {elapsed.Elapsed.TotalSeconds:0.0} s"));
    }

    async Task WarmUpAsync(ScenarioRunner runner, string label, CancellationToken cancellationToken)
    {
        // JIT, gRPC and HTTP connection pools, table creation and the first partition leases all happen
        // here, before anything is measured.
        var n = plan.WarmUpInstances;
        var warmUps = new List<ScenarioResult>
        {
            await runner.RunAsync(new ThroughputSpec("warmchain", "warm-up", nameof(ChainOrchestrator), new ChainInput(BenchPlan.ChainSteps, "warm"), n, BenchPlan.ChainSteps), cancellationToken),
            await runner.RunAsync(new ThroughputSpec("warmfan", "warm-up", nameof(FanOutOrchestrator), new FanOutInput(BenchPlan.FanOutWidth, "warm"), n, BenchPlan.FanOutWidth), cancellationToken),
            await runner.RunAsync(new RoundTripSpec("warmevt", "warm-up", n, 2, TimeSpan.FromMilliseconds(500)), cancellationToken),
        };

        // Bundles too: their orchestrators, activities and the application, audit and licence tables; and whatever a
        // driver plays (the officers' decide route, an event chain).
        foreach (var bundle in plan.Throughput.Where(s => s.Bundle || s.Driver is not null))
        {
            warmUps.Add(await runner.RunAsync(bundle with { Key = "warm" + bundle.Key, Title = "warm-up", Instances = n }, cancellationToken));
        }

        var problems = warmUps.Sum(w => w.Failed + w.Unfinished);
        progress.WriteLine($"[{label}] warmed up with {n} instances of each orchestrator{(problems > 0 ? $"; {problems} did not complete" : string.Empty)}");
    }

    ScenarioResult Report(string label, ScenarioResult result)
    {
        if (result.LatencyOnly)
        {
            progress.WriteLine(Inv($"[{label}] {result.Title}: event p50 {result.EventLatency?.P50Ms:0} ms, p95 {result.EventLatency?.P95Ms:0} ms, max {result.EventLatency?.MaxMs:0} ms"));
            return result;
        }

        var events = result.EventLatency is { } e ? Inv($", event p50 {e.P50Ms:0} ms, p95 {e.P95Ms:0} ms") : string.Empty;
        var notes = result.Notes.Count > 0 ? $" [{string.Join("; ", result.Notes)}]" : string.Empty;
        var hosts = result.Cpu.Engines is null ? string.Empty
            : Inv($" (this process), Azurite's main thread {result.Cpu.AzuriteThreadCores * 100:0}% (peak {result.Cpu.AzuriteThreadPeak * 100:0}% over 1 s), engine hosts {string.Join(" + ", result.Cpu.EngineCores.Select(c => Inv($"{c * 100:0}%")))}");
        var driver = result.Driver is { } d ? Inv($", {d.Kind.ToString().ToLowerInvariant()} acted {d.Acted} times ({d.Refused} refused), their looks {d.Operations.Total / (double)Math.Max(1, result.Instances):0.0} storage ops/instance apart{(d.Acting is { } a ? Inv($", the decide handler {a.Total / (double)Math.Max(1, result.Instances):0.0} of those counted") : string.Empty)}") : string.Empty;
        progress.WriteLine(Inv(
            $"[{label}] {result.Title}: {result.Completed}/{result.Instances} completed, {result.OrchestrationsPerSecond:0.0}/s, p50 {result.Latency.P50Ms:0} ms, p95 {result.Latency.P95Ms:0} ms{events}, {result.OpsPerInstance():0.0} storage ops/instance{driver}, Azurite {result.Cpu.AzuriteCores * 100:0}% / host {result.Cpu.HostCores * 100:0}% / other {result.Cpu.OtherCores * 100:0}%{hosts}{notes}"));
        return result;
    }

    internal static List<KeyValuePair<string, string>> EffectiveSettings(InProcessEngine engine)
    {
        // The same function the host used, on the same options: what the provider really ran with.
        var options = engine.Services.GetRequiredService<IOptions<EngineOptions>>().Value;
        var s = EngineSettings.Create(options, engine.Services.GetRequiredService<StorageClients>(), NullLoggerFactory.Instance);
        return
        [
            new("PartitionCount", Text(s.PartitionCount)),
            new("MaxQueuePollingInterval", Text(s.MaxQueuePollingInterval)),
            new("ControlQueueBatchSize", Text(s.ControlQueueBatchSize)),
            new("ControlQueueBufferThreshold", Text(s.ControlQueueBufferThreshold)),
            new("MaxConcurrentTaskOrchestrationWorkItems", Text(s.MaxConcurrentTaskOrchestrationWorkItems)),
            new("MaxConcurrentTaskActivityWorkItems", Text(s.MaxConcurrentTaskActivityWorkItems)),
            new("ExtendedSessionsEnabled", Text(s.ExtendedSessionsEnabled)),
            new("ExtendedSessionIdleTimeout", Text(s.ExtendedSessionIdleTimeout)),
            new("UseTablePartitionManagement", Text(s.UseTablePartitionManagement)),
            new("ControlQueueVisibilityTimeout", Text(s.ControlQueueVisibilityTimeout)),
            new("LeaseInterval", Text(s.LeaseInterval)),
            new("LeaseRenewInterval", Text(s.LeaseRenewInterval)),
        ];
    }

    static string Inv(FormattableString value) => FormattableString.Invariant(value);

    static string Text(object value) => value switch
    {
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
