using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Testing;

namespace Workflows.Benchmarks;

/// <summary>
/// The HTTP part of the bench: the local server (<c>Workflows.Server</c>) as a real child process under the Tuned
/// profile, on its own fresh Azurite, called over loopback HTTP as citizens and officers call it. What is measured
/// is in <see cref="HttpSession"/>; this class starts and stops the emulator and the server around it.
/// </summary>
public sealed partial class HttpBench(HttpPlan plan, TextWriter progress)
{
    /// <summary>What the per-user rate limits are raised to, per minute: far above what the clients can send.</summary>
    public const int RaisedRateLimit = 1_000_000;

    /// <summary>Where the server's log is left after the run, for anything odd the report mentions.</summary>
    public static string ServerLogPath => Path.Combine(Path.GetTempPath(), "workflows-http-bench-server.log");

    /// <summary>Runs the HTTP part.</summary>
    /// <param name="cancellationToken">Stops the run; the server and emulator are stopped either way.</param>
    /// <returns>What was measured.</returns>
    public async Task<HttpResult> RunAsync(CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var loadBefore = LoadAverage();
        return await WithServerAsync(new Dictionary<string, string>(), async (session, server) =>
        {
            var result = await session.RunAsync(cancellationToken);

            // Counted before the server stops, so that shutdown messages are not charged to the measures.
            var warnings = server.Output.Split('\n').Select(l => l.Trim()).Where(IsWarning).ToList();
            return result with
            {
                ServerWarnings = warnings.Count,
                ServerWarningSamples = WarningKinds(warnings),
                LoadBefore = loadBefore,
                LoadAfter = LoadAverage(),
                Duration = elapsed.Elapsed,
            };
        }, cancellationToken);
    }

    /// <summary>Runs the backpressure measure on a server of its own for each bound in <see cref="HttpSession.Bounds"/>.</summary>
    /// <param name="window">How long each load submits.</param>
    /// <param name="cancellationToken">Stops the run; the server and emulator are stopped either way.</param>
    /// <returns>One row per load, and the load average before and after.</returns>
    public async Task<(IReadOnlyList<BacklogLoad> Loads, string LoadAverage)> RunBackpressureAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var before = LoadAverage();
        var loads = new List<BacklogLoad>();
        foreach (var bound in HttpSession.Bounds)
        {
            loads.AddRange(await WithServerAsync(
                new Dictionary<string, string> { ["Backlog:MaxPending"] = bound.ToString(CultureInfo.InvariantCulture) },
                (session, _) => session.MeasureBackpressureAsync(bound, window, cancellationToken), cancellationToken));
        }

        return (loads, $"{before} before, {LoadAverage()} after");
    }

    /// <summary>
    /// Measures each level of stored applications on a server of its own, with its own fresh Azurite and task hub, so
    /// no level inherits another's rows, instances or queues.
    /// </summary>
    /// <param name="levels">Applications stored before each measure.</param>
    /// <param name="window">How long the client submits at each level.</param>
    /// <param name="drain">How long after the window the bench waits for the accepted applications to end.</param>
    /// <param name="measuredSoFar">Called after each level with the levels measured so far (the report is written at each, so a
    /// run stopped in a long seeding keeps what it measured).</param>
    /// <param name="cancellationToken">Stops the run; each server and emulator is stopped either way.</param>
    /// <returns>One row per level.</returns>
    public async Task<IReadOnlyList<GrowthLevel>> RunGrowthAsync(
        IReadOnlyList<int> levels, TimeSpan window, TimeSpan drain, Func<IReadOnlyList<GrowthLevel>, Task> measuredSoFar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measuredSoFar);
        ArgumentNullException.ThrowIfNull(levels);
        var measured = new List<GrowthLevel>();
        foreach (var stored in levels)
        {
            // Seeded before the server starts, so the engine's queue polling does not share the emulator with the seeding.
            var seedSeconds = 0.0;
            var level = await WithServerAsync(
                new Dictionary<string, string>(),
                (session, _) => session.MeasureGrowthAsync(stored, window, drain, cancellationToken),
                cancellationToken,
                async services => seedSeconds = await HttpSession.SeedApplicationsAsync(services, stored, progress, cancellationToken));
            measured.Add(level with { SeedSeconds = seedSeconds });
            await measuredSoFar(measured);
        }

        return measured;
    }

    // The server as a child process on its own fresh in-memory Azurite, with the session that calls it.
    async Task<T> WithServerAsync<T>(
        IReadOnlyDictionary<string, string> extra, Func<HttpSession, EngineProcess, Task<T>> measure, CancellationToken cancellationToken, Func<IServiceProvider, Task>? before = null)
    {
        // In memory: with its data on disk, Azurite saves the whole database as one JSON document every 5 s, which
        // with a few hundred thousand task rows stalls the single-threaded emulator for seconds at a time.
        await using var azurite = await Azurite.StartAsync(inMemory: true);
        using var azuriteProcess = azurite.ProcessId is { } pid ? Process.GetProcessById(pid) : null;
        var prefix = TaskHubNames.New("http");
        var limit = RaisedRateLimit.ToString(CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = prefix,
            ["Engine:TaskHubName"] = prefix,
            ["Engine:Profile"] = "Tuned",
            ["Auth:SigningKey"] = HttpSession.SigningKey,
            ["Auth:DemoUsers"] = "false",
            // The default (30 submissions a minute per user) would cap each client at one every two seconds.
            ["RateLimits:SubmitsPerMinute"] = limit,
            ["RateLimits:UploadsPerMinute"] = limit,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        if (before is not null)
        {
            // What the store holds before the server first starts.
            var storage = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = azurite.ConnectionString,
                ["Storage:TablePrefix"] = prefix,
            }).Build();
            await using var seeding = new ServiceCollection().AddWorkflows(storage).BuildServiceProvider();
            await before(seeding);
        }

        var server = EngineProcess.Start("http-bench-server", settings);
        try
        {
            await server.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
            var baseAddress = await WaitForHealthAsync(server, cancellationToken);
            using var serverProcess = Process.GetProcessById(server.Id);
            progress.WriteLine($"[http] server pid {server.Id} at {baseAddress}, Azurite pid {azurite.ProcessId} (in memory), tables {prefix}*");

            // The same storage from this process, for what no API does: earlier licences, the seeded tasks.
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = azurite.ConnectionString,
                ["Storage:TablePrefix"] = prefix,
            }).Build();
            await using var services = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
            using var session = new HttpSession(plan, progress, baseAddress, services, azuriteProcess, serverProcess);
            return await measure(session, server);
        }
        finally
        {
            await StopAsync(server);
        }
    }

    async Task StopAsync(EngineProcess server)
    {
        try
        {
            await server.StopGracefullyAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            // Still draining after 30 s: disposing kills it.
        }

        await File.WriteAllTextAsync(ServerLogPath, server.Output);
        progress.WriteLine($"[http] server stopped; its log is in {ServerLogPath}");
        await server.DisposeAsync();
    }

    static async Task<Uri> WaitForHealthAsync(EngineProcess server, CancellationToken cancellationToken)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (server.BaseAddress is { } address)
            {
                using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
                try
                {
                    using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return address;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The server did not answer /healthz.\n{server.Output}");
    }

    // The console logger's single-line format starts each entry with its level.
    internal static bool IsWarning(string line) =>
        line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);

    /// <summary>The most frequent kinds of warning, each with its count and one example: "12 x warn: ...".</summary>
    /// <param name="warnings">The warning lines.</param>
    /// <returns>At most six kinds, the most frequent first.</returns>
    internal static List<string> WarningKinds(IEnumerable<string> warnings) =>
        [.. warnings.GroupBy(Kind, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Take(6).Select(g => Inv($"{g.Count()} x {Shorten(g.First())}"))];

    // Warnings that differ only in ids, queue numbers or delays are one kind.
    static string Kind(string line) => Digits().Replace(AppIds().Replace(line, "app-…"), "#");

    static string Shorten(string line) => line.Length > 240 ? line[..240] + "…" : line;

    static string Inv(FormattableString value) => FormattableString.Invariant(value);

    [GeneratedRegex("app-[0-9a-f]{32}")]
    private static partial Regex AppIds();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
