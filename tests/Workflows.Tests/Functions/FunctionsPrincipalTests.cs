using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Functions.Http;
using Workflows.Templates;

namespace Workflows.Tests.Functions;

/// <summary>How a Functions HTTP trigger learns who calls.</summary>
public class FunctionsPrincipalTests
{
    private static readonly AuthOptions Auth = new() { SigningKey = new string('k', 40) };

    [Fact]
    public async Task FromAsync_PlatformHeaderWithOurClaims_GivesOfficer()
    {
        var request = Request();
        request.Headers[FunctionsPrincipal.PrincipalHeader] = PlatformHeader(
            ("sub", "o-1"), ("name", "Officer One"), ("role", "officer"), ("department", "PSB"));

        var caller = Caller.From(await FunctionsPrincipal.FromAsync(request, Auth));

        caller.ShouldBe(new Caller("o-1", "Officer One", CallerRole.Officer, Department: "PSB"));
    }

    [Fact]
    public async Task FromAsync_PlatformHeaderWithEntraRoles_MapsRoleAndSubject()
    {
        var request = Request();
        request.Headers[FunctionsPrincipal.PrincipalHeader] = PlatformHeader(
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", "a-1"), ("name", "Admin"), ("roles", "admin"));

        var caller = Caller.From(await FunctionsPrincipal.FromAsync(request, Auth));

        caller.ShouldBe(new Caller("a-1", "Admin", CallerRole.Administrator));
    }

    [Fact]
    public async Task FromAsync_PlatformHeaderNotBase64_GivesNoCaller()
    {
        var request = Request();
        request.Headers[FunctionsPrincipal.PrincipalHeader] = "not base64!";

        Caller.From(await FunctionsPrincipal.FromAsync(request, Auth)).ShouldBeNull();
    }

    [Fact]
    public async Task FromAsync_BearerSignedWithConfiguredKey_GivesApplicant()
    {
        var token = new TokenMinter(Auth, TimeProvider.System).Mint("c-1", "Citizen", CallerRole.Applicant, ApplicantKind.Citizen);
        var request = Request();
        request.Headers.Authorization = $"Bearer {token}";

        var caller = Caller.From(await FunctionsPrincipal.FromAsync(request, Auth));

        caller.ShouldBe(new Caller("c-1", "Citizen", CallerRole.Applicant, Kind: ApplicantKind.Citizen));
    }

    [Fact]
    public async Task FromAsync_BearerSignedWithWrongKey_GivesNoCaller()
    {
        var other = new AuthOptions { SigningKey = new string('x', 40) };
        var token = new TokenMinter(other, TimeProvider.System).Mint("c-1", "Citizen", CallerRole.Applicant, ApplicantKind.Citizen);
        var request = Request();
        request.Headers.Authorization = $"Bearer {token}";

        Caller.From(await FunctionsPrincipal.FromAsync(request, Auth)).ShouldBeNull();
    }

    [Fact]
    public async Task FromAsync_Nothing_GivesNoCaller()
        => Caller.From(await FunctionsPrincipal.FromAsync(Request(), Auth)).ShouldBeNull();

    private static HttpRequest Request() => new DefaultHttpContext().Request;

    private static string PlatformHeader(params (string Typ, string Val)[] claims)
    {
        var json = JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            claims = claims.Select(c => new { typ = c.Typ, val = c.Val }),
            name_typ = "name",
            role_typ = "roles",
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }
}
