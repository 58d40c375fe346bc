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
        foreach (var route in ApiRoutes.Operations.Where(o => !o.LocalOnly).Select(o => o.Route))
        {
            triggers.Count(t => t.Route == route).ShouldBe(1, $"{route.Method} {route.Template} should have exactly one Functions HTTP trigger");
        }
    }

    [Fact]
    public void HttpTriggers_EveryTrigger_IsAnApiRoute()
        => HttpTriggers().Where(t => !ApiRoutes.All.Contains(t.Route)).Select(t => t.FunctionName)
            .ShouldBeEmpty("these HTTP triggers serve no route of ApiRoutes.All");

    [Fact]
    public void HttpTriggers_EveryTrigger_IsAnonymous()
        => HttpTriggers().Where(t => t.Level != AuthorizationLevel.Anonymous).Select(t => t.FunctionName)
            .ShouldBeEmpty("authentication is the handlers' (ApiGate); a function key would refuse every caller");

    [Fact]
    public void ApiEndpoints_MappedOperations_AreExactlyTheRouteTable()
    {
        // The local server's test-free project is read as source: every endpoint is mapped by its operationId through
        // the one helper that takes its metadata from the table (the end-to-end tier reads the running server's document).
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "workflows", "Workflows.Server", "Api", "ApiEndpoints.cs"));
        var mapped = MapCall().Matches(source).Select(m => m.Groups[1].Value).ToList();
        MapLiteral().IsMatch(source).ShouldBeFalse("ApiEndpoints maps a route outside the table; use Map(operationId, handler)");
        mapped.Order(StringComparer.Ordinal).ShouldBe(ApiRoutes.Operations.Select(o => o.OperationId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ApiRoutes_OperationIds_AreUniqueAndEveryRouteHasARoleRule()
    {
        ApiRoutes.Operations.GroupBy(o => o.OperationId, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)
            .ShouldBeEmpty("an operationId is used twice");
        var known = new[] { ApiAccess.System, ApiAccess.Public, ApiAccess.SignedIn };
        ApiRoutes.Operations.Where(o => !(known.Contains(o.Access) || (o.Access != 0 && (o.Access & ~ApiAccess.SignedIn) == 0)))
            .Select(o => o.OperationId).ShouldBeEmpty("these routes name no role rule (one or more roles, anyone signed in, a signed system, or anyone)");
        ApiRoutes.Operations.Where(o => o.Responses.Count == 0 || !o.AllResponses.Any(r => r.Status is >= 200 and < 300))
            .Select(o => o.OperationId).ShouldBeEmpty("these routes document no success");
    }

    [Fact]
    public void HttpTriggers_EachIsNamedForTheOperationOfItsRoute()
    {
        // The Functions edge looks an entry up by its trigger's name: a trigger named for another route would apply that route's rule.
        foreach (var trigger in HttpTriggers())
        {
            var operation = ApiRoutes.Operations.Single(o => o.Route == trigger.Route);
            trigger.FunctionName.ShouldBe(operation.FunctionName, $"{trigger.Route.Method} {trigger.Route.Template}");
        }
    }

    [Fact]
    public void ForTrigger_AnUnknownTrigger_Throws()
        => Should.Throw<InvalidOperationException>(() => ApiRoutes.ForTrigger("ApiNoSuchRoute"));

    [Fact]
    public void HttpTriggers_LocalOnlyRoutes_HaveNoTrigger()
        => HttpTriggers().Where(t => ApiRoutes.Operations.Any(o => o.LocalOnly && o.Route == t.Route)).Select(t => t.FunctionName)
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

    [GeneratedRegex(@"\.Map\(""(\w+)""")]
    private static partial Regex MapCall();

    [GeneratedRegex(@"\.Map(Get|Post|Put|Delete|Patch)\(")]
    private static partial Regex MapLiteral();
}
