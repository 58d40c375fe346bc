using Microsoft.Playwright;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// Issue 17's simulation in the studio: from a draft's page an administrator simulates it on the applications filed
/// before, reads the counts and each flipped decision with both rationales in their language, and publishes it through
/// the confirmation the changes ask for.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalSimulationTests(ServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADraftsSimulation_ShowsCountsThenEachFlippedDecision_AndPublishingAsksForTheConfirmation(bool english)
    {
        var (key, flipped, _, _) = await SimulationHttpTests.FileAndDraftAsync(server);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await PortalAdminTests.NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync($"admin/templates/{key}/2");
        await admin.Locator("#simulate-draft").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(english ? "Simulation" : "模拟");

        await admin.Locator("#sim-run").ClickAsync();
        await Expect(admin.Locator("#sim-counts td[data-count='applications']")).ToHaveTextAsync("4");
        await Expect(admin.Locator("#sim-counts td[data-count='changed']")).ToHaveTextAsync("2");
        await Expect(admin.Locator("#sim-counts td[data-count='decisionsFlipped']")).ToHaveTextAsync("2");
        var rows = admin.Locator("tr.sim-change");
        await Expect(rows).ToHaveCountAsync(2);
        foreach (var id in flipped)
        {
            var row = admin.Locator($"tr.sim-change[data-application='{id}']");
            await Expect(row.Locator("td.sim-before")).ToContainTextAsync(english
                ? "Approve: Registration shared by market regulation: enrolled at once."
                : "批准: 内资企业设立登记信息由市场监管部门共享：自动完成单位社会保险登记。");
            await Expect(row.Locator("td.sim-after")).ToContainTextAsync(english ? $"Refer to an officer: {RuleEngine.NoRuleHeld}" : $"转人工审核: {RuleEngine.NoRuleHeldZh}");
        }

        await admin.Locator("#sim-publish").ClickAsync();
        await Expect(admin.Locator("#sim-confirm-text")).ToContainTextAsync(english ? "2 of 4 applications would change" : "4 件申请中有 2 件会变化");
        await admin.Locator("#sim-confirm").ClickAsync();
        await Expect(admin.Locator("#sim-published")).ToBeVisibleAsync();

        using var api = server.Admin();
        var version = await (await api.GetAsync($"/api/admin/templates/{key}/versions/2")).ReadAsync<Workflows.Api.TemplateVersionDetail>();
        version.Summary.Status.ShouldBe(TemplateStatus.Published);
    }
}
