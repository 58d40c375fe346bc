using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Api;
using Workflows.Testing;

namespace Workflows.Tests.Api;

/// <summary>
/// Every problem <c>code</c> the code base can answer is <c>area.rule</c> lowerCamel (ADR 0016), and the <c>type</c> URN
/// repeats it. The codes are literals at their producers, so besides the generic ones (<see cref="ProblemCodes"/>) the
/// sources of both hosts are read for every literal passed as a problem's code.
/// </summary>
public sealed partial class ProblemCodeTests
{
    [GeneratedRegex(@"^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$")]
    private static partial Regex Shape();

    // The producers' shapes: Conflict("code", …), Refused("code", …), Problem(StatusCodes.X, "code", …) and a
    // conditional code (ex.Open ? "a" : "b") in their first argument.
    [GeneratedRegex(@"\b(?:Conflict|Refused)\(\s*(?:[^"",()]*\?\s*)?""(?<code>[^""]+)""(?:\s*:\s*""(?<other>[^""]+)"")?")]
    private static partial Regex CodeFirst();

    [GeneratedRegex(@"\bProblem\(\s*(?:StatusCodes\.\w+|\d{3})\s*,\s*""(?<code>[^""]+)""")]
    private static partial Regex CodeSecond();

    [Fact]
    public void GenericCodes_AreAreaDotRule()
    {
        var codes = ProblemCodes.All;
        codes.Count.ShouldBeGreaterThan(10);
        codes.ShouldAllBe(c => Shape().IsMatch(c));
        codes.Distinct(StringComparer.Ordinal).Count().ShouldBe(codes.Count);
    }

    [Fact]
    public void EveryCodeLiteralInTheSources_IsAreaDotRule()
    {
        var found = new List<(string File, string Code)>();
        foreach (var folder in new[] { "workflows", "functions" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                             && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var text = File.ReadAllText(file);
                foreach (Match m in CodeFirst().Matches(text))
                {
                    found.Add((file, m.Groups["code"].Value));
                    if (m.Groups["other"].Success)
                    {
                        found.Add((file, m.Groups["other"].Value));
                    }
                }

                found.AddRange(CodeSecond().Matches(text).Select(m => (file, m.Groups["code"].Value)));
            }
        }

        // The scan sees the producers (a scan that saw nothing would pass anything).
        found.Count.ShouldBeGreaterThan(40);
        found.Where(f => !Shape().IsMatch(f.Code)).Select(f => $"{Path.GetFileName(f.File)}: {f.Code}").ShouldBeEmpty();
    }

    [Fact]
    public void EveryApiProblemsFactory_AnswersItsCodeInTheTypeToo()
    {
        var problems = new[]
        {
            ApiProblems.Invalid(new ApiError("answers.babyName", "field.required", "Give an answer.")),
            ApiProblems.Unauthenticated(),
            ApiProblems.Forbidden(),
            ApiProblems.NotFound("application"),
            ApiProblems.Changed("Read it again."),
            ApiProblems.NeedsIfMatch(),
            ApiProblems.TooLarge(1024),
            ApiProblems.UnsupportedMediaType("application/json"),
            ApiProblems.IdempotencyConflict(),
            ApiProblems.TooManyRequests(TimeSpan.FromSeconds(30)),
        };

        foreach (var result in problems)
        {
            var details = (result is WithHeader header ? header.Inner : result).ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
            var code = details.Extensions["code"].ShouldBeOfType<string>();
            Shape().IsMatch(code).ShouldBeTrue(code);
            details.Type.ShouldBe(ApiProblems.TypePrefix + code);
            ProblemCodes.All.ShouldContain(code);
        }
    }
}
