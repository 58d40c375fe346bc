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

    /// <summary>
    /// A JSON value as words: a string without quotes; a whole item, field or material by its name in the reader's
    /// language (the row already says which part it is); any other object or list as its values, keys named, unescaped.
    /// </summary>
    /// <param name="json">The value as JSON.</param>
    /// <param name="english">Whether the reader reads English.</param>
    /// <returns>What people read.</returns>
    public static string Value(string? json, bool english)
    {
        if (string.IsNullOrEmpty(json))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return Words(document.RootElement, english, top: true);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    static string Words(JsonElement value, bool english, bool top) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "",
        JsonValueKind.Array => string.Join(english ? ", " : "、", value.EnumerateArray().Select(v => Words(v, english, top: false))),
        JsonValueKind.Object when top && Named(value, english) is { } name => name,
        JsonValueKind.Object => string.Join("; ", value.EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.Null)
            .Select(p => $"{p.Name}: {Words(p.Value, english, top: false)}")),
        _ => value.GetRawText(),
    };

    /// <summary>An element's own name (name/nameEn, label/labelEn), if it has one.</summary>
    static string? Named(JsonElement value, bool english)
    {
        foreach (var (zh, en) in new[] { ("name", "nameEn"), ("label", "labelEn") })
        {
            if (value.TryGetProperty(zh, out var z) && z.ValueKind == JsonValueKind.String)
            {
                return english && value.TryGetProperty(en, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : z.GetString();
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?<part>[A-Za-z]+)\[(?<key>[^\]]+)\](?<rest>.*)$")]
    private static partial Regex Element();
}
