using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Applications;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// Issue 17's journey, one administrator from start to end: a new draft of a published newborn bundle takes an item
/// with a dependency in the designer, shows its problem where it is and loses it once fixed; a stricter rule makes the
/// simulation on the applications filed before flip a known number of decisions, both rationales shown; publishing goes
/// through the confirmation; a new application runs on the new version while one filed before stays on its own; the
/// figures move once they finish; two applications are cancelled by a query after its preview.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalStudioJourneyTests(ServerFixture server)
{
    // The draft's vaccination rule also asks for the father's name: those filed without it would go to an officer.
    const string StricterRule = """
        [{"key": "birth-and-father-complete",
          "when": {"op": "all", "conditions": [{"op": "fieldPresent", "field": "babyName"}, {"op": "fieldPresent", "field": "babyBirthDate"}, {"op": "fieldPresent", "field": "fatherName"}]},
          "then": "approve",
          "rationale": "新生儿及父亲信息完整：自动建立预防接种档案。",
          "rationaleEn": "Birth and father's records complete: vaccination record opened."}]
        """;

    [Fact]
    public async Task DesignSimulatePublish_NewApplicationsRunOnTheNewVersion_FiguresMove_BulkCancelsTwo()
    {
        var key = await PortalDesignerTests.PublishedCopyOfNewbornAsync(server);
        using var hospital = server.Officer("hospital");
        var thisMonth = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        // Filed before: two without the father's name and one with it, finished; one with it still at the hospital.
        var withoutFather = new[] { await FileAsync(key, father: false), await FileAsync(key, father: false) };
        var withFather = await FileAsync(key, father: true);
        foreach (var (citizen, id) in withoutFather.Append(withFather))
        {
            await ApproveAsync(hospital, id, "birth-certificate");
            (await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.InProgress, "the bundle to end")).Status.ShouldBe(ApplicationStatus.Completed);
        }

        var (olderCitizen, older) = await FileAsync(key, father: true);
        await PortalFiguresTests.WaitForFiguresAsync(server, key, thisMonth, thisMonth, 3);

        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await PortalAdminTests.NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english: false);

        // The designer: a new draft, an item after the birth certificate, its problem on the node and at its department.
        await admin.GotoAsync($"admin/templates/{key}/1");
        await admin.Locator("#new-draft").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex($"admin/templates/{key}/2/design$"));
        await admin.Locator("#designer-add-item").ClickAsync();
        var node = admin.Locator(".item-node[data-item='item-6']");
        await Expect(node).ToBeVisibleAsync();
        await admin.Locator("#depends-birth-certificate").CheckAsync();
        await Expect(node.Locator(".node-problem")).ToBeVisibleAsync();
        await Expect(admin.Locator("#p-items-item-6-department")).ToContainTextAsync("不在目录中");
        await SetAsync(admin, "#item-name", "新生儿疫苗接种预约");
        await SetAsync(admin, "#item-department", "hospital");
        await SetAsync(admin, "#item-service", "111054001099");
        await Expect(node.Locator(".node-problem")).ToHaveCountAsync(0);

        // The stricter rule, written on the vaccination item, then saved.
        await admin.Locator("button.designer-item[data-item='vaccination-certificate']").ClickAsync();
        await Expect(admin.Locator("#item-key")).ToHaveValueAsync("vaccination-certificate");
        await SetAsync(admin, "#item-rules", StricterRule);
        await Expect(admin.Locator("#item-rules-error")).ToHaveCountAsync(0);
        await admin.Locator("#designer-save").ClickAsync();
        await Expect(admin.Locator("#designer-state")).ToContainTextAsync("已保存");

        // The simulation on the four filed before: the new item joins each, the two without the father's name flip.
        await admin.Locator("#designer-publish").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex($"admin/templates/{key}/2/simulation$"));
        await admin.Locator("#sim-run").ClickAsync();
        await Expect(admin.Locator("#sim-counts td[data-count='applications']")).ToHaveTextAsync("4");
        await Expect(admin.Locator("#sim-counts td[data-count='changed']")).ToHaveTextAsync("4");
        await Expect(admin.Locator("#sim-counts td[data-count='newlyIncluded']")).ToHaveTextAsync("4");
        await Expect(admin.Locator("#sim-counts td[data-count='decisionsFlipped']")).ToHaveTextAsync("2");
        await Expect(admin.Locator("tr.sim-change[data-kind='DecisionFlipped']")).ToHaveCountAsync(2);
        foreach (var (_, id) in withoutFather)
        {
            var row = admin.Locator($"tr.sim-change[data-application='{id}'][data-kind='DecisionFlipped']");
            await Expect(row.Locator("td.sim-before")).ToContainTextAsync("批准: 新生儿出生信息完整：自动建立预防接种档案并发放电子预防接种证。");
            await Expect(row).ToHaveAttributeAsync("data-item", "vaccination-certificate");
            await Expect(row.Locator("td.sim-after")).ToContainTextAsync($"转人工审核: {RuleEngine.NoRuleHeldZh}");
        }

        await admin.Locator("#sim-publish").ClickAsync();
        await Expect(admin.Locator("#sim-confirm-text")).ToContainTextAsync("4 件申请中有 4 件会变化");
        await admin.Locator("#sim-confirm").ClickAsync();
        await Expect(admin.Locator("#sim-published")).ToBeVisibleAsync();

        // A new application runs on version 2 (the new item at the hospital); the older one stays on version 1.
        var (newerCitizen, newer) = await FileAsync(key, father: true);
        (await Walkthrough.WaitForApplicationAsync(newerCitizen, newer, _ => true, "read")).TemplateVersion.ShouldBe(2);
        (await Walkthrough.WaitForApplicationAsync(olderCitizen, older, _ => true, "read")).TemplateVersion.ShouldBe(1);
        await ApproveAsync(hospital, older, "birth-certificate");
        await ApproveAsync(hospital, newer, "birth-certificate");
        await ApproveAsync(hospital, newer, "item-6");
        var newerDone = await Walkthrough.WaitForApplicationAsync(newerCitizen, newer, a => a.Status != ApplicationStatus.InProgress, "the new one to end");
        newerDone.Status.ShouldBe(ApplicationStatus.Completed);
        newerDone.Items.Select(i => i.Key).ShouldContain("item-6");
        var olderDone = await Walkthrough.WaitForApplicationAsync(olderCitizen, older, a => a.Status != ApplicationStatus.InProgress, "the older one to end");
        olderDone.Status.ShouldBe(ApplicationStatus.Completed);
        olderDone.Items.Select(i => i.Key).ShouldNotContain("item-6");

        // The figures move from the three ended before to five.
        await PortalFiguresTests.WaitForFiguresAsync(server, key, thisMonth, thisMonth, 5);
        await admin.Locator("#nav-admin-figures").ClickAsync();
        await admin.GetByLabel("模板", new() { Exact = true }).SelectOptionAsync(key);
        await admin.Locator("#f-from").FillAsync(thisMonth);
        await admin.Locator("#f-to").FillAsync(thisMonth);
        await admin.Locator("#f-show").ClickAsync();
        await Expect(admin.Locator("#figures-summary")).ToContainTextAsync($"{thisMonth} 至 {thisMonth}：已办结申请 5 件");
        await Expect(admin.Locator($"#chart-applications tr[data-month='{thisMonth}'] td[data-figure='Completed']")).ToHaveTextAsync("5");

        // Two more still at the hospital, cancelled by a query after its preview.
        var waiting = new[] { await FileAsync(key, father: true), await FileAsync(key, father: false) };
        await admin.Locator("#nav-admin-bulk").ClickAsync();
        await admin.GetByLabel("模板", new() { Exact = true }).SelectOptionAsync(key);
        await Expect(admin.Locator("#b-status")).ToHaveValueAsync("InProgress");
        await admin.Locator("#b-action").SelectOptionAsync("cancel");
        await admin.Locator("#b-reason").FillAsync("测试结束，撤回申请");
        await admin.Locator("#b-preview").ClickAsync();
        await Expect(admin.Locator("tr.bulk-row")).ToHaveCountAsync(2);
        foreach (var (citizen, id) in waiting)
        {
            await Expect(admin.Locator($"tr.bulk-row[data-application='{id}']")).ToHaveAttributeAsync("data-outcome", "wouldDo");
            (await Walkthrough.WaitForApplicationAsync(citizen, id, _ => true, "read")).Status.ShouldBe(ApplicationStatus.InProgress);
        }

        await admin.Locator("#b-apply").ClickAsync();
        await Expect(admin.Locator("#bulk-summary")).ToContainTextAsync("已执行 2 个");
        foreach (var (citizen, id) in waiting)
        {
            (await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status == ApplicationStatus.Cancelled, "cancelled")).Status.ShouldBe(ApplicationStatus.Cancelled);
        }
    }

    // A value typed and left, as a person does: the page reacts on change.
    static async Task SetAsync(IPage page, string selector, string value)
    {
        await page.Locator(selector).FillAsync(value);
        await page.Locator(selector).PressAsync("Tab");
    }

    // A mother holding every licence the form uses, with the baby's photo: only the hospital's steps need an officer.
    async Task<(HttpClient Citizen, string ApplicationId)> FileAsync(string key, bool father)
    {
        var mother = $"sj-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        var citizen = server.Citizen(mother);
        var answers = JsonSerializer.SerializeToNode(Walkthrough.NewbornAnswers(), Http.Json)!.AsObject();
        if (father)
        {
            answers["fatherName"] = "李强";
        }

        var photo = await Walkthrough.UploadAsync(citizen, key, "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new { templateKey = key, answers, materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        return (citizen, submitted.Body!.ApplicationId);
    }

    static async Task ApproveAsync(HttpClient officer, string applicationId, string item)
    {
        using var decided = await Walkthrough.DecideAsync(officer, await Walkthrough.WaitForTaskAsync(officer, applicationId, item), new { kind = "approve" });
        decided.StatusCode.ShouldBe(HttpStatusCode.Accepted, await decided.Content.ReadAsStringAsync());
    }
}
