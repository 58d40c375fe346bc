using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.Benchmarks;

/// <summary>One visit's figures.</summary>
/// <param name="Bytes">Bytes over the wire (encoded: compressed bodies and headers), from Chromium's network events.</param>
/// <param name="Requests">Requests made.</param>
/// <param name="FromCache">Requests answered without bytes over the wire (the browser's cache).</param>
/// <param name="InteractiveMs">Navigation start to interactive (see <see cref="PortalBench.InteractiveDefinition"/>), ms.</param>
/// <param name="Largest">The largest transfers: path and bytes.</param>
/// <param name="Phases">Where the time to interactive went (see <see cref="PortalPhases"/>); null when not measured.</param>
public sealed record PortalVisit(long Bytes, int Requests, int FromCache, double InteractiveMs, IReadOnlyList<(string Path, long Bytes)> Largest, PortalPhases? Phases = null);

/// <summary>Milestones of one visit, ms from navigation start, from the page's own performance entries.</summary>
/// <param name="FrameworkLoadedMs">The last framework file (runtime, assemblies, scripts) fetched or read from the cache.</param>
/// <param name="MainMs">The app's Main begins (the portal's performance mark portal:main): the runtime has started and loaded the assemblies.</param>
/// <param name="HostBuiltMs">Main has built its host (mark portal:host-built): its configuration and services are made.</param>
/// <param name="RunMs">Main has read the session and the clock and starts rendering (mark portal:run).</param>
/// <param name="FirstApiCallMs">The app's first API call started: the router has found the home page and it asks for the life events.</param>
/// <param name="ApiAnsweredMs">The last API call begun before interactive was answered.</param>
/// <param name="FirstRenderMs">The app replaced the boot text with its first render.</param>
public sealed record PortalPhases(double FrameworkLoadedMs, double MainMs, double HostBuiltMs, double RunMs, double FirstApiCallMs, double ApiAnsweredMs, double FirstRenderMs);

/// <summary>What the portal part measured: visits with a cold cache, then repeat visits with the same browser profile.</summary>
/// <param name="First">First visits, each in a fresh browser context (cold cache).</param>
/// <param name="Repeat">Repeat visits, each a new page in the context of the first.</param>
/// <param name="OfficerAssemblyOnFirstVisit">Whether a citizen's first visit fetched the officer pages' assembly.</param>
/// <param name="OfficerVisitBytes">Bytes a signed-in officer's page then fetched to open the task list (the lazy part).</param>
/// <param name="LoadAverage">The machine's 1-minute load average when the visits began (/proc/loadavg): time to interactive is CPU-bound.</param>
public sealed record PortalResult(IReadOnlyList<PortalVisit> First, IReadOnlyList<PortalVisit> Repeat, bool OfficerAssemblyOnFirstVisit, long OfficerVisitBytes, string LoadAverage);

/// <summary>
/// Issue 16's speed: the published portal served by the local server (a real process, on its own in-memory Azurite),
/// visited by headless Chromium (Debian's, as the end-to-end tier drives it) as a signed-in citizen opening the home page.
/// Bytes are Chromium's own count of what crossed the wire (<c>Network.loadingFinished</c>'s encodedDataLength: compressed
/// bodies plus headers; 0 for what the cache answered). Interactive is <see cref="InteractiveDefinition"/>.
/// </summary>
public sealed class PortalBench(TextWriter progress)
{
    /// <summary>What "interactive" means here.</summary>
    public const string InteractiveDefinition =
        "from navigation start (performance.now() = 0) until the life-event list is rendered and the first event's Apply link, its Fluent component defined, takes keyboard focus";

    const int Visits = 5;
    const string SigningKey = "portal-bench-signing-key-0123456789abcdef0123";
    const string OfficerAssembly = "Workflows.Portal.Officers";

    // Installed before any page script: watches the DOM for the first Apply link and records when it can take focus.
    const string InteractiveProbe = """
        (() => {
          const probe = () => {
            if (window.__firstRenderAt === undefined && document.querySelector('#app') && !document.querySelector('#app .booting')) window.__firstRenderAt = performance.now();
            const link = document.querySelector('.cards fluent-anchor[href^="apply/"]');
            if (!link || !customElements.get('fluent-anchor')) return false;
            link.focus();
            if (document.activeElement !== link) return false;
            window.__interactiveAt = performance.now();
            return true;
          };
          const observer = new MutationObserver(() => { if (probe()) observer.disconnect(); });
          observer.observe(document, { subtree: true, childList: true, attributes: true });
        })();
        """;

    /// <summary>Where test.sh and run.sh publish the portal.</summary>
    public static string PublishedRoot =>
        Path.Combine(RepoPaths.Root, "portal", "Workflows.Portal", "bin", "Release", "net10.0", "publish", "wwwroot");

    /// <summary>Runs the portal part.</summary>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>What was measured.</returns>
    public async Task<PortalResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(PublishedRoot, "index.html")))
        {
            throw new InvalidOperationException($"No published portal at {PublishedRoot}: run `dotnet publish portal/Workflows.Portal -c Release` first.");
        }

        await using var azurite = await Azurite.StartAsync(inMemory: true);
        var prefix = TaskHubNames.New("portal");
        var server = EngineProcess.Start("portal-bench-server", new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = prefix,
            ["Engine:TaskHubName"] = prefix,
            ["Auth:SigningKey"] = SigningKey,
            ["Auth:DemoUsers"] = "false",
            ["Portal:Root"] = PublishedRoot,
        });
        try
        {
            await server.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
            var baseAddress = await WaitForHealthAsync(server, cancellationToken);
            progress.WriteLine($"[portal] server pid {server.Id} at {baseAddress}, serving {PublishedRoot}");

            var tokens = new TokenMinter(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage"],
            });

            var citizen = Session(tokens.Mint("citizen-bench", "王芳", CallerRole.Applicant, ApplicantKind.Citizen), "citizen-bench", "王芳", "applicant", null);
            // One visit to warm the server (its first request of each file) and the bundle list; not counted.
            await using (var warm = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString() }))
            {
                await VisitAsync(warm, citizen, "", cancellationToken);
            }

            var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0] : "unknown";
            var first = new List<PortalVisit>();
            var repeat = new List<PortalVisit>();
            var officerOnFirst = false;
            for (var i = 0; i < Visits; i++)
            {
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString() });
                var (cold, paths) = await VisitAsync(context, citizen, "", cancellationToken);
                officerOnFirst |= paths.Any(p => p.Contains(OfficerAssembly, StringComparison.Ordinal));
                first.Add(cold);
                var (warm, _) = await VisitAsync(context, citizen, "", cancellationToken);
                repeat.Add(warm);
                progress.WriteLine(Inv($"[portal] visit {i + 1}: first {cold.Bytes / 1024.0:0} KB in {cold.Requests} requests, interactive {cold.InteractiveMs:0} ms ({cold.Phases}); repeat {warm.Bytes / 1024.0:0} KB ({warm.FromCache} of {warm.Requests} from cache), interactive {warm.InteractiveMs:0} ms ({warm.Phases})"));
            }

            // The officer's part: a citizen's visit has loaded the app; an officer opening the task list then fetches the rest.
            long officerBytes;
            await using (var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString() }))
            {
                var officer = Session(tokens.Mint("officer-hospital", "officer", CallerRole.Officer, department: "hospital"), "officer-hospital", "officer", "officer", "hospital");
                await VisitAsync(context, officer, "notifications", cancellationToken, interactive: false);
                var (tasks, _) = await VisitAsync(context, officer, "tasks", cancellationToken, interactive: false);
                officerBytes = tasks.Bytes;
            }

            return new PortalResult(first, repeat, officerOnFirst, officerBytes, load);
        }
        finally
        {
            await server.StopGracefullyAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await server.DisposeAsync();
        }
    }

    static string Session(string token, string id, string name, string role, string? department) =>
        JsonSerializer.Serialize(new { Id = id, Name = name, Role = role, Department = department, Supervisor = false, Assist = false, Token = token, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });

    static async Task<(PortalVisit Visit, IReadOnlyList<string> Paths)> VisitAsync(IBrowserContext context, string session, string path, CancellationToken cancellationToken, bool interactive = true)
    {
        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync($"sessionStorage.setItem('workflows.session', {JsonSerializer.Serialize(session)}); {InteractiveProbe}");
        var cdp = await context.NewCDPSessionAsync(page);
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        var cached = new HashSet<string>(StringComparer.Ordinal);
        var gate = new object();
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
        {
            if (e is { } ev)
            {
                lock (gate)
                {
                    urls[ev.GetProperty("requestId").GetString()!] = ev.GetProperty("request").GetProperty("url").GetString()!;
                }
            }
        };
        cdp.Event("Network.requestServedFromCache").OnEvent += (_, e) =>
        {
            if (e is { } ev)
            {
                lock (gate)
                {
                    cached.Add(ev.GetProperty("requestId").GetString()!);
                }
            }
        };
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
        {
            if (e is { } ev)
            {
                lock (gate)
                {
                    bytes[ev.GetProperty("requestId").GetString()!] = (long)ev.GetProperty("encodedDataLength").GetDouble();
                }
            }
        };
        await cdp.SendAsync("Network.enable");

        await page.GotoAsync(path);
        double at = 0;
        PortalPhases? phases = null;
        if (interactive)
        {
            await page.WaitForFunctionAsync("() => window.__interactiveAt !== undefined", null, new() { Timeout = 60_000 });
            at = await page.EvaluateAsync<double>("() => window.__interactiveAt");
            phases = await PhasesAsync(page);
        }
        else
        {
            await page.Locator("h1").First.WaitForAsync(new() { Timeout = 60_000 });
        }

        // Whatever the page still fetches after it became interactive (lazy parts, the poll) belongs to the visit too.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        cancellationToken.ThrowIfCancellationRequested();
        await page.CloseAsync();
        lock (gate)
        {
            var largest = bytes.OrderByDescending(b => b.Value).Take(6)
                .Select(b => (Path: urls.TryGetValue(b.Key, out var u) ? new Uri(u).AbsolutePath : b.Key, Bytes: b.Value)).ToList();
            var paths = urls.Values.Select(u => new Uri(u).AbsolutePath).ToList();
            return (new PortalVisit(bytes.Values.Sum(), urls.Count, cached.Count + bytes.Count(b => b.Value == 0 && !cached.Contains(b.Key)), at, largest, phases), paths);
        }
    }

    // The milestones from the page's resource timings (fetches of the framework and of the API) and the probe's first render.
    static async Task<PortalPhases> PhasesAsync(IPage page)
    {
        var values = await page.EvaluateAsync<double[]>("""
            () => {
              const until = window.__interactiveAt;
              const entries = performance.getEntriesByType('resource').filter(e => e.startTime < until);
              const framework = entries.filter(e => e.name.includes('/_framework/'));
              const api = entries.filter(e => new URL(e.name).pathname.startsWith('/api/'));
              return [
                framework.length ? Math.max(...framework.map(e => e.responseEnd)) : 0,
                performance.getEntriesByName('portal:main')[0]?.startTime ?? 0,
                performance.getEntriesByName('portal:host-built')[0]?.startTime ?? 0,
                performance.getEntriesByName('portal:run')[0]?.startTime ?? 0,
                api.length ? Math.min(...api.map(e => e.startTime)) : 0,
                api.length ? Math.max(...api.map(e => e.responseEnd)) : 0,
                window.__firstRenderAt ?? 0,
              ];
            }
            """);
        return new PortalPhases(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
    }

    // The server logs the port it bound a moment after it says it is ready.
    internal static async Task<Uri> WaitForHealthAsync(EngineProcess server, CancellationToken cancellationToken)
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

            await Task.Delay(250, cancellationToken);
        }

        throw new InvalidOperationException($"The server did not become healthy within 60 s:{Environment.NewLine}{server.Output}");
    }

    /// <summary>The report's section, between its markers.</summary>
    /// <param name="result">What was measured.</param>
    /// <param name="environment">Where and when.</param>
    /// <returns>The markdown.</returns>
    public static string Section(PortalResult result, BenchEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(environment);
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var firstBytes = Median(result.First.Select(v => (double)v.Bytes));
        var repeatBytes = Median(result.Repeat.Select(v => (double)v.Bytes));
        var firstMs = Median(result.First.Select(v => v.InteractiveMs));
        var repeatMs = Median(result.Repeat.Select(v => v.InteractiveMs));
        static string Mb(double b) => Inv($"{b / 1_000_000:0.00} MB");
        static string Kb(double b) => Inv($"{b / 1000:0.0} KB");
        static string Met(bool ok) => ok ? "met" : "**missed**";

        var s = new StringBuilder();
        s.AppendLine(Start);
        s.AppendLine("## Portal");
        s.AppendLine();
        s.AppendLine(Inv($"The published portal served by the local server, visited by headless Chromium ({environment.Cores} cores, {environment.CpuModel}) as a signed-in citizen opening the home page, on {environment.Date:yyyy-MM-dd} at commit `{environment.Commit}`; median of {result.First.Count} visits each, with the machine's load average at {result.LoadAverage} when they began (other builds and tests shared its cores; time to interactive is CPU-bound). Bytes are what crossed the wire (Chromium's `encodedDataLength`: compressed bodies and headers). Interactive: {InteractiveDefinition}."));
        s.AppendLine();
        s.AppendLine("Regenerate with `dotnet publish portal/Workflows.Portal -c Release && dotnet run -c Release --project tests/Workflows.Benchmarks -- --portal` (about a minute; it replaces only this section).");
        s.AppendLine();
        s.AppendLine("| Measure | Median | Range | Target | |");
        s.AppendLine("| --- | ---: | ---: | ---: | --- |");
        s.AppendLine(Inv($"| First visit (cold cache), bytes over the wire | {Mb(firstBytes)} | {Mb(result.First.Min(v => v.Bytes))} – {Mb(result.First.Max(v => v.Bytes))} | < 3 MB | {Met(firstBytes < 3_000_000)} |"));
        s.AppendLine(Inv($"| Repeat visit, bytes over the wire | {Kb(repeatBytes)} | {Kb(result.Repeat.Min(v => v.Bytes))} – {Kb(result.Repeat.Max(v => v.Bytes))} | < 200 KB | {Met(repeatBytes < 200_000)} |"));
        s.AppendLine(Inv($"| First visit, interactive | {firstMs:0} ms | {result.First.Min(v => v.InteractiveMs):0} – {result.First.Max(v => v.InteractiveMs):0} ms | < 2 s | {Met(firstMs < 2000)} |"));
        s.AppendLine(Inv($"| Repeat visit, interactive | {repeatMs:0} ms | {result.Repeat.Min(v => v.InteractiveMs):0} – {result.Repeat.Max(v => v.InteractiveMs):0} ms | < 2 s | {Met(repeatMs < 2000)} |"));
        s.AppendLine();
        if (result.First.All(v => v.Phases is not null) && result.Repeat.All(v => v.Phases is not null))
        {
            // Where the time went: medians of each milestone, from the pages' own resource timings.
            string Row(string name, IReadOnlyList<PortalVisit> visits) => Inv(
                $"| {name} | {Median(visits.Select(v => v.Phases!.FrameworkLoadedMs)):0} ms | {Median(visits.Select(v => v.Phases!.MainMs)):0} ms | {Median(visits.Select(v => v.Phases!.HostBuiltMs)):0} ms | {Median(visits.Select(v => v.Phases!.RunMs)):0} ms | {Median(visits.Select(v => v.Phases!.FirstApiCallMs)):0} ms | {Median(visits.Select(v => v.Phases!.ApiAnsweredMs)):0} ms | {Median(visits.Select(v => v.Phases!.FirstRenderMs)):0} ms | {Median(visits.Select(v => v.InteractiveMs)):0} ms |");
            s.AppendLine("Where the time goes (medians, ms from navigation start): the last framework file fetched (or read from the cache); the app's Main begins (the runtime started, the assemblies loaded: the portal's performance mark `portal:main`); its host built (configuration and services made: `portal:host-built`); the session and the clock read, rendering starts (`portal:run`); the home page's first API call started; the API answered; the app's first render; interactive.");
            s.AppendLine();
            s.AppendLine("| Visit | Framework loaded | Main begins | Host built | Rendering starts | First API call | API answered | First render | Interactive |");
            s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            s.AppendLine(Row("First", result.First));
            s.AppendLine(Row("Repeat", result.Repeat));
            s.AppendLine();
        }

        var sample = result.First[0];
        s.AppendLine(Inv($"A first visit made {sample.Requests} requests; the largest transfers: {string.Join(", ", sample.Largest.Select(l => $"`{Path.GetFileName(l.Path)}` {Kb(l.Bytes)}"))}. A repeat visit made {result.Repeat[0].Requests} requests, {result.Repeat[0].FromCache} without bytes over the wire (the fingerprinted framework files are immutable and come from the cache; `index.html` and the API are asked again)."));
        s.AppendLine();
        s.AppendLine(Inv($"The officer pages are a lazily loaded assembly (`{OfficerAssembly}`): a citizen's first visit {(result.OfficerAssemblyOnFirstVisit ? "**did** fetch it" : "did not fetch it")}; an officer whose browser already had the app then fetched {Kb(result.OfficerVisitBytes)} to open the task list (the assembly, the list's API calls)."));
        s.AppendLine(End);
        return s.ToString();
    }

    /// <summary>The name of the section's markers.</summary>
    public const string SectionName = "portal";

    /// <summary>The marker before the section.</summary>
    public static string Start => ReportSections.Start(SectionName);

    /// <summary>The marker after the section.</summary>
    public static string End => ReportSections.End(SectionName);

    static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
