using System.Text.Json.Nodes;
using JsonDiffPatchDotNet;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Workflows.Api;

namespace Workflows.Templates;

/// <summary>What changed between two template documents, as an administrator reads it.</summary>
public static class TemplateDiff
{
    // Lists are compared whole (Simple) and strings whole (no text patches): an administrator reads the value before
    // and after. Lists of keyed things are turned into objects by key before the diff, so they are compared by key.
    static readonly JsonDiffPatch Differ = new(new Options { ArrayDiff = ArrayDiffMode.Simple, TextDiff = TextDiffMode.Simple });

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
        // The library finds where the documents differ; the values reported are the documents' own JSON at that path.
        if (Differ.Diff(Parse(older), Parse(newer)) is { } delta)
        {
            Report("", JsonNode.Parse(older), JsonNode.Parse(newer), delta, changes);
        }

        return changes;
    }

    // One delta of jsondiffpatch's format: [new] added, [old, new] changed, [old, 0, 0] removed; an object of member
    // deltas, which for a keyed list (made an object by key in Parse) are its elements' deltas by key.
    static void Report(string path, JsonNode? before, JsonNode? after, JToken delta, List<TemplateChange> changes)
    {
        switch (delta)
        {
            case JArray { Count: 1 }:
                changes.Add(new TemplateChange(Root(path), "added", null, after!.ToJsonString()));
                return;
            case JArray { Count: 3 } removed when removed[2]!.Value<int>() == 0:
                changes.Add(new TemplateChange(Root(path), "removed", before!.ToJsonString(), null));
                return;
            case JArray:
                changes.Add(new TemplateChange(Root(path), "changed", before?.ToJsonString(), after?.ToJsonString()));
                return;
            case JObject elements when before is JsonArray a && after is JsonArray b:
                var left = a.ToDictionary(n => n!["key"]!.GetValue<string>(), StringComparer.Ordinal);
                var right = b.ToDictionary(n => n!["key"]!.GetValue<string>(), StringComparer.Ordinal);
                foreach (var key in left.Keys.Union(right.Keys, StringComparer.Ordinal))
                {
                    if (elements[key] is { } element)
                    {
                        Report($"{path}[{key}]", left.GetValueOrDefault(key), right.GetValueOrDefault(key), element, changes);
                    }
                }

                return;
            case JObject members:
                var l = before as JsonObject;
                var r = after as JsonObject;
                foreach (var name in (l?.Select(p => p.Key) ?? []).Union(r?.Select(p => p.Key) ?? [], StringComparer.Ordinal))
                {
                    if (members[name] is { } member)
                    {
                        Report(path.Length == 0 ? name : $"{path}.{name}", l?[name], r?[name], member, changes);
                    }
                }

                return;
        }
    }

    static JToken Parse(string json)
    {
        // Strings stay strings (no dates read into DateTime), so equal text is the only equal.
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
        return ByKey(JToken.ReadFrom(reader));
    }

    // A list whose elements all have a distinct string "key" becomes an object by key (deeply), so that the diff
    // matches its elements by key and a move is no change.
    static JToken ByKey(JToken token)
    {
        switch (token)
        {
            case JArray array when array.All(e => e is JObject o && o["key"] is JValue { Type: JTokenType.String })
                && array.Select(e => e["key"]!.Value<string>()).Distinct(StringComparer.Ordinal).Count() == array.Count:
                var byKey = new JObject();
                foreach (var element in array)
                {
                    byKey[element["key"]!.Value<string>()!] = ByKey(element);
                }

                return byKey;
            case JArray array:
                return new JArray(array.Select(ByKey));
            case JObject obj:
                var copy = new JObject();
                foreach (var (name, value) in obj)
                {
                    copy[name] = value is null ? null : ByKey(value);
                }

                return copy;
            default:
                return token;
        }
    }

    static string Root(string path) => path.Length == 0 ? "$" : path;
}
