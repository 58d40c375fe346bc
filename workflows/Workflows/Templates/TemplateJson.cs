using System.Text.Encodings.Web;
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
        // Templates are read by people in Chinese; keep the characters instead of \uXXXX escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
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
            problems = template is null ? [new TemplateProblem("$", "template.empty", "The document is empty (null).", "文档为空（null）。")] : [];
            return template;
        }
        catch (JsonException ex)
        {
            problems = [new TemplateProblem(ex.Path ?? "$", "template.json", ex.Message, $"文档在 {ex.Path ?? "$"} 处不是可读的模板 JSON。")];
            return null;
        }
        catch (NotSupportedException ex)
        {
            // A polymorphic object without its discriminator ("op" or "by") first; the message carries the path.
            problems = [new TemplateProblem(PathIn(ex.Message), "template.json", ex.Message, $"文档在 {PathIn(ex.Message)} 处不是可读的模板 JSON（多态对象须先写 op 或 by）。")];
            return null;
        }
    }

    // System.Text.Json puts "Path: $.x.y | LineNumber: ..." in the message of errors it raises as NotSupportedException.
    static string PathIn(string message)
    {
        var at = message.IndexOf("Path: ", StringComparison.Ordinal);
        if (at < 0)
        {
            return "$";
        }

        var path = message[(at + "Path: ".Length)..];
        var end = path.IndexOf(" |", StringComparison.Ordinal);
        return (end > 0 ? path[..end] : path).Trim().TrimEnd('.');
    }

    /// <summary>Writes a template document.</summary>
    /// <param name="template">The template.</param>
    /// <returns>The JSON.</returns>
    public static string Write(BundleTemplate template) => JsonSerializer.Serialize(template, Options);
}
