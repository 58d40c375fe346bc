using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Api;
using Workflows.Auth;

namespace Workflows.Functions.Http;

/// <summary>
/// Who calls a Functions HTTP trigger, in this order:
/// <list type="number">
/// <item><c>HttpContext.User</c> when something upstream already authenticated it;</item>
/// <item>else the <c>X-MS-CLIENT-PRINCIPAL</c> header that App Service Authentication (Easy Auth) sets. It is trusted
/// ONLY because the platform removes that header from every request coming from outside and writes its own: with
/// Easy Auth turned off, or anything else able to reach the worker directly, anyone could forge it. Turn Easy Auth
/// on for the app, or remove this step;</item>
/// <item>else a bearer JWT checked against the <c>Auth</c> options (issuer, audience, <c>SigningKey</c>).</item>
/// </list>
/// Claims keep their names (<c>sub</c>, <c>name</c>, <c>role</c>, <c>applicant_kind</c>, <c>department</c>); in
/// addition Entra ID's app-roles claim <c>roles</c> and the role and name-identifier URIs are also added as
/// <c>role</c> and (when there is no <c>sub</c>) <c>sub</c>, so an Entra app role named <c>officer</c> makes an
/// officer. <see cref="Caller.From"/> still refuses anything incomplete or with two roles.
/// </summary>
public static class FunctionsPrincipal
{
    /// <summary>The header App Service Authentication sets.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The authentication type given to identities read from the platform header.</summary>
    public const string PlatformAuthenticationType = "AppServiceAuthentication";

    /// <summary>The authentication type given to identities read from a bearer token.</summary>
    public const string BearerAuthenticationType = "Bearer";

    const string RoleUri = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    const string NameIdentifierUri = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
    const string NameUri = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

    static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    /// <summary>Reads the principal of a request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="auth">The <c>Auth</c> options.</param>
    /// <returns>The authenticated principal, or null when there is none.</returns>
    public static async Task<ClaimsPrincipal?> FromAsync(HttpRequest request, AuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(auth);
        if (request.HttpContext.User is { Identity.IsAuthenticated: true } user)
        {
            return user;
        }

        if (request.Headers.TryGetValue(PrincipalHeader, out var header) && !string.IsNullOrWhiteSpace(header.ToString()))
        {
            return FromPlatformHeader(header.ToString());
        }

        var authorization = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return await FromBearerAsync(authorization[Scheme.Length..].Trim(), auth);
        }

        return null;
    }

    /// <summary>Decodes the platform's principal header (base64 JSON with <c>claims: [{typ, val}]</c>).</summary>
    /// <param name="header">The header's value.</param>
    /// <returns>The principal, or null when the header cannot be read.</returns>
    public static ClaimsPrincipal? FromPlatformHeader(string header)
    {
        try
        {
            using var json = JsonDocument.Parse(Convert.FromBase64String(header));
            if (!json.RootElement.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var read = new List<Claim>();
            foreach (var claim in claims.EnumerateArray())
            {
                if (claim.TryGetProperty("typ", out var typ) && typ.ValueKind == JsonValueKind.String
                    && claim.TryGetProperty("val", out var val) && val.ValueKind == JsonValueKind.String)
                {
                    read.Add(new Claim(typ.GetString()!, val.GetString()!));
                }
            }

            return Principal(read, PlatformAuthenticationType);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Validates a bearer token with the <c>Auth</c> options' issuer, audience and signing key.</summary>
    /// <param name="token">The compact JWT.</param>
    /// <param name="auth">The <c>Auth</c> options.</param>
    /// <returns>The principal, or null when the token does not validate or no signing key is configured.</returns>
    public static async Task<ClaimsPrincipal?> FromBearerAsync(string token, AuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(auth);
        if (string.IsNullOrWhiteSpace(auth.SigningKey) || Encoding.UTF8.GetByteCount(auth.SigningKey) < AuthOptions.MinimumKeyBytes)
        {
            // No key (e.g. an Entra authority): bearer tokens are not checked here, so none is accepted.
            return null;
        }

        var result = await Tokens.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKey = auth.Key(),
            NameClaimType = ApiClaims.Name,
            RoleClaimType = ApiClaims.Role,
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        return result.IsValid ? Principal(result.ClaimsIdentity.Claims, BearerAuthenticationType) : null;
    }

    static ClaimsPrincipal Principal(IEnumerable<Claim> source, string authenticationType)
    {
        var claims = source.Select(c => new Claim(c.Type, c.Value)).ToList();
        var mapped = new List<Claim>();
        foreach (var claim in claims)
        {
            if (claim.Type is "roles" or RoleUri)
            {
                mapped.Add(new Claim(ApiClaims.Role, claim.Value));
            }
        }

        if (!claims.Exists(c => c.Type == ApiClaims.Subject) && claims.Find(c => c.Type == NameIdentifierUri) is { } id)
        {
            mapped.Add(new Claim(ApiClaims.Subject, id.Value));
        }

        if (!claims.Exists(c => c.Type == ApiClaims.Name) && claims.Find(c => c.Type == NameUri) is { } name)
        {
            mapped.Add(new Claim(ApiClaims.Name, name.Value));
        }

        claims.AddRange(mapped);
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ApiClaims.Name, ApiClaims.Role));
    }
}
