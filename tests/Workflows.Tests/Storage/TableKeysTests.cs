using Workflows.Storage;

namespace Workflows.Tests.Storage;

public class TableKeysTests
{
    [Theory]
    [InlineData("app-1:birth", "app-1:birth")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("a\\b#c?d", "a%5Cb%23c%3Fd")]
    [InlineData("100%", "100%25")]
    [InlineData("tab\there", "tab%09here")]
    public void Escape_ForbiddenCharacters_AreReplacedReversibly(string raw, string expected)
        => TableKeys.Escape(raw).ShouldBe(expected);

    [Theory]
    [InlineData("a/b#c?d\\e%f")]
    [InlineData("app-1:birth-certificate")]
    public void Unescape_OfEscape_GivesTheValueBack(string raw) => TableKeys.Unescape(TableKeys.Escape(raw)).ShouldBe(raw);

    [Fact]
    public void Escape_DistinctInputs_StayDistinct()
        => TableKeys.Escape("a/b").ShouldNotBe(TableKeys.Escape("a%2Fb"));
}
