using System.Text;
using Workflows.Api;

namespace Workflows.Tests.Input;

/// <summary>The rule for text people write and others read, and the body scan every JSON request goes through.</summary>
public sealed class PersonTextTests
{
    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\u001b[31mred")]
    [InlineData("a\u0085b")]
    [InlineData("a\u009bb")]
    [InlineData("abc\u202Efed")]
    [InlineData("a\u2066b\u2069")]
    [InlineData("line\nbreak")]
    public void Check_ANameWithAControlBidiOrLoneSurrogate_IsRefusedNamingTheField(string value)
    {
        var error = PersonText.Check("applicant.name", value, TextKind.Name).ShouldNotBeNull();

        error.Field.ShouldBe("applicant.name");
        error.Code.ShouldBe("text.invalidCharacter");
    }

    [Fact]
    public void Check_ALoneSurrogate_IsRefused()
    {
        // Built in code: xUnit would turn a lone surrogate in InlineData into U+FFFD on the way.
        foreach (var value in new[] { "a" + (char)0xD800 + "b", "a" + (char)0xDC00, ((char)0xDBFF).ToString() })
        {
            PersonText.Check("answers.babyName", value, TextKind.Name).ShouldNotBeNull().Code.ShouldBe("text.invalidCharacter");
        }
    }

    [Theory]
    [InlineData("王小明")]
    [InlineData("Zoë O'Brien-Łukasz")]
    [InlineData("emoji 😀 pair")]
    public void Check_OrdinaryNames_Pass(string value) => PersonText.Check("name", value, TextKind.Name).ShouldBeNull();

    [Fact]
    public void Check_AReason_KeepsLineBreaksAndTabs() => PersonText.Check("reason", "first line\r\nsecond\tline", TextKind.Reason).ShouldBeNull();

    [Theory]
    [InlineData(TextKind.Name, PersonText.MaxName)]
    [InlineData(TextKind.Reason, PersonText.MaxReason)]
    [InlineData(TextKind.Output, PersonText.MaxOutput)]
    public void Check_OneOverTheKindsLimit_IsTooLong(TextKind kind, int max)
    {
        PersonText.Check("f", new string('x', max), kind).ShouldBeNull();
        PersonText.Check("f", new string('x', max + 1), kind).ShouldNotBeNull().Code.ShouldBe("text.tooLong");
    }

    [Fact]
    public void ForLog_ReplacesControlsAndCuts()
    {
        PersonText.ForLog("a\u001b[2Jb\u202Ec").ShouldBe("a?[2Jb?c");
        PersonText.ForLog(new string('x', 100)).Length.ShouldBe(64);
    }

    [Theory]
    [InlineData("""{"materials":[null]}""", "materials[0]", "field.null")]
    [InlineData("""{"query":{"applicationIds":["a",null]}}""", "query.applicationIds[1]", "field.null")]
    [InlineData("""{"answers":{"babyName":"\ud800"}}""", "answers.babyName", "text.invalidCharacter")]
    [InlineData("""{"answers":{"babyName":"x\udc00y"}}""", "answers.babyName", "text.invalidCharacter")]
    [InlineData("""{"reason":"a\u0000b"}""", "reason", "text.invalidCharacter")]
    [InlineData("""{"reason":"a\u001b[31m"}""", "reason", "text.invalidCharacter")]
    [InlineData("""{"materials":[{"key":"k","reference":"\u202Eabc"}]}""", "materials[0].reference", "text.invalidCharacter")]
    [InlineData("""{"a\u0000":1}""", "a\u0000", "text.invalidCharacter")]
    public void Unsafe_NullsInListsAndBadText_AreLocated(string json, string field, string code)
    {
        var error = ApiJson.Unsafe(Encoding.UTF8.GetBytes(json)).ShouldNotBeNull();

        error.Code.ShouldBe(code);
        if (code != "text.invalidCharacter" || !field.Contains('\u0000', StringComparison.Ordinal))
        {
            error.Field.ShouldBe(field);
        }
    }

    [Theory]
    [InlineData("""{"templateKey":"newborn","answers":{"babyName":"王小明","n":1.5,"b":true,"x":null},"materials":[{"key":"a"},{"key":"b"}]}""")]
    [InlineData("""{"reason":"line one\nline two","list":[[1,2],[3]],"pair":"😀"}""")]
    [InlineData("[]")]
    public void Unsafe_OrdinaryBodies_PassUntouched(string json) => ApiJson.Unsafe(Encoding.UTF8.GetBytes(json)).ShouldBeNull();
}
