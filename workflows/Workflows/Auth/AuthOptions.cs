using System.Text;
using Microsoft.IdentityModel.Tokens;
using Workflows.Api;

namespace Workflows.Auth;

/// <summary>
/// How bearer tokens are checked. Locally tokens are signed with a symmetric key from configuration (minted by
/// <c>./run.sh token USER</c>); in Azure the issuer and audience are Entra ID's and the key comes from its metadata.
/// Bound from the <c>Auth</c> section.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>The smallest signing key accepted (HMAC-SHA256 wants at least 256 bits).</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>The expected issuer.</summary>
    public string Issuer { get; set; } = "workflows-local";

    /// <summary>The expected audience.</summary>
    public string Audience { get; set; } = "workflows-api";

    /// <summary>The symmetric signing key (at least 32 bytes of UTF-8); null when tokens come from an OpenID authority.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// An OpenID Connect authority (Entra ID: <c>https://login.microsoftonline.com/{tenant}/v2.0</c>); when set, tokens
    /// are checked against the keys its metadata publishes and <see cref="SigningKey"/> is not used.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>Whether the authority's metadata must be read over HTTPS; only tests on loopback turn it off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How long minted demo tokens live.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Whether the demo users are seeded (their earlier licences) and may be minted tokens. Never in production.</summary>
    public bool DemoUsers { get; set; }

    /// <summary>What is wrong with the settings; empty when usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Issuer))
        {
            problems.Add("Auth:Issuer is empty.");
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            problems.Add("Auth:Audience is empty.");
        }

        if (string.IsNullOrWhiteSpace(Authority) && (SigningKey is null || Encoding.UTF8.GetByteCount(SigningKey) < MinimumKeyBytes))
        {
            problems.Add($"Set Auth:Authority, or Auth:SigningKey to at least {MinimumKeyBytes} bytes.");
        }

        if (!string.IsNullOrWhiteSpace(Authority) && RequireHttpsMetadata
            && !Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("Auth:Authority must be an https URL.");
        }

        return problems;
    }

    /// <summary>
    /// What a bearer token must satisfy, the same in both hosts: this issuer exactly (not also whatever the
    /// authority's metadata names), this audience, a lifetime that has not passed, a signature by the symmetric key
    /// (no authority) or, with an authority, RS256 by a key its metadata publishes (set by the caller).
    /// </summary>
    /// <returns>The parameters; <see cref="TokenValidationParameters.IssuerSigningKeys"/> is left for the authority's keys.</returns>
    public TokenValidationParameters ValidationParameters()
    {
        var issuer = Issuer;
        var withAuthority = !string.IsNullOrWhiteSpace(Authority);
        return new TokenValidationParameters
        {
            ValidIssuer = issuer,
            // ASP.NET Core's JwtBearer adds the metadata's issuer to the valid ones; this keeps it to the configured one.
            IssuerValidator = (tokenIssuer, _, _) => string.Equals(tokenIssuer, issuer, StringComparison.Ordinal)
                ? tokenIssuer
                : throw new SecurityTokenInvalidIssuerException($"Issuer '{tokenIssuer}' is not '{issuer}'."),
            ValidAudience = Audience,
            IssuerSigningKey = !withAuthority && SigningKey is not null && Encoding.UTF8.GetByteCount(SigningKey) >= MinimumKeyBytes ? Key() : null,
            ValidAlgorithms = [withAuthority ? SecurityAlgorithms.RsaSha256 : SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            NameClaimType = ApiClaims.Name,
            RoleClaimType = ApiClaims.Role,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The signing key as a security key.</summary>
    /// <returns>The key.</returns>
    public SymmetricSecurityKey Key() =>
        new(Encoding.UTF8.GetBytes(SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set.")));
}
