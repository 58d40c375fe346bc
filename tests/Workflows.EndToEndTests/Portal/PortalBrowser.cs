using Microsoft.Playwright;
using Workflows.Testing;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// Debian's headless Chromium (test.sh installs it, pinned in scripts/common.sh) driven by Playwright against the
/// portal the local server serves at /. One browser per test; each page a fresh context (no shared storage), phone or
/// desktop sized, in Chinese or English.
/// </summary>
public sealed class PortalBrowser : IAsyncDisposable
{
    /// <summary>Where test.sh installs Debian's chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// The flags a headless Chromium needs on this kind of machine: as root without a sandbox, and no background
    /// connections to Google's hosts, which the closed network refuses.
    /// </summary>
    public static readonly string[] ChromiumFlags =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>A phone (360 CSS pixels wide, as issue 16 asks).</summary>
    public static readonly ViewportSize Phone = new() { Width = 360, Height = 780 };

    /// <summary>A desktop.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    readonly IPlaywright playwright;
    readonly IBrowser browser;

    PortalBrowser(IPlaywright playwright, IBrowser browser, Uri server)
    {
        this.playwright = playwright;
        this.browser = browser;
        Server = server;
    }

    /// <summary>The server serving the portal and the API.</summary>
    public Uri Server { get; }

    /// <summary>Starts Chromium.</summary>
    /// <param name="server">The server serving the portal.</param>
    /// <returns>The browser.</returns>
    public static async Task<PortalBrowser> StartAsync(Uri server)
    {
        File.Exists(ChromiumPath).ShouldBeTrue($"{ChromiumPath} is missing: ./test.sh installs Debian's chromium");
        // The app boots WebAssembly first, slowly on a busy machine: every wait and expectation allows 30 s.
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumFlags });
        return new PortalBrowser(playwright, browser, server);
    }

    /// <summary>A new page in a context of its own.</summary>
    /// <param name="viewport">Phone or desktop.</param>
    /// <param name="english">Whether the page starts in English (the switch kept in local storage), else Chinese.</param>
    /// <returns>The page, at nothing yet.</returns>
    public async Task<IPage> NewPageAsync(ViewportSize viewport, bool english = false)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport, BaseURL = Server.ToString() });
        context.SetDefaultTimeout(30_000);
        if (english)
        {
            await context.AddInitScriptAsync("localStorage.setItem('workflows.lang', 'en')");
        }

        return await context.NewPageAsync();
    }

    /// <summary>
    /// A new page already signed in as someone a test made up (fresh ids keep tests apart): the session the sign-in page
    /// would keep, with a token the server accepts.
    /// </summary>
    /// <param name="viewport">Phone or desktop.</param>
    /// <param name="token">The bearer token.</param>
    /// <param name="id">The user's id.</param>
    /// <param name="name">The user's name.</param>
    /// <param name="role">applicant, officer or admin.</param>
    /// <param name="department">An officer's department.</param>
    /// <param name="english">Whether the page starts in English.</param>
    /// <param name="assist">An officer who may file for citizens (帮办代办).</param>
    /// <returns>The page.</returns>
    public async Task<IPage> NewPageAsAsync(ViewportSize viewport, string token, string id, string name, string role, string? department = null, bool english = false, bool assist = false)
    {
        var page = await NewPageAsync(viewport, english);
        var session = System.Text.Json.JsonSerializer.Serialize(new
        {
            Id = id, Name = name, Role = role, Department = department, Supervisor = false, Assist = assist, Token = token,
            ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
        });
        await page.Context.AddInitScriptAsync($"sessionStorage.setItem('workflows.session', {System.Text.Json.JsonSerializer.Serialize(session)})");
        return page;
    }

    /// <summary>Opens the portal, signs in as a demo user from the sign-in page, and waits for where it lands.</summary>
    /// <param name="page">The page.</param>
    /// <param name="user">The demo user's id.</param>
    /// <param name="heading">The heading of the page sign-in lands on.</param>
    public static async Task SignInAsync(IPage page, string user, string heading)
    {
        await page.GotoAsync("signin");
        await page.Locator($"#signin-{user}").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    /// <summary>The published portal the server serves (test.sh publishes it before the tiers run).</summary>
    public static string PublishedRoot =>
        Path.Combine(RepoPaths.Root, "portal", "Workflows.Portal", "bin", RepoPaths.Configuration, "net10.0", "publish", "wwwroot");
}
