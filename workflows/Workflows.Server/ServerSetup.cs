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
        // Routing's and the exception handler's own problems (404 and 405 at no route, 500) get a code of ours too.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (!problem.Extensions.ContainsKey("code"))
            {
                var code = ProblemCodes.ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
                problem.Extensions["code"] = code;
                problem.Type = ApiProblems.TypePrefix + code;
            }
        });
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
            o.AddPolicy(ApiEndpoints.SubmitPolicy, http => PerUser(http, limits.Window(ApiEndpoints.SubmitPolicy)));
            o.AddPolicy(ApiEndpoints.UploadPolicy, http => PerUser(http, limits.Window(ApiEndpoints.UploadPolicy)));
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
                await ApiProblems.TooManyRequests(retry).ExecuteAsync(context.HttpContext);
            };
        });

        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiVersion;
            // Each operation's response headers, from the route table.
            o.AddOperationTransformer<Api.OpenApi.RouteTableHeaders>();
            o.AddSchemaTransformer<Api.OpenApi.TaskOutcomes>();
            o.AddSchemaTransformer<Api.OpenApi.EngineReasons>();
            o.AddDocumentTransformer<Api.OpenApi.NullableEnums>();
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

    static RateLimitPartition<string> PerUser(HttpContext http, FixedWindowRateLimiterOptions window) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.User.FindFirst(ApiClaims.Subject)?.Value ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
            _ => window);
}
