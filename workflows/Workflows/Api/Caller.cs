using System.Security.Claims;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>The kinds of user the API knows; a token carries exactly one.</summary>
public enum CallerRole
{
    /// <summary>A citizen or a company filing its own applications.</summary>
    Applicant,

    /// <summary>An officer of one department.</summary>
    Officer,

    /// <summary>An administrator: templates, figures, search and bulk actions.</summary>
    Administrator,
}

/// <summary>The claim names our tokens carry (short JWT names, not the SOAP-era URIs).</summary>
public static class ApiClaims
{
    /// <summary>The user's stable id.</summary>
    public const string Subject = "sub";

    /// <summary>The display name.</summary>
    public const string Name = "name";

    /// <summary><c>applicant</c>, <c>officer</c> or <c>admin</c>.</summary>
    public const string Role = "role";

    /// <summary>For an applicant: <c>citizen</c> or <c>company</c>.</summary>
    public const string ApplicantKind = "applicant_kind";

    /// <summary>For an officer: the department code from the catalog.</summary>
    public const string Department = "department";

    /// <summary>For an officer: <c>true</c> when a supervisor of the department (optional; absent means not).</summary>
    public const string Supervisor = "supervisor";

    /// <summary>For an officer: <c>true</c> when they may file on behalf of citizens (帮办代办).</summary>
    public const string Assist = "assist";

    /// <summary>The role claim's value for each role.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The value in tokens.</returns>
    public static string RoleValue(CallerRole role) => role switch
    {
        CallerRole.Applicant => "applicant",
        CallerRole.Officer => "officer",
        _ => "admin",
    };
}

/// <summary>
/// Who is calling, read once from the authenticated principal. A principal that does not carry a complete,
/// consistent identity (no subject, an unknown role, an officer without a department) is no caller at all:
/// deny by default.
/// </summary>
/// <param name="Id">The user's id; for an applicant, the applicant id their applications and licences are kept under.</param>
/// <param name="Name">The display name.</param>
/// <param name="Role">The role.</param>
/// <param name="Kind">For an applicant: citizen or company.</param>
/// <param name="Department">For an officer: the department.</param>
/// <param name="Supervisor">For an officer: a supervisor of the department (the token's <c>supervisor</c> claim is <c>true</c>).</param>
/// <param name="CanAssist">For an officer: may file on behalf of citizens (the <c>assist</c> claim is <c>true</c>).</param>
public sealed record Caller(string Id, string Name, CallerRole Role, ApplicantKind? Kind = null, string? Department = null, bool Supervisor = false, bool CanAssist = false)
{
    /// <summary>The applicant this caller files as.</summary>
    public Applicant AsApplicant() => new(Id, Kind ?? ApplicantKind.Citizen, Name);

    /// <summary>Who to name in the audit trail.</summary>
    public string AuditName => Role switch
    {
        CallerRole.Applicant => $"applicant:{Id}",
        CallerRole.Officer => $"officer:{Id}",
        _ => $"admin:{Id}",
    };

    /// <summary>Reads the caller from a principal.</summary>
    /// <param name="principal">The authenticated user, or an anonymous one.</param>
    /// <returns>The caller, or null when the principal is anonymous or incomplete.</returns>
    public static Caller? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not { IsAuthenticated: true })
        {
            return null;
        }

        var id = principal.FindFirst(ApiClaims.Subject)?.Value;
        var name = principal.FindFirst(ApiClaims.Name)?.Value ?? id;
        // The subject becomes a table key and a path segment (uploads, certificates): one that is no safe id is no caller.
        if (!Identifiers.IsSafe(id) || name is null)
        {
            return null;
        }

        var roles = principal.FindAll(ApiClaims.Role).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count != 1)
        {
            // A token with two roles is ambiguous; it gets nothing rather than the union.
            return null;
        }

        switch (roles[0])
        {
            case "applicant":
                var kind = principal.FindFirst(ApiClaims.ApplicantKind)?.Value switch
                {
                    "citizen" => ApplicantKind.Citizen,
                    "company" => ApplicantKind.Company,
                    _ => (ApplicantKind?)null,
                };
                return kind is null ? null : new Caller(id, name, CallerRole.Applicant, Kind: kind);
            case "officer":
                // One department exactly: two would be ambiguous, and the first of them is not a grant.
                var department = principal.FindAll(ApiClaims.Department).Select(c => c.Value).ToList() is [var only] ? only : null;
                // Only the exact value "true" grants assisted filing or supervision; anything else (or two values) is no grant.
                var assist = principal.FindAll(ApiClaims.Assist).Select(c => c.Value).ToList() is ["true"];
                var supervisor = principal.FindAll(ApiClaims.Supervisor).Select(c => c.Value).ToList() is ["true"];
                return string.IsNullOrWhiteSpace(department)
                    ? null
                    : new Caller(id, name, CallerRole.Officer, Department: department, Supervisor: supervisor, CanAssist: assist);
            case "admin":
                return new Caller(id, name, CallerRole.Administrator);
            default:
                return null;
        }
    }
}
