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
/// The Functions app's edge applies the route table's rate limits per user, as the local server does: the real trigger
/// called one more time than the limit by one user answers 429 <c>rate.limited</c> with Retry-After, while another user
/// is not limited. Storage is a closed port, so the calls that pass the edge end in the handler (400, 415 or 503).
/// </summary>
public sealed class FunctionsRateLimitTests
{
    const string SigningKey = "functions-rate-limit-tests-signing-key-012345";
    const int Limit = 3;

    static readonly TokenMinter Tokens = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);

    [Theory]
    [InlineData("SubmitApplication", "RateLimits:SubmitsPerMinute")]
    [InlineData("UploadMaterial", "RateLimits:UploadsPerMinute")]
    public async Task OneUser_OverTheLimit_Gets429WithRetryAfter_AnotherUserDoesNot(string operationId, string setting)
    {
        var operation = ApiRoutes.Operations.Single(o => o.OperationId == operationId);
        operation.RateLimit.ShouldNotBeNull();
        var wang = Tokens.Mint("citizen-wang", "王芳", CallerRole.Applicant, ApplicantKind.Citizen);
        var li = Tokens.Mint("citizen-li", "李明", CallerRole.Applicant, ApplicantKind.Citizen);
        await using var services = Services(new() { [setting] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        for (var i = 0; i < Limit; i++)
        {
            var (status, _, body) = await CallAsync(services, operation, wang);
            status.ShouldNotBe(StatusCodes.Status429TooManyRequests, $"call {i + 1}: {body}");
        }

        var (limited, headers, problem) = await CallAsync(services, operation, wang);
        limited.ShouldBe(StatusCodes.Status429TooManyRequests, problem);
        problem.ShouldContain("\"code\":\"rate.limited\"");
        int.Parse(headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 60);

        var (other, _, otherBody) = await CallAsync(services, operation, li);
        other.ShouldNotBe(StatusCodes.Status429TooManyRequests, otherBody);
    }

    [Fact]
    public async Task ARouteWithoutAPolicy_IsNotLimited()
    {
        var operation = ApiRoutes.Operations.Single(o => o.OperationId == "ListMyApplications");
        operation.RateLimit.ShouldBeNull();
        var wang = Tokens.Mint("citizen-wang", "王芳", CallerRole.Applicant, ApplicantKind.Citizen);
        await using var services = Services(new() { ["RateLimits:SubmitsPerMinute"] = "1", ["RateLimits:UploadsPerMinute"] = "1" });

        for (var i = 0; i < 3; i++)
        {
            var (status, _, body) = await CallAsync(services, operation, wang);
            status.ShouldNotBe(StatusCodes.Status429TooManyRequests, body);
        }
    }

    static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        // Port 1: nothing listens, so a handler that reached storage fails (503), never 429.
        settings["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        settings["Auth:SigningKey"] = SigningKey;
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Critical));
        collection.AddWorkflowsFunctionsApp(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return collection.BuildServiceProvider();
    }

    static async Task<(int Status, IHeaderDictionary Headers, string Body)> CallAsync(ServiceProvider services, ApiOperation operation, string token)
    {
        await using var client = new GrpcDurableTaskClient("test", new GrpcDurableTaskClientOptions { Address = "http://127.0.0.1:1" }, NullLogger.Instance);
        var method = typeof(ApiTriggers).GetMethod(operation.FunctionName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"No trigger {operation.FunctionName}.");
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = operation.Method;
        http.Request.Headers.Authorization = $"Bearer {token}";
        http.Response.Body = new MemoryStream();
        var arguments = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => http.Request,
            var t when t == typeof(DurableTaskClient) => client,
            var t when t == typeof(FunctionContext) => new TestInvocationContext(services),
            var t when t == typeof(string) => (object)"rate-test-1",
            var t => throw new InvalidOperationException($"{method.Name} takes a {t.Name} the test cannot make."),
        }).ToArray();

        var result = await (Task<IActionResult>)method.Invoke(null, arguments)!;
        await ((ResultActionResult)result).Result.ExecuteAsync(http);
        return (http.Response.StatusCode, http.Response.Headers, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}
