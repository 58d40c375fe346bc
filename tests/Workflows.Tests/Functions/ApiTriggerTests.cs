using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Workflows.Api;
using Workflows.Functions.Triggers;

namespace Workflows.Tests.Functions;

/// <summary>
/// The route table is written once (<see cref="ApiRoutes.All"/>): the local server maps exactly it and the Functions
/// app has exactly one anonymous HTTP trigger per entry, with the same method and route.
/// </summary>
public partial class ApiTriggerTests
{
    [Fact]
    public void ApiRoutes_All_IsNonEmptyAndUnique()
    {
        ApiRoutes.All.ShouldNotBeEmpty();
        ApiRoutes.All.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty("a route is listed twice");
    }

    [Fact]
    public void HttpTriggers_EveryApiRoute_HasExactlyOneTrigger()
    {
        var triggers = HttpTriggers();
        foreach (var route in ApiRoutes.All.Concat(ApiRoutes.Browser))
        {
            triggers.Count(t => t.Route == route).ShouldBe(1, $"{route.Method} {route.Template} should have exactly one Functions HTTP trigger");
        }
    }

    [Fact]
    public void HttpTriggers_EveryTrigger_IsAnApiRoute()
        => HttpTriggers().Where(t => !ApiRoutes.All.Contains(t.Route) && !ApiRoutes.Browser.Contains(t.Route)).Select(t => t.FunctionName)
            .ShouldBeEmpty("these HTTP triggers serve no route of ApiRoutes.All");

    [Fact]
    public void HttpTriggers_EveryTrigger_IsAnonymous()
        => HttpTriggers().Where(t => t.Level != AuthorizationLevel.Anonymous).Select(t => t.FunctionName)
            .ShouldBeEmpty("authentication is the handlers' (ApiGate); a function key would refuse every caller");

    [Fact]
    public void ApiEndpoints_MappedRoutes_AreExactlyTheRouteTable()
    {
        // The local server's test-free project is read as source: every Map call names a route of the table.
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "workflows", "Workflows.Server", "Api", "ApiEndpoints.cs"));
        var constants = typeof(ApiRoutes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal);
        var mapped = MapCall().Matches(source)
            .Select(m => new ApiRoute(m.Groups[1].Value.ToUpperInvariant(), constants[m.Groups[2].Value]))
            .ToList();
        MapLiteral().IsMatch(source).ShouldBeFalse("ApiEndpoints maps a literal route; use ApiRoutes");
        mapped.OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
            .ShouldBe(ApiRoutes.All.Concat(ApiRoutes.Browser).Concat(ApiRoutes.LocalOnly)
                .OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal));
    }

    [Fact]
    public void HttpTriggers_LocalOnlyRoutes_HaveNoTrigger()
        => HttpTriggers().Where(t => ApiRoutes.LocalOnly.Contains(t.Route)).Select(t => t.FunctionName)
            .ShouldBeEmpty("demo sign-in is the local server's alone: Azure signs people in with Entra ID");

    private sealed record HttpTriggerInfo(string FunctionName, ApiRoute Route, AuthorizationLevel Level);

    private static List<HttpTriggerInfo> HttpTriggers()
    {
        const BindingFlags AllMethods = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static
            | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var triggers = new List<HttpTriggerInfo>();
        foreach (var method in typeof(ApiTriggers).Assembly.GetTypes().SelectMany(t => t.GetMethods(AllMethods)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            foreach (var trigger in method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>())
            {
                foreach (var verb in trigger.Methods ?? [])
                {
                    triggers.Add(new HttpTriggerInfo(function.Name, new ApiRoute(verb.ToUpperInvariant(), trigger.Route ?? string.Empty), trigger.AuthLevel));
                }
            }
        }

        return triggers;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Workflows.sln not found above the test's directory.");
    }

    [GeneratedRegex(@"\.Map(Get|Post|Put|Delete|Patch)\(ApiRoutes\.(\w+)")]
    private static partial Regex MapCall();

    [GeneratedRegex(@"\.Map(Get|Post|Put|Delete|Patch|Methods)\(""")]
    private static partial Regex MapLiteral();
}
