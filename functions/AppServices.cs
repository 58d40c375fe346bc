using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Calendar;
using Workflows.Functions.Http;
using Workflows.Templates;

namespace Workflows.Functions;

/// <summary>What the Functions app registers; <c>Program.cs</c> calls it and a test checks everything resolves.</summary>
public static class AppServices
{
    /// <summary>
    /// Adds the engine, the HTTP API's handlers and settings, JSON responses as the local server writes them, and the
    /// start-up seeding of built-in templates and calendars. The seeders are plain hosted services over the stores (no
    /// dependency on the local engine's sidecar), so the worker runs them when it starts, as the local host does; each
    /// saves only what the store does not have yet, so every instance may run them.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configuration">The app's configuration.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddWorkflowsFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkflows(configuration);
        services.AddWorkflowsApi(configuration);
        services.ConfigureHttpJsonOptions(o => ApiJson.ConfigureResponses(o.SerializerOptions));
        // Sign-in: one validator (it caches the authority's metadata) and the Easy Auth setting read once.
        services.AddSingleton<BearerTokenValidator>();
        services.AddSingleton(sp => new FunctionsPrincipal(sp.GetRequiredService<BearerTokenValidator>(), configuration));
        // The route table's rate limits, per user, one limiter for the process (per instance: docs/functions-api.md).
        services.AddSingleton(new ApiRateLimiter(configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions()));
        services.AddHostedService<TemplateSeeder>();
        services.AddHostedService<CalendarSeeder>();
        return services;
    }
}
