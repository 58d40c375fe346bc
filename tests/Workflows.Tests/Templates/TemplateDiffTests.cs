using System.Text.Json.Nodes;
using Workflows.Api;
using Workflows.Templates;
using static Workflows.Tests.Templates.TemplateSamples;

namespace Workflows.Tests.Templates;

/// <summary>
/// The template diff's answers, as GET admin/templates/{key}/diff gives them: paths by member name and, in lists of
/// keyed things, by key; added, removed and changed with the JSON before and after; unkeyed lists as a whole.
/// </summary>
public class TemplateDiffTests
{
    [Fact]
    public void Between_TheSameDocument_IsNoChange()
    {
        var json = TemplateJson.Write(Newborn());

        TemplateDiff.Between(json, json).ShouldBeEmpty();
    }

    [Fact]
    public void Between_EditedDocuments_NamesEachChangeAtItsPathInDocumentOrder()
    {
        var older = JsonNode.Parse(TemplateJson.Write(Newborn()))!.AsObject();
        var newer = older.DeepClone().AsObject();
        newer["name"] = "新生儿一件事";
        newer["committedDays"] = 12;
        var items = newer["items"]!.AsArray();
        var hukou = items.Single(i => i!["key"]!.GetValue<string>() == Hukou)!;
        hukou["name"] = "户口登记（新）";
        // Moving an item in the list is no change: keyed lists are compared by key.
        var insurance = items.Single(i => i!["key"]!.GetValue<string>() == Insurance)!;
        items.Remove(insurance);
        items.Insert(0, insurance);
        items.Remove(items.Single(i => i!["key"]!.GetValue<string>() == Allowance));
        items.Add(new JsonObject { ["key"] = "bonus", ["name"] = "奖励" });
        older["tags"] = new JsonArray("a", "b");
        newer["tags"] = new JsonArray("b", "a");
        newer["extra"] = new JsonObject { ["on"] = true };

        var changes = TemplateDiff.Between(older.ToJsonString(), newer.ToJsonString());

        var allowance = older["items"]!.AsArray().Single(i => i!["key"]!.GetValue<string>() == Allowance)!.ToJsonString();
        changes.ShouldBe(
        [
            new TemplateChange("name", "changed", $"\"{Escaped("新生儿出生一件事")}\"", $"\"{Escaped("新生儿一件事")}\""),
            new TemplateChange("committedDays", "changed", older["committedDays"]!.ToJsonString(), "12"),
            new TemplateChange($"items[{Hukou}].name", "changed", older["items"]!.AsArray().Single(i => i!["key"]!.GetValue<string>() == Hukou)!["name"]!.ToJsonString(), $"\"{Escaped("户口登记（新）")}\""),
            new TemplateChange($"items[{Allowance}]", "removed", allowance, null),
            new TemplateChange("items[bonus]", "added", null, $"{{\"key\":\"bonus\",\"name\":\"{Escaped("奖励")}\"}}"),
            new TemplateChange("tags", "changed", "[\"a\",\"b\"]", "[\"b\",\"a\"]"),
            new TemplateChange("extra", "added", null, "{\"on\":true}"),
        ]);
    }

    [Fact]
    public void Between_AKeyedListInsideAKeyedElement_IsComparedByKeyAtEveryLevel()
    {
        const string older = """{"items":[{"key":"a","fields":[{"key":"x","max":1},{"key":"y","max":2}]},{"key":"b"}]}""";
        const string newer = """{"items":[{"key":"b"},{"key":"a","fields":[{"key":"y","max":3},{"key":"x","max":1}]}],"notes":[]}""";

        TemplateDiff.Between(older, newer).ShouldBe(
        [
            new TemplateChange("items[a].fields[y].max", "changed", "2", "3"),
            new TemplateChange("notes", "added", null, "[]"),
        ]);
    }

    // JsonNode.ToJsonString escapes what is not ASCII, and the diff has always answered that way.
    static string Escaped(string text) => string.Concat(text.Select(c => c < 128 ? c.ToString() : $"\\u{(int)c:X4}"));
}
