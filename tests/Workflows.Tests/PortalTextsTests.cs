using System.Text.RegularExpressions;
using System.Xml.Linq;
using Workflows.Testing;

namespace Workflows.Tests;

/// <summary>The portal's texts: every one in Chinese (the default) and in English, and the English free of Chinese.</summary>
public sealed partial class PortalTextsTests
{
    static readonly string Resources = Path.Combine(RepoPaths.Root, "portal", "Workflows.Portal.Shell", "Resources");

    [Fact]
    public void EveryText_IsInBothLanguages_AndTheEnglishHasNoChinese()
    {
        var zh = Read("Texts.resx");
        var en = Read("Texts.en.resx");

        zh.Keys.Except(en.Keys).ShouldBeEmpty("texts with no English");
        en.Keys.Except(zh.Keys).ShouldBeEmpty("English texts with no Chinese");
        zh.Where(t => string.IsNullOrWhiteSpace(t.Value)).ShouldBeEmpty();
        // The language switch names the other language in its own script, and terms of art keep their Chinese beside the English.
        en.Where(t => t.Key != "OtherLanguage" && Chinese().IsMatch(Regex.Replace(t.Value, @"\(\S*?\)|（\S*?）", string.Empty)))
            .Select(t => t.Key).ShouldBeEmpty("English texts with Chinese outside brackets");
    }

    static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Resources, file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? string.Empty, StringComparer.Ordinal);

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Chinese();
}
