using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// The portal's publish output is what azure.yaml deploys (`dist: wwwroot`): it holds the page, its settings and the
/// Static Web App's configuration, whose Content-Security-Policy the publish gave the hash of the page's inline import
/// map. Chromium then boots the portal under exactly that policy (the headers the Static Web App would add, added to
/// every response here) and signs a citizen in, with no violation reported.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed partial class PortalStaticWebAppTests(ServerFixture server)
{
    [Fact]
    public void PublishedWwwroot_HasThePageSettingsAndConfig_AndThePolicyAllowsThisBuildsImportMap()
    {
        var root = PortalBrowser.PublishedRoot;
        foreach (var file in new[] { "index.html", "appsettings.json", "staticwebapp.config.json", "js/portal.js", "css/app.css" })
        {
            File.Exists(Path.Combine(root, file)).ShouldBeTrue(file);
        }

        Directory.EnumerateFiles(Path.Combine(root, "_framework"), "*.wasm.br").ShouldNotBeEmpty("the publish compresses the framework");
        var map = ImportMap().Match(File.ReadAllText(Path.Combine(root, "index.html")));
        map.Success.ShouldBeTrue("no inline import map in the published index.html");
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(map.Groups[1].Value)));
        Policy().ShouldContain($"script-src 'self' 'sha256-{hash}' 'wasm-unsafe-eval'");
        File.Exists(Path.Combine(root, "staticwebapp.config.json.br")).ShouldBeFalse("a stale compressed twin of the config");
    }

    [Fact]
    public async Task Portal_BootsAndSignsIn_UnderTheStaticWebAppsPolicy()
    {
        var policy = Policy();
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await browser.NewPageAsync(PortalBrowser.Phone);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await page.Context.RouteAsync("**/*", async route =>
        {
            var response = await route.FetchAsync();
            var headers = new Dictionary<string, string>(response.Headers) { ["content-security-policy"] = policy };
            await route.FulfillAsync(new() { Response = response, Headers = headers });
        });

        await page.GotoAsync("/signin");
        await PortalBrowser.SignInAsync(page, "citizen-wang", "一件事一次办");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "新生儿出生一件事" })).ToBeVisibleAsync();
        violations.ShouldBeEmpty();
    }

    static string Policy()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(PortalBrowser.PublishedRoot, "staticwebapp.config.json")));
        return config.RootElement.GetProperty("globalHeaders").GetProperty("Content-Security-Policy").GetString()!;
    }

    [GeneratedRegex("<script type=\"importmap\">(.*?)</script>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ImportMap();
}
