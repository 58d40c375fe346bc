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

    /// <summary>The least time between two reads of the metadata forced by an unknown key (JwtBearer's default too).</summary>
    public static readonly TimeSpan MinimumForcedRefresh = TimeSpan.FromMinutes(5);

    readonly AuthOptions options;
    readonly ConfigurationManager<OpenIdConnectConfiguration>? metadata;
    readonly string? metadataAddress;
    readonly HttpDocumentRetriever? documents;
    readonly Lock gate = new();
    OpenIdConnectConfiguration? fresher;
    DateTimeOffset lastForcedRefresh = DateTimeOffset.MinValue;
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
            metadataAddress = options.Authority.TrimEnd('/') + "/.well-known/openid-configuration";
            documents = new HttpDocumentRetriever { RequireHttps = options.RequireHttpsMetadata };
            metadata = new ConfigurationManager<OpenIdConnectConfiguration>(metadataAddress, new OpenIdConnectConfigurationRetriever(), documents);
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

            OpenIdConnectConfiguration? fresh;
            lock (gate)
            {
                // Only while the manager may still be catching up; later its keys are the authority's word (a key
                // the authority retired since must not stay valid here).
                fresh = DateTimeOffset.UtcNow - lastForcedRefresh < MinimumForcedRefresh ? fresher : null;
            }

            parameters.IssuerSigningKeys = configuration.SigningKeys.Concat(fresh?.SigningKeys ?? []).ToList();
        }

        var result = await tokens.ValidateTokenAsync(token, parameters);
        if (!result.IsValid && metadata is not null && result.Exception is SecurityTokenInvalidSignatureException
            && await RefreshAsync(cancellationToken) is { } refreshed)
        {
            // No published key verified it: the authority may have rotated its keys since the metadata was cached.
            parameters.IssuerSigningKeys = refreshed.SigningKeys;
            result = await tokens.ValidateTokenAsync(token, parameters);
        }

        return result.IsValid ? SignInClaims.Principal(result.ClaimsIdentity.Claims, AuthenticationType) : null;
    }

    /// <summary>
    /// Reads the metadata now, at most once per <see cref="MinimumForcedRefresh"/> (a stream of bad tokens must not
    /// become a stream of requests to the authority). The configuration manager's own refresh runs in the background
    /// and returns the cached keys meanwhile, so the fresh keys are kept here and used beside its until it catches up.
    /// </summary>
    async Task<OpenIdConnectConfiguration?> RefreshAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var now = DateTimeOffset.UtcNow;
            if (now - lastForcedRefresh < MinimumForcedRefresh)
            {
                return null;
            }

            lastForcedRefresh = now;
        }

        try
        {
            var fresh = await OpenIdConnectConfigurationRetriever.GetAsync(metadataAddress!, documents!, cancellationToken);
            lock (gate)
            {
                fresher = fresh;
            }

            metadata!.RequestRefresh();
            return fresh;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException)
        {
            return null;
        }
    }
}
