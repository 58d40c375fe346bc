using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Backlog;
using Workflows.Functions.Triggers;
using Workflows.Templates;

namespace Workflows.Tests.Functions;

/// <summary>
/// The backlog in the Functions app, through the real triggers on the emulator's storage: past the bound a submit is 503
/// engine.backlog with Retry-After before the engine is even asked, and the public health route says why, as on the
/// local server (BacklogHttpTests).
/// </summary>
public sealed class BacklogTriggerTests : IAsyncLifetime
{
    const string SigningKey = "functions-backlog-tests-signing-key-0123456789ab";
    static readonly TokenMinter Tokens = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);

    FunctionsAppOnAzurite? app;

    public async Task InitializeAsync() => app = await FunctionsAppOnAzurite.StartAsync("backlog", SigningKey, new Dictionary<string, string?>
    {
        ["Backlog:MaxPending"] = "1",
        ["Backlog:CountFor"] = "00:00:00",
    });

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Submit_PastTheBound_Is503EngineBacklog_WithRetryAfter_AndTheHealthRouteSaysSo()
    {
        var backlog = app!.Services.GetRequiredService<EngineBacklog>();
        await backlog.MarkAsync("app-waiting-1");
        var health = await CallAsync(null, null, (request, client, context) => ApiTriggers.ApiGetBacklogHealth(request, client, context));
        health.Status.ShouldBe(StatusCodes.Status200OK, health.Body);
        JsonDocument.Parse(health.Body).RootElement.GetProperty("accepting").GetBoolean().ShouldBeTrue();

        await backlog.MarkAsync("app-waiting-2");
        var citizen = Tokens.Mint("citizen-backlog", "王芳", CallerRole.Applicant, ApplicantKind.Citizen);
        var refused = await CallAsync(citizen, """{"templateKey":"newborn","answers":{},"materials":[]}""",
            (request, client, context) => ApiTriggers.ApiSubmitApplication(request, client, context));
        refused.Status.ShouldBe(StatusCodes.Status503ServiceUnavailable, refused.Body);
        refused.ContentType.ShouldStartWith("application/problem+json");
        JsonDocument.Parse(refused.Body).RootElement.GetProperty("code").GetString().ShouldBe("engine.backlog");
        refused.Headers["Retry-After"].ToString().ShouldBe("5");

        health = await CallAsync(null, null, (request, client, context) => ApiTriggers.ApiGetBacklogHealth(request, client, context));
        var reading = JsonDocument.Parse(health.Body).RootElement;
        reading.GetProperty("pending").GetInt32().ShouldBe(2);
        reading.GetProperty("accepting").GetBoolean().ShouldBeFalse();

        // The bundles' first saves take them off: submits are taken again.
        await backlog.RemoveAsync("app-waiting-1");
        await backlog.RemoveAsync("app-waiting-2");
        await backlog.RemoveAsync("app-waiting-2");
        health = await CallAsync(null, null, (request, client, context) => ApiTriggers.ApiGetBacklogHealth(request, client, context));
        JsonDocument.Parse(health.Body).RootElement.GetProperty("pending").GetInt32().ShouldBe(0);
    }

    async Task<(int Status, string Body, string ContentType, IHeaderDictionary Headers)> CallAsync(
        string? token, string? json, Func<HttpRequest, GrpcDurableTaskClient, FunctionContext, Task<Microsoft.AspNetCore.Mvc.IActionResult>> trigger)
    {
        // The client is never reached while the backlog refuses: the gate comes before the engine is asked.
        var answer = await app!.InvokeAsync(token, trigger, request =>
        {
            if (json is not null)
            {
                request.Method = "POST";
                request.ContentType = "application/json";
                request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
            }
        });
        return (answer.Status, answer.Text, answer.ContentType, answer.Headers);
    }
}
