using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Tasks;

namespace Workflows.Benchmarks;

/// <summary>One load of the backpressure measure.</summary>
/// <param name="Clients">Clients submitting at once, each as fast as the server answers (a refused one waits its Retry-After).</param>
/// <param name="Window">How long they submitted.</param>
/// <param name="Accepted">Submits answered 202.</param>
/// <param name="Refused">Submits answered 503 engine.backlog.</param>
/// <param name="Other">Submits answered anything else.</param>
/// <param name="FirstTask">From each accepted submit's answer to its first task's opening (the hospital's birth certificate).</param>
/// <param name="Missing">Accepted applications whose first task was not there when the backlog had drained and a minute passed.</param>
/// <param name="MaxPending">The most the health route reported waiting during the window.</param>
/// <param name="Bound">The server's backlog bound (<c>Backlog:MaxPending</c>).</param>
public sealed record BacklogLoad(int Clients, TimeSpan Window, int Accepted, int Refused, int Other, LatencySummary FirstTask, int Missing, int MaxPending, int Bound);

/// <summary>
/// Never accept more than the engine can start (issue 19): at 1, 4 and 16 clients submitting newborns as fast as they
/// are answered, how many submits are accepted and refused a second, and how long an accepted one waits for its first
/// task, with the server's backlog bound at each of <see cref="Bounds"/>. Each load starts on a drained backlog.
/// </summary>
public sealed partial class HttpSession
{
    /// <summary>
    /// The backlog bounds the backpressure server runs with, one server each: the bound sets the longest wait (a bundle
    /// accepted behind a full backlog waits about bound ÷ start rate), so the bench shows what a lower one trades.
    /// </summary>
    public static readonly int[] Bounds = [20, 10];

    static readonly string[] NewbornLicences = ["id-card", "household-register", "marriage-certificate"];

    /// <summary>The loads measured.</summary>
    public static readonly int[] BackpressureClients = [1, 4, 16];

    /// <summary>Runs the backpressure measure at each load.</summary>
    /// <param name="bound">The server's backlog bound, stamped on each row.</param>
    /// <param name="window">How long each load submits.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>One row per load.</returns>
    public async Task<IReadOnlyList<BacklogLoad>> MeasureBackpressureAsync(int bound, TimeSpan window, CancellationToken cancellationToken)
    {
        // Warm: JIT, tables, the first template read, on both sides.
        await FirstTaskAsync("bpwarm", cancellationToken);
        var loads = new List<BacklogLoad>();
        foreach (var clients in BackpressureClients)
        {
            await DrainedAsync(TimeSpan.FromMinutes(5), cancellationToken);
            loads.Add(await LoadAsync(bound, clients, window, cancellationToken));
            var last = loads[^1];
            progress.WriteLine(Inv($"[backlog] bound {bound}, {clients} client(s): {last.Accepted} accepted, {last.Refused} refused in {window.TotalSeconds:0} s; first task p95 {last.FirstTask.P95Ms:0} ms"));
        }

        return loads;
    }

    async Task<BacklogLoad> LoadAsync(int bound, int clients, TimeSpan window, CancellationToken cancellationToken)
    {
        var accepted = new ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);
        int refused = 0, other = 0, maxPending = 0;
        var until = Stopwatch.StartNew();
        using var stopWatching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                maxPending = Math.Max(maxPending, (await PendingAsync(CancellationToken.None)).Pending);
                await Task.Delay(500, CancellationToken.None);
            }
        }, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            // One citizen per client, licences and photo given once: what is measured is the submit, not the set-up.
            var citizenId = Inv($"{run}-bp{clients}-{c}");
            foreach (var type in NewbornLicences)
            {
                await GiveLicenceAsync(citizenId, type, cancellationToken);
            }

            using var citizen = Citizen(citizenId);
            var photo = await UploadAsync(citizen, "babyPhoto", Jpeg, "image/jpeg", cancellationToken);
            var body = Newborn(("babyPhoto", photo));
            while (until.Elapsed < window)
            {
                using var content = JsonBody(body);
                using var response = await citizen.PostAsync(new Uri("/api/applications", UriKind.Relative), content, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted[System.Text.Json.JsonSerializer.Deserialize<Applications.SubmitResponse>(text, Json)!.ApplicationId] = DateTime.UtcNow;
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && text.Contains("engine.backlog", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref refused);
                    // A well-behaved client waits what it was told (never past the window's end).
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    var left = window - until.Elapsed;
                    await Task.Delay(wait < left ? wait : left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
                }
                else
                {
                    Interlocked.Increment(ref other);
                    Note(Inv($"backlog {clients}: the submit answered {(int)response.StatusCode}: {Short(text)}"));
                }
            }
        }));
        var elapsed = until.Elapsed;
        await DrainedAsync(TimeSpan.FromMinutes(5), cancellationToken);
        await stopWatching.CancelAsync();
        await watcher;

        // The first task's opening time, as the item wrote it, against the time the submit was answered.
        var store = services.GetRequiredService<TaskStore>();
        var opened = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var wait = Stopwatch.StartNew();
        while (opened.Count < accepted.Count && wait.Elapsed < TimeSpan.FromMinutes(1))
        {
            foreach (var t in await store.ListAsync(Hospital, cancellationToken: cancellationToken))
            {
                opened[t.ApplicationId] = t.OpenedAt;
            }

            if (opened.Keys.Count(accepted.ContainsKey) >= accepted.Count)
            {
                break;
            }

            await Task.Delay(1000, cancellationToken);
        }

        var times = accepted.Where(a => opened.ContainsKey(a.Key))
            .Select(a => Math.Max(0, (DateTime.SpecifyKind(opened[a.Key], DateTimeKind.Utc) - a.Value).TotalMilliseconds)).ToList();
        return new BacklogLoad(clients, elapsed, accepted.Count, refused, other, LatencySummary.Of(times), accepted.Count - times.Count, maxPending, bound);
    }

    async Task DrainedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.StartNew();
        while ((await PendingAsync(cancellationToken)).Pending > 0)
        {
            if (wait.Elapsed > timeout)
            {
                Note(Inv($"the backlog had not drained after {timeout.TotalMinutes:0} min"));
                return;
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    async Task<Backlog.BacklogReading> PendingAsync(CancellationToken cancellationToken)
    {
        using var anonymous = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress };
        using var response = await anonymous.GetAsync(new Uri("/api/health/backlog", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonSerializer.Deserialize<Backlog.BacklogReading>(await response.Content.ReadAsStringAsync(cancellationToken), Json)!;
    }

    /// <summary>The Backpressure section of docs/benchmarks.md, between its markers.</summary>
    /// <param name="loads">The rows.</param>
    /// <param name="environment">Where it ran.</param>
    /// <param name="load">The load average before and after.</param>
    /// <returns>The section, markers included.</returns>
    public static string BackpressureSection(IReadOnlyList<BacklogLoad> loads, BenchEnvironment environment, string load)
    {
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(environment);
        var s = new StringBuilder();
        s.AppendLine(ReportSections.Start(BackpressureSectionName));
        s.AppendLine("## Backpressure: never accept more than the engine can start");
        s.AppendLine();
        s.AppendLine(Inv($"`dotnet run -c Release --project tests/Workflows.Benchmarks -- --backlog` on {environment.Cores} cores ({environment.CpuModel}), {environment.Date:yyyy-MM-dd}, commit `{environment.Commit}`; load average {load}. One server (Tuned profile, in-memory Azurite) per bound (`Backlog:MaxPending`: {string.Join(", then ", loads.Select(l => l.Bound).Distinct())}); clients submit newborns as fast as they are answered, and a refused one waits its `Retry-After`. First task: from the submit's 202 to the opening time the hospital's birth-certificate task was written with. Each load starts with an empty backlog. Target (issue 19): p95 under 2 s at every load, refusals counted."));
        s.AppendLine();
        s.AppendLine("| bound | clients | window | accepted/s | refused/s | other | first task p50 | p95 | max | most waiting | missing |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var l in loads)
        {
            var seconds = Math.Max(1, l.Window.TotalSeconds);
            s.AppendLine(Inv($"| {l.Bound} | {l.Clients} | {l.Window.TotalSeconds:0} s | {l.Accepted / seconds:0.0} | {l.Refused / seconds:0.0} | {l.Other} | {l.FirstTask.P50Ms:0} ms | {l.FirstTask.P95Ms:0} ms | {l.FirstTask.MaxMs:0} ms | {l.MaxPending} | {l.Missing} |"));
        }

        s.AppendLine();
        foreach (var bound in loads.GroupBy(l => l.Bound))
        {
            var met = bound.All(l => l.FirstTask.Count > 0 && l.FirstTask.P95Ms < 2000);
            s.AppendLine(Inv($"- Bound {bound.Key}: the p95 target is {(met ? "**met** at every load" : "**missed** where the table shows a p95 of 2,000 ms or more")}."));
        }
        s.AppendLine(ReportSections.End(BackpressureSectionName));
        return s.ToString();
    }

    /// <summary>The name of the section's markers.</summary>
    public const string BackpressureSectionName = "backlog";
}
