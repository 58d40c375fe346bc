using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Auth;
using Workflows.Licences;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Benchmarks;

/// <summary>
/// The HTTP measures against one running server, in this order: submit → first task visible and decision →
/// dependent task visible while the store holds only the bench's own applications; then the store is seeded with
/// the officer tasks of <see cref="HttpPlan.SeedApplications"/> applications and the task-list query is measured;
/// then citizens submit for <see cref="HttpPlan.SustainedWindow"/> on that store. Azurite answers every table query
/// by scanning the whole table, so an officer's list polled every few milliseconds against a few hundred thousand
/// rows would keep the single-threaded emulator busy and measure the emulator, not the engine; real table storage
/// reads a partition range whatever the table's size. Hence the two visibility measures come first.
/// </summary>
public sealed partial class HttpSession(HttpPlan plan, TextWriter progress, Uri baseAddress, IServiceProvider services, Process? azurite, Process server) : IDisposable
{
    /// <summary>The server's token signing key (any 32 bytes or more; the server gets it through configuration).</summary>
    public const string SigningKey = "http-bench-signing-key-0123456789abcdef";

    /// <summary>The department whose tasks are listed and decided.</summary>
    public const string Hospital = TaskSeed.HospitalDepartment;

    /// <summary>The department of household registration, the step that depends on the birth certificate.</summary>
    public const string Police = "police";

    // The largest page the list allows: while waiting for a task, the bench reads the whole list, not just its first page.
    const int PollPageSize = TaskStore.MaxPageSize;

    static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"u8.ToArray();
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01];
    static readonly JsonSerializerOptions Json = CreateJson();

    // Between two measured applications, so that the previous one's remaining rule-decided items do not run into the next.
    static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    readonly SocketsHttpHandler handler = new() { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
    readonly TokenMinter tokens = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);
    readonly string run = Guid.NewGuid().ToString("N")[..8];
    readonly ConcurrentQueue<string> notes = new();
    readonly List<PhaseCpu> cpu = [];

    /// <summary>Runs every measure.</summary>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>What was measured; the caller adds the server's warnings, load averages and duration.</returns>
    public async Task<HttpResult> RunAsync(CancellationToken cancellationToken)
    {
        // JIT and connection pools on both sides, table and container creation, the first template and licence reads.
        for (var i = 0; i < plan.WarmUpApplications; i++)
        {
            await FirstTaskAsync($"warmft{i}", cancellationToken);
            await DependentTaskAsync($"warmdt{i}", cancellationToken);
        }

        progress.WriteLine($"[http] warmed up with {plan.WarmUpApplications} application(s) through each flow");

        var (firstTask, firstMissed) = await MeasureAsync("submit → first task visible", plan.FirstTaskApplications, "ft", FirstTaskAsync, cancellationToken);
        var (dependent, dependentMissed) = await MeasureAsync("decision → dependent task visible", plan.DependentTaskApplications, "dt", DependentTaskAsync, cancellationToken);

        var store = services.GetRequiredService<TaskStore>();
        var engineTasks = (await store.ListAsync(Hospital, cancellationToken: cancellationToken)).Count + (await store.ListAsync(Police, cancellationToken: cancellationToken)).Count;
        var storageBefore = await MeasureStorageOnlyAsync(store, "before seeding", cancellationToken);
        var (seed, seeded) = await SeedAsync(store, engineTasks, cancellationToken);
        var (kinds, all, errors) = await MeasureQueryAsync(seed, cancellationToken);
        var storageOnly = await MeasureStorageOnlyAsync(store, "seeded", cancellationToken);
        var sustained = await MeasureSustainedAsync(cancellationToken);

        var noted = notes.ToList();
        var shown = noted.Count > 12 ? [.. noted.Take(12), $"and {noted.Count - 12} more of the same kinds"] : noted;
        return new HttpResult(plan, seeded, kinds, all, errors, storageOnly, storageBefore, firstTask, firstMissed, dependent, dependentMissed, sustained, cpu,
            string.Empty, string.Empty, 0, [], TimeSpan.Zero, shown);
    }

    /// <inheritdoc />
    public void Dispose() => handler.Dispose();

    async Task<(LatencySummary Latency, int Missed)> MeasureAsync(
        string title, int count, string prefix, Func<string, CancellationToken, Task<double?>> flow, CancellationToken cancellationToken)
    {
        var mark = CpuMark.Take(azurite, server);
        var times = new List<double>();
        var missed = 0;
        for (var i = 0; i < count; i++)
        {
            await Task.Delay(Settle, cancellationToken);
            if (await flow($"{prefix}{i}", cancellationToken) is { } ms)
            {
                times.Add(ms);
            }
            else
            {
                missed++;
            }
        }

        var phase = Phase(title, mark);
        var latency = LatencySummary.Of(times);
        progress.WriteLine(Inv($"[http] {title}: p50 {latency.P50Ms:0} ms, p95 {latency.P95Ms:0} ms, max {latency.MaxMs:0} ms over {latency.Count}{(missed > 0 ? $", {missed} not seen" : string.Empty)}; {CpuText(phase)}"));
        return (latency, missed);
    }

    /// <summary>
    /// One newborn with every licence the rules want, so that only the birth certificate needs an officer: from
    /// sending the submit to the first read of the hospital officer's list that shows its task.
    /// </summary>
    async Task<double?> FirstTaskAsync(string name, CancellationToken cancellationToken)
    {
        var citizenId = $"{run}-{name}";
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await GiveLicenceAsync(citizenId, type, cancellationToken);
        }

        using var citizen = Citizen(citizenId);
        using var hospital = Officer(Hospital);
        var photo = await UploadAsync(citizen, "babyPhoto", Jpeg, "image/jpeg", cancellationToken);
        var body = Newborn(("babyPhoto", photo));

        var clock = Stopwatch.StartNew();
        var (status, id, text) = await SubmitAsync(citizen, body, cancellationToken);
        if (status != HttpStatusCode.Accepted)
        {
            Note($"{name}: the submit answered {(int)status}: {Short(text)}");
            return null;
        }

        var seen = await WaitListedAsync(hospital, ItemOrchestrator.InstanceId(id!, "birth-certificate"), clock, cancellationToken);
        if (seen is null)
        {
            Note($"{name}: the birth-certificate task of {id} was not in the hospital's list within {plan.VisibleTimeout.TotalSeconds:0} s");
        }

        return seen?.TotalMilliseconds;
    }

    /// <summary>
    /// One newborn without the marriage and household licences (both uploaded instead), so the police's household
    /// registration is referred to an officer once the birth certificate is issued: from sending the hospital's
    /// approval to the first read of the police officer's list that shows the household-registration task.
    /// </summary>
    async Task<double?> DependentTaskAsync(string name, CancellationToken cancellationToken)
    {
        var citizenId = $"{run}-{name}";
        await GiveLicenceAsync(citizenId, "id-card", cancellationToken);
        using var citizen = Citizen(citizenId);
        using var hospital = Officer(Hospital);
        using var police = Officer(Police);
        var marriage = await UploadAsync(citizen, "marriageCertificate", Pdf, "application/pdf", cancellationToken);
        var register = await UploadAsync(citizen, "householdRegister", Pdf, "application/pdf", cancellationToken);
        var photo = await UploadAsync(citizen, "babyPhoto", Jpeg, "image/jpeg", cancellationToken);
        var (status, id, text) = await SubmitAsync(citizen, Newborn(("marriageCertificate", marriage), ("householdRegister", register), ("babyPhoto", photo)), cancellationToken);
        if (status != HttpStatusCode.Accepted)
        {
            Note($"{name}: the submit answered {(int)status}: {Short(text)}");
            return null;
        }

        var birth = ItemOrchestrator.InstanceId(id!, "birth-certificate");
        if (await WaitListedAsync(hospital, birth, Stopwatch.StartNew(), cancellationToken) is null)
        {
            Note($"{name}: the birth-certificate task of {id} was not in the hospital's list within {plan.VisibleTimeout.TotalSeconds:0} s");
            return null;
        }

        var etag = await ETagAsync(hospital, birth, cancellationToken);
        var clock = Stopwatch.StartNew();
        using (var message = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{Uri.EscapeDataString(birth)}/decision") { Content = JsonBody("""{"kind":"approve"}""") })
        {
            message.Headers.TryAddWithoutValidation("If-Match", etag);
            using var decided = await hospital.SendAsync(message, cancellationToken);
            if (decided.StatusCode != HttpStatusCode.Accepted)
            {
                Note($"{name}: the decision answered {(int)decided.StatusCode}: {Short(await decided.Content.ReadAsStringAsync(cancellationToken))}");
                return null;
            }
        }

        var seen = await WaitListedAsync(police, ItemOrchestrator.InstanceId(id!, "household-registration"), clock, cancellationToken);
        if (seen is null)
        {
            Note($"{name}: the household-registration task of {id} was not in the police's list within {plan.VisibleTimeout.TotalSeconds:0} s");
        }

        return seen?.TotalMilliseconds;
    }

    async Task<(TaskSeed Seed, SeedResult Result)> SeedAsync(TaskStore store, int engineTasks, CancellationToken cancellationToken)
    {
        var seed = TaskSeed.Create(plan.SeedApplications, DateTime.UtcNow);
        var mark = CpuMark.Take(azurite, server);
        var clock = Stopwatch.StartNew();
        var done = 0;
        foreach (var chunk in seed.Tasks.Chunk(20_000))
        {
            await store.ImportAsync(chunk, cancellationToken);
            done += chunk.Length;
            progress.WriteLine(Inv($"[http] seeded {done:N0} of {seed.Tasks.Count:N0} tasks ({clock.Elapsed.TotalSeconds:0} s)"));
        }

        var phase = Phase("seeding (import, not measured against a target)", mark);
        progress.WriteLine(Inv($"[http] seeded {seed.Applications:N0} applications' officer tasks ({seed.Tasks.Count:N0} tasks, {2 * seed.Tasks.Count:N0} rows) in {clock.Elapsed.TotalSeconds:0.0} s; {CpuText(phase)}"));
        return (seed, new SeedResult(seed.Applications, seed.Tasks.Count, seed.Counts, clock.Elapsed, engineTasks));
    }

    async Task<(IReadOnlyList<QueryKind> Kinds, LatencySummary All, int Errors)> MeasureQueryAsync(TaskSeed seed, CancellationToken cancellationToken)
    {
        const string FirstPage = "/api/tasks?status=open&pageSize=50";
        const string ByTemplate = FirstPage + "&template=newborn";
        using var hospital = Officer(Hospital);
        var random = new Random(7);
        string DueBefore()
        {
            // Somewhere among the open tasks' due times, so the bound cuts the list rather than keeping all or none.
            var before = seed.OpenDueFrom + ((seed.OpenDueTo - seed.OpenDueFrom) * random.NextDouble());
            return FirstPage + "&dueBefore=" + Uri.EscapeDataString(before.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < plan.QueryWarmUp; i++)
        {
            await QueryAsync(hospital, (i % 3) switch { 0 => FirstPage, 1 => ByTemplate, _ => DueBefore() }, cancellationToken);
        }

        var samples = new Dictionary<string, List<(double Ms, int Tasks)>>(StringComparer.Ordinal);
        var errors = 0;
        void Record(string kind, (double Ms, int Tasks, string? Continuation, bool Ok) answer)
        {
            if (!answer.Ok)
            {
                errors++;
                return;
            }

            if (!samples.TryGetValue(kind, out var list))
            {
                samples[kind] = list = [];
            }

            list.Add((answer.Ms, answer.Tasks));
        }

        // The kinds take turns, so that anything slow in the middle of the run (a collection, a neighbour's build)
        // falls on all of them alike. A continuation walk goes ten pages deep, then starts again from the first.
        string? next = null;
        var depth = 0;
        var mark = CpuMark.Take(azurite, server);
        for (var i = 0; i < plan.QueryRequests; i++)
        {
            switch (i % 4)
            {
                case 0:
                    Record("first page", await QueryAsync(hospital, FirstPage, cancellationToken));
                    break;
                case 1:
                    if (next is null || depth >= 10)
                    {
                        var first = await QueryAsync(hospital, FirstPage, cancellationToken);
                        Record("first page", first);
                        (next, depth) = (first.Continuation, 0);
                    }

                    if (next is not null)
                    {
                        var page = await QueryAsync(hospital, FirstPage + "&continuation=" + Uri.EscapeDataString(next), cancellationToken);
                        Record("next page (continuation)", page);
                        (next, depth) = (page.Continuation, depth + 1);
                    }

                    break;
                case 2:
                    Record("first page, dueBefore", await QueryAsync(hospital, DueBefore(), cancellationToken));
                    break;
                default:
                    Record("first page, template=newborn", await QueryAsync(hospital, ByTemplate, cancellationToken));
                    break;
            }
        }

        var phase = Phase("task-list query", mark);
        var kinds = samples.Select(s => new QueryKind(s.Key, LatencySummary.Of(s.Value.Select(v => v.Ms)), s.Value.Average(v => v.Tasks))).ToList();
        var all = LatencySummary.Of(samples.Values.SelectMany(v => v).Select(v => v.Ms));
        if (errors > 0)
        {
            Note($"{errors} task-list requests did not answer 200");
        }

        progress.WriteLine(Inv($"[http] task list with {seed.Applications:N0} applications stored: p50 {all.P50Ms:0} ms, p95 {all.P95Ms:0} ms, max {all.MaxMs:0} ms over {all.Count}; {CpuText(phase)}"));
        foreach (var kind in kinds)
        {
            progress.WriteLine(Inv($"[http]   {kind.Kind}: p50 {kind.Latency.P50Ms:0} ms, p95 {kind.Latency.P95Ms:0} ms over {kind.Latency.Count}, {kind.MeanTasks:0.0} tasks per page"));
        }

        return (kinds, all, errors);
    }

    async Task<LatencySummary> MeasureStorageOnlyAsync(TaskStore store, string when, CancellationToken cancellationToken)
    {
        // The same first page as the server reads it, from this process: what storage alone costs.
        for (var i = 0; i < 5; i++)
        {
            await store.ListPageAsync(Hospital, OfficerTaskStatus.Open, null, null, HttpPlan.QueryPageSize, null, cancellationToken: cancellationToken);
        }

        var times = new List<double>();
        for (var i = 0; i < plan.StorageOnlyRequests; i++)
        {
            var clock = Stopwatch.StartNew();
            await store.ListPageAsync(Hospital, OfficerTaskStatus.Open, null, null, HttpPlan.QueryPageSize, null, cancellationToken: cancellationToken);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        var latency = LatencySummary.Of(times);
        progress.WriteLine(Inv($"[http] the first page straight from storage, {when}: p50 {latency.P50Ms:0} ms, p95 {latency.P95Ms:0} ms over {latency.Count}"));
        return latency;
    }

    async Task<SustainedResult> MeasureSustainedAsync(CancellationToken cancellationToken)
    {
        // Each client is its own citizen with every licence and one uploaded photo, cited by each of its submissions
        // (an upload may be cited again): the window measures submitting, not uploading.
        var clients = new List<(HttpClient Client, string Body)>();
        for (var c = 0; c < plan.SustainedClients; c++)
        {
            var citizenId = $"{run}-sus{c}";
            foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
            {
                await GiveLicenceAsync(citizenId, type, cancellationToken);
            }

            var client = Citizen(citizenId);
            clients.Add((client, Newborn(("babyPhoto", await UploadAsync(client, "babyPhoto", Jpeg, "image/jpeg", cancellationToken)))));
        }

        var window = plan.SustainedWindow;
        var answers = new ConcurrentBag<(double At, double Ms, int Status, string? Id)>();
        var mark = CpuMark.Take(azurite, server);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(c => Task.Run(async () =>
        {
            while (clock.Elapsed < window)
            {
                await SubmitCountedAsync(c.Client, c.Body, clock, answers, cancellationToken);
            }
        }, cancellationToken)));
        var windowPhase = Phase("sustained submissions (the window)", mark);
        foreach (var (client, _) in clients)
        {
            client.Dispose();
        }

        var accepted = answers.Where(a => a.Status == (int)HttpStatusCode.Accepted).ToList();
        var inWindow = accepted.Where(a => a.At <= window.TotalSeconds).ToList();
        var perSecond = new int[(int)Math.Ceiling(window.TotalSeconds)];
        foreach (var a in inWindow)
        {
            perSecond[Math.Min((int)a.At, perSecond.Length - 1)]++;
        }

        var refused = answers.Where(a => a.Status != (int)HttpStatusCode.Accepted)
            .GroupBy(a => a.Status switch { -1 => "connection failed", -2 => "timed out", var s => s.ToString(CultureInfo.InvariantCulture) })
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var latency = LatencySummary.Of(accepted.Select(a => a.Ms));
        progress.WriteLine(Inv($"[http] sustained: {inWindow.Count} accepted in {window.TotalSeconds:0} s by {clients.Count} clients = {inWindow.Count / window.TotalSeconds:0.0}/s, submit p50 {latency.P50Ms:0} ms, p95 {latency.P95Ms:0} ms{(refused.Count > 0 ? $", refused or failed: {string.Join(", ", refused.Select(r => $"{r.Key} x{r.Value}"))}" : string.Empty)}; {CpuText(windowPhase)}"));

        // Whether the engine kept up: how many of the accepted applications have their hospital task listed, read
        // as the officer reads it, from the moment the window closes until all are there or the limit passes.
        var ids = accepted.Select(a => a.Id!).ToHashSet(StringComparer.Ordinal);
        var visible = new List<(double SecondsAfter, int Visible)>();
        double? drained = null;
        var drainMark = CpuMark.Take(azurite, server);
        using (var hospital = Officer(Hospital))
        {
            while (true)
            {
                var count = await CountListedAsync(hospital, ids, cancellationToken);
                var after = (clock.Elapsed - window).TotalSeconds;
                visible.Add((after, count));
                progress.WriteLine(Inv($"[http] {after:0} s after the window: {count} of {ids.Count} accepted applications' hospital tasks listed"));
                if (count >= ids.Count)
                {
                    drained = after;
                    break;
                }

                if (after >= plan.DrainLimit.TotalSeconds)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }
        }

        Phase("after the window (engine catching up, bench counting)", drainMark);
        return new SustainedResult(clients.Count, window, inWindow.Count, accepted.Count - inWindow.Count, refused, perSecond, latency, visible, drained);
    }

    async Task<(double Ms, int Tasks, string? Continuation, bool Ok)> QueryAsync(HttpClient officer, string url, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var response = await officer.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseContentRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            Note($"GET {url} answered {(int)response.StatusCode}: {Short(text)}");
            return (ms, 0, null, false);
        }

        var page = JsonSerializer.Deserialize<Page<TaskRecord>>(text, Json)!;
        return (ms, page.Items.Count, page.Continuation, true);
    }

    // The list has no filter by application, so the bench reads the whole open list (the largest pages, every page).
    async Task<TimeSpan?> WaitListedAsync(HttpClient officer, string taskId, Stopwatch clock, CancellationToken cancellationToken)
    {
        var until = clock.Elapsed + plan.VisibleTimeout;
        while (clock.Elapsed < until)
        {
            var found = false;
            await foreach (var task in OpenTasksAsync(officer, cancellationToken))
            {
                if (task.TaskId == taskId)
                {
                    found = true;
                    break;
                }
            }

            if (found)
            {
                return clock.Elapsed;
            }

            await Task.Delay(plan.PollInterval, cancellationToken);
        }

        return null;
    }

    static async Task<int> CountListedAsync(HttpClient officer, HashSet<string> applicationIds, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var task in OpenTasksAsync(officer, cancellationToken))
        {
            if (task.ItemKey == "birth-certificate" && applicationIds.Contains(task.ApplicationId))
            {
                count++;
            }
        }

        return count;
    }

    static async IAsyncEnumerable<TaskRecord> OpenTasksAsync(HttpClient officer, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var url = $"/api/tasks?status=open&pageSize={PollPageSize}" + (continuation is null ? string.Empty : "&continuation=" + Uri.EscapeDataString(continuation));
            using var response = await officer.GetAsync(new Uri(url, UriKind.Relative), cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {Short(text)}");
            }

            var page = JsonSerializer.Deserialize<Page<TaskRecord>>(text, Json)!;
            foreach (var task in page.Items)
            {
                yield return task;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    static async Task<string> ETagAsync(HttpClient officer, string taskId, CancellationToken cancellationToken)
    {
        using var response = await officer.GetAsync(new Uri($"/api/tasks/{Uri.EscapeDataString(taskId)}", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        // The raw header, weak prefix and all: it goes back verbatim in If-Match.
        return response.Headers.GetValues("ETag").Single();
    }

    // One submit of a load window, timed and counted: its status, or -1 when the connection failed and -2 when it timed out.
    static async Task<(int Status, string? Id)> SubmitCountedAsync(
        HttpClient citizen, string body, Stopwatch clock, ConcurrentBag<(double At, double Ms, int Status, string? Id)> answers, CancellationToken cancellationToken)
    {
        var sent = clock.Elapsed;
        int status;
        string? id = null;
        try
        {
            (var code, id, _) = await SubmitAsync(citizen, body, cancellationToken);
            status = (int)code;
        }
        catch (HttpRequestException)
        {
            status = -1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            status = -2;
        }

        answers.Add((clock.Elapsed.TotalSeconds, (clock.Elapsed - sent).TotalMilliseconds, status, id));
        return (status, id);
    }

    static async Task<(HttpStatusCode Status, string? Id, string Text)> SubmitAsync(HttpClient citizen, string body, CancellationToken cancellationToken)
    {
        using var content = JsonBody(body);
        using var response = await citizen.PostAsync(new Uri("/api/applications", UriKind.Relative), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var id = response.StatusCode == HttpStatusCode.Accepted ? JsonSerializer.Deserialize<SubmitResponse>(text, Json)!.ApplicationId : null;
        return (response.StatusCode, id, text);
    }

    static async Task<string> UploadAsync(HttpClient citizen, string material, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await citizen.PostAsync(new Uri($"/api/bundles/newborn/materials/{material}/uploads", UriKind.Relative), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Uploading {material} answered {(int)response.StatusCode}: {Short(text)}");
        }

        return JsonSerializer.Deserialize<UploadResponse>(text, Json)!.Reference;
    }

    // What an earlier application would have issued; no API gives a citizen a licence.
    Task<bool> GiveLicenceAsync(string holderId, string type, CancellationToken cancellationToken) =>
        services.GetRequiredService<LicenceRegistry>().IssueAsync(
            new LicenceRecord(holderId, type, $"{type}-{holderId}", type, "earlier", null, null, DateTime.UtcNow, $"{holderId}/{type}.json"), new { type }, cancellationToken);

    static string Newborn(params (string Key, string Reference)[] uploads) => JsonSerializer.Serialize(new
    {
        templateKey = "newborn",
        answers = new
        {
            babyName = "王小明",
            babySex = "male",
            babyBirthDate = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            birthPlace = "市第一人民医院",
            motherName = "王芳",
            motherIdNumber = "11010519491231002X",
            settleWith = "mother",
            registrationAddress = "市中心区人民路1号",
            guardianPhone = "13800138000",
            parentInsuredLocally = true,
            applyCardWithBank = false,
        },
        materials = uploads.Select(u => new { key = u.Key, kind = "upload", reference = u.Reference }),
    }, Json);

    static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    HttpClient As(string token)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    HttpClient Citizen(string id) => As(tokens.Mint(id, "王芳", CallerRole.Applicant, ApplicantKind.Citizen));

    HttpClient Officer(string department) => As(tokens.Mint($"officer-{department}", $"{department} officer", CallerRole.Officer, department: department));

    PhaseCpu Phase(string title, CpuMark mark)
    {
        var phase = mark.Stop(title, azurite, server);
        cpu.Add(phase);
        return phase;
    }

    static string CpuText(PhaseCpu p) =>
        Inv($"CPU Azurite {p.Cores(p.Azurite) * 100:0}% / server {p.Cores(p.Server) * 100:0}% / bench {p.Cores(p.Bench) * 100:0}% / other {p.Cores(p.Other) * 100:0}%");

    void Note(string note) => notes.Enqueue(note);

    static string Short(string text) => text.Length > 300 ? text[..300] + "…" : text;

    static string Inv(FormattableString value) => FormattableString.Invariant(value);

    static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.ConfigureResponses(options);
        return options;
    }

    /// <summary>CPU clocks at the start of a phase.</summary>
    readonly record struct CpuMark(long Timestamp, TimeSpan Azurite, TimeSpan Server, TimeSpan Bench, TimeSpan Machine)
    {
        public static CpuMark Take(Process? azurite, Process server) =>
            new(Stopwatch.GetTimestamp(), CpuOf(azurite), CpuOf(server), Self(), ResourceMeter.MachineBusy());

        public PhaseCpu Stop(string phase, Process? azurite, Process server)
        {
            var (a, s, b) = (CpuOf(azurite) - Azurite, CpuOf(server) - Server, Self() - Bench);
            var other = ResourceMeter.MachineBusy() - Machine - a - s - b;
            return new PhaseCpu(phase, Stopwatch.GetElapsedTime(Timestamp), a, s, b, other > TimeSpan.Zero ? other : TimeSpan.Zero);
        }

        static TimeSpan CpuOf(Process? process)
        {
            if (process is null || process.HasExited)
            {
                return TimeSpan.Zero;
            }

            process.Refresh();
            return process.TotalProcessorTime;
        }

        static TimeSpan Self()
        {
            using var self = Process.GetCurrentProcess();
            return self.TotalProcessorTime;
        }
    }
}
