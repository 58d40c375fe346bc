using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Functions.Triggers;
using Workflows.Tasks;

namespace Workflows.Tests.Functions;

/// <summary>
/// Polling in the Functions app, through the real trigger on the emulator's storage: the officer's task list answers an
/// ETag, the same read with If-None-Match naming it is 304 without a body, and after a new task it is 200 with a new ETag,
/// as on the local server (PollingHttpTests).
/// </summary>
public sealed class PollingTriggerTests : IAsyncLifetime
{
    const string SigningKey = "functions-polling-tests-signing-key-0123456789ab";
    static readonly TokenMinter Tokens = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);
    static readonly DateTime Day = new(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc);

    FunctionsAppOnAzurite? app;

    public async Task InitializeAsync() => app = await FunctionsAppOnAzurite.StartAsync("polling", SigningKey);

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task TaskList_SameETag_304_ThenANewTask_200WithANewETag()
    {
        var department = $"poll-{Guid.NewGuid():N}"[..16];
        var tasks = app!.Services.GetRequiredService<TaskStore>();
        await tasks.CreateAsync(Task(department, "t1"));
        var officer = Tokens.Mint($"officer-{department}", "officer", CallerRole.Officer, department: department);

        var first = await ListAsync(officer, null);
        first.Status.ShouldBe(StatusCodes.Status200OK, first.Body);
        var etag = first.Headers.ETag.ToString();
        etag.ShouldStartWith("\"");

        var again = await ListAsync(officer, etag);
        again.Status.ShouldBe(StatusCodes.Status304NotModified);
        again.Body.ShouldBeEmpty();
        again.Headers.ETag.ToString().ShouldBe(etag);

        await tasks.CreateAsync(Task(department, "t2"));
        var changed = await ListAsync(officer, etag);
        changed.Status.ShouldBe(StatusCodes.Status200OK);
        changed.Headers.ETag.ToString().ShouldNotBe(etag);
        changed.Body.ShouldContain($"{department}-t2");

        // The same ETag as the local server would give the same body: one hash, both hosts.
        etag.ShouldBe(ConditionalGet.TagOf(Encoding.UTF8.GetBytes(first.Body)));
    }

    async Task<(int Status, string Body, IHeaderDictionary Headers)> ListAsync(string token, string? ifNoneMatch)
    {
        var answer = await app!.InvokeAsync(token, (request, client, context) => ApiTriggers.ApiListTasks(request, client, context), request =>
        {
            if (ifNoneMatch is not null)
            {
                request.Headers.IfNoneMatch = ifNoneMatch;
            }
        });
        return (answer.Status, answer.Text, answer.Headers);
    }

    static TaskRecord Task(string department, string id) =>
        new(department, $"{department}-{id}", TaskKind.Decision, $"{department}-app", "item", "出生医学证明", "newborn", "citizen-poll", "王芳",
            OfficerTaskStatus.Open, Day, Day.AddDays(3));
}
