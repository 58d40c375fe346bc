using Workflows.ApiClient;
using Workflows.Portal.Admin.Designer;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// The designer's pure parts (issue 17): where an item stands on the graph, and on which node, field or material each
/// of the validator's problems is shown. No browser: these are the rules the Playwright journey relies on.
/// </summary>
public sealed class DesignerLogicTests
{
    static (string, IReadOnlyList<string>) Item(string key, params string[] dependsOn) => (key, dependsOn);

    [Fact]
    public void Layout_ColumnIsTheLongestPathFromAStart_ParallelBranchesShareAColumnInTemplateOrder()
    {
        var placed = GraphLayout.Place([
            Item("birth"), Item("vaccination"), Item("household", "birth"), Item("insurance", "household"), Item("card", "household"),
            Item("late", "birth", "insurance"),
        ]);

        placed["birth"].ShouldBe((0, 0));
        placed["vaccination"].ShouldBe((0, 1));
        placed["household"].ShouldBe((1, 0));
        placed["insurance"].ShouldBe((2, 0));
        placed["card"].ShouldBe((2, 1));
        placed["late"].ShouldBe((3, 0), "the longest path decides, not the shortest");
    }

    [Fact]
    public void Layout_ACycleOrAnUnknownOrSelfPrerequisite_StillPlacesEveryItemOnce()
    {
        var placed = GraphLayout.Place([Item("a", "b"), Item("b", "a"), Item("c", "c", "missing"), Item("a", "c")]);

        placed.Keys.ShouldBe(["a", "b", "c"], ignoreOrder: true);
        // The cycle is cut where it closes: b, reached from a, counts a as absent; a second "a" is the template's duplicate.
        placed["b"].ShouldBe((0, 0));
        placed["a"].ShouldBe((1, 0));
        placed["c"].ShouldBe((0, 1), "its own key and an unknown key are not prerequisites");
        placed.Values.Distinct().Count().ShouldBe(3, "no two items on one spot");
    }

    [Fact]
    public void Problems_ByKeyOrByIndex_LandOnTheirItemFieldOrMaterial_AndTheRestOnTheTemplate()
    {
        var map = new ProblemMap(
            [
                Problem("$.items[item-6].department", "不在目录中"),
                Problem("items[1].dependsOn[0]", "依赖不存在"),
                Problem("fields[babyName].max", "太小"),
                Problem("materials[0]", "无人需要"),
                Problem("$.items[ghost].department", "找不到"),
                Problem("items[9].name", "越界"),
                Problem("$.name", "必填"),
            ],
            ["birth-certificate", "household-registration", "item-6"], ["babyName"], ["babyPhoto"]);

        map.Count.ShouldBe(7);
        map.Of("items", "item-6", "department").ShouldBe(["不在目录中"]);
        map.Of("items", "household-registration", "dependsOn").ShouldBe(["依赖不存在"]);
        map.Of("items", "household-registration").ShouldBe(["依赖不存在"]);
        map.Of("items", "item-6", "dependsOn").ShouldBeEmpty();
        map.Of("fields", "babyName", "max").ShouldBe(["太小"]);
        map.Of("materials", "babyPhoto").ShouldBe(["无人需要"]);
        map.OfExcept("items", "household-registration", ["dependsOn"]).ShouldBeEmpty();
        map.OfExcept("items", "item-6", ["name"]).ShouldBe(["不在目录中"]);
        map.General.Select(g => g.Message).ShouldBe(["找不到", "越界", "必填"], "an unknown key or an index past the end belongs to the template");
    }

    [Fact]
    public void Problems_AtAProperty_IncludeThoseBelowItButNotAPropertyThatOnlyStartsTheSame()
    {
        var map = new ProblemMap([Problem("items[0].outputs[1].key", "重复"), Problem("items[0].outputsExtra", "未知")], ["a"], [], []);

        map.Of("items", "a", "outputs").ShouldBe(["重复"]);
    }

    static TemplateProblem Problem(string path, string message) => new() { Code = "test", Path = path, Message = message };
}
