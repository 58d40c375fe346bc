using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Server.Api;
using Workflows.Storage;

namespace Workflows.Server;

/// <summary>Limits on submissions and uploads per user, bound from <c>RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>Submissions one user may make per minute.</summary>
    public int SubmitsPerMinute { get; set; } = 30;

    /// <summary>Uploads one user may make per minute.</summary>
    public int UploadsPerMinute { get; set; } = 120;
}

/// <summary>The local server's web concerns: authentication, rate limits, problem details, OpenAPI, telemetry.</summary>
internal static class ServerSetup
{
    /// <summary>The setting that maps the OpenAPI document and the reference page (off when absent).</summary>
    public const string OpenApiSetting = "Api:OpenApi";

    /// <summary>The OpenAPI version of the document served and written to docs/openapi.json.</summary>
    public static Microsoft.OpenApi.OpenApiSpecVersion OpenApiVersion => Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;

    public static IServiceCollection AddWorkflowsServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkflowsApi(configuration);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => ApiJson.ConfigureResponses(o.SerializerOptions));
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);

        var auth = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            // Claim names as they are in the token ("sub", "roles", "oid"), not remapped to SOAP URIs.
            o.MapInboundClaims = false;
            if (!string.IsNullOrWhiteSpace(auth.Authority))
            {
                // Entra ID (or any OpenID authority): its metadata gives the signing keys.
                o.Authority = auth.Authority;
                o.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            }

            // The same checks and the same claim mapping as the Functions app (BearerTokenValidator, SignInClaims).
            o.TokenValidationParameters = auth.ValidationParameters();
            o.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    context.Principal = SignInClaims.Principal(context.Principal?.Claims ?? [], context.Scheme.Name);
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorization();

        var limits = configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(ApiEndpoints.SubmitPolicy, http => PerUser(http, limits.SubmitsPerMinute));
            o.AddPolicy(ApiEndpoints.UploadPolicy, http => PerUser(http, limits.UploadsPerMinute));
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ApiProblems.Problem(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests.", $"请等待 {retry.TotalSeconds:0} 秒后重试。",
                    $"Wait {retry.TotalSeconds:0} seconds and try again.", []).ExecuteAsync(context.HttpContext);
            };
        });

        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiVersion;
            // Each operation's response headers, from the route table.
            o.AddOperationTransformer<Api.OpenApi.RouteTableHeaders>();
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Workflows: one application, every department";
                // 0.x until the portal's first release: see docs/decisions/0014-api-versioning.md.
                document.Info.Version = "0.1.0";
                document.Info.Description = "Citizens and companies, department officers, administrators and outside systems. "
                    + "Bearer JWT for people (./run.sh token USER), HMAC signatures for systems; errors are RFC 9457 problem+json.";
                return Task.CompletedTask;
            });
            // The document as the JSON really is (Api/OpenApi/): in this order, so the problem and schema passes see
            // the responses the earlier ones add.
            o.AddDocumentTransformer<Api.OpenApi.SecuritySchemes>();
            o.AddDocumentTransformer<Api.OpenApi.OperationFacts>();
            o.AddDocumentTransformer<Api.OpenApi.ProblemSchema>();
            o.AddDocumentTransformer<Api.OpenApi.SchemaTruth>();
        });

        // Traces and metrics always flow to in-process listeners; an OTLP endpoint in configuration sends them out.
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("workflows-server"))
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddSource("Microsoft.DurableTask*", "Azure.*"))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation().AddMeter(StorageOperationCounter.MeterName));
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        services.AddHostedService<DemoUserSeeder>();
        return services;
    }

    static RateLimitPartition<string> PerUser(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.User.FindFirst(ApiClaims.Subject)?.Value ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
