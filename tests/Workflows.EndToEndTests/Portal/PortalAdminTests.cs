using System.Net;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// The administrators' studio (issue 17, first part): the menu only an administrator sees and the "not for you" page
/// anyone else gets, the templates with their versions and states, a version in people's words, the diff between two
/// chosen versions, and the applications' search with an application's audit trail in words, in both languages.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalAdminTests(ServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OnlyAnAdministratorSeesTheStudioMenu_AnyoneElseOpeningAnAdminPageIsToldItIsNotForThem(bool english)
    {
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var citizen = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint("citizen-studio", "王芳", CallerRole.Applicant, ApplicantKind.Citizen),
            "citizen-studio", "王芳", "applicant", english: english);
        await citizen.GotoAsync("applications");
        await Expect(citizen.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(citizen.Locator("#nav-admin-templates")).ToHaveCountAsync(0);
        await citizen.GotoAsync("admin/templates");
        await Expect(citizen.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(english ? "This page is not for you" : "此页不对您开放");
        await Expect(citizen.Locator("section.template-versions")).ToHaveCountAsync(0);

        var officer = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint("officer-hospital", "hospital officer", CallerRole.Officer, department: "hospital"),
            "officer-hospital", "hospital officer", "officer", "hospital", english);
        await officer.GotoAsync("admin/applications");
        await Expect(officer.Locator("#not-for-you")).ToBeVisibleAsync();
        await Expect(officer.Locator("#nav-admin-applications")).ToHaveCountAsync(0);

        var admin = await NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync("notifications");
        await admin.Locator("#nav-admin-templates").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(english ? "Templates" : "模板管理");
        await Expect(admin.Locator("#not-for-you")).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Templates_ListTheVersionsWithStateAndAuthor_AVersionShowsItemsFieldsAndMaterialsInWords(bool english)
    {
        var key = await SeedTemplateAsync(server);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync("admin/templates");

        var section = admin.Locator($"section.template-versions[data-template='{key}']");
        await Expect(section.Locator("tr.version-row")).ToHaveCountAsync(2);
        await Expect(section.Locator("tr.version-row[data-version='1'] td.state")).ToHaveTextAsync(english ? "Published" : "已发布");
        await Expect(section.Locator("tr.version-row[data-version='1']")).ToContainTextAsync(english ? "from " : "起");
        await Expect(section.Locator("tr.version-row[data-version='2'] td.state")).ToHaveTextAsync(english ? "Draft" : "草稿");
        await Expect(section.Locator("tr.version-row[data-version='2']")).ToContainTextAsync("admin");

        await section.Locator("tr.version-row[data-version='1'] a").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(english ? "version 1" : "版本 1");
        var item = admin.Locator("tr.item-row[data-item='birth-certificate']");
        await Expect(item).ToContainTextAsync(english ? "First issue of the medical birth certificate" : "出生医学证明首次签发");
        await Expect(item.Locator("td.department")).ToHaveTextAsync(english ? "Hospital (maternity unit)" : "医院（助产机构）");
        await Expect(item.Locator("td.decision")).ToHaveTextAsync(english ? "An officer" : "部门人工审批");
        await Expect(item).ToContainTextAsync("1 / 20");
        // Dependencies are named, not keyed; rules are said as such.
        await Expect(admin.Locator("tr.item-row td.decision").Filter(new() { HasText = english ? "Rules (instant)" : "规则秒批" }).First).ToBeVisibleAsync();
        await Expect(admin.Locator("tr.field-row[data-field='babySex']")).ToContainTextAsync(english ? "one choice" : "单选");
        await Expect(admin.Locator("tr.material-row[data-material='babyPhoto']")).ToContainTextAsync(english ? "an upload" : "上传");
        await Expect(admin.Locator("body")).Not.ToContainTextAsync("\"by\"");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Diff_BetweenTheTwoVersionsChosen_SaysWhatChangedInWords(bool english)
    {
        var key = await SeedTemplateAsync(server);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync($"admin/templates/{key}/diff");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();

        await admin.Locator("#diff-from").SelectOptionAsync("2");
        await admin.Locator("#diff-to").SelectOptionAsync("2");
        await admin.Locator("#diff-show").ClickAsync();
        await Expect(admin.Locator("#diff-none")).ToBeVisibleAsync();

        await admin.Locator("#diff-from").SelectOptionAsync("1");
        await admin.Locator("#diff-show").ClickAsync();
        var changed = admin.Locator("tr.change-row[data-path='items[birth-certificate].committedDays']");
        await Expect(changed).ToHaveCountAsync(1);
        await Expect(changed).ToContainTextAsync(english ? "item First issue of the medical birth certificate" : "事项 出生医学证明首次签发");
        await Expect(changed).ToContainTextAsync(english ? "changed" : "修改");
        await Expect(changed.Locator("td").Nth(1)).ToHaveTextAsync("1");
        await Expect(changed.Locator("td").Nth(2)).ToHaveTextAsync("3");
        var removed = admin.Locator("tr.change-row[data-change='removed']");
        await Expect(removed.First).ToContainTextAsync(english ? "removed" : "删除");
        // A whole field removed reads as its name, not as its JSON.
        var field = admin.Locator("tr.change-row[data-path='fields[fatherIdNumber]']");
        await Expect(field.Locator("td").Nth(1)).ToHaveTextAsync(english ? "Father's ID number" : "父亲公民身份号码");
        await Expect(admin.Locator("table.diff")).Not.ToContainTextAsync("{");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Applications_SearchByApplicantTemplateAndStatus_TheDetailShowsTheAuditTrailInWords(bool english)
    {
        var (id, name, _) = await FileNewbornAsync(server);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync("admin/applications");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(english ? "Applications" : "申请查询");

        await admin.Locator("#s-name").FillAsync(name[^6..]);
        await admin.Locator("#s-template").SelectOptionAsync("newborn");
        await admin.Locator("#s-status").SelectOptionAsync("Completed");
        await admin.Locator("#s-go").ClickAsync();
        await Expect(admin.Locator("#none-found")).ToBeVisibleAsync();

        await admin.Locator("#s-status").SelectOptionAsync("InProgress");
        await admin.Locator("#s-from").FillAsync(DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await admin.Locator("#s-go").ClickAsync();
        var row = admin.Locator("tr.found-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToHaveAttributeAsync("data-application", id);
        await Expect(row.Locator("td.state")).ToHaveTextAsync(english ? "In progress" : "办理中");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(admin.Locator("#application-id")).ToHaveTextAsync(id);
        var accepted = admin.Locator("tr.audit-row[data-action='application.accepted'] td.action");
        await Expect(accepted).ToHaveTextAsync(english ? "application accepted" : "申请已受理");
        await Expect(admin.Locator("tr.audit-row[data-action='item.started'] td.action").First).ToHaveTextAsync(english ? "item started" : "事项开始办理");
        await Expect(admin.Locator("tr.item-row[data-item='birth-certificate']")).ToContainTextAsync(english ? "Hospital (maternity unit)" : "医院（助产机构）");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StuckCases_ShowTheirClocks_AndAResolutionWrittenOnThePageReachesTheCase(bool english)
    {
        var (id, description) = await OpenStuckCaseAsync(server);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync("admin/templates");
        await admin.Locator("#nav-admin-cases").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(english ? "Stuck cases" : "办不成事");

        var item = admin.Locator($"li.stuck-case[data-application='{id}']");
        await Expect(item).ToContainTextAsync(description);
        // Opened just now: the reply's clock runs, with time left.
        await Expect(item.Locator(".case-clock")).ToContainTextAsync(english ? "left" : "剩余");

        await item.Locator(".case-resolve-button").ClickAsync();
        await Expect(item.Locator(".field-error")).ToHaveTextAsync(english ? "Write the resolution." : "请填写处理结果。");
        var resolution = $"已联系医院补办 {Guid.NewGuid():N}"[..20];
        await item.Locator("textarea").FillAsync(resolution);
        await item.Locator(".case-resolve-button").ClickAsync();
        await Expect(item.Locator(".case-sent")).ToBeVisibleAsync();

        using var api = server.Admin();
        await Http.PollAsync(
            async () => (await (await api.GetAsync("/api/admin/cases?status=resolved&pageSize=200")).ReadAsync<Page<StuckCaseView>>()).Items.FirstOrDefault(c => c.ApplicationId == id),
            c => c.Resolution == resolution, "the case resolved");
        await admin.Locator("#case-status").SelectOptionAsync("Resolved");
        await admin.Locator("#case-filter").ClickAsync();
        await Expect(admin.Locator($"li.stuck-case[data-application='{id}'] .case-resolution")).ToContainTextAsync(resolution);
    }

    /// <summary>The parts of a stuck case this test reads.</summary>
    internal sealed record StuckCaseView(string CaseId, string ApplicationId, string? Resolution);

    /// <summary>A page of a list.</summary>
    internal sealed record Page<T>(List<T> Items);

    /// <summary>A newborn application whose applicant reported it stuck (办不成事), once the case is listed.</summary>
    internal static async Task<(string ApplicationId, string Description)> OpenStuckCaseAsync(ServerFixture server)
    {
        var (id, name, mother) = await FileNewbornAsync(server);
        var description = $"医院迟迟不签发出生证明 {Guid.NewGuid():N}"[..24];
        using var citizen = server.Citizen(mother, name);
        using (var reported = await citizen.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description })))
        {
            reported.StatusCode.ShouldBe(HttpStatusCode.Accepted, await reported.Content.ReadAsStringAsync());
        }

        using var admin = server.Admin();
        await Http.PollAsync(
            async () => (await (await admin.GetAsync("/api/admin/cases?status=open&pageSize=200")).ReadAsync<Page<StuckCaseView>>()).Items.FirstOrDefault(c => c.ApplicationId == id),
            c => c is not null, "the case listed");
        return (id, description);
    }

    /// <summary>A page signed in as the administrator.</summary>
    internal static Task<IPage> NewAdminPageAsync(PortalBrowser browser, ServerFixture server, ViewportSize viewport, bool english) =>
        browser.NewPageAsAsync(viewport, server.Tokens.Mint("admin", "系统管理员", CallerRole.Administrator), "admin", "系统管理员", "admin", english: english);

    /// <summary>
    /// A template of its own (a copy of newborn without the register's event, so no offer reaches other tests): version 1
    /// published, version 2 a draft whose birth certificate takes 3 days instead of 1 and which no longer asks for the father's ID number (a draft may keep problems).
    /// </summary>
    internal static async Task<string> SeedTemplateAsync(ServerFixture server)
    {
        using var admin = server.Admin();
        var key = $"studio-{Guid.NewGuid():N}"[..20];
        var newborn = BuiltInTemplates.Get("newborn");
        var first = newborn with { Key = key, Proactive = null };
        using (var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(first))))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        using (var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{key}/versions/1/publish") { Content = Http.Body(new { }) })
        {
            publish.Headers.TryAddWithoutValidation("If-Match", "*");
            using var published = await admin.SendAsync(publish);
            published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        }

        var second = first with
        {
            Items = [.. first.Items.Select(i => i.Key == "birth-certificate" ? i with { CommittedDays = 3 } : i)],
            Fields = [.. first.Fields.Where(f => f.Key != "fatherIdNumber")],
        };
        using (var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(second))))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        return key;
    }

    /// <summary>A newborn application of a mother of her own name, waiting on the hospital (so its audit has begun).</summary>
    internal static async Task<(string Id, string Name, string Mother)> FileNewbornAsync(ServerFixture server)
    {
        var mother = $"pd-{Guid.NewGuid():N}"[..20];
        var name = $"王{Guid.NewGuid():N}"[..9];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother, name);
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new
        {
            templateKey = "newborn",
            answers = Walkthrough.NewbornAnswers(),
            materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } },
        });
        var id = submitted.Body.ShouldNotBeNull(submitted.Text).ApplicationId;
        using var hospital = server.Officer("hospital");
        await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        return (id, name, mother);
    }
}
