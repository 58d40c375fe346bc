using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Tasks;

namespace Workflows.Benchmarks;

/// <summary>What one level of stored applications measured.</summary>
/// <param name="Stored">Applications seeded before measuring.</param>
/// <param name="SeedSeconds">How long seeding took.</param>
/// <param name="Window">How long the client submitted.</param>
/// <param name="Accepted">Submits accepted in the window.</param>
/// <param name="Refused">Submits not accepted, by answer.</param>
/// <param name="Submit">Submit latency of the accepted ones.</param>
/// <param name="EndedInWindow">The bench's applications that ended (every item decided) within the window.</param>
/// <param name="EndedAfterDrain">The same, by the end of the drain after the window.</param>
/// <param name="List">Latency of the heavy applicant's list (first page of 20).</param>
/// <param name="ListedApplications">How many applications the heavy applicant has.</param>
/// <param name="LoadAverage">The machine's load average at the start and the end of the window.</param>
public sealed record GrowthLevel(
    int Stored, double SeedSeconds, TimeSpan Window, int Accepted, IReadOnlyDictionary<string, int> Refused, LatencySummary Submit, int EndedInWindow, int EndedAfterDrain,
    LatencySummary List, int ListedApplications, string LoadAverage)
{
    /// <summary>Accepted submits per second.</summary>
    public double SubmitRate => Accepted / Window.TotalSeconds;

    /// <summary>Bundles ended per second within the window.</summary>
    public double BundleRate => EndedInWindow / Window.TotalSeconds;
}

/// <summary>
/// Issue 19, "flat as the store grows": on a store seeded with a level of applications, one citizen submits newborns as
/// fast as they are answered while the hospital's officer approves each birth certificate as soon as its task is
/// there (the household registration, insurance and card then go by their rules), and the heavy applicant's list is
/// requested once a second. The officer finds each task by its id (a point read), not through the list, so the
/// measure is the engine's, not Azurite's scan of the task queue.
/// </summary>
public sealed partial class HttpSession
{
    /// <summary>Applications made and written per batch while seeding.</summary>
    public const int SeedBatch = 2_000;

    /// <summary>Measures one level on a store seeded with <paramref name="stored"/> applications (<see cref="SeedApplicationsAsync"/>).</summary>
    /// <param name="stored">Applications seeded.</param>
    /// <param name="window">How long the client submits.</param>
    /// <param name="drain">How long after the window the bench waits for the accepted applications to end.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>What was measured.</returns>
    public async Task<GrowthLevel> MeasureGrowthAsync(int stored, TimeSpan window, TimeSpan drain, CancellationToken cancellationToken)
    {
        var heavyId = GrowthSeed.HeavyCount(stored) > 0 ? GrowthSeed.HeavyApplicant : $"{run}-nobody";
        var citizenId = $"{run}-growth";
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await GiveLicenceAsync(citizenId, type, cancellationToken);
        }

        using var citizen = Citizen(citizenId);
        using var hospital = Officer(Hospital);
        using var heavy = Citizen(heavyId);
        var body = Newborn(("babyPhoto", await UploadAsync(citizen, "babyPhoto", Jpeg, "image/jpeg", cancellationToken)));

        // Warm-up: JIT, connections, the first template and licence reads, one bundle through to its end.
        for (var i = 0; i < 3; i++)
        {
            var (status, id, text) = await SubmitAsync(citizen, body, cancellationToken);
            if (status != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"The warm-up submit answered {(int)status}: {Short(text)}");
            }

            await ApproveWhenListedAsync(hospital, id!, TimeSpan.FromSeconds(60), cancellationToken);
            await ListFirstPageAsync(heavy, cancellationToken);
        }

        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        progress.WriteLine("[growth] warmed up");

        var loadBefore = LoadAverageNow();
        var answers = new ConcurrentBag<(double At, double Ms, int Status, string? Id)>();
        var toDecide = new BlockingCollection<string>();
        var lists = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        using var stopDeciding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var submitter = Task.Run(async () =>
        {
            while (clock.Elapsed < window)
            {
                var (_, id) = await SubmitCountedAsync(citizen, body, clock, answers, cancellationToken);
                if (id is not null)
                {
                    toDecide.Add(id, cancellationToken);
                }
            }

            toDecide.CompleteAdding();
        }, cancellationToken);

        // The officer: each birth certificate approved as soon as its task is there, in the order submitted.
        var officer = Task.Run(async () =>
        {
            foreach (var id in toDecide.GetConsumingEnumerable(stopDeciding.Token))
            {
                await ApproveWhenListedAsync(hospital, id, window + drain - clock.Elapsed, stopDeciding.Token);
            }
        }, stopDeciding.Token);

        var lister = Task.Run(async () =>
        {
            while (clock.Elapsed < window)
            {
                var started = clock.Elapsed;
                lists.Add(await ListFirstPageAsync(heavy, cancellationToken));
                var rest = TimeSpan.FromSeconds(1) - (clock.Elapsed - started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, cancellationToken);
                }
            }
        }, cancellationToken);

        await Task.WhenAll(submitter, lister);
        var windowEnd = DateTime.UtcNow;
        var loadAfter = LoadAverageNow();
        var accepted = answers.Where(a => a.Status == (int)HttpStatusCode.Accepted && a.At <= window.TotalSeconds).ToList();
        var refused = answers.Where(a => a.Status != (int)HttpStatusCode.Accepted)
            .GroupBy(a => a.Status switch { -1 => "connection failed", -2 => "timed out", var s => s.ToString(CultureInfo.InvariantCulture) })
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var submit = LatencySummary.Of(answers.Where(a => a.Status == (int)HttpStatusCode.Accepted).Select(a => a.Ms));
        var list = LatencySummary.Of(lists.Where(ms => ms >= 0));
        progress.WriteLine(Inv($"[growth] {stored:N0} stored: {accepted.Count} accepted in {window.TotalSeconds:0} s = {accepted.Count / window.TotalSeconds:0.00}/s, submit p50 {submit.P50Ms:0} ms p95 {submit.P95Ms:0} ms, list p50 {list.P50Ms:0} ms p95 {list.P95Ms:0} ms"));

        // Ended within the window: read from the read model by id (a point read each), by the time each ended.
        var store = services.GetRequiredService<ApplicationStore>();
        var ids = answers.Where(a => a.Id is not null).Select(a => a.Id!).ToList();
        var endedInWindow = 0;
        var endedAfterDrain = 0;
        while (true)
        {
            (endedInWindow, endedAfterDrain) = (0, 0);
            foreach (var id in ids)
            {
                if (await store.GetAsync(id, cancellationToken) is { Status: not ApplicationStatus.InProgress } record)
                {
                    endedAfterDrain++;
                    if (record.UpdatedAt <= windowEnd)
                    {
                        endedInWindow++;
                    }
                }
            }

            if (endedAfterDrain >= ids.Count || clock.Elapsed >= window + drain)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        }

        await stopDeciding.CancelAsync();
        try
        {
            await officer;
        }
        catch (OperationCanceledException)
        {
            // Stopped at the end of the drain.
        }

        foreach (var note in notes.Take(5))
        {
            progress.WriteLine($"[growth] note: {note}");
        }

        progress.WriteLine(Inv($"[growth] {stored:N0} stored: {endedInWindow} ended in the window ({endedInWindow / window.TotalSeconds:0.00}/s), {endedAfterDrain} of {ids.Count} by {(clock.Elapsed - window).TotalSeconds:0} s after it"));
        return new GrowthLevel(stored, 0, window, accepted.Count, refused, submit, endedInWindow, endedAfterDrain, list,
            GrowthSeed.HeavyCount(stored) > 0 ? GrowthSeed.HeavyShare : 0, $"{loadBefore} at the start, {loadAfter} at the end");
    }

    /// <summary>
    /// Writes <paramref name="stored"/> made-up applications into every table the engine's saves write for one
    /// (<see cref="GrowthSeed"/>), in batches, each as table transactions of one partition.
    /// </summary>
    /// <param name="services">The storage, from the bench's process.</param>
    /// <param name="stored">How many.</param>
    /// <param name="progress">Where progress goes.</param>
    /// <param name="cancellationToken">Stops the seeding.</param>
    /// <returns>How long it took, in seconds.</returns>
    public static async Task<double> SeedApplicationsAsync(IServiceProvider services, int stored, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(progress);
        var store = services.GetRequiredService<ApplicationStore>();
        var tasks = services.GetRequiredService<TaskStore>();
        var tables = services.GetRequiredService<StorageTables>();
        var now = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var from = 0; from < stored; from += SeedBatch)
        {
            var batch = GrowthSeed.Batch(from, SeedBatch, stored, now);
            await store.ImportAsync([.. batch.Select(b => b.Record)], cancellationToken);
            await ApplicationStore.ImportRowsAsync(await tables.TableAsync(ApplicationStore.SubmissionsTableName), batch.Select(b => ApplicationStore.SubmissionEntity(b.Record, b.Snapshot)), cancellationToken);
            await tasks.ImportAsync([.. batch.Select(b => b.Task)], cancellationToken);
            await ApplicationStore.ImportRowsAsync(await tables.TableAsync(AuditTrail.TableName), batch.SelectMany(b => b.Audit).Select(AuditTrail.RowOf), cancellationToken);

            // The outbox rows only: the id rows (one partition each, read only when the same notification is recorded
            // again) would double the seeding's round trips and are never read by what is measured.
            await ApplicationStore.ImportRowsAsync(await tables.TableAsync(NotificationOutbox.TableName), batch.SelectMany(b => b.Notifications).Select(n => NotificationOutbox.SentRows(n).Outbox), cancellationToken);
            progress.WriteLine(Inv($"[growth] seeded {from + batch.Count:N0} of {stored:N0} in {clock.Elapsed.TotalSeconds:0} s"));
        }

        return clock.Elapsed.TotalSeconds;
    }

    // Waits for the item's task by its id (a point read through the API), then approves it under its ETag.
    async Task ApproveWhenListedAsync(HttpClient officer, string applicationId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var taskId = ItemOrchestrator.InstanceId(applicationId, "birth-certificate");
        var until = Stopwatch.StartNew();
        while (until.Elapsed < timeout)
        {
            using (var response = await officer.GetAsync(new Uri($"/api/tasks/{Uri.EscapeDataString(taskId)}", UriKind.Relative), cancellationToken))
            {
                if (response.IsSuccessStatusCode)
                {
                    var etag = response.Headers.GetValues("ETag").Single();
                    using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{Uri.EscapeDataString(taskId)}/decision") { Content = new StringContent("""{"kind":"approve"}""", Encoding.UTF8, "application/json") };
                    message.Headers.TryAddWithoutValidation("If-Match", etag);
                    using var decided = await officer.SendAsync(message, cancellationToken);
                    if (decided.StatusCode == HttpStatusCode.PreconditionFailed)
                    {
                        // The engine touched the task just after the officer read it (its queue row's check): read it again.
                        await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                        continue;
                    }

                    if (decided.StatusCode != HttpStatusCode.Accepted)
                    {
                        Note($"approving {taskId} answered {(int)decided.StatusCode}: {Short(await decided.Content.ReadAsStringAsync(cancellationToken))}");
                    }

                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        Note($"the task {taskId} was not there within {timeout.TotalSeconds:0} s");
    }

    // The first page of the applicant's list, as the portal asks for it; -1 when it failed.
    async Task<double> ListFirstPageAsync(HttpClient applicant, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var response = await applicant.GetAsync(new Uri("/api/applications?pageSize=20", UriKind.Relative), HttpCompletionOption.ResponseContentRead, cancellationToken);
        _ = await response.Content.ReadAsStringAsync(cancellationToken);
        var ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            Note($"the applicant's list answered {(int)response.StatusCode}");
            return -1;
        }

        return ms;
    }

    static string LoadAverageNow() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
