using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflows.Functions;
using Workflows.Functions.Http;
using Workflows.Functions.Triggers;
using Workflows.Testing;

namespace Workflows.Tests.Functions;

/// <summary>
/// The Functions app's real sign-in, run through a real trigger (<see cref="ApiTriggers.ApiListMyNotifications"/>) with
/// the services <see cref="AppServices.AddWorkflowsFunctionsApp"/> registers. <c>?pageSize=0</c> makes the handler answer
/// 400 to any caller it accepts before it reads storage, and 401 to no caller: the status says who got in.
/// </summary>
public sealed class FunctionsSignInTests : IAsyncLifetime
{
    const int Accepted = StatusCodes.Status400BadRequest;
    const int Refused = StatusCodes.Status401Unauthorized;

    FakeAuthority authority = null!;

    public async Task InitializeAsync() => authority = await FakeAuthority.StartAsync();

    public async Task DisposeAsync() => await authority.DisposeAsync();

    [Fact]
    public async Task ForgedAdminHeader_WithoutPlatformAuthentication_IsRefused()
    {
        var status = await CallAsync(platformAuthentication: null, r => r.Headers["X-MS-CLIENT-PRINCIPAL"] = ForgedAdmin());

        status.ShouldBe(Refused);
    }

    [Fact]
    public async Task ForgedAdminHeader_WithPlatformAuthenticationFalse_IsRefused()
    {
        var status = await CallAsync(platformAuthentication: "False", r => r.Headers["X-MS-CLIENT-PRINCIPAL"] = ForgedAdmin());

        status.ShouldBe(Refused);
    }

    [Fact]
    public async Task PlatformHeader_WithPlatformAuthenticationOn_IsAccepted()
    {
        var status = await CallAsync(platformAuthentication: "True", r => r.Headers["X-MS-CLIENT-PRINCIPAL"] = ForgedAdmin());

        status.ShouldBe(Accepted);
    }

    [Fact]
    public async Task EntraToken_FromConfiguredAuthority_IsAccepted()
    {
        var token = authority.Mint("admin-oid", "Admin", ["admin"]);

        var status = await CallAsync(platformAuthentication: null, r => r.Headers.Authorization = $"Bearer {token}");

        status.ShouldBe(Accepted);
    }

    [Fact]
    public async Task EntraToken_ForAnotherAudience_IsRefused()
    {
        var token = authority.Mint("admin-oid", "Admin", ["admin"], audience: "api://someone-else");

        var status = await CallAsync(platformAuthentication: null, r => r.Headers.Authorization = $"Bearer {token}");

        status.ShouldBe(Refused);
    }

    async Task<int> CallAsync(string? platformAuthentication, Action<HttpRequest> sign)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Auth:Authority"] = authority.Authority,
            ["Auth:Issuer"] = authority.Issuer,
            ["Auth:Audience"] = FakeAuthority.Audience,
            ["Auth:RequireHttpsMetadata"] = "false",
        };
        if (platformAuthentication is not null)
        {
            settings["WEBSITE_AUTH_ENABLED"] = platformAuthentication;
        }

        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflowsFunctionsApp(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();

        var http = new DefaultHttpContext { RequestServices = provider };
        http.Request.QueryString = new QueryString("?pageSize=0");
        http.Response.Body = new MemoryStream();
        sign(http.Request);

        var result = await ApiTriggers.ApiListMyNotifications(http.Request, new TestInvocationContext(provider));
        await ((ResultActionResult)result).Result.ExecuteAsync(http);
        return http.Response.StatusCode;
    }

    static string ForgedAdmin()
    {
        var json = JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            claims = new[] { new { typ = "sub", val = "mallory" }, new { typ = "name", val = "Mallory" }, new { typ = "role", val = "admin" } },
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }
}
