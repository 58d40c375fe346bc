using Workflows.Testing;

namespace Workflows.Tests.Api;

/// <summary>
/// Guards the rule that every text a problem says is given in Chinese and English: no call in the product's source
/// makes a located error, a conflict, a 412 or a problem with one literal text alone (which would reach a Chinese
/// reader in English). Texts computed elsewhere (an exception's message, a caller's words) are not literals and pass.
/// </summary>
public sealed class OneLanguageSourceTests
{
    // The call, and the argument (0-based) that must not be a literal with the call's argument count.
    static readonly (string Call, int Arguments, int Literal)[] Rules =
    [
        ("new ApiError(", 3, 2),
        ("new ApiError(", 4, 2), // with departments: the message is still the third
        ("ApiProblems.Conflict(", 2, 1),
        ("ApiProblems.Changed(", 1, 0),
        ("ApiProblems.Problem(", 5, 3),
    ];

    static readonly string[] ProductFolders = ["workflows", "functions"];

    [Fact]
    public void ProductSource_NoProblemOrErrorSaysALiteralInOneLanguageOnly()
    {
        var found = new List<string>();
        foreach (var file in ProductFolders.SelectMany(d => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, d), "*.cs", SearchOption.AllDirectories))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (var (call, count, literal) in Rules)
            {
                for (var at = text.IndexOf(call, StringComparison.Ordinal); at >= 0; at = text.IndexOf(call, at + 1, StringComparison.Ordinal))
                {
                    var arguments = Arguments(text, at + call.Length - 1);
                    if (arguments.Count == count && IsLiteral(arguments[literal]) && !(call == "new ApiError(" && count == 4 && IsLiteral(arguments[3])))
                    {
                        found.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{text[..at].Count(c => c == '\n') + 1}: {arguments[literal]}");
                    }

                    // An exception's or a problem's one message (System.Text.Json's, ours in English) is one language too.
                    if (arguments.Count == count && arguments[literal].EndsWith(".Message", StringComparison.Ordinal))
                    {
                        found.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{text[..at].Count(c => c == '\n') + 1}: {arguments[literal]}");
                    }
                }
            }
        }

        found.ShouldBeEmpty("each of these says one language only; give the Chinese and the English text");
    }

    // The audit detail the engine writes: the call, its argument count and the detail's place (the English follows it).
    static readonly (string Call, int Arguments, int Detail)[] AuditRules =
    [
        ("new AuditEntry(", 8, 7),
        (" Audit(", 5, 4),
        (" Entry(", 5, 4),
    ];

    [Fact]
    public void ProductSource_NoAuditDetailIsEnglishProseAlone()
    {
        var found = new List<string>();
        foreach (var file in ProductFolders.SelectMany(d => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, d), "*.cs", SearchOption.AllDirectories))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (var (call, count, detail) in AuditRules)
            {
                for (var at = text.IndexOf(call, StringComparison.Ordinal); at >= 0; at = text.IndexOf(call, at + 1, StringComparison.Ordinal))
                {
                    var arguments = Arguments(text, at + call.Length - 1);
                    // Only the detail given without its English: words in a literal (not data such as ids and times) are prose.
                    if (arguments.Count == count && IsLiteral(arguments[detail]) && EnglishProse(arguments[detail]))
                    {
                        found.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{text[..at].Count(c => c == '\n') + 1}: {arguments[detail]}");
                    }
                }
            }
        }

        found.ShouldBeEmpty("an audit detail the engine writes is stored in Chinese with its English beside it (ADR 0016)");
    }

    [Theory]
    [InlineData("$\"due {due:o}\"", true)]
    [InlineData("$\"{supplied.Material} is not awaited\"", true)]
    [InlineData("$\"v{calendar.Version} {calendar.Name} sha256 {hash}\"", false)]
    [InlineData("$\"截止 {due:o}\"", false)]
    public void EnglishProse_WordsOutsideTheHoles_AreProse(string literal, bool prose) => EnglishProse(literal).ShouldBe(prose);

    // Two letters or more outside interpolation holes, and no Chinese: English words.
    static bool EnglishProse(string literal)
    {
        var plain = System.Text.RegularExpressions.Regex.Replace(literal, @"\{[^{}]*\}", " ");
        return !plain.Any(c => c is >= '\u4e00' and <= '\u9fff')
            && System.Text.RegularExpressions.Regex.Matches(plain, @"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])").Any(m => m.Value != "sha256");
    }

    [Fact]
    public void Arguments_StringsWithCommasAndNestedCalls_SplitAtTopLevelOnly()
    {
        const string code = """new ApiError("a, b", $"{string.Join(", ", x)}", f(1, 2)) + rest""";

        Arguments(code, code.IndexOf('(', StringComparison.Ordinal)).ShouldBe(["\"a, b\"", "$\"{string.Join(\", \", x)}\"", "f(1, 2)"]);
    }

    static bool IsLiteral(string argument) => argument.StartsWith('"') || argument.StartsWith("$\"", StringComparison.Ordinal);

    // The top-level arguments of the call whose "(" is at open; strings (with interpolation holes) skipped whole.
    static List<string> Arguments(string text, int open)
    {
        var arguments = new List<string>();
        var depth = 0;
        var start = open + 1;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i = SkipString(text, i);
                continue;
            }

            if (c == '\'')
            {
                i = text.IndexOf('\'', i + (text[i + 1] == '\\' ? 3 : 2));
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (--depth == 0)
                {
                    arguments.Add(text[start..i].Trim());
                    return arguments;
                }
            }
            else if (c == ',' && depth == 1)
            {
                arguments.Add(text[start..i].Trim());
                start = i + 1;
            }
        }

        return arguments;
    }

    // From the opening quote to the closing one; inside an interpolated string, holes may hold strings of their own.
    static int SkipString(string text, int quote)
    {
        var interpolated = quote > 0 && text[quote - 1] == '$';
        for (var i = quote + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '"':
                    return i;
                case '{' when interpolated && text[i + 1] == '{':
                    i++;
                    break;
                case '{' when interpolated:
                    var depth = 1;
                    for (i++; depth > 0; i++)
                    {
                        if (text[i] == '"')
                        {
                            i = SkipString(text, i);
                        }
                        else if (text[i] == '{')
                        {
                            depth++;
                        }
                        else if (text[i] == '}')
                        {
                            depth--;
                        }
                    }

                    i--;
                    break;
            }
        }

        return text.Length;
    }
}
