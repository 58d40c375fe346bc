using System.Text.Json;
using System.Text.RegularExpressions;
using Workflows.Portal.Resources;

namespace Workflows.Portal.Admin;

/// <summary>The diff's paths and values as a person reads them, not as JSON.</summary>
public static partial class DiffWords
{
    /// <summary><c>items[seal].committedDays</c> as "事项 盖章 · committedDays": the part in the reader's language, the element by its name.</summary>
    /// <param name="path">The diff's path.</param>
    /// <param name="names">The elements' names in the reader's language, by <c>part[key]</c>.</param>
    /// <returns>What people read.</returns>
    public static string Where(string path, IReadOnlyDictionary<string, string> names)
    {
        var match = Element().Match(path);
        if (!match.Success)
        {
            return path;
        }

        var part = match.Groups["part"].Value switch
        {
            "items" => Texts.DiffPartItems,
            "fields" => Texts.DiffPartFields,
            "materials" => Texts.DiffPartMaterials,
            var other => other,
        };
        var key = match.Groups["key"].Value;
        var name = names.GetValueOrDefault($"{match.Groups["part"].Value}[{key}]") ?? key;
        var rest = match.Groups["rest"].Value.TrimStart('.');
        return rest.Length == 0 ? $"{part} {name}" : $"{part} {name} · {rest}";
    }

    /// <summary>A JSON value: a string without quotes, an object or list on one line, nothing for null.</summary>
    /// <param name="json">The value as JSON.</param>
    /// <returns>What people read.</returns>
    public static string Value(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() ?? "" : document.RootElement.GetRawText();
        }
        catch (JsonException)
        {
            return json;
        }
    }

    [GeneratedRegex(@"^(?<part>[A-Za-z]+)\[(?<key>[^\]]+)\](?<rest>.*)$")]
    private static partial Regex Element();
}
