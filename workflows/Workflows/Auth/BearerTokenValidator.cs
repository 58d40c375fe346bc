using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Workflows.Auth;

/// <summary>
/// Validates bearer tokens where no ASP.NET Core authentication middleware runs (the Functions worker) with
/// <see cref="AuthOptions.ValidationParameters"/>, the parameters the local server's JwtBearer uses too. With
/// <see cref="AuthOptions.Authority"/> the signing keys come from the authority's OpenID metadata (cached, refreshed
/// as Microsoft's configuration manager does, and once more when a token names a key not seen yet: a rotation);
/// without it, from <see cref="AuthOptions.SigningKey"/>. One instance per app, so the metadata is read once.
/// </summary>
public sealed class BearerTokenValidator
{
    /// <summary>The authentication type given to identities read from a bearer token.</summary>
    public const string AuthenticationType = "Bearer";

    readonly AuthOptions options;
    readonly ConfigurationManager<OpenIdConnectConfiguration>? metadata;
    readonly JsonWebTokenHandler tokens = new() { MapInboundClaims = false };

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The <c>Auth</c> options.</param>
    public BearerTokenValidator(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            // As JwtBearer does: the metadata is at the authority's /.well-known/openid-configuration.
            var address = options.Authority.TrimEnd('/') + "/.well-known/openid-configuration";
            metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
                address, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = options.RequireHttpsMetadata });
        }
    }

    /// <summary>Validates a compact JWT.</summary>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the metadata read.</param>
    /// <returns>The principal in our claim names (<see cref="SignInClaims"/>), or null when the token does not validate.</returns>
    public async Task<ClaimsPrincipal?> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token) || options.Validate().Count > 0)
        {
            // Unusable settings validate nothing: deny by default.
            return null;
        }

        var parameters = options.ValidationParameters();
        if (metadata is not null)
        {
            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = await metadata.GetConfigurationAsync(cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // The authority cannot be read: nobody gets in until it can.
                return null;
            }

            parameters.IssuerSigningKeys = configuration.SigningKeys;
        }

        var result = await tokens.ValidateTokenAsync(token, parameters);
        if (!result.IsValid && metadata is not null && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key not in the cached metadata: the authority may have rotated its keys, so read it again (the
            // manager throttles how often) and try once more.
            metadata.RequestRefresh();
            try
            {
                parameters.IssuerSigningKeys = (await metadata.GetConfigurationAsync(cancellationToken)).SigningKeys;
            }
            catch (InvalidOperationException)
            {
                return null;
            }

            result = await tokens.ValidateTokenAsync(token, parameters);
        }

        return result.IsValid ? SignInClaims.Principal(result.ClaimsIdentity.Claims, AuthenticationType) : null;
    }
}
