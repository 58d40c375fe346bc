using System.Net;
using Workflows.Api;

namespace Workflows.EndToEndTests;

/// <summary>
/// The running server's OpenAPI document is the route table (every route, method and operationId, with the role's
/// 401/403 and its headers), and the validator every other test's responses go through does refuse what breaks it.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class ApiContractTests(ServerFixture server)
{
    [Fact]
    public void Document_Operations_AreExactlyTheRouteTable()
    {
        var documented = new List<(string Method, string Path, string? OperationId)>();
        foreach (var (path, item) in server.Contract.Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                documented.Add((method.ToUpperInvariant(), path, operation?["operationId"]?.GetValue<string>()));
            }
        }

        var table = ApiRoutes.Operations
            .Select(o => (o.Method, "/api/" + o.Template.Replace(":int", string.Empty, StringComparison.Ordinal), (string?)o.OperationId));
        documented.Order().ShouldBe(table.Order());
    }

    [Fact]
    public void Document_EveryOperation_ListsEveryStatusOfItsTableEntryAndItsHeaders()
    {
        var paths = server.Contract.Document["paths"]!.AsObject();
        foreach (var operation in ApiRoutes.Operations)
        {
            var path = "/api/" + operation.Template.Replace(":int", string.Empty, StringComparison.Ordinal);
            var responses = paths[path]![operation.Method.ToLowerInvariant()]!["responses"]!.AsObject();
            responses.Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).Order()
                .ShouldBe(operation.AllResponses.Select(r => r.Status), operation.OperationId);
            foreach (var response in operation.AllResponses)
            {
                var headers = responses[response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["headers"]?.AsObject().Select(h => h.Key) ?? [];
                headers.ShouldBe(response.Headers, ignoreOrder: true, $"{operation.OperationId} {response.Status}");
            }
        }
    }

    [Fact]
    public void Check_AnUndocumentedStatus_IsAViolation()
        => server.Contract.Check(HttpMethod.Get, new Uri("http://x/api/bundles"), HttpStatusCode.Conflict, "application/problem+json", [], "{}")
            .ShouldNotBeNull().ShouldContain("ListBundles");

    [Fact]
    public void Check_ABodyThatBreaksItsSchema_IsAViolation()
        => server.Contract.Check(HttpMethod.Get, new Uri("http://x/api/bundles"), HttpStatusCode.OK, "application/json", [], """{"not":"a list"}""")
            .ShouldNotBeNull().ShouldContain("does not match");

    [Fact]
    public void Check_AMissingDocumentedHeader_IsAViolation()
        => server.Contract.Check(HttpMethod.Get, new Uri("http://x/api/tasks/task-1"), HttpStatusCode.OK, "application/json", [], "{}")
            .ShouldNotBeNull().ShouldContain("ETag");

    [Fact]
    public async Task AClientOfTheFixture_RefusesAResponseThatBreaksTheDocument()
    {
        // A real server answer the document does not list for this operation: the request reaches 401 (no token)
        // on a route whose document would be wrong if it lacked 401. Here the document is made to lack it.
        var contract = server.Contract;
        var responses = contract.Document["paths"]!["/api/licences"]!["get"]!["responses"]!.AsObject();
        var saved = responses["401"]!.DeepClone();
        responses.Remove("401");
        try
        {
            using var client = server.Anonymous();
            await Should.ThrowAsync<ContractViolationException>(() => client.GetAsync(new Uri("/api/licences", UriKind.Relative)));
        }
        finally
        {
            responses["401"] = saved;
        }
    }
}
