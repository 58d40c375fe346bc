using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.Api;
using Workflows.Auth;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// Says how each route is called: people with a bearer token (a local key, or Entra ID whose OpenID configuration
/// is named when <c>Auth:Authority</c> is set), outside systems with an HMAC signature of the body and a timestamp
/// on <c>/api/systems</c> (no bearer there). Every route under <c>/api</c> needs one or the other: none is anonymous.
/// </summary>
internal sealed class SecuritySchemes(IConfiguration configuration) : IOpenApiDocumentTransformer
{
    /// <summary>The people's scheme.</summary>
    public const string Bearer = "bearer";

    /// <summary>The outside systems' signature header.</summary>
    public const string Signature = "signature";

    /// <summary>The outside systems' timestamp header, signed with the body.</summary>
    public const string Timestamp = "timestamp";

    /// <summary>Where the outside systems' routes are.</summary>
    public const string SystemsPrefix = "/api/systems/";

    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var auth = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = string.IsNullOrWhiteSpace(auth.Authority)
            ? new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT signed with the server's local key (./run.sh token USER); its role claim says who may do what.",
            }
            : new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OpenIdConnect,
                OpenIdConnectUrl = new Uri(auth.Authority.TrimEnd('/') + "/.well-known/openid-configuration"),
                Description = "An Entra ID access token for this API (Authorization: Bearer); app roles say who may do what.",
            };
        document.Components.SecuritySchemes[Signature] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Workflows-Signature",
            Description = "sha256=HEX of HMAC-SHA256(the system's secret, \"{timestamp}.{body}\"); with X-Workflows-Timestamp, within 5 minutes, once.",
        };
        document.Components.SecuritySchemes[Timestamp] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Workflows-Timestamp",
            Description = "Unix seconds when the request was signed; part of the signed text.",
        };

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var entry = ApiRoutes.Operations.FirstOrDefault(o => "/api/" + o.Template == path && string.Equals(o.Method, method.Method, StringComparison.OrdinalIgnoreCase));
                if (entry?.Access == ApiAccess.Public)
                {
                    // Anyone: no scheme, and an empty requirement list says so to generators.
                    operation.Security = [];
                    continue;
                }

                var system = path.StartsWith(SystemsPrefix, StringComparison.Ordinal);
                var requirement = new OpenApiSecurityRequirement();
                if (system)
                {
                    // Both headers together: one requirement object.
                    requirement[new OpenApiSecuritySchemeReference(Signature, document)] = [];
                    requirement[new OpenApiSecuritySchemeReference(Timestamp, document)] = [];
                }
                else
                {
                    requirement[new OpenApiSecuritySchemeReference(Bearer, document)] = [];
                }

                operation.Security = [requirement];
                operation.Responses ??= [];
                if (!operation.Responses.ContainsKey("401"))
                {
                    operation.Responses["401"] = new OpenApiResponse
                    {
                        Description = system ? "The signature is missing, wrong or too old." : "No valid bearer token.",
                        Content = new Dictionary<string, OpenApiMediaType> { [ProblemSchema.MediaType] = new() },
                    };
                }
            }
        }

        return Task.CompletedTask;
    }
}
