using System.Security.Claims;
using Workflows.Api;

namespace Workflows.Auth;

/// <summary>
/// Turns the claims of a validated token (ours, Entra ID's, or App Service Authentication's header) into our claim
/// names, the same way in both hosts; <see cref="Caller.From"/> then turns those into a caller and refuses anything
/// incomplete or ambiguous. See docs/decisions/0006-entra-sign-in.md.
/// <list type="bullet">
/// <item>id: <c>oid</c> (Entra's object id, the same for the user across apps), else <c>sub</c>;</item>
/// <item>name: <c>name</c>, else <c>preferred_username</c>;</item>
/// <item>roles: each value of <c>role</c> or Entra's app-roles claim <c>roles</c>: <c>admin</c>; <c>applicant.citizen</c>,
/// <c>applicant.company</c>; <c>officer.{department}</c>; <c>supervisor.{department}</c> (an officer of it who is told
/// of its escalations); <c>assist</c> (an officer who may file for citizens). The plain values <c>applicant</c> and
/// <c>officer</c> take the kind or department from the <c>applicant_kind</c> or <c>department</c> claim, as our own tokens
/// carry them. Any other value stays a role, which <see cref="Caller.From"/> refuses: an unknown app role grants nothing
/// and spoils the rest.</item>
/// </list>
/// </summary>
public static class SignInClaims
{
    /// <summary>Entra ID's object id claim.</summary>
    public const string ObjectId = "oid";

    /// <summary>Entra ID's app-roles claim.</summary>
    public const string AppRoles = "roles";

    const string PreferredUserName = "preferred_username";
    const string RoleUri = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    const string NameIdentifierUri = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
    const string NameUri = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
    const string ObjectIdUri = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    static readonly HashSet<string> Replaced = new(StringComparer.Ordinal)
    {
        ApiClaims.Subject, ApiClaims.Name, ApiClaims.Role, ApiClaims.ApplicantKind, ApiClaims.Department, ApiClaims.Supervisor,
        ApiClaims.Assist, ObjectId, AppRoles, RoleUri, NameIdentifierUri, NameUri, ObjectIdUri,
    };

    /// <summary>The claims in our names: the mapped ones first, then every other claim unchanged.</summary>
    /// <param name="source">A validated token's claims.</param>
    /// <returns>The claims.</returns>
    public static IReadOnlyList<Claim> Normalize(IEnumerable<Claim> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var claims = source.Select(c => new Claim(c.Type, c.Value)).ToList();
        string? First(params string[] types) =>
            types.Select(t => claims.Find(c => c.Type == t)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        IEnumerable<string> All(string type) => claims.Where(c => c.Type == type).Select(c => c.Value);

        var roles = new List<string>();
        var kinds = All(ApiClaims.ApplicantKind).ToList();
        var departments = All(ApiClaims.Department).ToList();
        var supervisor = All(ApiClaims.Supervisor).ToList();
        var assist = All(ApiClaims.Assist).ToList();
        foreach (var value in claims.Where(c => c.Type is ApiClaims.Role or AppRoles or RoleUri).Select(c => c.Value))
        {
            var dot = value.IndexOf('.', StringComparison.Ordinal);
            var (name, scope) = dot < 0 ? (value, null) : (value[..dot], value[(dot + 1)..]);
            switch (name)
            {
                case "applicant" when scope is null or "citizen" or "company":
                    roles.Add("applicant");
                    kinds.AddRange(scope is null ? [] : [scope]);
                    break;
                case "officer" when scope is null or { Length: > 0 }:
                    roles.Add("officer");
                    departments.AddRange(scope is null ? [] : [scope]);
                    break;
                case "supervisor" when scope is { Length: > 0 }:
                    roles.Add("officer");
                    departments.Add(scope);
                    supervisor.Add("true");
                    break;
                case "assist" when scope is null:
                    assist.Add("true");
                    break;
                case "admin" when scope is null:
                    roles.Add("admin");
                    break;
                default:
                    roles.Add(value);
                    break;
            }
        }

        var mapped = new List<Claim>();
        if (First(ObjectId, ObjectIdUri, ApiClaims.Subject, NameIdentifierUri) is { } id)
        {
            mapped.Add(new Claim(ApiClaims.Subject, id));
        }

        if (First(ApiClaims.Name, NameUri, PreferredUserName) is { } displayName)
        {
            mapped.Add(new Claim(ApiClaims.Name, displayName));
        }

        // The same grant twice (officer.hospital and supervisor.hospital) is one; two different ones stay two, and
        // Caller.From refuses them.
        mapped.AddRange(roles.Distinct(StringComparer.Ordinal).Select(r => new Claim(ApiClaims.Role, r)));
        mapped.AddRange(kinds.Distinct(StringComparer.Ordinal).Select(k => new Claim(ApiClaims.ApplicantKind, k)));
        mapped.AddRange(departments.Distinct(StringComparer.Ordinal).Select(d => new Claim(ApiClaims.Department, d)));
        mapped.AddRange(supervisor.Distinct(StringComparer.Ordinal).Select(v => new Claim(ApiClaims.Supervisor, v)));
        mapped.AddRange(assist.Distinct(StringComparer.Ordinal).Select(v => new Claim(ApiClaims.Assist, v)));
        mapped.AddRange(claims.Where(c => !Replaced.Contains(c.Type)));
        return mapped;
    }

    /// <summary>An authenticated principal of the normalized claims.</summary>
    /// <param name="source">A validated token's claims.</param>
    /// <param name="authenticationType">How they were validated.</param>
    /// <returns>The principal.</returns>
    public static ClaimsPrincipal Principal(IEnumerable<Claim> source, string authenticationType) =>
        new(new ClaimsIdentity(Normalize(source), authenticationType, ApiClaims.Name, ApiClaims.Role));
}
