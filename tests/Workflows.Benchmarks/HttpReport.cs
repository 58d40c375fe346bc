using System.Text;
using Workflows.Tasks;

namespace Workflows.Benchmarks;

/// <summary>The HTTP part of docs/benchmarks.md: its rows of the targets table and its own section.</summary>
public static class HttpReport
{
    /// <summary>Officer task-list p95 the issue asks for, in ms.</summary>
    public const double QueryP95TargetMs = 50;

    /// <summary>Submit → first task visible and decision → dependent task visible p95 the issue asks for, in ms.</summary>
    public const double VisibleP95TargetMs = 1000;

    /// <summary>Other processes' CPU share above which a phase is flagged as measured on a busy machine.</summary>
    public const double OtherCpuLimit = 0.10;

    /// <summary>The HTTP rows of the targets table (its header is the caller's).</summary>
    /// <param name="r">The results.</param>
    /// <returns>Markdown rows.</returns>
    public static IEnumerable<string> TargetRows(HttpResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var stored = r.Plan.Quick
            ? Inv($"{r.Seed.Applications:N0} applications stored (quick run; a full run stores 100,000)")
            : Inv($"{r.Seed.Applications:N0} applications stored");
        yield return Inv($"| Officer task list p95 under {QueryP95TargetMs:0} ms with {stored}: `GET /api/tasks?status=open&pageSize=50` as the hospital officer, over HTTP (Tuned) | p95 {Ms(r.QueryAll.P95Ms)} ms (p50 {Ms(r.QueryAll.P50Ms)}, max {Ms(r.QueryAll.MaxMs)}; {r.QueryAll.Count} requests{Errors(r.QueryErrors, "not 200")}); the same first page straight from storage p95 {Ms(r.StorageOnly.P95Ms)} ms | {Met(r.QueryAll.Count > 0 && r.QueryErrors == 0 && r.QueryAll.P95Ms < QueryP95TargetMs)} |");
        yield return Inv($"| Submit → first task visible p95 under {VisibleP95TargetMs / 1000:0} s ({r.FirstTask.Count + r.FirstTaskMissed} newborns, one at a time, over HTTP; Tuned) | p95 {Ms(r.FirstTask.P95Ms)} ms (p50 {Ms(r.FirstTask.P50Ms)}, max {Ms(r.FirstTask.MaxMs)}{Errors(r.FirstTaskMissed, "not seen")}) | {Met(r.FirstTask.Count > 0 && r.FirstTaskMissed == 0 && r.FirstTask.P95Ms < VisibleP95TargetMs)} |");
        yield return Inv($"| Decision → dependent task visible p95 under {VisibleP95TargetMs / 1000:0} s (hospital approves, police's household registration listed; {r.DependentTask.Count + r.DependentTaskMissed} newborns; Tuned) | p95 {Ms(r.DependentTask.P95Ms)} ms (p50 {Ms(r.DependentTask.P50Ms)}, max {Ms(r.DependentTask.MaxMs)}{Errors(r.DependentTaskMissed, "not seen")}) | {Met(r.DependentTask.Count > 0 && r.DependentTaskMissed == 0 && r.DependentTask.P95Ms < VisibleP95TargetMs)} |");
    }

    /// <summary>Writes the section.</summary>
    /// <param name="text">The report so far.</param>
    /// <param name="r">The results.</param>
    public static void Write(StringBuilder text, HttpResult r)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(r);
        void Line(string line = "") => text.Append(line).Append('\n');
        var s = r.Sustained;
        var p = r.Plan;

        Line("## Through HTTP on the local server (Tuned profile only)");
        Line();
        Line(Inv($"One run, under `Engine:Profile=Tuned` only (ProviderDefaults was not run through HTTP): the local server (`Workflows.Server`, API, engine worker and sidecar in one process) started as a child process by `EngineProcess`, on its own fresh Azurite kept in memory, with `Auth:SigningKey` set, `Auth:DemoUsers=false`, and `RateLimits:SubmitsPerMinute` and `RateLimits:UploadsPerMinute` raised to {HttpBench.RaisedRateLimit:N0} so that the per-user limiter (30 submissions a minute by default) does not cap the sustained measure. The bench called it over loopback HTTP with bearer tokens it minted under the same key (`TokenMinter`), gave citizens their earlier licences through `LicenceRegistry` on the same storage and uploaded their materials through the API. This part took {r.Duration.TotalMinutes:0.0} min."));
        Line();
        Line("| Measure | p50 ms | p95 ms | max ms | requests or samples |");
        Line("| --- | ---: | ---: | ---: | ---: |");
        Line(Inv($"| Officer task list, all requests below (`GET /api/tasks?status=open&pageSize=50`, hospital officer, {r.Seed.Applications:N0} applications stored) | {Ms(r.QueryAll.P50Ms)} | {Ms(r.QueryAll.P95Ms)} | {Ms(r.QueryAll.MaxMs)} | {r.QueryAll.Count} |"));
        foreach (var kind in r.Query)
        {
            Line(Inv($"| … {kind.Kind} ({kind.MeanTasks:0.0} tasks per page on average) | {Ms(kind.Latency.P50Ms)} | {Ms(kind.Latency.P95Ms)} | {Ms(kind.Latency.MaxMs)} | {kind.Latency.Count} |"));
        }

        Line(Inv($"| The same first page straight from storage (`TaskStore.ListPageAsync` in the bench: no HTTP, no server), {r.Seed.EngineTasks + r.Seed.Tasks:N0} tasks in the queue table | {Ms(r.StorageOnly.P50Ms)} | {Ms(r.StorageOnly.P95Ms)} | {Ms(r.StorageOnly.MaxMs)} | {r.StorageOnly.Count} |"));
        Line(Inv($"| The same, before seeding: the bench's own {r.Seed.EngineTasks} tasks in the queue table | {Ms(r.StorageOnlyBefore.P50Ms)} | {Ms(r.StorageOnlyBefore.P95Ms)} | {Ms(r.StorageOnlyBefore.MaxMs)} | {r.StorageOnlyBefore.Count} |"));
        Line(Inv($"| Submit → first task visible (newborn with every licence; the hospital's birth-certificate task) | {Ms(r.FirstTask.P50Ms)} | {Ms(r.FirstTask.P95Ms)} | {Ms(r.FirstTask.MaxMs)} | {r.FirstTask.Count}{Errors(r.FirstTaskMissed, "not seen")} |"));
        Line(Inv($"| Decision → dependent task visible (hospital approves; the police's household-registration task) | {Ms(r.DependentTask.P50Ms)} | {Ms(r.DependentTask.P95Ms)} | {Ms(r.DependentTask.MaxMs)} | {r.DependentTask.Count}{Errors(r.DependentTaskMissed, "not seen")} |"));
        Line(Inv($"| Submit latency under sustained load (accepted submissions, {s.Clients} clients) | {Ms(s.SubmitLatency.P50Ms)} | {Ms(s.SubmitLatency.P95Ms)} | {Ms(s.SubmitLatency.MaxMs)} | {s.SubmitLatency.Count} |"));
        Line();

        var sorted = s.PerSecond.Order().ToList();
        Line(Inv($"Sustained submissions: {s.Clients} citizens submitted newborn applications one after another, each as soon as its previous answer came, for {s.Window.TotalSeconds:0} s, on the store seeded for the task-list measure."));
        Line();
        Line("| Sustained submissions | |");
        Line("| --- | --- |");
        Line(Inv($"| Accepted (202) within the window | {s.Accepted:N0}: **{s.AcceptedPerSecond:0.0}/s** |"));
        if (sorted.Count > 0)
        {
            Line(Inv($"| Accepted per second of the window: min / median / max | {sorted[0]} / {sorted[sorted.Count / 2]} / {sorted[^1]} |"));
        }

        Line(Inv($"| Sent within the window, accepted after it closed (not counted above) | {s.AcceptedLate} |"));
        Line($"| Refused or failed | {(s.Refused.Count == 0 ? "none" : string.Join(", ", s.Refused.Select(x => Inv($"{x.Key}: {x.Value}"))))} |");
        foreach (var (after, visible) in s.Visible)
        {
            Line(Inv($"| Hospital tasks of the accepted applications in the officer's list, {after:0} s after the window closed | {visible:N0} of {s.Submitted:N0} |"));
        }

        if (s.Visible.Count > 1 && s.Visible[^1].SecondsAfter > s.Visible[0].SecondsAfter)
        {
            var (first, last) = (s.Visible[0], s.Visible[^1]);
            Line(Inv($"| Rate at which the engine brought accepted applications to the officer's list after the window | {(last.Visible - first.Visible) / (last.SecondsAfter - first.SecondsAfter):0.0}/s |"));
        }

        Line(Inv($"| Every accepted application's task listed | {(s.DrainedAfter is { } d ? Inv($"{d:0} s after the window closed") : Inv($"not within {p.DrainLimit.TotalSeconds:0} s after the window closed"))} |"));
        Line(Inv($"| Engine kept up (no more than one second's submissions still on their way to the list when the window closed) | {(s.KeptUp ? "yes" : "**no**")} |"));
        Line();
        Line("A newborn's birth certificate is always an officer's decision, so no bundle completes without an officer; what the engine must do per submission before the officer can act (start the bundle and its items, decide the vaccination certificate by its rules, open the hospital's task) is what \"kept up\" measures here.");
        Line();

        Line("CPU by phase, as a share of one core (the machine has two): the emulator, the server process, the bench's clients, and every other process on the machine.");
        Line();
        Line("| Phase | wall s | Azurite | server | bench | other processes |");
        Line("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in r.Cpu)
        {
            Line(Inv($"| {c.Phase} | {c.Wall.TotalSeconds:0.0} | {Pct(c.Cores(c.Azurite))} | {Pct(c.Cores(c.Server))} | {Pct(c.Cores(c.Bench))} | {Pct(c.Cores(c.Other))} |"));
        }

        Line();
        Line("### How the HTTP part was measured");
        Line();
        Line(Inv($"Order: a warm-up ({p.WarmUpApplications} application(s) through each flow), then the two visibility measures, then seeding, then the task-list query, then the sustained submissions. The visibility measures come before the seeding on purpose: Azurite answers every table query by scanning the whole table and sorting the matches (its `LokiTableMetadataStore.queryTableEntities`; compare the two straight-from-storage rows above, the same query before and after seeding), so an officer's list polled every {p.PollInterval.TotalMilliseconds:0} ms against a few hundred thousand rows keeps the single-threaded emulator busy and slows everything else the engine does; real table storage reads one partition range whatever the table holds. The task list has no filter by application, so while waiting for a task the bench reads the officer's whole open list ({TaskStore.MaxPageSize} a page, following continuations) and looks for the task id; the store then holds only the bench's own applications, a few dozen tasks."));
        Line();
        Line(Inv($"Submit → first task visible: {p.FirstTaskApplications} newborns one at a time, half a second apart, each by a citizen of its own holding the id-card, household-register and marriage-certificate licences (so only the birth certificate needs an officer) with the baby's photo uploaded as JPEG beforehand; the clock starts just before `POST /api/applications` is sent and stops when the first read of the hospital officer's list that shows the birth-certificate task has arrived; reads follow each other {p.PollInterval.TotalMilliseconds:0} ms apart. Decision → dependent task visible: {p.DependentTaskApplications} newborns one at a time, each by a citizen holding only the id-card licence, with the marriage certificate and household register uploaded (so the police's household-registration rule refers the step to an officer); once the hospital's task was listed the bench read it for its ETag, then the clock starts just before the approval (`POST /api/tasks/{{id}}/decision` with `If-Match`) and stops when the police officer's list shows the household-registration task. A task not seen within {p.VisibleTimeout.TotalSeconds:0} s counts as not seen and makes the target unmet."));
        Line();
        var hospital = r.Seed.Counts.Where(c => c.Department == TaskSeed.HospitalDepartment).ToList();
        var others = r.Seed.Counts.Where(c => c.Department != TaskSeed.HospitalDepartment).GroupBy(c => c.Department, StringComparer.Ordinal)
            .Select(g => Inv($"{g.Key} {g.Sum(c => c.Count):N0}"));
        Line(Inv($"Seeding: going through the engine would take hours for {r.Seed.Applications:N0} applications, so the read model was written directly with `TaskStore.ImportAsync` (the rows `SaveAsync` writes, as table transactions of 100; not used by the engine): {r.Seed.Tasks:N0} tasks, {2 * r.Seed.Tasks:N0} rows in `Tasks` and `TaskQueue`, in {r.Seed.ImportTime.TotalSeconds:0} s. One hospital birth-certificate task per newborn application ({string.Join(", ", hospital.Select(c => Inv($"{c.Count:N0} {Status(c.Status)}")))}; open ones opened over the last three weeks, closed ones over four months, due one working day after opening), and tasks of other departments: the newborns' steps that rules referred to officers and other bundles' officer steps ({string.Join(", ", others)}). The engine's own tasks from the flows before ({r.Seed.EngineTasks}) were in the store as well."));
        Line();
        Line(Inv($"Task-list query: {p.QueryWarmUp} requests of warm-up, then {p.QueryRequests} turns taken in rotation by four kinds of request, all as the hospital officer with `status=open&pageSize=50`: the first page; the next page, following the previous answer's continuation up to ten pages deep and then from the first page again (whose request counts as a first page); the first page with `dueBefore` at a random moment among the open tasks' due times; the first page with `template=newborn` (every hospital task is a newborn one, so this filter keeps every row). One request at a time; latency is from sending to the last byte of the answer. Every hospital task is of one template, so a selective template filter was not measured."));
        Line();
        Line(Inv($"Sustained submissions: each client a citizen of its own with every licence and one uploaded photo, cited by each of its submissions (an upload may be cited again), so the window measures submitting, not uploading. 202s are counted by the second in which they arrived. After the window the bench read the hospital officer's whole open list every 5 s (a read takes a while on Azurite with the seeded rows, and its scans compete with the engine for the emulator) until every accepted application's task was there or {p.DrainLimit.TotalSeconds:0} s had passed; the server was then stopped with work still queued, if any."));
        Line();
        Line("### Notes on the HTTP part");
        Line();
        Line($"- Load average (1 / 5 / 15 min) before the HTTP part: {r.LoadBefore}; after: {r.LoadAfter}. The machine is shared with other engineers' builds and tests: one run, no repetitions, so treat the numbers as noisy.");
        foreach (var c in r.Cpu.Where(c => c.Cores(c.Other) > OtherCpuLimit))
        {
            Line(Inv($"- {c.Phase}: other processes used {c.Cores(c.Other) * 100:0}% of a core meanwhile, so these numbers are skewed by a busy machine."));
        }

        if (r.ServerWarnings > 0)
        {
            Line(Inv($"- The server logged {r.ServerWarnings} warnings or errors; the commonest kinds (ids and numbers aside):"));
            foreach (var sample in r.ServerWarningSamples)
            {
                Line($"  - `{sample.Replace('`', '\'')}`");
            }
        }
        else
        {
            Line("- The server logged no warnings or errors.");
        }

        foreach (var note in r.Notes)
        {
            Line($"- {note}");
        }

        Line();
    }

    static string Status(OfficerTaskStatus status) => status switch
    {
        OfficerTaskStatus.Open => "open",
        OfficerTaskStatus.AwaitingApplicant => "awaiting the applicant",
        _ => "closed",
    };

    static string Errors(int count, string what) => count > 0 ? Inv($"; **{count} {what}**") : string.Empty;

    static string Ms(double ms) => double.IsNaN(ms) ? "–" : Inv($"{ms:0}");

    static string Pct(double share) => double.IsNaN(share) ? "–" : Inv($"{share * 100:0}%");

    static string Met(bool met) => met ? "yes" : "**no**";

    static string Inv(FormattableString value) => FormattableString.Invariant(value);
}
