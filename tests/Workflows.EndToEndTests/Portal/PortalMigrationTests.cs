using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// The studio's page for moving running applications (issue 17): from a template's versions, the dry run per application
/// in the reader's language first, then the move with a confirmation and a reason.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalMigrationTests(ServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DryRunShownFirst_ThenTheMoveConfirmed_MovesTheApplication(bool english)
    {
        var (key, id, mother) = await MigrationHttpTests.SeedAsync(server);
        using (var api = server.Admin())
        {
            (await MigrationHttpTests.PublishAsync(api, MigrationHttpTests.Newborn(key, i => i with { CommittedDays = i.CommittedDays + 2 }))).ShouldBe(2);
        }

        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await PortalAdminTests.NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync("admin/templates");
        await admin.Locator($"a.migrate-link[href='admin/templates/{key}/migrations']").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(english ? "Move running applications" : "迁移在办申请");

        await admin.Locator("#migration-from").SelectOptionAsync("1");
        await admin.Locator("#migration-to").SelectOptionAsync("2");
        await admin.Locator("#migration-dry-run").ClickAsync();
        var row = admin.Locator($"tr.migration-row[data-application='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-can-move", "true");
        await Expect(row.Locator("td.verdict")).ToHaveTextAsync(english ? "Can move" : "可迁移");
        await Expect(row.Locator("li[data-code='migration.item.due']")).ToContainTextAsync(english ? "moves 2 working day(s) later" : "延后 2 个工作日");

        // Nothing moves before the confirmation; cancelling it leaves the dry run as it was.
        await admin.Locator("#migration-move").ClickAsync();
        await admin.Locator("#migration-cancel").ClickAsync();
        await admin.Locator("#migration-move").ClickAsync();
        await Expect(admin.Locator("#migration-question")).ToContainTextAsync(english ? "from version 1 to version 2" : "从版本 1 迁移到版本 2");
        await admin.Locator("#migration-reason").FillAsync(english ? "The hospital's time limit changed" : "医院时限调整");
        await admin.Locator("#migration-confirm").ClickAsync();

        await Expect(admin.Locator("#migration-sent")).ToBeVisibleAsync();
        await Expect(row.Locator("td.verdict")).ToHaveTextAsync(english ? "Move sent" : "已发出迁移");
        using var citizen = server.Citizen(mother);
        (await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.TemplateVersion == 2, "moved to version 2")).TemplateVersion.ShouldBe(2);
    }
}
