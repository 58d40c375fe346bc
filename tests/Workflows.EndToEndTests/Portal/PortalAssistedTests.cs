using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Assisted;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// 帮办代办 in two browsers: the service hall's helper prepares a newborn application for a mother in the helper's page;
/// the mother, in her own session, finds it among the applications prepared for her, reads exactly what was filed and
/// confirms it, and it is then one of her applications. A second filing she refuses stays refused and starts nothing.
/// Both sides' pages are scanned by axe-core.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalAssistedTests(ServerFixture server)
{
    [Fact]
    public async Task Helper_PreparesAnApplication_AndTheCitizenConfirmsItInHerOwnSession()
    {
        var mother = await MotherAsync();
        using var citizen = server.Citizen(mother);
        // Files are the applicant's own: she uploads the photo and tells the helper its reference.
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var found = new List<string>();

        var helper = await HelperPageAsync(browser, english: false);
        await helper.GotoAsync("assist");
        await Expect(helper.GetByRole(AriaRole.Link, new() { Name = "帮办代办" })).ToBeVisibleAsync();
        await helper.Locator("#a-id").FillAsync(mother);
        await helper.Locator("#a-bundle").SelectOptionAsync("newborn");
        await FillNewbornAsync(helper);
        await helper.Locator("#m-babyPhoto").FillAsync(photo);
        await ScanAsync(helper, "zh assist", found);
        await helper.Locator("#assist-file").ClickAsync();
        await Expect(helper.Locator("#assist-filed")).ToContainTextAsync(mother);

        var page = await browser.NewPageAsAsync(PortalBrowser.Phone, server.Tokens.Mint(mother, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), mother, "王芳", "applicant");
        await page.GotoAsync("consents");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("待我确认的代办申请");
        await ScanAsync(page, "zh consents", found);
        await page.GetByRole(AriaRole.Link, new() { Name = "新生儿出生一件事" }).ClickAsync();
        await Expect(page.Locator("#consent-status")).ToHaveTextAsync("待确认");
        // What the helper typed, as the form labels it.
        await Expect(page.GetByText("王小明")).ToBeVisibleAsync();
        await Expect(page.GetByText("政务服务中心帮办员（政务服务中心）")).ToBeVisibleAsync();
        // The answers in the form's order: the baby's name comes first.
        await Expect(page.Locator("dl.answers dt").First).ToHaveTextAsync("新生儿姓名");
        await ScanAsync(page, "zh consent", found);
        await page.Locator("#consent-confirm").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/applications/ast-"));
        var applicationId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        // My applications is a read model the started application writes shortly after: look again until it is there.
        var listed = false;
        for (var attempt = 0; attempt < 20 && !listed; attempt++)
        {
            await page.EvaluateAsync("path => Blazor.navigateTo(path, { forceLoad: false, replaceHistoryEntry: false })", attempt % 2 == 0 ? "applications" : "consents");
            await page.WaitForTimeoutAsync(1000);
            listed = page.Url.EndsWith("/applications", StringComparison.Ordinal) && await page.GetByText(applicationId).CountAsync() == 1;
        }

        listed.ShouldBeTrue($"{applicationId} is not in My applications");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "新生儿出生一件事" })).ToBeVisibleAsync();

        found.ShouldBeEmpty(string.Join(Environment.NewLine, found));
    }

    [Fact]
    public async Task Citizen_RefusesAPreparedApplication_InEnglish_AndNothingStarts()
    {
        var mother = await MotherAsync();
        using var citizen = server.Citizen(mother);
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var found = new List<string>();

        var helper = await HelperPageAsync(browser, english: true);
        await helper.GotoAsync("assist");
        await Expect(helper.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Assisted filing");
        await helper.Locator("#a-id").FillAsync(mother);
        await helper.Locator("#a-bundle").SelectOptionAsync("newborn");
        await FillNewbornAsync(helper, english: true);
        await helper.Locator("#m-babyPhoto").FillAsync(photo);
        await ScanAsync(helper, "en assist", found);
        await helper.Locator("#assist-file").ClickAsync();
        await Expect(helper.Locator("#assist-filed")).ToContainTextAsync(mother);

        var page = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint(mother, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), mother, "王芳", "applicant", english: true);
        await page.GotoAsync("consents");
        await ScanAsync(page, "en consents", found);
        // The consent keeps the bundle's name as it was filed.
        await page.Locator("main ul.rows a").First.ClickAsync();
        await Expect(page.Locator("#consent-status")).ToHaveTextAsync("Awaiting your confirmation");
        await ScanAsync(page, "en consent", found);
        await page.Locator("#refusal-reason").FillAsync("I will apply myself");
        await page.Locator("#consent-refuse").ClickAsync();
        await Expect(page.Locator("#consent-status")).ToHaveTextAsync("Refused");
        (await page.Locator("#consent-confirm").CountAsync()).ShouldBe(0);

        (await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<Workflows.Applications.ApplicationSummary>()).ShouldBeEmpty("a refused filing starts nothing");
        found.ShouldBeEmpty(string.Join(Environment.NewLine, found));
    }

    async Task<IPage> HelperPageAsync(PortalBrowser browser, bool english) =>
        await browser.NewPageAsAsync(PortalBrowser.Desktop,
            server.Tokens.Mint("helper-hall", "政务服务中心帮办员", CallerRole.Officer, department: AssistedFiling.HallDepartment, assist: true),
            "helper-hall", "政务服务中心帮办员", "officer", AssistedFiling.HallDepartment, english, assist: true);

    async Task<string> MotherAsync()
    {
        var mother = $"pas-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        return mother;
    }

    static async Task FillNewbornAsync(IPage page, bool english = false)
    {
        await page.Locator("#f-babyName").FillAsync("王小明");
        await page.Locator("#f-babySex").GetByLabel(english ? "Male" : "男", new() { Exact = true }).CheckAsync();
        await page.Locator("#f-babyBirthDate").FillAsync("2026-11-20");
        await page.Locator("#f-birthPlace").FillAsync("市第一人民医院");
        await page.Locator("#f-motherName").FillAsync("王芳");
        await page.Locator("#f-motherIdNumber").FillAsync("11010519491231002X");
        await page.Locator("#f-settleWith input[value=mother]").CheckAsync();
        await page.Locator("#f-registrationAddress").FillAsync("市中心区人民路1号");
        await page.Locator("#f-guardianPhone").FillAsync("13800138000");
        await page.Locator("#f-parentInsuredLocally input[value=false]").CheckAsync();
        await page.Locator("#f-applyCardWithBank input[value=true]").CheckAsync();
    }

    static async Task ScanAsync(IPage page, string where, List<string> found)
    {
        await Expect(page.Locator("p[role=status]").Filter(new() { HasTextRegex = new Regex("加载|Loading") })).ToHaveCountAsync(0);
        var result = await page.RunAxe();
        found.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Select(n => n.Html))}"));
    }
}
