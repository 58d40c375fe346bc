using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// A supervisor's escalations (督办): the menu entry only a supervisor sees, the department's tasks past their due time
/// with how long overdue, the overdue notices, and the way to each task, in both languages.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalEscalationsTests(ServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Supervisor_SeesOverdueTasksAndNotices_AndOpensTheTask_APlainOfficerHasNoMenuEntry(bool english)
    {
        var (department, overdue) = await SeedAsync(server);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);

        var officer = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint($"officer-{department}", "officer", CallerRole.Officer, department: department),
            $"officer-{department}", "officer", "officer", department, english);
        await officer.GotoAsync("tasks");
        await Expect(officer.Locator("tr.task-row").First).ToBeVisibleAsync();
        await Expect(officer.Locator("#nav-escalations")).ToHaveCountAsync(0);

        var supervisor = await NewSupervisorPageAsync(browser, server, PortalBrowser.Desktop, department, english);
        await supervisor.GotoAsync("tasks");
        await supervisor.Locator("#nav-escalations").ClickAsync();
        await Expect(supervisor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(english ? "Escalations" : "督办");
        var row = supervisor.Locator("tr.escalated-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("户口登记");
        await Expect(row.Locator("td.overdue")).ToContainTextAsync(english ? "2 d" : "2 天");
        var notice = supervisor.Locator("li.escalation-notice");
        await Expect(notice).ToHaveCountAsync(1);
        await Expect(notice).ToContainTextAsync(english ? "Overdue: 户口登记" : "已超期：户口登记");

        await notice.GetByRole(AriaRole.Link).ClickAsync();
        await supervisor.WaitForURLAsync(url => Uri.UnescapeDataString(new Uri(url).AbsolutePath).EndsWith($"tasks/{overdue}", StringComparison.Ordinal));
    }

    /// <summary>A department of its own with one task past its due time (escalated, with its notice) and one not yet due.</summary>
    internal static async Task<(string Department, string OverdueTaskId)> SeedAsync(ServerFixture server)
    {
        var department = $"esc-{Guid.NewGuid():N}"[..16];
        var now = DateTime.UtcNow;
        var tasks = server.Services.GetRequiredService<TaskStore>();
        var overdue = new TaskRecord(department, $"{department}-late", TaskKind.Decision, $"{department}-app", "household", "户口登记", "newborn", "citizen-esc", "王芳",
            OfficerTaskStatus.Open, now.AddDays(-5), now.AddDays(-2).AddHours(-3), Escalated: true, Reminded: true);
        await tasks.CreateAsync(overdue);
        await tasks.CreateAsync(overdue with { TaskId = $"{department}-fresh", ApplicationId = $"{department}-app2", ItemName = "出生医学证明", DueAt = now.AddDays(3), Escalated = false, Reminded = false });
        await server.Services.GetRequiredService<NotificationOutbox>().AddAsync(
        [
            Notification.Of($"{overdue.TaskId}:escalated", RecipientKind.Supervisor, department, NotificationTopics.Escalation,
                new LocalText("已超期：户口登记", "Overdue: 户口登记"), new LocalText("申请已超过到期时间。", "The application passed its due time."), overdue.DueAt,
                overdue.ApplicationId, overdue.ItemKey),
        ]);
        return (department, overdue.TaskId);
    }

    /// <summary>A page signed in as a supervisor of the department (the session the sign-in page keeps for supervisor-DEPARTMENT).</summary>
    internal static async Task<IPage> NewSupervisorPageAsync(PortalBrowser browser, ServerFixture server, ViewportSize viewport, string department, bool english)
    {
        var id = $"supervisor-{department}";
        var token = server.Tokens.Mint(id, "督办负责人", CallerRole.Officer, department: department, supervisor: true);
        var page = await browser.NewPageAsync(viewport, english);
        var session = System.Text.Json.JsonSerializer.Serialize(new
        {
            Id = id, Name = "督办负责人", Role = "officer", Department = department, Supervisor = true, Assist = false, Token = token,
            ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
        });
        await page.Context.AddInitScriptAsync($"sessionStorage.setItem('workflows.session', {System.Text.Json.JsonSerializer.Serialize(session)})");
        return page;
    }
}
