using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// Issue 16's errors: on submit the connection drops (after the server took the application, so only the answer is
/// lost), then the API answers 503; each time the apply page says so in the person's language and keeps every typed
/// value; once the network is back, submitting again files the one application (the page's idempotency key).
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalErrorsTests(ServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Submit_LostConnectionThen503_SaysSoAndKeepsWhatWasTyped_ThenFilesOnce(bool english)
    {
        var mother = $"pe-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var phone = await browser.NewPageAsAsync(PortalBrowser.Phone, server.Tokens.Mint(mother, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), mother, "王芳", "applicant", english: english);
        await phone.GotoAsync("apply/newborn");
        await Expect(phone.Locator("#f-babyName")).ToBeVisibleAsync();
        await FillAsync(phone, english);
        await phone.Locator("#m-babyPhoto-file").SetInputFilesAsync(new FilePayload { Name = "baby.jpg", MimeType = "image/jpeg", Buffer = Walkthrough.Jpeg });
        await Expect(phone.Locator("#m-babyPhoto img.preview")).ToBeVisibleAsync();

        // The server takes the submission, but its answer never reaches the page.
        var submits = 0;
        string? firstAnswer = null;
        await phone.RouteAsync("**/api/applications", async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }

            Interlocked.Increment(ref submits);
            var taken = await route.FetchAsync();
            firstAnswer = await taken.TextAsync();
            await route.AbortAsync("connectionreset");
        });
        await phone.Locator("#submit").ClickAsync();
        await Expect(phone.Locator("#notice [role=alert]")).ToContainTextAsync(english
            ? "The connection was lost; what you typed is kept." : "网络连接中断，您填写的内容已保留");
        await ExpectKeptAsync(phone, english);

        // Then the service fails outright.
        await phone.UnrouteAllAsync();
        await phone.RouteAsync("**/api/applications", async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }

            Interlocked.Increment(ref submits);
            await route.FulfillAsync(new() { Status = 503, ContentType = "text/html", Body = "<html><body>Service Unavailable</body></html>" });
        });
        await phone.Locator("#submit").ClickAsync();
        await Expect(phone.Locator("#notice [role=alert]")).ToContainTextAsync(english
            ? "The service failed; what you typed is kept." : "服务暂时出错，您填写的内容已保留");
        await ExpectKeptAsync(phone, english);

        // The network is back: submitting again files the application the first try already filed, and no other.
        await phone.UnrouteAllAsync();
        await phone.Locator("#submit").ClickAsync();
        await Expect(phone).ToHaveURLAsync(new Regex("/applications/"));
        submits.ShouldBe(2);
        var filed = System.Text.Json.JsonDocument.Parse(firstAnswer.ShouldNotBeNull()).RootElement.GetProperty("applicationId").GetString().ShouldNotBeNull();
        phone.Url.ShouldEndWith($"/applications/{filed}");
        using var citizen = server.Citizen(mother);
        var mine = await Http.PollAsync(
            async () => await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>(), l => l.Count > 0, "her application in the list");
        mine.Select(a => a.ApplicationId).ShouldBe([filed]);
    }

    static async Task FillAsync(IPage page, bool english)
    {
        await page.Locator("#f-babyName").FillAsync("王小明");
        await page.Locator("#f-babySex").GetByLabel(english ? "Male" : "男", new() { Exact = true }).CheckAsync();
        await page.Locator("#f-babyBirthDate").FillAsync("2026-11-20");
        await page.Locator("#f-birthPlace").FillAsync("市第一人民医院");
        await page.Locator("#f-motherName").FillAsync("王芳");
        await page.Locator("#f-motherIdNumber").FillAsync("11010519491231002X");
        await page.Locator("#f-settleWith").GetByLabel(english ? "With the mother" : "随母落户", new() { Exact = true }).CheckAsync();
        await page.Locator("#f-registrationAddress").FillAsync("市中心区人民路1号");
        await page.Locator("#f-guardianPhone").FillAsync("13800138000");
        await page.Locator("#f-parentInsuredLocally").GetByLabel(english ? "No" : "否", new() { Exact = true }).CheckAsync();
        await page.Locator("#f-applyCardWithBank").GetByLabel(english ? "Yes" : "是", new() { Exact = true }).CheckAsync();
    }

    static async Task ExpectKeptAsync(IPage page, bool english)
    {
        await Expect(page.Locator("#f-babyName")).ToHaveValueAsync("王小明");
        await Expect(page.Locator("#f-babySex").GetByLabel(english ? "Male" : "男", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.Locator("#f-babyBirthDate")).ToHaveValueAsync("2026-11-20");
        await Expect(page.Locator("#f-birthPlace")).ToHaveValueAsync("市第一人民医院");
        await Expect(page.Locator("#f-motherName")).ToHaveValueAsync("王芳");
        await Expect(page.Locator("#f-motherIdNumber")).ToHaveValueAsync("11010519491231002X");
        await Expect(page.Locator("#f-settleWith").GetByLabel(english ? "With the mother" : "随母落户", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.Locator("#f-registrationAddress")).ToHaveValueAsync("市中心区人民路1号");
        await Expect(page.Locator("#f-guardianPhone")).ToHaveValueAsync("13800138000");
        await Expect(page.Locator("#f-parentInsuredLocally").GetByLabel(english ? "No" : "否", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.Locator("#f-applyCardWithBank").GetByLabel(english ? "Yes" : "是", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.Locator("#m-babyPhoto img.preview")).ToBeVisibleAsync();
    }
}
