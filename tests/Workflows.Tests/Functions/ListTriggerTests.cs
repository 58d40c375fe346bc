using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
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
/// The lists in the Functions app pass the request's query to the shared handlers: a bad page size, filter or
/// continuation is the handler's 400 naming the parameter, answered before storage is reached.
/// </summary>
public sealed class ListTriggerTests
{
    const string SigningKey = "functions-list-tests-signing-key-0123456789abcdef";
    static readonly TokenMinter Tokens = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);

    static string Citizen => Tokens.Mint("citizen-wang", "王芳", CallerRole.Applicant, ApplicantKind.Citizen);

    static string Officer => Tokens.Mint("officer-hospital", "officer", CallerRole.Officer, department: "hospital");

    static string Admin => Tokens.Mint("admin", "admin", CallerRole.Administrator);

    public static TheoryData<string, string, string> BadQueries() => new()
    {
        { "applications", "?sort=name", "query:sort" },
        { "applications", "?pageSize=0", "query:pageSize" },
        { "licences", "?continuation=x", "query:continuation" },
        { "notifications", "?unread=maybe", "query:unread" },
        { "consents", "?pageSize=1000", "query:pageSize" },
        { "tasks", "?continuation=not-ours", "query:continuation" },
        { "audit", "?subject=a&from=yesterday", "query:from" },
        { "search", "?applicantName=" + new string('王', 101), "query:applicantName" },
        { "cases", "?continuation=x", "query:continuation" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task ListTrigger_BadQuery_TheHandlers400NamingIt(string list, string query, string field)
    {
        var (status, body) = list switch
        {
            "applications" => await CallAsync(Citizen, query, (r, c, x) => ApiTriggers.ApiListMyApplications(r, c, x)),
            "licences" => await CallAsync(Citizen, query, (r, c, x) => ApiTriggers.ApiListMyLicences(r, c, x)),
            "notifications" => await CallAsync(Citizen, query, (r, _, x) => ApiTriggers.ApiListMyNotifications(r, x)),
            "consents" => await CallAsync(Citizen, query, (r, c, x) => ApiTriggers.ApiListMyConsents(r, c, x)),
            "tasks" => await CallAsync(Officer, query, (r, c, x) => ApiTriggers.ApiListTasks(r, c, x)),
            "audit" => await CallAsync(Admin, query, (r, c, x) => ApiTriggers.ApiReadAudit(r, c, x)),
            "search" => await CallAsync(Admin, query, (r, c, x) => ApiTriggers.ApiSearchApplications(r, c, x)),
            _ => await CallAsync(Admin, query, (r, c, x) => ApiTriggers.ApiListCases(r, c, x)),
        };

        status.ShouldBe(StatusCodes.Status400BadRequest, body);
        body.ShouldContain($"\"field\":\"{field}\"");
    }

    static async Task<(int Status, string Body)> CallAsync(
        string token, string query, Func<HttpRequest, GrpcDurableTaskClient, FunctionContext, Task<Microsoft.AspNetCore.Mvc.IActionResult>> trigger)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Auth:SigningKey"] = SigningKey,
        };
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflowsFunctionsApp(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();
        // Never reached: every call here is answered before the engine and storage.
        await using var client = new GrpcDurableTaskClient("test", new GrpcDurableTaskClientOptions { Address = "http://localhost:1" }, NullLogger.Instance);

        var http = new DefaultHttpContext { RequestServices = provider };
        http.Response.Body = new MemoryStream();
        http.Request.Headers.Authorization = $"Bearer {token}";
        http.Request.Method = "GET";
        http.Request.QueryString = new QueryString(query);

        var result = await trigger(http.Request, client, new TestInvocationContext(provider));
        await ((ResultActionResult)result).Result.ExecuteAsync(http);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}
