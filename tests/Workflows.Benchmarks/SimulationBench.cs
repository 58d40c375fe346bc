using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.Benchmarks;

/// <summary>What the simulation bench measured.</summary>
/// <param name="Applications">Past applications stored.</param>
/// <param name="SeedTime">How long writing them took.</param>
/// <param name="Runs">Each timed simulation over all of them.</param>
/// <param name="Counts">What the simulation counted (the same every run).</param>
/// <param name="LoadAverage">The machine's load average when the runs began.</param>
public sealed record SimulationResult(int Applications, TimeSpan SeedTime, IReadOnlyList<TimeSpan> Runs, SimulationCounts Counts, string LoadAverage);

/// <summary>
/// Issue 17's speed: 10,000 past newborn applications stored as the bundle's first save stores them
/// (<see cref="ApplicationStore.RecordSubmissionAsync"/>, on an in-memory Azurite), then a draft whose household
/// registration rule is stricter and whose medical insurance takes a day longer simulated over all of them with
/// <see cref="DraftSimulator.RunAsync"/>: the read of the version's partition and every application's evaluation.
/// </summary>
/// <param name="progress">Where progress is written.</param>
public sealed class SimulationBench(TextWriter progress)
{
    /// <summary>Past applications stored.</summary>
    public const int Applications = 10_000;

    /// <summary>Timed runs.</summary>
    public const int Runs = 5;

    /// <summary>The name of the section's markers in docs/benchmarks.md.</summary>
    public const string SectionName = "simulation";

    /// <summary>The marker before the section.</summary>
    public static string Start => ReportSections.Start(SectionName);

    /// <summary>The marker after the section.</summary>
    public static string End => ReportSections.End(SectionName);

    const int RandomSeed = 20261203;

    /// <summary>Runs the bench.</summary>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>What was measured.</returns>
    public async Task<SimulationResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var azurite = await Azurite.StartAsync(inMemory: true);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = TaskHubNames.New("sim"),
        }).Build();
        await using var services = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        var templates = services.GetRequiredService<TemplateStore>();
        var store = services.GetRequiredService<ApplicationStore>();
        var simulator = services.GetRequiredService<DraftSimulator>();
        await templates.SeedBuiltInsAsync(BuiltInTemplates.Catalog, cancellationToken);
        var published = (await templates.GetPublishedAsync("newborn", cancellationToken))!;
        var draftVersion = await templates.CreateDraftAsync(Draft(published.Template), "admin:bench", cancellationToken);

        var seed = Stopwatch.StartNew();
        var random = new Random(RandomSeed);
        var rows = Enumerable.Range(0, Applications).Select(i => Row(published, i, random)).ToList();
        var written = 0;
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (row, ct) =>
        {
            await store.RecordSubmissionAsync(row.Record, row.Snapshot, ct);
            if (Interlocked.Increment(ref written) % 2000 == 0)
            {
                progress.WriteLine(Inv($"[simulation] {written:N0} applications stored"));
            }
        });
        seed.Stop();
        progress.WriteLine(Inv($"[simulation] {Applications:N0} applications stored in {seed.Elapsed.TotalSeconds:0.0} s"));

        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0] : "unknown";
        var runs = new List<TimeSpan>();
        SimulationCounts? counts = null;
        for (var i = 0; i < Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var (c, _, _) = await simulator.RunAsync(published, draftVersion, null, null, cancellationToken);
            clock.Stop();
            runs.Add(clock.Elapsed);
            counts = c;
            progress.WriteLine(Inv($"[simulation] run {i + 1}: {clock.Elapsed.TotalSeconds:0.00} s, {c.Applications:N0} simulated, {c.Changed:N0} changed"));
        }

        return new SimulationResult(Applications, seed.Elapsed, runs, counts!, load);
    }

    // The household registration also needs the child to settle with the mother; the medical insurance takes 2 days.
    static BundleTemplate Draft(BundleTemplate published) => published with
    {
        Items = [.. published.Items.Select(i => i.Key switch
        {
            "household-registration" => i with
            {
                Decision = new RuleDecision(
                    [.. ((RuleDecision)i.Decision).Rules.Select(r => r with { When = new AllOf([r.When, new FieldEquals("settleWith", "mother")]) })],
                    ((RuleDecision)i.Decision).Otherwise),
            },
            "medical-insurance" => i with { CommittedDays = i.CommittedDays + 1 },
            _ => i,
        })],
    };

    static (ApplicationRecord Record, SubmissionSnapshot Snapshot) Row(PublishedTemplate published, int i, Random random)
    {
        var id = Inv($"bench-{i:D6}");
        var submittedAt = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i * 25);
        var withBank = random.Next(2) == 0;
        var answers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["babyName"] = "王小明",
            ["babySex"] = random.Next(2) == 0 ? "male" : "female",
            ["babyBirthDate"] = submittedAt.AddDays(-random.Next(1, 30)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["birthPlace"] = "市第一人民医院",
            ["motherName"] = "王芳",
            ["motherIdNumber"] = "11010519491231002X",
            ["settleWith"] = random.Next(2) == 0 ? "father" : "mother",
            ["registrationAddress"] = "市中心区人民路1号",
            ["guardianPhone"] = "13800138000",
            ["parentInsuredLocally"] = random.Next(4) == 0 ? "false" : "true",
            ["applyCardWithBank"] = withBank ? "true" : "false",
        };
        if (withBank)
        {
            answers["cardBank"] = "icbc";
        }

        List<string> licences = random.Next(5) == 0 ? ["id-card"] : ["id-card", "marriage-certificate", "household-register"];
        var items = published.Template.Items.Select(item => new ItemView(item.Key, item.Name, item.Department, ItemState.Approved)).ToList();
        var record = new ApplicationRecord(id, new Applicant(Inv($"citizen-{i:D6}"), ApplicantKind.Citizen, "王芳"), published.Template.Key, published.Version,
            published.Template.Name, ApplicationStatus.Completed, submittedAt, submittedAt.AddDays(3), items,
            [new MaterialEntry("babyPhoto", "新生儿照片", MaterialStatus.Uploaded, ["birth-certificate"], Inv($"uploads/{id}.jpg"))], Revision: 1);
        return (record, new SubmissionSnapshot(answers, licences, WorkingCalendar.WeekendsOnly.Region, WorkingCalendar.WeekendsOnly.Version));
    }

    /// <summary>The report's section, markers included.</summary>
    /// <param name="result">What was measured.</param>
    /// <param name="environment">The machine and commit.</param>
    /// <returns>The markdown.</returns>
    public static string Section(SimulationResult result, BenchEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(environment);
        var sorted = result.Runs.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var c = result.Counts;
        var s = new StringBuilder();
        s.AppendLine(Start);
        s.AppendLine("## Simulation of a draft (issue 17)");
        s.AppendLine();
        s.AppendLine(Inv($"{result.Applications:N0} past applications of the published newborn template, stored as a bundle's first save stores them (one row each in `Submissions`, partition `newborn|{{version}}`), on an in-memory Azurite on this machine ({environment.Cores} cores, {environment.CpuModel}), on {environment.Date:yyyy-MM-dd} at commit `{environment.Commit}`, load average {result.LoadAverage} when the runs began. The draft makes household registration need the child to settle with the mother and gives medical insurance one more day. Timed: `DraftSimulator.RunAsync` over all of them (reading the version's partition, 1,000 rows a page, and evaluating both versions' inclusion and rules per application), {result.Runs.Count} runs in one process."));
        s.AppendLine();
        s.AppendLine("Regenerate with `dotnet run -c Release --project tests/Workflows.Benchmarks -- --simulation` (about a minute; it replaces only this section).");
        s.AppendLine();
        s.AppendLine("| Measure | Median | Range | Target | |");
        s.AppendLine("| --- | ---: | ---: | ---: | --- |");
        s.AppendLine(Inv($"| Simulation over {result.Applications:N0} applications | {median.TotalSeconds:0.00} s | {sorted[0].TotalSeconds:0.00} – {sorted[^1].TotalSeconds:0.00} s | < 10 s | {(median.TotalSeconds < 10 ? "met" : "**missed**")} |"));
        s.AppendLine();
        s.AppendLine(Inv($"Each run counted {c.Applications:N0} applications, {c.Changed:N0} changed: {c.DecisionsFlipped:N0} rule decisions flipped, {c.TimeLimitsMoved:N0} time limits moved, {c.NewlyIncluded} items newly included, {c.Dropped} dropped. Storing the applications took {result.SeedTime.TotalSeconds:0} s (16 inserts at a time; not part of the measure)."));
        s.AppendLine(End);
        return s.ToString();
    }

    static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
