using System.Text.Json.Nodes;
using Workflows.Api;

namespace Workflows.Templates;

/// <summary>What changed between two template documents, as an administrator reads it.</summary>
public static class TemplateDiff
{
    /// <summary>
    /// The changes from <paramref name="older"/> to <paramref name="newer"/>: one per member added, removed or changed,
    /// at its path (<c>items[birth-cert].name</c>); lists of keyed things (items, fields, materials) are compared by key,
    /// other lists as a whole.
    /// </summary>
    /// <param name="older">The older document's JSON.</param>
    /// <param name="newer">The newer document's JSON.</param>
    /// <returns>The changes, in document order.</returns>
    public static IReadOnlyList<TemplateChange> Between(string older, string newer)
    {
        var changes = new List<TemplateChange>();
        Compare("", JsonNode.Parse(older), JsonNode.Parse(newer), changes);
        return changes;
    }

    static void Compare(string path, JsonNode? before, JsonNode? after, List<TemplateChange> changes)
    {
        switch (before, after)
        {
            case (null, null):
                return;
            case (null, _):
                changes.Add(new TemplateChange(Root(path), "added", null, after!.ToJsonString()));
                return;
            case (_, null):
                changes.Add(new TemplateChange(Root(path), "removed", before!.ToJsonString(), null));
                return;
            case (JsonObject a, JsonObject b):
                foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key), StringComparer.Ordinal))
                {
                    Compare(path.Length == 0 ? name : $"{path}.{name}", a[name], b[name], changes);
                }

                return;
            case (JsonArray a, JsonArray b) when Keyed(a) && Keyed(b):
                // Lists of keyed things (items, fields, materials) are compared by key, not position.
                var left = a.ToDictionary(n => n!["key"]!.GetValue<string>(), StringComparer.Ordinal);
                var right = b.ToDictionary(n => n!["key"]!.GetValue<string>(), StringComparer.Ordinal);
                foreach (var k in left.Keys.Union(right.Keys, StringComparer.Ordinal))
                {
                    Compare($"{path}[{k}]", left.GetValueOrDefault(k), right.GetValueOrDefault(k), changes);
                }

                return;
            default:
                if (!JsonNode.DeepEquals(before, after))
                {
                    changes.Add(new TemplateChange(Root(path), "changed", before!.ToJsonString(), after!.ToJsonString()));
                }

                return;
        }
    }

    static bool Keyed(JsonArray array) =>
        array.All(n => n is JsonObject o && o["key"] is JsonValue v && v.TryGetValue<string>(out _))
        && array.Select(n => n!["key"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count() == array.Count;

    static string Root(string path) => path.Length == 0 ? "$" : path;

}
