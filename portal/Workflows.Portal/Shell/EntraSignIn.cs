using System.Text.Json;

namespace Workflows.Portal.Shell;

/// <summary>
/// Sign-in with an OpenID authority (Entra ID in Azure), read from the portal's appsettings.json (written at deploy):
/// when it names an authority and a client id, the sign-in page offers it instead of the demo users, through the
/// authorization code flow with PKCE. The access token it gets is kept in the <see cref="Session"/> like a demo user's,
/// so <see cref="ApiHandler"/> sends it.
/// </summary>
/// <param name="Authority">The authority (Entra ID: <c>https://login.microsoftonline.com/{tenant}/v2.0</c>).</param>
/// <param name="ClientId">The portal's client id.</param>
/// <param name="Scope">The API's scope asked for, so the access token's audience is the API.</param>
public sealed record EntraSignIn(string Authority, string ClientId, string Scope)
{
    /// <summary>Where the sign-in library lives in the published output.</summary>
    public const string Script = "_content/Microsoft.AspNetCore.Components.WebAssembly.Authentication/AuthenticationService.js";

    /// <summary>Whether an authority is configured.</summary>
    public bool Enabled => Authority.Length > 0 && ClientId.Length > 0;

    /// <summary>Reads the <c>Auth</c> section.</summary>
    /// <param name="configuration">The portal's configuration.</param>
    /// <returns>The settings; not enabled when either value is missing.</returns>
    public static EntraSignIn From(IConfiguration configuration) =>
        new(configuration["Auth:Authority"] ?? string.Empty, configuration["Auth:ClientId"] ?? string.Empty, configuration["Auth:Scope"] ?? string.Empty);

    /// <summary>
    /// Who an access token says the person is, as the API maps it (ADR 0006): the id is <c>oid</c> (else <c>sub</c>), the
    /// name <c>name</c> (else <c>preferred_username</c>), and the app roles give the role, department, supervisor and
    /// assist. Only for showing the right pages: the API checks the token itself.
    /// </summary>
    /// <param name="accessToken">The compact JWT.</param>
    /// <param name="expiresAt">When it expires.</param>
    /// <returns>The user, or null when the token grants no role the portal knows.</returns>
    public static SignedInUser? UserOf(string accessToken, DateTimeOffset expiresAt)
    {
        var parts = accessToken.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        using var payload = JsonDocument.Parse(FromBase64Url(parts[1]));
        var claims = payload.RootElement;
        string? Text(string name) => claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var roles = claims.TryGetProperty("roles", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(e => e.GetString() ?? string.Empty).Distinct().ToList()
            : [];
        var id = Text("oid") ?? Text("sub");
        var name = Text("name") ?? Text("preferred_username") ?? id;
        if (id is null || name is null)
        {
            return null;
        }

        var assist = roles.Remove("assist");
        var departments = roles.Where(x => x.StartsWith("officer.", StringComparison.Ordinal) || x.StartsWith("supervisor.", StringComparison.Ordinal))
            .Select(x => x[(x.IndexOf('.', StringComparison.Ordinal) + 1)..]).Distinct().ToList();
        var supervisor = roles.Any(x => x.StartsWith("supervisor.", StringComparison.Ordinal));
        return roles switch
        {
            ["admin"] when !assist => new SignedInUser(id, name, "admin", null, false, false, accessToken, expiresAt),
            ["applicant.citizen" or "applicant.company"] when !assist => new SignedInUser(id, name, "applicant", null, false, false, accessToken, expiresAt),
            _ when departments.Count == 1 && roles.All(x => x.EndsWith("." + departments[0], StringComparison.Ordinal)) =>
                new SignedInUser(id, name, "officer", departments[0], supervisor, assist, accessToken, expiresAt),
            _ => null,
        };
    }

    static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
