using System.Text;
using Microsoft.AspNetCore.Http;
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
using Workflows.Tasks;
using Workflows.Testing;

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

    Azurite? azurite;
    ServiceProvider? provider;

    public async Task InitializeAsync()
    {
        azurite = await Azurite.StartOrShareAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = TaskHubNames.New("polling"),
            ["Auth:SigningKey"] = SigningKey,
        };
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflowsFunctionsApp(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        provider = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (provider is not null)
        {
            await provider.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task TaskList_SameETag_304_ThenANewTask_200WithANewETag()
    {
        var department = $"poll-{Guid.NewGuid():N}"[..16];
        var tasks = provider!.GetRequiredService<TaskStore>();
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
        // Never reached: a list needs no engine.
        await using var client = new GrpcDurableTaskClient("test", new GrpcDurableTaskClientOptions { Address = "http://localhost:1" }, NullLogger.Instance);
        var http = new DefaultHttpContext { RequestServices = provider! };
        http.Request.Method = "GET";
        http.Request.Headers.Authorization = $"Bearer {token}";
        if (ifNoneMatch is not null)
        {
            http.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        http.Response.Body = new MemoryStream();
        var result = await ApiTriggers.ApiListTasks(http.Request, client, new TestInvocationContext(provider!));
        await ((ResultActionResult)result).Result.ExecuteAsync(http);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()), http.Response.Headers);
    }

    static TaskRecord Task(string department, string id) =>
        new(department, $"{department}-{id}", TaskKind.Decision, $"{department}-app", "item", "出生医学证明", "newborn", "citizen-poll", "王芳",
            OfficerTaskStatus.Open, Day, Day.AddDays(3));
}
