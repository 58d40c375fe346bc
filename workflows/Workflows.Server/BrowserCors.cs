using Workflows.Api;

namespace Workflows.Server;

/// <summary>
/// CORS for the portal: pages served from the origins in <c>Cors:Origins</c> (exact origins such as
/// <c>https://portal.example.gov.cn</c>; none by default, so no other origin's page may read an answer) may call the
/// API with a bearer token. They may send the headers the API reads and read the headers it answers with. The
/// Functions app gets the same from App Service's CORS on its site (infra/, <c>corsOrigins</c>).
/// </summary>
internal static class BrowserCors
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cors";

    /// <summary>The policy's name.</summary>
    public const string PolicyName = "portal";

    public static IServiceCollection AddBrowserCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = (configuration.GetSection(SectionName).GetSection("Origins").Get<string[]>() ?? [])
            .Select(o => o.Trim().TrimEnd('/'))
            .Where(o => o.Length > 0)
            .ToArray();
        foreach (var origin in origins)
        {
            // An origin is scheme://host[:port] exactly; a wildcard or a path would let more pages in than meant.
            if (origin.Contains('*', StringComparison.Ordinal) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
            {
                throw new InvalidOperationException($"Cors:Origins has '{origin}', which is not an origin (scheme://host[:port]).");
            }
        }

        return services.AddCors(o => o.AddPolicy(PolicyName, p =>
        {
            // Bearer tokens, not cookies: no credentials mode, so a page's own cookies are never sent along.
            p.WithOrigins(origins)
                .WithMethods("GET", "POST", "PUT")
                .WithHeaders(CorsHeaders.Allowed)
                .WithExposedHeaders(CorsHeaders.Exposed)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));
    }
}
