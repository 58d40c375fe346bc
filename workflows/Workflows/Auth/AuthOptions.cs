using System.Text;
using Microsoft.IdentityModel.Tokens;

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

    /// <summary>An OpenID Connect authority (e.g. Entra ID's tenant URL); when set, its keys are used instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

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

        return problems;
    }

    /// <summary>The signing key as a security key.</summary>
    /// <returns>The key.</returns>
    public SymmetricSecurityKey Key() =>
        new(Encoding.UTF8.GetBytes(SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set.")));
}
