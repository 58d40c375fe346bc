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
            problems = [Unreadable(ex.Path ?? "$", Position(ex.LineNumber, ex.BytePositionInLine), What(ex.Message, !WellFormed(json)))];
            return null;
        }
        catch (NotSupportedException ex)
        {
            // A polymorphic object without its discriminator ("op" or "by") first; the message carries the path and place.
            problems = [Unreadable(PathIn(ex.Message), Position(NumberIn(ex.Message, "LineNumber: "), NumberIn(ex.Message, "BytePositionInLine: ")),
                ("多态对象须先写 op 或 by", "a polymorphic object must start with its op or by"))];
            return null;
        }
    }

    // The serializer's own text is English and names .NET types: the problem says where (path, line, position) and
    // what, in each language, from the few kinds of failure a template document has.
    static TemplateProblem Unreadable(string path, (long Line, long Byte)? at, (string Zh, string En) what) => at is { } place
        ? new TemplateProblem(path, "template.json", $"Not readable as template JSON at {path} (line {place.Line}, byte {place.Byte}): {what.En}.",
            $"文档在 {path}（第 {place.Line} 行第 {place.Byte} 个字节）处无法读作模板 JSON：{what.Zh}。")
        : new TemplateProblem(path, "template.json", $"Not readable as template JSON at {path}: {what.En}.", $"文档在 {path} 处无法读作模板 JSON：{what.Zh}。");

    // The reader counts lines and bytes from 0; people count from 1.
    static (long Line, long Byte)? Position(long? line, long? bytes) => line is { } l ? (l + 1, (bytes ?? 0) + 1) : null;

    static (string Zh, string En) What(string message, bool syntax)
    {
        if (syntax)
        {
            return ("JSON 格式不正确", "the JSON is malformed");
        }

        var quoted = message.Split('\'').Where((_, i) => i % 2 == 1).ToList();
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) && quoted.Count > 0)
        {
            return ($"未知属性“{quoted[0]}”", $"unknown property '{quoted[0]}'");
        }

        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            // "... for type 'T' was missing required properties including: 'a', 'b'.": the names after the type's.
            var at = message.IndexOf("including:", StringComparison.Ordinal);
            var names = at < 0 ? quoted.Skip(1).ToList() : message[at..].Split('\'').Where((_, i) => i % 2 == 1).ToList();
            return ($"缺少必填属性 {string.Join("、", names.Select(n => $"“{n}”"))}", $"missing required {string.Join(", ", names.Select(n => $"'{n}'"))}");
        }

        if (message.Contains("type discriminator", StringComparison.Ordinal) && quoted.Count > 0)
        {
            return ($"未知的种类“{quoted[^1]}”", $"unknown kind '{quoted[^1]}'");
        }

        if (message.Contains("null", StringComparison.OrdinalIgnoreCase)
            && (message.Contains("nullable", StringComparison.OrdinalIgnoreCase) || message.Contains("allow null", StringComparison.OrdinalIgnoreCase)))
        {
            return ("不能为 null", "null is not allowed");
        }

        return ("值的类型不对或不是允许的取值", "the value has the wrong type or is not one of the allowed values");
    }

    // Syntax is told apart by reading the document alone: the serializer reports a syntax error at the member it was reading.
    static bool WellFormed(string json)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static long? NumberIn(string message, string label)
    {
        var at = message.IndexOf(label, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var digits = new string([.. message[(at + label.Length)..].TakeWhile(char.IsAsciiDigit)]);
        return long.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
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
