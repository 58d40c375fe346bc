using System.Text.RegularExpressions;

namespace Workflows.Tests.Functions;

/// <summary>
/// What the Bicep deploys for the portal's pages (scripts/bicep.sh checks it builds; this checks what it says): App
/// Service CORS on the Functions app's site config, for the origins main.bicep is given, without credentials mode.
/// </summary>
public partial class InfraCorsTests
{
    [Fact]
    public void ApiBicep_SiteConfig_HasCorsForTheGivenOriginsWithoutCredentials()
    {
        var api = Read("app", "api.bicep");

        api.ShouldContain("param corsOrigins string[] = []");
        var cors = CorsBlock().Match(api);
        cors.Success.ShouldBeTrue("no cors block in siteConfig");
        cors.Value.ShouldContain("allowedOrigins: corsOrigins");
        cors.Value.ShouldContain("supportCredentials: false");
        api.IndexOf("siteConfig: {", StringComparison.Ordinal).ShouldBeLessThan(cors.Index, "cors belongs to the site config");
    }

    [Fact]
    public void MainBicep_PassesThePortalOriginsToTheApi()
    {
        var main = Read("main.bicep");

        main.ShouldContain("param portalOrigins string[] = []");
        var api = main[main.IndexOf("module api 'app/api.bicep'", StringComparison.Ordinal)..];
        api[..api.IndexOf("\n}", StringComparison.Ordinal)].ShouldContain("corsOrigins: union([portal.outputs.uri], portalOrigins)");
    }

    static string Read(params string[] path)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
        {
            dir = dir.Parent;
        }

        return File.ReadAllText(Path.Combine([dir?.FullName ?? throw new InvalidOperationException("No Workflows.sln above the test's directory."), "infra", .. path]));
    }

    [GeneratedRegex(@"\bcors: \{[^}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex CorsBlock();
}
