using System.Diagnostics;
using Workflows.Benchmarks;
using Workflows.Hosting;
using Workflows.Testing;

if (!BenchArguments.TryParse(args, out var arguments, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(BenchArguments.Usage);
    return 2;
}

var plan = BenchPlan.Create(arguments.Quick);
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Unwind instead of dying, so each profile's Azurite (and the HTTP part's server) is stopped and its data removed.
    e.Cancel = true;
    cancellation.Cancel();
};

if (arguments is { Profile: { } only, Result: { } resultFile })
{
    // A child: measure one profile and hand the result to the parent through the file.
    await new ProfileBench(plan, Console.Out).RunAsync(only, r => ProfileProcess.WriteResultAsync(resultFile, r), cancellation.Token);
    return 0;
}

if (arguments.Portal)
{
    // The portal alone (a minute): its section of the report is replaced, the engine's 19-minute figures are kept.
    var portal = await new PortalBench(Console.Out).RunAsync(cancellation.Token);
    var section = PortalBench.Section(portal, await BenchEnvironment.CaptureAsync(RepoPaths.Root));
    return await WriteSectionAsync(PortalBench.SectionName, "Portal", section);
}

if (arguments.Backlog)
{
    // Backpressure alone (a few minutes): its section of the report is replaced, the rest kept.
    var window = TimeSpan.FromSeconds(arguments.Quick ? 10 : 30);
    var (loads, load) = await new HttpBench(HttpPlan.Create(arguments.Quick), Console.Out).RunBackpressureAsync(window, cancellation.Token);
    var section = HttpSession.BackpressureSection(loads, await BenchEnvironment.CaptureAsync(RepoPaths.Root), load);
    return await WriteSectionAsync(HttpSession.BackpressureSectionName, "Backpressure", section);
}

if (arguments.Simulation)
{
    // The simulation alone (a minute): its section of the report is replaced, the rest is kept.
    var simulated = await new SimulationBench(Console.Out).RunAsync(cancellation.Token);
    var section = SimulationBench.Section(simulated, await BenchEnvironment.CaptureAsync(RepoPaths.Root));
    return await WriteSectionAsync(SimulationBench.SectionName, "Simulation", section);
}

if (arguments.Bundles)
{
    // The cost per bundle alone (issue 19, a few minutes): bundles at 2.5 and 2.6 beside the bare engine, tuned, on one engine.
    var load = HttpBench.LoadAverage();
    var costPlan = BenchPlan.CreateBundleCost(arguments.Quick);
    var measured = await new ProfileBench(costPlan, Console.Out).RunAsync(EngineProfile.Tuned, _ => Task.CompletedTask, cancellation.Token);
    var section = BundleCostReport.Section(costPlan, measured, load, await BenchEnvironment.CaptureAsync(RepoPaths.Root));
    return await WriteSectionAsync(BundleCostReport.SectionName, "Cost per bundle", section);
}

if (arguments.Officers)
{
    // Officer-decided bundles alone (issue 19, a few minutes): scripted officers decide every item, beside a bare chain of as many events.
    var load = HttpBench.LoadAverage();
    var officerPlan = BenchPlan.CreateOfficerCost(arguments.Quick);
    var measured = await new ProfileBench(officerPlan, Console.Out).RunAsync(EngineProfile.Tuned, _ => Task.CompletedTask, cancellation.Token);
    var section = OfficerCostReport.Section(officerPlan, measured, load, await BenchEnvironment.CaptureAsync(RepoPaths.Root));
    return await WriteSectionAsync(OfficerCostReport.SectionName, "Officer-decided bundles", section);
}

if (arguments.Hosts)
{
    // One engine host against two on one Azurite (issue 19, a few minutes): the same scenarios, each count on its own Azurite and hub.
    var loadBefore = HttpBench.LoadAverage();
    var hostPlan = BenchPlan.CreateHostScaling(arguments.Quick);
    var one = await new HostScalingBench(hostPlan, Console.Out).RunAsync(1, cancellation.Token);
    var two = await new HostScalingBench(hostPlan, Console.Out).RunAsync(2, cancellation.Token);
    var load = $"{loadBefore} when the run began, {HttpBench.LoadAverage()} when it ended";
    var section = HostScalingReport.Section(one, two, load, await BenchEnvironment.CaptureAsync(RepoPaths.Root));
    return await WriteSectionAsync(HostScalingReport.SectionName, "One host against two", section);
}

if (arguments.Designer)
{
    // The designer's edits alone (a minute): its section of the report is replaced, the rest is kept.
    var designed = await new DesignerBench(Console.Out).RunAsync(cancellation.Token);
    var section = DesignerBench.Section(designed, await BenchEnvironment.CaptureAsync(RepoPaths.Root));
    return await WriteSectionAsync(DesignerBench.SectionName, "Designer", section);
}

if (arguments.Growth)
{
    // Stores of growing size (issue 19), each level on its own server, Azurite and task hub: its section is replaced, the rest kept.
    var levels = arguments.Levels ?? GrowthReport.DefaultLevels;
    var window = TimeSpan.FromSeconds(arguments.Quick ? 15 : 60);
    var command = "dotnet run -c Release --project tests/Workflows.Benchmarks -- --growth" + (arguments.Levels is null ? string.Empty : " --levels " + string.Join(',', levels)) + (arguments.Quick ? " --quick" : string.Empty);
    await new HttpBench(HttpPlan.Create(arguments.Quick), Console.Out).RunGrowthAsync(
        levels, window, TimeSpan.FromSeconds(arguments.Quick ? 20 : 45),
        async soFar => await WriteSectionAsync(GrowthReport.SectionName, "Growth", GrowthReport.Section(soFar, await BenchEnvironment.CaptureAsync(RepoPaths.Root), command)),
        cancellation.Token);
    return 0;
}

var elapsed = Stopwatch.StartNew();
var results = new List<ProfileResult>();
if (!arguments.HttpOnly)
{
    // Defaults first, tuned second, each in its own process on its own fresh Azurite; the same order every run.
    foreach (var profile in new[] { EngineProfile.ProviderDefaults, EngineProfile.Tuned })
    {
        results.Add(await ProfileProcess.RunAsync(profile, plan.Quick, Console.Out, cancellation.Token));
    }
}

// Then the API over HTTP, once, under the tuned profile, with its own server process and its own Azurite.
var http = await new HttpBench(HttpPlan.Create(arguments.Quick), Console.Out).RunAsync(cancellation.Token);

var environment = await BenchEnvironment.CaptureAsync(RepoPaths.Root);
var writer = new ReportWriter(plan, environment, elapsed.Elapsed);
var markdown = arguments.HttpOnly ? writer.WriteHttpOnly(http) : writer.Write(results[0], results[1], http);
Console.WriteLine();
Console.WriteLine(markdown);

// The quick plan's small counts, and the HTTP part alone, must not replace the published numbers unless asked to.
var output = arguments.Out is { } o ? Path.GetFullPath(o) : plan.Quick || arguments.HttpOnly ? null : Path.Combine(RepoPaths.Root, "docs", "benchmarks.md");
if (output is not null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    // The sections measured on their own (--portal, --backlog, --simulation, --officers...): a rewrite of the engine's figures keeps them.
    var earlier = File.Exists(output) ? await File.ReadAllTextAsync(output) : string.Empty;
    await File.WriteAllTextAsync(output, ReportSections.Keep(markdown, earlier, PortalBench.SectionName, HttpSession.BackpressureSectionName, SimulationBench.SectionName, DesignerBench.SectionName, GrowthReport.SectionName, GrowthReport.AuditSectionName, BundleCostReport.SectionName, OfficerCostReport.SectionName, HostScalingReport.SectionName));
    Console.WriteLine($"Wrote {output} in {elapsed.Elapsed.TotalMinutes:0.0} min");
}

return 0;

// A part measured on its own: its section is printed and replaces the same section of the report, the rest is kept.
async Task<int> WriteSectionAsync(string name, string title, string section)
{
    Console.WriteLine();
    Console.WriteLine(section);
    var report = Path.GetFullPath(arguments.Out ?? Path.Combine(RepoPaths.Root, "docs", "benchmarks.md"));
    await File.WriteAllTextAsync(report, ReportSections.Replace(File.Exists(report) ? await File.ReadAllTextAsync(report) : string.Empty, name, section));
    Console.WriteLine($"Wrote the {title} section of {report}");
    return 0;
}
