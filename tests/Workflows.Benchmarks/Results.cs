namespace Workflows.Benchmarks;

/// <summary>Nearest-rank percentiles of durations, in milliseconds.</summary>
/// <param name="Count">How many durations.</param>
/// <param name="P50Ms">The median.</param>
/// <param name="P95Ms">The 95th percentile.</param>
/// <param name="MaxMs">The longest.</param>
public sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double MaxMs)
{
    /// <summary>No durations: every statistic is NaN, which the report prints as a dash.</summary>
    public static LatencySummary Empty { get; } = new(0, double.NaN, double.NaN, double.NaN);

    /// <summary>Summarises durations.</summary>
    /// <param name="milliseconds">The durations.</param>
    /// <returns>The summary.</returns>
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return sorted.Length == 0
            ? Empty
            : new LatencySummary(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted[^1]);
    }

    // Nearest rank, not interpolation: every reported value is one that an instance really saw.
    static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Requests to one service with one HTTP method.</summary>
/// <param name="Service">blob, queue or table.</param>
/// <param name="Method">GET, PUT, POST, DELETE, HEAD, PATCH or MERGE.</param>
/// <param name="Count">How many.</param>
public sealed record StorageCount(string Service, string Method, long Count);

/// <summary>Storage requests counted by the host's <c>StorageOperationCounter</c>, by service and HTTP method.</summary>
/// <param name="Counts">Requests by service (blob, queue, table) and method.</param>
public sealed record StorageOps(IReadOnlyList<StorageCount> Counts)
{
    /// <summary>The services the counter names, in report order.</summary>
    public static IReadOnlyList<string> Services { get; } = ["blob", "queue", "table"];

    /// <summary>All requests.</summary>
    public long Total => Counts.Sum(c => c.Count);

    /// <summary>Reads a snapshot of the counter.</summary>
    /// <param name="snapshot">Counts keyed by service and method.</param>
    /// <returns>The counts.</returns>
    public static StorageOps From(IReadOnlyDictionary<(string Service, string Method), long> snapshot) =>
        new([.. snapshot.Select(c => new StorageCount(c.Key.Service, c.Key.Method, c.Value))]);

    /// <summary>Requests to one service.</summary>
    /// <param name="service">blob, queue or table.</param>
    /// <returns>The count.</returns>
    public long Of(string service) => Counts.Where(c => c.Service == service).Sum(c => c.Count);

    /// <summary>Requests to one service with one method.</summary>
    /// <param name="service">blob, queue or table.</param>
    /// <param name="method">The HTTP method.</param>
    /// <returns>The count.</returns>
    public long Of(string service, string method) => Counts.Where(c => c.Service == service && c.Method == method).Sum(c => c.Count);
}

/// <summary>CPU time of Azurite, of this process and of everything else on the machine over one wall-clock interval.</summary>
/// <param name="Wall">The interval.</param>
/// <param name="Azurite">CPU time the emulator's node process used in it.</param>
/// <param name="Host">CPU time this process (engine host and bench driver) used in it.</param>
/// <param name="Other">CPU time every other process used in it (the machine's busy time less the ones above).</param>
/// <param name="Engines">CPU time of each engine host running as a process of its own; null when the engine runs in this process.</param>
/// <param name="AzuriteThread">CPU time of Azurite's main thread (all its JavaScript); null when not sampled.</param>
/// <param name="AzuriteThreadPeak">The main thread's highest share of a core over one second; null when not sampled.</param>
public sealed record CpuShare(
    TimeSpan Wall, TimeSpan Azurite, TimeSpan Host, TimeSpan Other, IReadOnlyList<TimeSpan>? Engines = null, TimeSpan? AzuriteThread = null, double? AzuriteThreadPeak = null)
{
    /// <summary>Each engine host process's CPU as a share of one core; empty when the engine runs in this process.</summary>
    public IReadOnlyList<double> EngineCores => Wall > TimeSpan.Zero && Engines is { } engines ? [.. engines.Select(e => e / Wall)] : [];

    /// <summary>Azurite's main thread as a share of one core over the interval; NaN when not sampled.</summary>
    public double AzuriteThreadCores => Wall > TimeSpan.Zero && AzuriteThread is { } thread ? thread / Wall : double.NaN;

    /// <summary>Other processes' CPU as a share of one core: anything above a few percent means the numbers are contaminated.</summary>
    public double OtherCores => Wall > TimeSpan.Zero ? Other / Wall : double.NaN;

    /// <summary>Azurite's CPU as a share of one core (1.0 = a full core).</summary>
    public double AzuriteCores => Wall > TimeSpan.Zero ? Azurite / Wall : double.NaN;

    /// <summary>This process's CPU as a share of one core.</summary>
    public double HostCores => Wall > TimeSpan.Zero ? Host / Wall : double.NaN;
}

/// <summary>What one scenario measured under one profile.</summary>
/// <param name="Key">Stable identifier, also the instance id prefix.</param>
/// <param name="Title">Row title in the report.</param>
/// <param name="Instances">Instances started.</param>
/// <param name="ActivitiesPerInstance">Activities each instance runs (each writes two ledger rows).</param>
/// <param name="Completed">Instances that completed.</param>
/// <param name="Failed">Instances that failed or were terminated.</param>
/// <param name="Unfinished">Instances still running or pending when the scenario timed out.</param>
/// <param name="OrchestrationsPerSecond">Completed instances over first schedule to last completion.</param>
/// <param name="Makespan">First schedule to last completion.</param>
/// <param name="Latency">Per-instance schedule-to-completion.</param>
/// <param name="EventLatency">Round-trip scenario only: raise-event to the start of the activity that follows.</param>
/// <param name="Operations">Storage requests of the host in the scenario.</param>
/// <param name="Cpu">CPU split over the scenario.</param>
/// <param name="StatusQueries">Instance queries the bench itself sent through the host (counted in <paramref name="Operations"/>).</param>
/// <param name="Warnings">Warnings and errors the host logged during the scenario.</param>
/// <param name="Notes">Anything odd seen while measuring.</param>
/// <param name="LatencyOnly">Only <paramref name="EventLatency"/> means anything: too little work for rates, storage counts or CPU shares.</param>
/// <param name="Bundle">A bundle scenario: instances are bundles, <paramref name="ActivitiesPerInstance"/> counts their items, and none of their activities writes the step ledger.</param>
/// <param name="Replay">For a bundle: one finished bundle's history and what replaying it costs; null when not measured.</param>
/// <param name="Driver">What the scenario's driver (scripted officers, an event raiser) did; null when it had none.</param>
public sealed record ScenarioResult(
    string Key,
    string Title,
    int Instances,
    int ActivitiesPerInstance,
    int Completed,
    int Failed,
    int Unfinished,
    double OrchestrationsPerSecond,
    TimeSpan Makespan,
    LatencySummary Latency,
    LatencySummary? EventLatency,
    StorageOps Operations,
    CpuShare Cpu,
    int StatusQueries,
    int Warnings,
    IReadOnlyList<string> Notes,
    bool LatencyOnly = false,
    bool Bundle = false,
    DriverResult? Driver = null,
    ReplayFigures? Replay = null)
{
    /// <summary>Storage requests per started instance.</summary>
    /// <param name="service">A service, or null for all.</param>
    /// <returns>Requests per instance.</returns>
    public double OpsPerInstance(string? service = null) =>
        (service is null ? Operations.Total : Operations.Of(service)) / (double)Math.Max(1, Instances);

    /// <summary>Requests per instance of one service and method.</summary>
    /// <param name="service">blob, queue or table.</param>
    /// <param name="method">The HTTP method.</param>
    /// <returns>Requests per instance.</returns>
    public double OpsPerInstance(string service, string method) => Operations.Of(service, method) / (double)Math.Max(1, Instances);

    /// <summary>
    /// Table requests per instance that are our step ledger's, not the engine's: every activity appends an
    /// attempt row and records its step once. A bundle's activities (audit, application record, certificates)
    /// do not touch the ledger.
    /// </summary>
    public double LedgerOpsPerInstance => Bundle ? 0 : 2.0 * ActivitiesPerInstance;
}

/// <summary>What a scenario's driver did, and what its own looks cost (not in the scenario's <see cref="ScenarioResult.Operations"/>).</summary>
/// <param name="Kind">Officers or events.</param>
/// <param name="Concurrency">How many acted at once.</param>
/// <param name="Acted">Decisions accepted, or events raised.</param>
/// <param name="Refused">Decisions refused or failed (each tried again).</param>
/// <param name="Operations">The storage requests of the driver's looks, through the client-only host.</param>
/// <param name="Acting">
/// The storage requests its actions sent through clients of their own (the decide handler's task store), included in the
/// scenario's <see cref="ScenarioResult.Operations"/>; null when not counted apart (the events go through the engine's client).
/// </param>
public sealed record DriverResult(DriverKind Kind, int Concurrency, int Acted, int Refused, StorageOps Operations, StorageOps? Acting = null);

/// <summary>Storage requests and CPU while the host had no work at all.</summary>
/// <param name="Operations">Requests in the window.</param>
/// <param name="Cpu">CPU split over the window.</param>
/// <param name="Delay">How long after the last completion the window began.</param>
public sealed record LullResult(StorageOps Operations, CpuShare Cpu, TimeSpan Delay)
{
    /// <summary>Requests per second of one service, or all.</summary>
    /// <param name="service">A service, or null for all.</param>
    /// <returns>Requests per second.</returns>
    public double PerSecond(string? service = null) =>
        (service is null ? Operations.Total : Operations.Of(service)) / Cpu.Wall.TotalSeconds;
}

/// <summary>Everything measured under one profile.</summary>
/// <param name="Profile">Engine:Profile.</param>
/// <param name="Settings">The provider settings the host ran with, by name.</param>
/// <param name="Scenarios">The measured scenarios, in run order.</param>
/// <param name="Lull">The idle window, when measured.</param>
/// <param name="Duration">Wall time of the whole profile, Azurite start to stop.</param>
/// <param name="LogSamples">A few of the warnings and errors the host logged, and any error stopping it, for the notes.</param>
/// <param name="AzuritePid">The profile's emulator, so the parent can stop it if the profile's process died first.</param>
public sealed record ProfileResult(
    string Profile,
    IReadOnlyList<KeyValuePair<string, string>> Settings,
    IReadOnlyList<ScenarioResult> Scenarios,
    LullResult? Lull,
    TimeSpan Duration,
    IReadOnlyList<string> LogSamples,
    int? AzuritePid = null);

/// <summary>A bundle's history at its end and what replaying it costs (issue 19: "measure, not assume").</summary>
/// <param name="InstanceId">The bundle measured.</param>
/// <param name="Events">History events, as the engine returns them.</param>
/// <param name="Episodes">Episodes (each reads the whole history back and replays it).</param>
/// <param name="HistoryBytes">The history's size as the worker receives it (protobuf).</param>
/// <param name="InputBytes">The bundle's input (the whole template rides in it).</param>
/// <param name="ReplayMs">Median time to replay the whole history through the orchestrator, in this process; NaN when the
/// replay did not end with the bundle completed.</param>
public sealed record ReplayFigures(string InstanceId, int Events, int Episodes, long HistoryBytes, long InputBytes, double ReplayMs);
