using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Workflows.Applications;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// The studio's bulk actions page (issue 17): a cancellation by query previewed first (what it would touch, nothing
/// changed), scanned by axe-core, then applied to exactly the previewed applications, from the keyboard.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalBulkTests(ServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PreviewShownFirst_ThenApplied_CancelsTheMatchingApplication(bool english)
    {
        var (key, id, mother) = await MigrationHttpTests.SeedAsync(server);
        using var citizen = server.Citizen(mother);

        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await PortalAdminTests.NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync("notifications");
        await admin.Locator("#nav-admin-bulk").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(english ? "Bulk actions" : "批量操作");

        // Every input is found by its label.
        await admin.GetByLabel(english ? "Template" : "模板", new() { Exact = true }).SelectOptionAsync(key);
        await Expect(admin.Locator("#b-status")).ToHaveValueAsync("InProgress");
        await admin.Locator("#b-action").SelectOptionAsync("cancel");
        await admin.Locator("#b-reason").FillAsync(english ? "The template is retired" : "模板停用");
        await admin.Locator("#b-preview").ClickAsync();

        var row = admin.Locator($"tr.bulk-row[data-application='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-outcome", "wouldDo");
        await Expect(row.Locator("td.outcome")).ToHaveTextAsync(english ? "Would do" : "将执行");
        await Expect(row.Locator("li[data-item='birth-certificate']")).ToContainTextAsync("hospital");
        await Expect(admin.Locator("tr.bulk-row")).ToHaveCountAsync(1);
        await Expect(admin.Locator("#bulk-summary")).ToContainTextAsync(english ? "Nothing has changed yet" : "尚未更改任何内容");
        (await Walkthrough.WaitForApplicationAsync(citizen, id, _ => true, "read")).Status.ShouldBe(ApplicationStatus.InProgress);

        var scan = await admin.RunAxe();
        scan.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Select(n => n.Html))}").ShouldBeEmpty();

        // Applied from the keyboard.
        var apply = admin.Locator("#b-apply");
        await Expect(apply).ToContainTextAsync(english ? "Apply to these 1" : "执行（1 个）");
        await apply.FocusAsync();
        await admin.Keyboard.PressAsync("Enter");
        await Expect(row).ToHaveAttributeAsync("data-outcome", "done");
        await Expect(admin.Locator("#bulk-summary")).ToContainTextAsync(english ? "1 done" : "已执行 1 个");
        await Expect(apply).ToHaveCountAsync(0);
        (await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status == ApplicationStatus.Cancelled, "cancelled")).Status.ShouldBe(ApplicationStatus.Cancelled);
    }
}
