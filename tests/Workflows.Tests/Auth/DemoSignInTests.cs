using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Workflows.Api;
using Workflows.Auth;

namespace Workflows.Tests.Auth;

/// <summary>
/// Demo sign-in mints a demo user's token only where demo users are on and tokens are the local key's; elsewhere the
/// route answers as if it were not there, for an administrator above all.
/// </summary>
public sealed class DemoSignInTests
{
    const string Key = "demo-sign-in-tests-signing-key-0123456789abcdef";

    [Fact]
    public async Task SignIn_DemoUsersOn_ReturnsTheUsersTokenThatTheApiReadsAsThem()
    {
        var options = new AuthOptions { SigningKey = Key, DemoUsers = true };

        var (status, body) = await SignInAsync(options, """{"user":"officer-hospital"}""");

        status.ShouldBe(StatusCodes.Status200OK, body);
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("tokenType").GetString().ShouldBe("Bearer");
        json.RootElement.GetProperty("user").GetProperty("role").GetString().ShouldBe("officer");
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(json.RootElement.GetProperty("accessToken").GetString(), options.ValidationParameters());
        validated.IsValid.ShouldBeTrue(validated.Exception?.Message);
        var caller = Caller.From(new ClaimsPrincipal(validated.ClaimsIdentity)).ShouldNotBeNull();
        caller.Id.ShouldBe("officer-hospital");
        caller.Department.ShouldBe("hospital");
    }

    [Theory]
    [InlineData("""{"user":"nobody-at-all"}""", "demoUser.unknown")]
    [InlineData("""{"user":""}""", "field.required")]
    [InlineData("""{}""", "field.required")]
    public async Task SignIn_UnknownOrNoUser_Is400NamingUser(string request, string code)
    {
        var (status, body) = await SignInAsync(new AuthOptions { SigningKey = Key, DemoUsers = true }, request);

        status.ShouldBe(StatusCodes.Status400BadRequest, body);
        body.ShouldContain("\"field\":\"user\"");
        body.ShouldContain(code);
        body.ShouldNotContain("accessToken");
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("citizen-wang")]
    public async Task SignIn_DemoUsersOff_Is404AndMintsNothing(string user)
    {
        var (status, body) = await SignInAsync(new AuthOptions { SigningKey = Key, DemoUsers = false }, $$"""{"user":"{{user}}"}""");

        status.ShouldBe(StatusCodes.Status404NotFound, body);
        body.ShouldNotContain("accessToken");
        body.ShouldNotContain("eyJ", Case.Sensitive, "no JWT in any form");
    }

    [Fact]
    public async Task SignIn_WithAnOpenIdAuthority_Is404EvenWithDemoUsersOn()
    {
        // Entra ID signs people in there; a locally signed token would not even validate.
        var options = new AuthOptions { SigningKey = Key, DemoUsers = true, Authority = "https://login.microsoftonline.com/tenant/v2.0" };

        var (status, body) = await SignInAsync(options, """{"user":"admin"}""");

        status.ShouldBe(StatusCodes.Status404NotFound, body);
        body.ShouldNotContain("accessToken");
    }

    [Fact]
    public async Task ListUsers_OnAndOff()
    {
        var on = await ExecuteAsync(new DemoSignIn(new AuthOptions { SigningKey = Key, DemoUsers = true }, TimeProvider.System).ListUsers());
        on.Status.ShouldBe(StatusCodes.Status200OK);
        on.Body.ShouldContain("\"id\":\"citizen-wang\"");

        var off = await ExecuteAsync(new DemoSignIn(new AuthOptions { SigningKey = Key }, TimeProvider.System).ListUsers());
        off.Status.ShouldBe(StatusCodes.Status404NotFound);
        off.Body.ShouldNotContain("citizen-wang");
    }

    static async Task<(int Status, string Body)> SignInAsync(AuthOptions options, string json)
    {
        var http = NewContext();
        var bytes = Encoding.UTF8.GetBytes(json);
        http.Request.Method = "POST";
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = bytes.Length;
        http.Request.Body = new MemoryStream(bytes);
        var result = await new DemoSignIn(options, TimeProvider.System).SignInAsync(http.Request, CancellationToken.None);
        return await ExecuteAsync(result, http);
    }

    static DefaultHttpContext NewContext()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => ApiJson.ConfigureResponses(o.SerializerOptions));
        var http = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        return http;
    }

    static async Task<(int Status, string Body)> ExecuteAsync(IResult result, DefaultHttpContext? http = null)
    {
        http ??= NewContext();
        await result.ExecuteAsync(http);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}
