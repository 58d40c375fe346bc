using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Templates;

/// <summary>How templates and the catalog are written as JSON: camelCase, enums as camelCase strings, unknown properties refused.</summary>
public static class TemplateJson
{
    /// <summary>The serializer options for template documents.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a template document; a malformed one gives a located problem instead of a template.</summary>
    /// <param name="json">The document.</param>
    /// <param name="problems">The problems when it cannot be read, located by JSON path.</param>
    /// <returns>The template, or null when it cannot be read.</returns>
    public static BundleTemplate? TryParse(string json, out IReadOnlyList<TemplateProblem> problems)
    {
        try
        {
            var template = JsonSerializer.Deserialize<BundleTemplate>(json, Options);
            problems = template is null ? [new TemplateProblem("$", "template.empty", "The document is empty (null).")] : [];
            return template;
        }
        catch (JsonException ex)
        {
            problems = [new TemplateProblem(ex.Path ?? "$", "template.json", ex.Message)];
            return null;
        }
    }

    /// <summary>Writes a template document.</summary>
    /// <param name="template">The template.</param>
    /// <returns>The JSON.</returns>
    public static string Write(BundleTemplate template) => JsonSerializer.Serialize(template, Options);
}
