using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Workflows.Testing;

/// <summary>
/// An OpenID Connect authority for tests, standing in for Entra ID (an outside system): a Kestrel endpoint on a free
/// loopback port serving <c>/{tenant}/v2.0/.well-known/openid-configuration</c> and its JWKS (one RSA key made at
/// start), and minting tokens shaped like Entra's v2.0 access tokens (<c>oid</c>, <c>tid</c>, <c>roles</c>). For a
/// browser it also plays the interactive part: an authorize endpoint that signs in <see cref="SignInAs"/> at once and
/// redirects back with a code, and a token endpoint that takes the code with its PKCE verifier (both answer any origin).
/// </summary>
public sealed class FakeAuthority : IAsyncDisposable
{
    /// <summary>The tenant the authority is (a GUID, as Entra's are).</summary>
    public const string Tenant = "7d2f1c3e-0a4b-4c5d-8e6f-1a2b3c4d5e6f";

    /// <summary>Another tenant, whose issuer the API must not accept.</summary>
    public const string OtherTenant = "0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c";

    /// <summary>The audience the API under test is configured with (an app registration's client id).</summary>
    public const string Audience = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";


    static readonly string[] SigningAlgorithms = ["RS256"];
    static readonly string[] ResponseTypes = ["code"];
    static readonly string[] ChallengeMethods = ["S256"];

    readonly WebApplication app;
    RSA key = RSA.Create(2048);
    string keyId = "fake-authority-key-1";
    readonly RSA otherKey = RSA.Create(2048);

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Grant> grants = new();

    FakeAuthority(WebApplication app) => this.app = app;

    /// <summary>Who the authorize endpoint signs in (object id, name, app roles); nobody until a test sets it.</summary>
    public (string ObjectId, string Name, string[] Roles)? SignInAs { get; set; }

    /// <summary>How many codes the token endpoint redeemed.</summary>
    public int CodesRedeemed { get; private set; }

    sealed record Grant(string ClientId, string RedirectUri, string Challenge, string Scope, string? Nonce, string ObjectId, string Name, string[] Roles);

    /// <summary>Where the authority's root is (no tenant).</summary>
    public Uri Root { get; private set; } = null!;

    /// <summary>The authority of <see cref="Tenant"/>, as <c>Auth:Authority</c> takes it.</summary>
    public string Authority => IssuerOf(Tenant);

    /// <summary>The issuer of <see cref="Tenant"/>'s tokens, as <c>Auth:Issuer</c> takes it.</summary>
    public string Issuer => IssuerOf(Tenant);

    /// <summary>How many times the metadata document was read.</summary>
    public int MetadataReads { get; private set; }

    /// <summary>A tenant's issuer (Entra's v2.0 form: <c>{root}/{tenant}/v2.0</c>).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The issuer.</returns>
    public string IssuerOf(string tenant) => new Uri(Root, $"{tenant}/v2.0").ToString();

    /// <summary>Starts the authority on a free loopback port.</summary>
    /// <returns>The authority.</returns>
    public static async Task<FakeAuthority> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var authority = new FakeAuthority(app);
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) =>
        {
            authority.MetadataReads++;
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = authority.IssuerOf(tenant),
                ["jwks_uri"] = new Uri(authority.Root, $"{tenant}/discovery/v2.0/keys").ToString(),
                ["token_endpoint"] = new Uri(authority.Root, $"{tenant}/oauth2/v2.0/token").ToString(),
                ["authorization_endpoint"] = new Uri(authority.Root, $"{tenant}/oauth2/v2.0/authorize").ToString(),
                ["userinfo_endpoint"] = new Uri(authority.Root, "oidc/userinfo").ToString(),
                ["end_session_endpoint"] = new Uri(authority.Root, $"{tenant}/oauth2/v2.0/logout").ToString(),
                ["response_types_supported"] = ResponseTypes,
                ["code_challenge_methods_supported"] = ChallengeMethods,
                ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
            });
        });
        // A page on another origin reads the metadata, the keys and the token endpoint with fetch.
        app.Use(async (context, next) =>
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.Headers.AccessControlAllowHeaders = "authorization, content-type";
                context.Response.Headers.AccessControlAllowMethods = "GET, POST";
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            await next(context);
        });
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (authority.SignInAs is not { } who || q["response_type"] != "code" || q["code_challenge_method"] != "S256"
                || string.IsNullOrEmpty(q["code_challenge"]) || string.IsNullOrEmpty(q["redirect_uri"]) || string.IsNullOrEmpty(q["client_id"]))
            {
                return Results.BadRequest("sign-in refused: no user set, or not the code flow with PKCE (S256)");
            }

            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            authority.grants[code] = new Grant(q["client_id"]!, q["redirect_uri"]!, q["code_challenge"]!, q["scope"].ToString(), q["nonce"], who.ObjectId, who.Name, who.Roles);
            var back = $"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}";
            return Results.Redirect(back);
        });
        // The user's claims for the access token sent (the sign-in library asks after redeeming a code).
        app.MapGet("/oidc/userinfo", (HttpRequest request) =>
        {
            var bearer = request.Headers.Authorization.ToString();
            var token = bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? new JsonWebToken(bearer["Bearer ".Length..]) : null;
            return token is null
                ? Results.Unauthorized()
                : Results.Json(new { sub = token.Subject, name = token.GetPayloadValue<string>("name"), oid = token.GetPayloadValue<string>("oid") });
        });
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "authorization_code" || !authority.grants.TryRemove(form["code"].ToString(), out var grant)
                || form["client_id"] != grant.ClientId || form["redirect_uri"] != grant.RedirectUri
                || Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.Challenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
            }

            authority.CodesRedeemed++;
            var extra = new Dictionary<string, object> { ["scp"] = "access" };
            var idClaims = new Dictionary<string, object>();
            if (grant.Nonce is { Length: > 0 } nonce)
            {
                idClaims["nonce"] = nonce;
            }

            return Results.Json(new Dictionary<string, object>
            {
                ["token_type"] = "Bearer",
                ["access_token"] = authority.Mint(grant.ObjectId, grant.Name, grant.Roles, extra: extra, tenant: tenant),
                ["id_token"] = authority.Mint(grant.ObjectId, grant.Name, [], audience: grant.ClientId, tenant: tenant, extra: idClaims),
                ["expires_in"] = 3600,
                ["scope"] = grant.Scope,
            });
        });
        app.MapGet("/{tenant}/discovery/v2.0/keys", () =>
        {
            var p = authority.key.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", kid = authority.keyId, alg = "RS256", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) },
                },
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        authority.Root = new Uri(address.TrimEnd('/') + "/");
        return authority;
    }

    /// <summary>
    /// A token as Entra ID issues it for an app registration exposing app roles: <c>oid</c>, <c>sub</c>, <c>tid</c>,
    /// <c>name</c>, <c>preferred_username</c>, <c>roles</c>.
    /// </summary>
    /// <param name="objectId">The user's object id (<c>oid</c>).</param>
    /// <param name="name">The display name.</param>
    /// <param name="roles">The app roles assigned.</param>
    /// <param name="audience">The audience; <see cref="Audience"/> when null.</param>
    /// <param name="tenant">The tenant (issuer and <c>tid</c>); <see cref="Tenant"/> when null.</param>
    /// <param name="expires">When it expires; an hour from now when null.</param>
    /// <param name="signedByOtherKey">Signed by a key the authority does not publish (under the published key's id).</param>
    /// <param name="extra">More claims.</param>
    /// <returns>The compact JWT.</returns>
    public string Mint(
        string objectId, string name, IReadOnlyList<string> roles, string? audience = null, string? tenant = null, DateTime? expires = null,
        bool signedByOtherKey = false, IReadOnlyDictionary<string, object>? extra = null)
    {
        var now = DateTime.UtcNow;
        var until = expires ?? now.AddHours(1);
        var claims = new Dictionary<string, object>
        {
            ["oid"] = objectId,
            // Entra's sub is pairwise (per app), unlike oid; the API must key users by oid.
            ["sub"] = $"pairwise-{objectId}",
            ["tid"] = tenant ?? Tenant,
            ["name"] = name,
            ["preferred_username"] = $"{objectId}@example.org",
            ["ver"] = "2.0",
        };
        if (roles.Count > 0)
        {
            claims["roles"] = roles.ToArray();
        }

        foreach (var (type, value) in extra ?? new Dictionary<string, object>())
        {
            claims[type] = value;
        }

        var signing = new RsaSecurityKey(signedByOtherKey ? otherKey : key) { KeyId = keyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerOf(tenant ?? Tenant),
            Audience = audience ?? Audience,
            Claims = claims,
            IssuedAt = until.AddHours(-1),
            NotBefore = until.AddHours(-1),
            Expires = until,
            SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>Publishes a new signing key under a new key id instead of the old one, as Entra ID rotates its keys.</summary>
    public void RotateKey()
    {
        var old = key;
        key = RSA.Create(2048);
        keyId = $"fake-authority-key-{Guid.NewGuid():N}";
        old.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        key.Dispose();
        otherKey.Dispose();
    }
}
