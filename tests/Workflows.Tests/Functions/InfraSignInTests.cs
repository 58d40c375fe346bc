using System.Text.RegularExpressions;

namespace Workflows.Tests.Functions;

/// <summary>
/// What the Bicep deploys for sign-in (scripts/bicep.sh checks it builds; this checks what it says): App Service
/// Authentication on with Entra ID, 401 for unauthenticated calls, and the worker's Auth settings pointing at the same
/// authority, so a deployment never trusts a header nobody vouched for nor refuses every Entra token.
/// </summary>
public class InfraSignInTests
{
    static string Read(params string[] path) => File.ReadAllText(Path.Combine([RepoRoot(), "infra", .. path]));

    [Fact]
    public void ApiBicep_TurnsAppServiceAuthenticationOnWithEntraAndReturns401()
    {
        var api = Read("app", "api.bicep");

        api.ShouldContain("name: 'authsettingsV2'");
        Block(api, "platform").ShouldContain("enabled: true");
        var validation = Block(api, "globalValidation");
        validation.ShouldContain("requireAuthentication: true");
        validation.ShouldContain("unauthenticatedClientAction: 'Return401'");
        var entra = Block(api, "azureActiveDirectory");
        entra.ShouldContain("enabled: true");
        entra.ShouldContain("clientId: authClientId");
        entra.ShouldContain("openIdIssuer: authIssuer");
        entra.ShouldContain("authAudience");
        Block(api, "tokenStore").ShouldContain("enabled: false");
    }

    [Fact]
    public void MainBicep_GivesTheWorkerTheAuthorityIssuerAndAudience_AndNoSigningKeyOrDemoUsers()
    {
        var main = Read("main.bicep");

        main.ShouldContain("Auth__Authority: issuer");
        main.ShouldContain("Auth__Issuer: issuer");
        main.ShouldContain("Auth__Audience: audience");
        main.ShouldNotContain("Auth__SigningKey");
        main.ShouldNotContain("Auth__DemoUsers");
        main.ShouldNotContain("WEBSITE_AUTH_ENABLED", Case.Insensitive, "the platform sets it; an app setting could claim Easy Auth is on when it is not");
        Read("main.parameters.json").ShouldContain("${AUTH_CLIENT_ID}");
    }

    /// <summary>The text of <c>name: { ... }</c>, braces balanced.</summary>
    static string Block(string bicep, string name)
    {
        var start = BlockStart(name).Match(bicep);
        start.Success.ShouldBeTrue($"no '{name}: {{' block");
        var depth = 0;
        for (var i = start.Index + start.Length - 1; i < bicep.Length; i++)
        {
            depth += bicep[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return bicep[start.Index..(i + 1)];
            }
        }

        throw new ShouldAssertException($"'{name}' block is not closed");
    }

    static Regex BlockStart(string name) => new($@"\b{Regex.Escape(name)}: \{{", RegexOptions.CultureInvariant);

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
