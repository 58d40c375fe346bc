using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Api;
using Workflows.Templates;

namespace Workflows.Auth;

/// <summary>Mints signed bearer tokens for local use (demo users, tests). Azure deployments use Entra ID tokens instead.</summary>
/// <param name="options">The signing settings.</param>
/// <param name="time">The clock.</param>
public sealed class TokenMinter(AuthOptions options, TimeProvider time)
{
    /// <summary>A token for a user.</summary>
    /// <param name="id">Subject.</param>
    /// <param name="name">Display name.</param>
    /// <param name="role">Role.</param>
    /// <param name="kind">For an applicant: citizen or company.</param>
    /// <param name="department">For an officer: the department.</param>
    /// <param name="lifetime">How long it lives; the configured lifetime when null.</param>
    /// <param name="supervisor">For an officer: a supervisor of the department (sees escalations).</param>
    /// <param name="assist">For an officer: may file on behalf of citizens (帮办代办).</param>
    /// <returns>The compact JWT.</returns>
    public string Mint(string id, string name, CallerRole role, ApplicantKind? kind = null, string? department = null, TimeSpan? lifetime = null, bool supervisor = false, bool assist = false)
    {
        var claims = new List<Claim>
        {
            new(ApiClaims.Subject, id),
            new(ApiClaims.Name, name),
            new(ApiClaims.Role, ApiClaims.RoleValue(role)),
        };
        if (kind is { } k)
        {
            claims.Add(new Claim(ApiClaims.ApplicantKind, k == ApplicantKind.Company ? "company" : "citizen"));
        }

        if (department is not null)
        {
            claims.Add(new Claim(ApiClaims.Department, department));
        }

        if (supervisor)
        {
            claims.Add(new Claim(ApiClaims.Supervisor, "true"));
        }

        if (assist)
        {
            claims.Add(new Claim(ApiClaims.Assist, "true"));
        }

        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now,
            Expires = now + (lifetime ?? options.TokenLifetime),
            SigningCredentials = new SigningCredentials(options.Key(), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token for a demo user.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The compact JWT.</returns>
    public string Mint(DemoUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Mint(user.Id, user.Name, user.Role, user.Kind, user.Department, supervisor: user.Supervisor, assist: user.Assist);
    }
}
