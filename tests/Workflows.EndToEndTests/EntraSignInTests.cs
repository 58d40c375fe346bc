using System.Diagnostics;
using System.Net.Http.Headers;
using Workflows.Testing;

namespace Workflows.EndToEndTests;

/// <summary>
/// The real local server configured for Entra ID as the Bicep configures the Functions app: <c>Auth:Authority</c>,
/// <c>Auth:Issuer</c> and <c>Auth:Audience</c> of a tenant (here <see cref="FakeAuthority"/> on loopback), no signing key,
/// no demo users, and the OpenAPI document and reference page off.
/// </summary>
public sealed class EntraServerFixture : IAsyncLifetime
{
    Azurite? azurite;
    EngineProcess? server;

    public FakeAuthority Authority { get; private set; } = null!;

    public Uri BaseAddress => server?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        Authority = await FakeAuthority.StartAsync();
        azurite = await Azurite.StartOrShareAsync();
        var settings = TaskHubSettings.New(azurite.ConnectionString, "entra").ToConfiguration();
        settings["Auth:Authority"] = Authority.Authority;
        settings["Auth:Issuer"] = Authority.Issuer;
        settings["Auth:Audience"] = FakeAuthority.Audience;
        // Loopback has no TLS; the default (true) refuses an http authority.
        settings["Auth:RequireHttpsMetadata"] = "false";
        settings["Api:OpenApi"] = "false";
        server = EngineProcess.Start("entra-server", settings);
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

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}

/// <summary>Entra ID tokens in the local server: the same checks and the same app-role mapping as the Functions app.</summary>
public sealed class EntraSignInTests(EntraServerFixture server) : IClassFixture<EntraServerFixture>
{
    [Theory]
    // roles, then GET /api/bundles, GET /api/tasks, GET /api/admin/audit: who the server took the caller for.
    [InlineData("applicant.citizen", 200, 403, 403)]
    [InlineData("applicant.company", 200, 403, 403)]
    [InlineData("officer.hospital", 200, 200, 403)]
    [InlineData("supervisor.hospital", 200, 200, 403)]
    [InlineData("admin", 200, 403, 200)]
    [InlineData("officer", 401, 401, 401)] // an officer of no department is nobody
    [InlineData("admin officer.hospital", 401, 401, 401)] // two roles are nobody
    public async Task EntraToken_AppRoles_MakeTheRightCaller(string roles, int bundles, int tasks, int audit)
    {
        using var client = server.Client(server.Authority.Mint("oid-e2e", "张伟", roles.Split(' ')));

        (await StatusAsync(client, "/api/bundles")).ShouldBe(bundles, roles);
        (await StatusAsync(client, "/api/tasks")).ShouldBe(tasks, roles);
        (await StatusAsync(client, "/api/admin/audit?subject=nothing")).ShouldBe(audit, roles);
    }

    [Fact]
    public async Task EntraToken_SignedByAnotherKey_Is401()
        => await RefusedAsync(server.Authority.Mint("oid-e2e", "张伟", ["admin"], signedByOtherKey: true));

    [Fact]
    public async Task EntraToken_OfAnotherTenant_Is401()
        => await RefusedAsync(server.Authority.Mint("oid-e2e", "张伟", ["admin"], tenant: FakeAuthority.OtherTenant));

    [Fact]
    public async Task EntraToken_ForAnotherAudience_Is401()
        => await RefusedAsync(server.Authority.Mint("oid-e2e", "张伟", ["admin"], audience: "api://another-app"));

    [Fact]
    public async Task EntraToken_Expired_Is401()
        => await RefusedAsync(server.Authority.Mint("oid-e2e", "张伟", ["admin"], expires: DateTime.UtcNow.AddMinutes(-5)));

    [Fact]
    public async Task ForgedEasyAuthHeader_Is401()
    {
        using var client = server.Client();
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String(
            """{"claims":[{"typ":"sub","val":"mallory"},{"typ":"name","val":"Mallory"},{"typ":"role","val":"admin"}]}"""u8.ToArray()));

        (await StatusAsync(client, "/api/admin/audit?subject=nothing")).ShouldBe(401);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar")]
    public async Task OpenApiAndReference_WhenOff_Are404(string path)
    {
        using var client = server.Client();

        (await StatusAsync(client, path)).ShouldBe(404);
    }

    [Fact]
    public async Task TokenCommand_WithoutDemoUsers_RefusesToMint()
    {
        var (code, output, error) = await TokenAsync("--Auth:SigningKey=" + new string('k', 40));

        code.ShouldNotBe(0, output);
        output.ShouldBeEmpty();
        error.ShouldContain("Auth:DemoUsers");
    }

    [Fact]
    public async Task TokenCommand_WithDemoUsers_Mints()
    {
        var (code, output, error) = await TokenAsync("--Auth:SigningKey=" + new string('k', 40), "--Auth:DemoUsers=true");

        code.ShouldBe(0, error);
        output.Trim().Split('.').Length.ShouldBe(3, output);
    }

    async Task RefusedAsync(string token)
    {
        using var client = server.Client(token);
        (await StatusAsync(client, "/api/bundles")).ShouldBe(401);
        (await StatusAsync(client, "/api/admin/audit?subject=nothing")).ShouldBe(401);
    }

    static async Task<int> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (int)response.StatusCode;
    }

    /// <summary>Runs <c>token citizen-wang</c> as <c>./run.sh token</c> does, with the given settings and no others.</summary>
    static async Task<(int Code, string Output, string Error)> TokenAsync(params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepoPaths.ServerDll);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.GetDirectoryName(RepoPaths.ServerDll)!);
        start.ArgumentList.Add("token");
        start.ArgumentList.Add("citizen-wang");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        // The test process's own environment must not switch demo users on.
        start.Environment.Remove("Auth__DemoUsers");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
