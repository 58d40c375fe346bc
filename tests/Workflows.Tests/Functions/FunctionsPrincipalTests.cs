using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Functions.Http;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.Tests.Functions;

/// <summary>How a Functions HTTP trigger learns who calls: the Easy Auth header only when the platform is on, else a bearer token.</summary>
public sealed class FunctionsPrincipalTests : IAsyncLifetime
{
    private static readonly AuthOptions Symmetric = new() { SigningKey = new string('k', 40) };

    private FakeAuthority authority = null!;

    public async Task InitializeAsync() => authority = await FakeAuthority.StartAsync();

    public async Task DisposeAsync() => await authority.DisposeAsync();

    [Fact]
    public async Task FromAsync_PlatformHeaderWithOurClaims_WhenPlatformOn_GivesOfficer()
    {
        var request = Request();
        request.Headers[FunctionsPrincipal.PrincipalHeader] = PlatformHeader(
            ("sub", "o-1"), ("name", "Officer One"), ("role", "officer"), ("department", "PSB"));

        var caller = Caller.From(await Principal(Symmetric, platform: true).FromAsync(request));

        caller.ShouldBe(new Caller("o-1", "Officer One", CallerRole.Officer, Department: "PSB"));
    }

    [Fact]
    public async Task FromAsync_PlatformHeaderWithEntraClaims_WhenPlatformOn_MapsAppRoleAndObjectId()
    {
        var request = Request();
        request.Headers[FunctionsPrincipal.PrincipalHeader] = PlatformHeader(
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", "pairwise-1"),
            ("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid-1"), ("name", "Hospital officer"), ("roles", "officer.hospital"));

        var caller = Caller.From(await Principal(Symmetric, platform: true).FromAsync(request));

        caller.ShouldBe(new Caller("oid-1", "Hospital officer", CallerRole.Officer, Department: "hospital"));
    }

    [Fact]
    public async Task FromAsync_ForgedAdminHeader_WhenPlatformOff_GivesNoCaller()
    {
        var request = Request();
        request.Headers[FunctionsPrincipal.PrincipalHeader] = PlatformHeader(("sub", "mallory"), ("name", "Mallory"), ("role", "admin"));

        Caller.From(await Principal(Symmetric, platform: false).FromAsync(request)).ShouldBeNull();
    }

    [Fact]
    public async Task FromAsync_ForgedHeaderBesideValidBearer_WhenPlatformOff_IsTheBearersCaller()
    {
        var token = new TokenMinter(Symmetric, TimeProvider.System).Mint("c-1", "Citizen", CallerRole.Applicant, ApplicantKind.Citizen);
        var request = Request();
        request.Headers.Authorization = $"Bearer {token}";
        request.Headers[FunctionsPrincipal.PrincipalHeader] = PlatformHeader(("sub", "mallory"), ("name", "Mallory"), ("role", "admin"));

        var caller = Caller.From(await Principal(Symmetric, platform: false).FromAsync(request));

        caller.ShouldBe(new Caller("c-1", "Citizen", CallerRole.Applicant, Kind: ApplicantKind.Citizen));
    }

    [Fact]
    public async Task FromAsync_PlatformHeaderNotBase64_GivesNoCaller()
    {
        var request = Request();
        request.Headers[FunctionsPrincipal.PrincipalHeader] = "not base64!";

        Caller.From(await Principal(Symmetric, platform: true).FromAsync(request)).ShouldBeNull();
    }

    [Fact]
    public async Task FromAsync_BearerSignedWithConfiguredKey_GivesApplicant()
    {
        var token = new TokenMinter(Symmetric, TimeProvider.System).Mint("c-1", "Citizen", CallerRole.Applicant, ApplicantKind.Citizen);

        var caller = Caller.From(await Principal(Symmetric).FromAsync(Bearer(token)));

        caller.ShouldBe(new Caller("c-1", "Citizen", CallerRole.Applicant, Kind: ApplicantKind.Citizen));
    }

    [Fact]
    public async Task FromAsync_BearerSignedWithWrongKey_GivesNoCaller()
    {
        var token = new TokenMinter(new AuthOptions { SigningKey = new string('x', 40) }, TimeProvider.System).Mint("c-1", "Citizen", CallerRole.Applicant, ApplicantKind.Citizen);

        Caller.From(await Principal(Symmetric).FromAsync(Bearer(token))).ShouldBeNull();
    }

    [Fact]
    public async Task FromAsync_Nothing_GivesNoCaller()
        => Caller.From(await Principal(Symmetric).FromAsync(Request())).ShouldBeNull();

    public static TheoryData<string[], string> EntraRoles => new()
    {
        { ["admin"], "admin" },
        { ["applicant.citizen"], "applicant citizen" },
        { ["applicant.company"], "applicant company" },
        { ["officer.hospital"], "officer hospital" },
        { ["supervisor.hospital"], "officer hospital supervisor" },
        { ["officer.hospital", "supervisor.hospital"], "officer hospital supervisor" },
        { ["officer.service-hall", "assist"], "officer service-hall assist" },
    };

    [Theory]
    [MemberData(nameof(EntraRoles))]
    public async Task FromAsync_EntraToken_MapsAppRolesToTheCaller(string[] roles, string expected)
    {
        var token = authority.Mint("oid-7", "李娜", roles);

        var caller = Caller.From(await Principal(Entra()).FromAsync(Bearer(token))).ShouldNotBeNull();

        caller.Id.ShouldBe("oid-7", "Entra's object id, not its pairwise sub");
        caller.Name.ShouldBe("李娜");
        Describe(caller).ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("officer")]
    [InlineData("officer.hospital officer.police")]
    [InlineData("admin officer.hospital")]
    [InlineData("admin reader")]
    [InlineData("applicant.robot")]
    [InlineData("assist")]
    public async Task FromAsync_EntraTokenWithIncompleteOrAmbiguousRoles_GivesNoCaller(string roles)
    {
        var token = authority.Mint("oid-7", "李娜", roles.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Caller.From(await Principal(Entra()).FromAsync(Bearer(token))).ShouldBeNull();
    }

    [Fact]
    public async Task FromAsync_EntraTokenAfterKeyRotation_ReadsTheMetadataAgainAndGivesTheCaller()
    {
        var principal = Principal(Entra());
        Caller.From(await principal.FromAsync(Bearer(authority.Mint("oid-7", "李娜", ["admin"])))).ShouldNotBeNull();
        var reads = authority.MetadataReads;

        authority.RotateKey();
        var caller = Caller.From(await principal.FromAsync(Bearer(authority.Mint("oid-7", "李娜", ["admin"]))));

        caller.ShouldBe(new Caller("oid-7", "李娜", CallerRole.Administrator));
        authority.MetadataReads.ShouldBeGreaterThan(reads, "the cached metadata lacked the new key, so it was read again");
    }

    [Fact]
    public async Task FromAsync_EntraTokenSignedByAnotherKey_GivesNoCaller()
        => Caller.From(await Principal(Entra()).FromAsync(Bearer(authority.Mint("oid-7", "李娜", ["admin"], signedByOtherKey: true)))).ShouldBeNull();

    [Fact]
    public async Task FromAsync_EntraTokenOfAnotherTenant_GivesNoCaller()
        => Caller.From(await Principal(Entra()).FromAsync(Bearer(authority.Mint("oid-7", "李娜", ["admin"], tenant: FakeAuthority.OtherTenant)))).ShouldBeNull();

    [Fact]
    public async Task FromAsync_EntraTokenForAnotherAudience_GivesNoCaller()
        => Caller.From(await Principal(Entra()).FromAsync(Bearer(authority.Mint("oid-7", "李娜", ["admin"], audience: "api://another-app")))).ShouldBeNull();

    [Fact]
    public async Task FromAsync_EntraTokenExpired_GivesNoCaller()
        => Caller.From(await Principal(Entra()).FromAsync(Bearer(authority.Mint("oid-7", "李娜", ["admin"], expires: DateTime.UtcNow.AddMinutes(-5))))).ShouldBeNull();

    [Fact]
    public async Task FromAsync_TokenSignedWithTheSymmetricKey_WhenAnAuthorityIsSet_GivesNoCaller()
    {
        // With an authority only its keys count, even if a signing key is also configured.
        var options = Entra();
        options.SigningKey = new string('k', 40);
        var token = new TokenMinter(new AuthOptions { SigningKey = options.SigningKey, Issuer = options.Issuer, Audience = options.Audience }, TimeProvider.System)
            .Mint("mallory", "Mallory", CallerRole.Administrator);

        Caller.From(await Principal(options).FromAsync(Bearer(token))).ShouldBeNull();
    }

    [Fact]
    public async Task FromAsync_AuthorityUnreachable_GivesNoCaller()
    {
        var options = Entra();
        options.Authority = "http://127.0.0.1:1/nobody/v2.0";

        Caller.From(await Principal(options).FromAsync(Bearer(authority.Mint("oid-7", "李娜", ["admin"])))).ShouldBeNull();
    }

    private AuthOptions Entra() => new()
    {
        Authority = authority.Authority,
        Issuer = authority.Issuer,
        Audience = FakeAuthority.Audience,
        RequireHttpsMetadata = false,
    };

    private static FunctionsPrincipal Principal(AuthOptions options, bool platform = false) => new(new BearerTokenValidator(options), platform);

    private static string Describe(Caller caller) => string.Join(' ', new[]
    {
        caller.Role switch { CallerRole.Applicant => "applicant", CallerRole.Officer => "officer", _ => "admin" },
        caller.Kind?.ToString().ToLowerInvariant(),
        caller.Department,
        caller.Supervisor ? "supervisor" : null,
        caller.CanAssist ? "assist" : null,
    }.Where(s => s is not null));

    private static HttpRequest Request() => new DefaultHttpContext().Request;

    private static HttpRequest Bearer(string token)
    {
        var request = Request();
        request.Headers.Authorization = $"Bearer {token}";
        return request;
    }

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
