using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// <c>openapi [FILE]</c>: writes the server's OpenAPI document (the one <c>/openapi/v1.json</c> serves, without the
/// request's server URL) to a file or standard output, every object's members sorted so the committed
/// <c>docs/openapi.json</c> changes only when the API does.
/// </summary>
internal static class OpenApiExport
{
    /// <summary>The document's name (<c>/openapi/{name}.json</c>).</summary>
    public const string DocumentName = "v1";

    /// <summary>Writes the document of the built (not started) application.</summary>
    /// <param name="services">The application's services, its endpoints mapped.</param>
    /// <param name="file">The file to write, or null for standard output.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(IServiceProvider services, string? file)
    {
        var text = await RenderAsync(services);
        if (file is null)
        {
            await Console.Out.WriteAsync(text);
        }
        else
        {
            await File.WriteAllTextAsync(file, text);
        }

        return 0;
    }

    /// <summary>The document as sorted, indented JSON with a final line break.</summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The text.</returns>
    public static async Task<string> RenderAsync(IServiceProvider services)
    {
        var provider = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName);
        var document = await provider.GetOpenApiDocumentAsync();
        // No request: no server URL, which would differ per machine.
        document.Servers = [];
        using var stream = new MemoryStream();
        await document.SerializeAsJsonAsync(stream, ServerSetup.OpenApiVersion);
        var node = JsonNode.Parse(stream.ToArray())!;
        return Sorted(node)!.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            // Chinese text stays readable in the committed file.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";
    }

    // Members in ordinal order; lists keep theirs (their order means something: enum values, oneOf, parameters).
    static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
