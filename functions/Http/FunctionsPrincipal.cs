using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Workflows.Api;
using Workflows.Auth;

namespace Workflows.Functions.Http;

/// <summary>
/// Who calls a Functions HTTP trigger (every trigger is anonymous to the host; this decides), in this order:
/// <list type="number">
/// <item>the <c>X-MS-CLIENT-PRINCIPAL</c> header, ONLY when App Service Authentication (Easy Auth) is on for the app,
/// which the platform says with <c>WEBSITE_AUTH_ENABLED=True</c>: then it strips that header from every request from
/// outside and writes its own. Otherwise anyone could send it, so it is ignored;</item>
/// <item>else a bearer JWT, checked by <see cref="BearerTokenValidator"/> (Entra ID's metadata with an authority, or the
/// symmetric key).</item>
/// </list>
/// Both go through <see cref="SignInClaims"/>, as the local server's tokens do; <see cref="Caller.From"/> then refuses
/// anything incomplete or with two roles. Nothing else (not <c>HttpContext.User</c>) is a way in.
/// </summary>
/// <param name="bearer">The bearer token validator.</param>
/// <param name="platformAuthentication">Whether Easy Auth is on (<see cref="PlatformAuthenticationEnabled"/>).</param>
public sealed class FunctionsPrincipal(BearerTokenValidator bearer, bool platformAuthentication)
{
    /// <summary>The header App Service Authentication sets.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The setting App Service sets to <c>True</c> when its authentication is on for the app.</summary>
    public const string PlatformAuthenticationSetting = "WEBSITE_AUTH_ENABLED";

    /// <summary>The authentication type given to identities read from the platform header.</summary>
    public const string PlatformAuthenticationType = "AppServiceAuthentication";

    /// <summary>Creates the reader from the app's configuration (environment variables included).</summary>
    /// <param name="bearer">The bearer token validator.</param>
    /// <param name="configuration">The app's configuration.</param>
    public FunctionsPrincipal(BearerTokenValidator bearer, IConfiguration configuration)
        : this(bearer, PlatformAuthenticationEnabled(configuration))
    {
    }

    /// <summary>Whether Easy Auth is on: <c>WEBSITE_AUTH_ENABLED</c> is <c>True</c> (as App Service writes it; any case).</summary>
    /// <param name="configuration">The app's configuration.</param>
    /// <returns>True only for that value.</returns>
    public static bool PlatformAuthenticationEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.Equals(configuration[PlatformAuthenticationSetting], "True", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads the principal of a request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The authenticated principal, or null when there is none.</returns>
    public async Task<ClaimsPrincipal?> FromAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (platformAuthentication && request.Headers.TryGetValue(PrincipalHeader, out var header) && !string.IsNullOrWhiteSpace(header.ToString()))
        {
            return FromPlatformHeader(header.ToString());
        }

        var authorization = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return await bearer.ValidateAsync(authorization[Scheme.Length..].Trim(), request.HttpContext.RequestAborted);
        }

        return null;
    }

    /// <summary>Decodes the platform's principal header (base64 JSON with <c>claims: [{typ, val}]</c>); trust it only when Easy Auth is on.</summary>
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

            return SignInClaims.Principal(read, PlatformAuthenticationType);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or DecoderFallbackException)
        {
            return null;
        }
    }
}
