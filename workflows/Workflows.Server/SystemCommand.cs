using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workflows.Api;
using Workflows.Systems;
using Workflows.Templates;

namespace Workflows.Server;

/// <summary>
/// Plays an outside department system against a running server, for trying callbacks and register events by hand:
/// <c>system CODE callback|event</c> signs the JSON on standard input with the system's configured secret and posts
/// it; <c>system --secrets</c> prints a settings file with a fresh secret for every system in the catalog (what
/// <c>./run.sh</c> keeps in <c>.data/systems.json</c>).
/// </summary>
internal static class SystemCommand
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>system</c>.</param>
    /// <param name="configuration">The server's configuration (the secrets and <c>Urls</c>).</param>
    /// <param name="input">The body.</param>
    /// <param name="output">Where the answer goes.</param>
    /// <param name="error">Where problems go.</param>
    /// <param name="http">The client to post with; its base address is taken from <c>Urls</c> when it has none.</param>
    /// <param name="time">The clock the signature's timestamp comes from.</param>
    /// <returns>0 when the server accepted it (2xx), 1 when it answered otherwise, 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextReader input, TextWriter output, TextWriter error, HttpClient http, TimeProvider time)
    {
        // Settings given on the command line (--Key=value) are the configuration's, not the command's.
        args = [.. args.Where(a => a == "--secrets" || !a.StartsWith("--", StringComparison.Ordinal))];
        if (args is ["--secrets"])
        {
            output.WriteLine(FreshSecrets());
            return 0;
        }

        if (args is not [var system, ("callback" or "event") and var kind])
        {
            error.WriteLine("usage: system CODE callback|event < body.json    or    system --secrets");
            return 2;
        }

        var secret = configuration[$"{SystemsOptions.SectionName}:Secrets:{system}:Secret"];
        if (BuiltInTemplates.Catalog.FindSystem(system) is null || string.IsNullOrEmpty(secret))
        {
            error.WriteLine($"No secret configured for system '{system}' (Systems:Secrets:{system}:Secret); ./run.sh keeps one for every catalog system in .data/systems.json.");
            return 2;
        }

        var body = Encoding.UTF8.GetBytes(await input.ReadToEndAsync());
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var route = (kind == "callback" ? ApiRoutes.Callbacks : ApiRoutes.RegisterEvents).Replace("{system}", Uri.EscapeDataString(system), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress(http, configuration), $"api/{route}")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SystemApi.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SystemApi.SignatureHeader, SystemApi.Sign(secret, timestamp, body));
        using var response = await http.SendAsync(request);
        output.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
        output.WriteLine(await response.Content.ReadAsStringAsync());
        return response.IsSuccessStatusCode ? 0 : 1;
    }

    static Uri BaseAddress(HttpClient http, IConfiguration configuration)
    {
        var url = http.BaseAddress?.ToString() ?? (configuration["Urls"] ?? "http://127.0.0.1:7071").Split(';')[0];
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    static string FreshSecrets()
    {
        var secrets = BuiltInTemplates.Catalog.ExternalSystems.ToDictionary(
            s => s.Code, _ => new Dictionary<string, string> { ["Secret"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) }, StringComparer.Ordinal);
        return JsonSerializer.Serialize(new Dictionary<string, object> { [SystemsOptions.SectionName] = new Dictionary<string, object> { ["Secrets"] = secrets } },
            Indented);
    }
}
