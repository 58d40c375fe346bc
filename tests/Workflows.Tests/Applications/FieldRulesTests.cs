using System.Text.Json;
using Workflows.Applications;
using Workflows.Templates;

namespace Workflows.Tests.Applications;

public class FieldRulesTests
{
    static JsonElement J(object value) => JsonSerializer.SerializeToElement(value);

    [Theory]
    [InlineData(FieldType.IdNumber, "11010519491231002x", "11010519491231002X")]
    [InlineData(FieldType.CreditCode, "91350100M000100Y43", "91350100M000100Y43")]
    [InlineData(FieldType.Phone, "13800138000", "13800138000")]
    [InlineData(FieldType.Date, "2026-11-20", "2026-11-20")]
    [InlineData(FieldType.Text, "  王小明 ", "王小明")]
    public void Check_ValidText_IsNormalised(FieldType type, string given, string expected)
    {
        FieldRules.Check(new FieldDefinition("f", "F", type), J(given), out var normalised).ShouldBeNull();
        normalised.ShouldBe(expected);
    }

    [Theory]
    [InlineData(FieldType.IdNumber, "110105194912310021", "identity number")]
    [InlineData(FieldType.IdNumber, "11010519491331002X", "identity number")]
    [InlineData(FieldType.CreditCode, "91350100M000100Y44", "credit code")]
    [InlineData(FieldType.Phone, "23800138000", "mobile phone")]
    [InlineData(FieldType.Date, "2026-13-01", "yyyy-MM-dd")]
    public void Check_InvalidText_SaysWhy(FieldType type, string given, string expected)
        => FieldRules.Check(new FieldDefinition("f", "F", type), J(given), out _)!.ShouldContain(expected);

    [Fact]
    public void Check_Number_RespectsRangeAndNormalises()
    {
        var field = new FieldDefinition("capital", "Capital", FieldType.Number, Min: 1, Max: 1000);
        FieldRules.Check(field, J(12.50m), out var n).ShouldBeNull();
        n.ShouldBe("12.50");
        FieldRules.Check(field, J(7), out n).ShouldBeNull();
        n.ShouldBe("7");
        FieldRules.Check(field, J(0), out _)!.ShouldContain("at least 1");
        FieldRules.Check(field, J(1001), out _)!.ShouldContain("at most 1000");
        FieldRules.Check(field, J("many"), out _)!.ShouldContain("number");
    }

    [Fact]
    public void Check_BooleanAndChoice_AcceptOnlyTheirValues()
    {
        FieldRules.Check(new FieldDefinition("b", "B", FieldType.Boolean), J(true), out var b).ShouldBeNull();
        b.ShouldBe("true");
        FieldRules.Check(new FieldDefinition("b", "B", FieldType.Boolean), J("true"), out _).ShouldNotBeNull();
        var choice = new FieldDefinition("c", "C", FieldType.Choice, Options: ["male", "female"]);
        FieldRules.Check(choice, J("female"), out _).ShouldBeNull();
        FieldRules.Check(choice, J("other"), out _)!.ShouldContain("male, female");
    }

    [Fact]
    public void Check_TextPatternAndLength_AreEnforcedOnTheWholeAnswer()
    {
        var field = new FieldDefinition("plate", "Plate", FieldType.Text, Pattern: "[A-Z]{2}[0-9]{3}", Min: 5, Max: 5);
        FieldRules.Check(field, J("AB123"), out _).ShouldBeNull();
        FieldRules.Check(field, J("xAB123"), out _).ShouldNotBeNull();
        FieldRules.Check(field, J("AB12"), out _)!.ShouldContain("at least 5");
    }
}
