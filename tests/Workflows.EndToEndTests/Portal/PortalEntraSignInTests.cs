using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Workflows.Testing;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// The local server configured for an OpenID authority as the Functions app is in Azure (<see cref="FakeAuthority"/>
/// standing in for Entra ID: no signing key, no demo users), serving the published portal.
/// </summary>
public sealed class PortalEntraFixture : IAsyncLifetime
{
    Azurite? azurite;
    EngineProcess? server;

    public FakeAuthority Authority { get; private set; } = null!;

    public Uri BaseAddress => server?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        Authority = await FakeAuthority.StartAsync();
        azurite = await Azurite.StartOrShareAsync();
        var settings = TaskHubSettings.New(azurite.ConnectionString, "portalentra").ToConfiguration();
        settings["Auth:Authority"] = Authority.Authority;
        settings["Auth:Issuer"] = Authority.Issuer;
        settings["Auth:Audience"] = FakeAuthority.Audience;
        settings["Auth:RequireHttpsMetadata"] = "false";
        settings["Portal:Root"] = PortalBrowser.PublishedRoot;
        server = EngineProcess.Start("portal-entra-server", settings);
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.StopGracefullyAsync(TimeSpan.FromSeconds(30));
            await server.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }

        await Authority.DisposeAsync();
    }
}

/// <summary>
/// Sign-in with Entra ID in a real browser: the portal's appsettings.json names the authority (as the deploy hook writes
/// it), so the sign-in page offers only the authority; the citizen goes through its authorize endpoint (code flow with
/// PKCE), the portal redeems the code, and the access token it sends is the one the server checks against the
/// authority's keys, so the citizen's home page lists the bundles.
/// </summary>
public sealed class PortalEntraSignInTests(PortalEntraFixture server) : IClassFixture<PortalEntraFixture>
{
    const string PortalClientId = "portal-client-0001";

    [Fact]
    public async Task Citizen_SignsInThroughTheAuthority_AndSeesTheirHomePage()
    {
        server.Authority.SignInAs = ("oid-portal-citizen-" + Guid.NewGuid().ToString("N")[..8], "李娜", ["applicant.citizen"]);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await browser.NewPageAsync(PortalBrowser.Phone);
        await ConfigureAuthorityAsync(page);
        var bearer = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/bundles", StringComparison.Ordinal) && request.Headers.TryGetValue("authorization", out var value))
            {
                bearer.Add(value);
            }
        };

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        var entra = page.GetByRole(AriaRole.Button, new() { Name = "使用 Entra ID 登录" });
        await Expect(entra).ToBeVisibleAsync();
        (await page.Locator("#signin-citizen-wang").CountAsync()).ShouldBe(0, "no demo users where an authority signs people in");

        await entra.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("一件事一次办");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "新生儿出生一件事" })).ToBeVisibleAsync();
        await Expect(page.GetByText("李娜")).ToBeVisibleAsync();
        server.Authority.CodesRedeemed.ShouldBeGreaterThanOrEqualTo(1);
        bearer.ShouldNotBeEmpty();
        bearer.ShouldAllBe(b => b.StartsWith("Bearer ey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, "使用 Entra ID 登录")]
    [InlineData(true, "Sign in with Entra ID")]
    public async Task SignInPage_OffersEntraId_InEitherLanguage_WithNoSeriousViolation(bool english, string button)
    {
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await browser.NewPageAsync(PortalBrowser.Phone, english);
        await ConfigureAuthorityAsync(page);

        await page.GotoAsync("/signin");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = button })).ToBeVisibleAsync();
        var result = await page.RunAxe();
        result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();
    }

    /// <summary>The settings the deploy hook would write: this authority, a client id and the API's scope.</summary>
    async Task ConfigureAuthorityAsync(IPage page)
    {
        var settings = JsonSerializer.Serialize(new
        {
            Api = new { BaseAddress = string.Empty },
            Auth = new { server.Authority.Authority, ClientId = PortalClientId, Scope = $"api://{FakeAuthority.Audience}/access" },
        });
        await page.Context.RouteAsync("**/appsettings.json", route => route.FulfillAsync(new() { ContentType = "application/json", Body = settings }));
    }
}
