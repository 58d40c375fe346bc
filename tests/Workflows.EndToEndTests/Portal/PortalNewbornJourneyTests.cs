using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Orchestration;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// Issue 16's journey in a real browser: a mother on a phone files the newborn bundle, sees the one notice first, fixes
/// it and submits; the officers decide in their own pages, one asks for a supplement; she supplies it from the tracker,
/// sees the bundle complete, opens a certificate and rates a step.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalNewbornJourneyTests(ServerFixture server)
{
    [Fact]
    public async Task Mother_FilesOnAPhone_OfficersDecide_SheSuppliesWhatIsAsked_AndRatesAStep()
    {
        var mother = $"pj-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(mother, "id-card");
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var phone = await browser.NewPageAsAsync(PortalBrowser.Phone, server.Tokens.Mint(mother, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), mother, "王芳", "applicant");

        // The form, with a few answers and no files: the check lists everything still missing, each linked to its place.
        await phone.GotoAsync("apply/newborn");
        await Expect(phone.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("新生儿出生一件事");
        await Expect(phone.Locator("#m-parentsIdCards")).ToContainTextAsync("电子证照");
        await phone.Locator("#f-babyBirthDate").FillAsync("2026-11-20");
        await phone.Locator("#check").ClickAsync();
        var notice = phone.Locator("#notice [role=alert]");
        await Expect(notice).ToContainTextAsync("新生儿姓名");
        await Expect(notice).ToContainTextAsync("新生儿免冠证件照");
        await Expect(phone.Locator("#f-babyName-error")).ToContainTextAsync("必填");
        await notice.GetByRole(AriaRole.Link).Filter(new() { HasText = "新生儿姓名" }).First.ClickAsync();
        await Expect(phone.Locator("#f-babyName")).ToBeFocusedAsync();

        await FillNewbornAsync(phone);
        await phone.Locator("#m-marriageCertificate-file").SetInputFilesAsync(new FilePayload { Name = "marriage.pdf", MimeType = "application/pdf", Buffer = Walkthrough.Pdf });
        await phone.Locator("#m-householdRegister-file").SetInputFilesAsync(new FilePayload { Name = "register.pdf", MimeType = "application/pdf", Buffer = Walkthrough.Pdf });
        await phone.Locator("#m-babyPhoto-file").SetInputFilesAsync(new FilePayload { Name = "baby.jpg", MimeType = "image/jpeg", Buffer = Walkthrough.Jpeg });
        await Expect(phone.Locator("#m-babyPhoto img.preview")).ToBeVisibleAsync();
        await Expect(phone.Locator("#m-householdRegister a")).ToContainTextAsync("register.pdf");
        await phone.Locator("#check").ClickAsync();
        await Expect(phone.Locator("#notice [role=status]")).ToContainTextAsync("检查通过");
        await phone.Locator("#submit").ClickAsync();
        await Expect(phone).ToHaveURLAsync(new Regex("/applications/"));
        var id = phone.Url.Split("/applications/")[1];
        await Expect(phone.Locator("#status")).ToHaveTextAsync("办理中");

        // The hospital approves; the rules refer the police, medical insurance and social security steps to officers
        // (no register licence, parents insured elsewhere, a bank card without a bank).
        await DecideAsync(browser, id, "hospital", "birth-certificate", page => page.Locator("#approve").ClickAsync(), "已通过");
        await DecideAsync(browser, id, "police", "household-registration", async page =>
        {
            await page.Locator("#decision-reason").FillAsync("户口簿扫描件不清晰");
            await page.GetByLabel("拟落户方居民户口簿").CheckAsync();
            await page.Locator("#ask-supplement").ClickAsync();
        }, "已要求补正");

        // The tracker refreshes itself: the request appears with its upload in place, the police clock paused.
        var asked = phone.Locator(".asked");
        await Expect(asked).ToContainTextAsync("户口簿扫描件不清晰");
        await Expect(phone.Locator("#item-household-registration")).ToContainTextAsync("计时暂停");
        await asked.Locator("#m-householdRegister-file").SetInputFilesAsync(new FilePayload { Name = "clearer.pdf", MimeType = "application/pdf", Buffer = Walkthrough.Pdf });
        await Expect(asked.Locator("a")).ToContainTextAsync("clearer.pdf");
        await phone.Locator("#supply-household-registration").ClickAsync();
        await Expect(phone.Locator("[role=status]").Filter(new() { HasText = "已提交" })).ToBeVisibleAsync();

        await DecideAsync(browser, id, "police", "household-registration", page => page.Locator("#approve").ClickAsync(), "已通过");
        await DecideAsync(browser, id, "healthcare-security", "medical-insurance", page => page.Locator("#approve").ClickAsync(), "已通过");
        await DecideAsync(browser, id, "human-resources", "social-security-card", page => page.Locator("#approve").ClickAsync(), "已通过");

        await Expect(phone.Locator("#status")).ToHaveTextAsync("已办结", new() { Timeout = 90_000 });
        // A certificate opens from the tracker (a PDF in a new tab).
        var certificates = phone.Locator("#licences-title + ul");
        await Expect(certificates).ToContainTextAsync("出生医学证明");
        var opened = phone.Context.WaitForPageAsync();
        await certificates.GetByRole(AriaRole.Button, new() { Name = "打开" }).First.ClickAsync();
        var pdf = await opened;
        pdf.Url.ShouldStartWith("blob:");

        // She rates the hospital's step; it is no longer offered, and her rating is listed.
        var rate = phone.Locator("#rate-birth-certificate");
        await rate.GetByLabel("5 分").CheckAsync();
        await phone.Locator("#rate-birth-certificate-send").ClickAsync();
        await Expect(phone.Locator("#rate-birth-certificate")).ToHaveCountAsync(0);
        await Expect(phone.Locator("#ratings-title + ul")).ToContainTextAsync("5 分");
    }

    static async Task FillNewbornAsync(IPage page)
    {
        await page.Locator("#f-babyName").FillAsync("王小明");
        await page.Locator("#f-babySex").GetByLabel("男").CheckAsync();
        await page.Locator("#f-babyBirthDate").FillAsync("2026-11-20");
        await page.Locator("#f-birthPlace").FillAsync("市第一人民医院");
        await page.Locator("#f-motherName").FillAsync("王芳");
        await page.Locator("#f-motherIdNumber").FillAsync("11010519491231002X");
        await page.Locator("#f-settleWith").GetByLabel("随母落户").CheckAsync();
        await page.Locator("#f-registrationAddress").FillAsync("市中心区人民路1号");
        await page.Locator("#f-guardianPhone").FillAsync("13800138000");
        await page.Locator("#f-parentInsuredLocally").GetByLabel("否").CheckAsync();
        await page.Locator("#f-applyCardWithBank").GetByLabel("是").CheckAsync();
    }

    /// <summary>An officer of <paramref name="department"/> opens the item's task page on a desktop and decides.</summary>
    async Task DecideAsync(PortalBrowser browser, string applicationId, string department, string item, Func<IPage, Task> decide, string said)
    {
        var officer = $"officer-{department}";
        var page = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint(officer, $"{department} officer", CallerRole.Officer, department: department),
            officer, $"{department} officer", "officer", department);
        var taskId = ItemOrchestrator.InstanceId(applicationId, item);
        // The task appears when the engine gets there: the officer's page reads it again until it is open.
        using var api = server.Officer(department);
        await Walkthrough.WaitForTaskAsync(api, applicationId, item);
        await page.GotoAsync($"tasks/{Uri.EscapeDataString(taskId)}");
        await Expect(page.Locator("#approve")).ToBeVisibleAsync();
        await decide(page);
        await Expect(page.Locator("#notice")).ToContainTextAsync(said);
        await page.Context.CloseAsync();
    }
}
