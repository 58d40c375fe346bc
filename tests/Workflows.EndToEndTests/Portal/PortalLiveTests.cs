using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Tasks;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// Issue 16's "live enough": an officer's open task list shows a new task within seconds without a reload, and its polls
/// ask with the last ETag, so an unchanged list is a 304 the page leaves alone.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalLiveTests(ServerFixture server)
{
    static readonly DateTime Day = new(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task OpenTaskList_ANewTaskShowsWithinSeconds_WithoutAReload_AndUnchangedPollsAre304()
    {
        // A department of its own: only this test's tasks are in its list.
        var department = $"live-{Guid.NewGuid():N}"[..16];
        var tasks = server.Services.GetRequiredService<TaskStore>();
        await tasks.CreateAsync(Task(department, "first", "出生医学证明"));
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint($"officer-{department}", "officer", CallerRole.Officer, department: department),
            $"officer-{department}", "officer", "officer", department);
        var polls = new List<(int Status, string? IfNoneMatch)>();
        page.Response += (_, response) =>
        {
            if (response.Request.Method == "GET" && new Uri(response.Url).AbsolutePath == "/api/tasks")
            {
                lock (polls)
                {
                    polls.Add((response.Status, response.Request.Headers.GetValueOrDefault("if-none-match")));
                }
            }
        };
        await page.GotoAsync("tasks");
        await Expect(page.Locator("tr.task-row")).ToHaveCountAsync(1);
        var loaded = DateTime.UtcNow;

        // Nothing changed: the next poll (every 5 s) names the ETag and is answered 304; the row stays as it was.
        await WaitAsync(() => { lock (polls) { return polls.Exists(p => p.Status == 304 && p.IfNoneMatch is not null); } }, TimeSpan.FromSeconds(15));
        await Expect(page.Locator("tr.task-row")).ToHaveCountAsync(1);
        // A 304 is "unchanged" to the page, never a problem to show.
        await Expect(page.Locator(".notice[role=alert]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

        await tasks.CreateAsync(Task(department, "second", "户口登记"));
        var added = DateTime.UtcNow;
        await Expect(page.Locator("tr.task-row", new() { HasText = "户口登记" })).ToBeVisibleAsync(new() { Timeout = 12_000 });
        (DateTime.UtcNow - added).ShouldBeLessThan(TimeSpan.FromSeconds(12));
        await Expect(page.Locator("tr.task-row")).ToHaveCountAsync(2);
        loaded.ShouldBeLessThan(added);
    }

    static async Task WaitAsync(Func<bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!done())
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "no 304 came back to the page's poll");
            await System.Threading.Tasks.Task.Delay(200);
        }
    }

    static TaskRecord Task(string department, string id, string item) =>
        new(department, $"{department}-{id}", TaskKind.Decision, $"{department}-{id}-app", "item", item, "newborn", "citizen-live", "王芳",
            OfficerTaskStatus.Open, Day, Day.AddDays(30));
}
