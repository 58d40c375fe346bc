using System.Text.Json;
using System.Text.RegularExpressions;

namespace Workflows.Tests.Functions;

/// <summary>
/// What azd deploys for the portal (scripts/bicep.sh checks the Bicep builds; this checks what it says): a Standard
/// Static Web App tagged for the `portal` service, its origin allowed by the Functions app's CORS, the outputs the
/// settings hook reads, the azure.yaml service pointing at the portal's project, and a Static Web App configuration
/// that is valid JSON with the SPA fallback, immutable caching of the fingerprinted framework and a strict policy.
/// </summary>
public class InfraPortalTests
{
    [Fact]
    public void PortalBicep_IsAStandardStaticWebAppTaggedForThePortalService()
    {
        var portal = Read("infra", "app", "portal.bicep");

        portal.ShouldContain("resource site 'Microsoft.Web/staticSites@");
        portal.ShouldContain("param sku string = 'Standard'");
        portal.ShouldContain("'azd-service-name': 'portal'");
        portal.ShouldContain("output uri string = 'https://${site.properties.defaultHostname}'");
    }

    [Fact]
    public void MainBicep_AllowsThePortalsOriginInTheApisCors_AndOutputsWhatTheHookReads()
    {
        var main = Read("infra", "main.bicep");

        main.ShouldContain("module portal 'app/portal.bicep'");
        main.ShouldContain("sku: 'Standard'");
        var api = main[main.IndexOf("module api 'app/api.bicep'", StringComparison.Ordinal)..];
        api[..api.IndexOf("\n}", StringComparison.Ordinal)].ShouldContain("corsOrigins: union([portal.outputs.uri], portalOrigins)");
        main.ShouldContain("output SERVICE_PORTAL_NAME string");
        main.ShouldContain("output SERVICE_PORTAL_URI string");
        // What scripts/portal-settings.sh reads from the azd environment, which azd fills from these outputs.
        var hook = Read("scripts", "portal-settings.sh");
        foreach (var output in new[] { "SERVICE_API_URI", "AUTH_AUTHORITY", "AUTH_CLIENT_ID" })
        {
            main.ShouldContain($"output {output} string");
            hook.ShouldContain(output);
        }
    }

    [Fact]
    public void AzureYaml_HasThePortalServiceOnAStaticWebApp_PointingAtThePortalProjectsPublishedWwwroot()
    {
        var yaml = Read("azure.yaml");
        var service = Regex.Match(yaml, @"\n  portal:\n((?:    .*\n?)+)", RegexOptions.CultureInvariant);
        service.Success.ShouldBeTrue("no portal service in azure.yaml");
        var body = service.Groups[1].Value;
        body.ShouldContain("host: staticwebapp");
        body.ShouldContain("language: dotnet");
        body.ShouldContain("dist: wwwroot");
        var project = Regex.Match(body, @"project: (\S+)").Groups[1].Value;
        File.Exists(Path.Combine(RepoRoot(), project, "Workflows.Portal.csproj")).ShouldBeTrue(project);
        body.ShouldContain("scripts/portal-settings.sh azure");
        body.ShouldContain("scripts/portal-settings.sh local");
    }

    [Fact]
    public void StaticWebAppConfig_IsValid_WithTheSpaFallbackImmutableFrameworkAndAStrictPolicy()
    {
        using var config = JsonDocument.Parse(Read("portal", "Workflows.Portal", "wwwroot", "staticwebapp.config.json"));
        var root = config.RootElement;

        var fallback = root.GetProperty("navigationFallback");
        fallback.GetProperty("rewrite").GetString().ShouldBe("/index.html");
        var excluded = fallback.GetProperty("exclude").EnumerateArray().Select(e => e.GetString()).ToList();
        excluded.ShouldContain("/_framework/*", "a missing framework file must be a 404, never the app's page");

        var framework = root.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("route").GetString() == "/_framework/*");
        framework.GetProperty("headers").GetProperty("cache-control").GetString().ShouldBe("public, max-age=31536000, immutable");
        root.GetProperty("mimeTypes").GetProperty(".wasm").GetString().ShouldBe("application/wasm");

        var headers = root.GetProperty("globalHeaders");
        headers.GetProperty("X-Content-Type-Options").GetString().ShouldBe("nosniff");
        headers.GetProperty("cache-control").GetString().ShouldBe("no-cache", "index.html and appsettings.json are revalidated");
        var csp = headers.GetProperty("Content-Security-Policy").GetString()!;
        var script = Directive(csp, "script-src");
        script.ShouldContain("'self'");
        script.ShouldContain("'wasm-unsafe-eval'", customMessage: "Blazor WebAssembly compiles its runtime");
        script.ShouldNotContain("unsafe-inline");
        script.ShouldNotContain("'unsafe-eval'");
        Directive(csp, "connect-src").ShouldContain("https://*.azurewebsites.net", customMessage: "the Functions app's origin");
        Directive(csp, "frame-ancestors").ShouldBe("frame-ancestors 'none'");
        Directive(csp, "object-src").ShouldBe("object-src 'none'");
    }

    [Fact]
    public void PortalSettings_AreTheLocalDefaultsAsCommitted()
    {
        using var settings = JsonDocument.Parse(Read("portal", "Workflows.Portal", "wwwroot", "appsettings.json"));
        var root = settings.RootElement;

        root.GetProperty("Api").GetProperty("BaseAddress").GetString().ShouldBeEmpty("the page's own origin locally");
        root.GetProperty("Auth").GetProperty("Authority").GetString().ShouldBeEmpty("the demo users locally");
        root.GetProperty("Auth").GetProperty("ClientId").GetString().ShouldBeEmpty();
    }

    static string Directive(string csp, string name) =>
        csp.Split(';', StringSplitOptions.TrimEntries).SingleOrDefault(d => d.StartsWith(name + " ", StringComparison.Ordinal))
        ?? throw new ShouldAssertException($"no {name} in the policy");

    static string Read(params string[] path) => File.ReadAllText(Path.Combine([RepoRoot(), .. path]));

    static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("No Workflows.sln above the test's directory.");
    }
}
