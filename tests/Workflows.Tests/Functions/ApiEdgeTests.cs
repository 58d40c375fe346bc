using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Functions;
using Workflows.Functions.Http;
using Workflows.Functions.Triggers;
using Workflows.Templates;

namespace Workflows.Tests.Functions;

/// <summary>
/// The Functions app's edge, run through every real HTTP trigger: with no caller each answers 401 and with each role its
/// route table entry does not allow 403, before the handler runs. Storage points at a closed port and the Durable Task
/// client at nothing, and no request carries a body: a handler that ran would answer 415, 400, 404 or 503, not this.
/// </summary>
public sealed class ApiEdgeTests
{
    const string SigningKey = "functions-edge-tests-signing-key-0123456789abcd";

    static readonly TokenMinter Tokens = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);

    static readonly Dictionary<ApiAccess, string> RoleTokens = new()
    {
        [ApiAccess.Applicant] = Tokens.Mint("citizen-wang", "王芳", CallerRole.Applicant, ApplicantKind.Citizen),
        [ApiAccess.Officer] = Tokens.Mint("officer-li", "李警官", CallerRole.Officer, department: "public-security", supervisor: true, assist: true),
        [ApiAccess.Administrator] = Tokens.Mint("admin-zhao", "赵管理", CallerRole.Administrator),
    };

    /// <summary>Every operation of the table with its trigger that asks who calls (not the public ones).</summary>
    public static TheoryData<string> Operations()
    {
        var data = new TheoryData<string>();
        foreach (var operation in ApiRoutes.Operations.Where(o => !o.LocalOnly && o.Access != ApiAccess.Public))
        {
            data.Add(operation.OperationId);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Trigger_WithoutACaller_Is401BeforeTheHandler(string operationId)
    {
        var operation = ApiRoutes.Operations.Single(o => o.OperationId == operationId);

        var (status, body) = await CallAsync(operation, token: null);

        status.ShouldBe(StatusCodes.Status401Unauthorized, body);
        if (operation.Access != ApiAccess.System)
        {
            body.ShouldContain("\"code\":\"auth.required\"");
        }
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Trigger_WithEachRoleTheTableDoesNotAllow_Is403BeforeTheHandler(string operationId)
    {
        var operation = ApiRoutes.Operations.Single(o => o.OperationId == operationId);
        var wrong = RoleTokens.Where(r => operation.Access != ApiAccess.System && !operation.Access.HasFlag(r.Key)).ToList();

        foreach (var (role, token) in wrong)
        {
            var (status, body) = await CallAsync(operation, token);

            status.ShouldBe(StatusCodes.Status403Forbidden, $"{role}: {body}");
            body.ShouldContain("\"code\":\"auth.forbidden\"");
        }
    }

    [Fact]
    public async Task Trigger_PublicCertificateCheck_NeedsNoCaller()
    {
        // Public: no caller is asked for, so the handler runs and answers for the code (not one it issued: 404, not 401).
        var operation = ApiRoutes.Operations.Single(o => o.OperationId == "CheckCertificate");

        var (status, body) = await CallAsync(operation, token: null);

        status.ShouldBe(StatusCodes.Status404NotFound, body);
        body.ShouldContain("resource.notFound");
    }

    [Fact]
    public async Task Trigger_WithAnAllowedRole_ReachesTheHandler()
    {
        // The control: the same call with the right role gets past the edge (the handler then cannot reach storage).
        var operation = ApiRoutes.Operations.Single(o => o.OperationId == "ListMyApplications");

        var (status, _) = await CallAsync(operation, RoleTokens[ApiAccess.Applicant]);

        status.ShouldNotBe(StatusCodes.Status401Unauthorized);
        status.ShouldNotBe(StatusCodes.Status403Forbidden);
    }

    static async Task<(int Status, string Body)> CallAsync(ApiOperation operation, string? token)
    {
        var settings = new Dictionary<string, string?>
        {
            // Port 1: nothing listens, so a handler that reached storage would fail (503), never 401 or 403.
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;",
            ["Auth:SigningKey"] = SigningKey,
        };
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Critical));
        collection.AddWorkflowsFunctionsApp(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var services = collection.BuildServiceProvider();
        await using var client = new GrpcDurableTaskClient("test", new GrpcDurableTaskClientOptions { Address = "http://127.0.0.1:1" }, NullLogger.Instance);
        var method = typeof(ApiTriggers).GetMethod(operation.FunctionName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"No trigger {operation.FunctionName} serves {operation.Method} {operation.Template}.");
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = operation.Method;
        http.Response.Body = new MemoryStream();
        if (token is not null)
        {
            http.Request.Headers.Authorization = $"Bearer {token}";
        }

        var arguments = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => http.Request,
            var t when t == typeof(DurableTaskClient) => client,
            var t when t == typeof(FunctionContext) => new TestInvocationContext(services),
            var t when t == typeof(int) => 1,
            var t when t == typeof(string) => (object)"edge-test-1",
            var t => throw new InvalidOperationException($"{method.Name} takes a {t.Name} the test cannot make."),
        }).ToArray();

        var result = await (Task<IActionResult>)method.Invoke(null, arguments)!;
        await ((ResultActionResult)result).Result.ExecuteAsync(http);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}
