using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Systems;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// 无感申办 in the browser: the birth register reports a birth, the newborn application waits for the mother; her
/// tracker shows what the register filled in and asks for the rest; confirming with something missing gives the one
/// notice at the field, confirming with everything starts the bundle. Another mother declines hers, in English.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalProactiveTests(ServerFixture server)
{
    [Fact]
    public async Task Mother_ConfirmsTheProactiveApplication_FromHerTracker()
    {
        var (mother, id) = await BirthRecordedAsync();
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await MotherPageAsync(browser, mother, english: false);

        await page.GotoAsync($"applications/{id}");
        var proactive = page.Locator("#proactive");
        await Expect(proactive.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("请确认这件主动为你办理的事");
        await Expect(proactive.Locator("dd").Filter(new() { HasText = "王小明" })).ToBeVisibleAsync();
        await Scan(page, "zh proactive");

        // Confirmed too early: the one notice names what is still missing, next to the field.
        await page.Locator("#proactive-confirm").ClickAsync();
        await Expect(page.Locator("#f-settleWith-error")).ToContainTextAsync("必填");

        await page.Locator("#f-settleWith input[value=mother]").CheckAsync();
        await page.Locator("#f-registrationAddress").FillAsync("市中心区人民路1号");
        await page.Locator("#f-guardianPhone").FillAsync("13800138000");
        await page.Locator("#f-parentInsuredLocally input[value=false]").CheckAsync();
        await page.Locator("#f-applyCardWithBank input[value=false]").CheckAsync();
        await page.Locator("#m-babyPhoto-file").SetInputFilesAsync(new FilePayload { Name = "baby.jpg", MimeType = "image/jpeg", Buffer = Walkthrough.Jpeg });
        await Expect(page.Locator("#m-babyPhoto img.preview")).ToBeVisibleAsync();
        await page.Locator("#proactive-confirm").ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("办理中");
        await Expect(page.Locator("#proactive")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Mother_DeclinesTheProactiveApplication_InEnglish()
    {
        var (mother, id) = await BirthRecordedAsync();
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await MotherPageAsync(browser, mother, english: true);

        await page.GotoAsync($"applications/{id}");
        await Expect(page.Locator("#proactive h2")).ToHaveTextAsync("Please confirm this application started for you");
        await Scan(page, "en proactive");
        await page.Locator("#decline-reason").FillAsync("We moved to another city");
        await page.Locator("#proactive-decline").ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("Declined");
        using var citizen = server.Citizen(mother);
        (await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.AwaitingConfirmation, "the declination"))
            .Status.ShouldBe(ApplicationStatus.Declined);
    }

    async Task<IPage> MotherPageAsync(PortalBrowser browser, string mother, bool english) =>
        await browser.NewPageAsAsync(PortalBrowser.Phone, server.Tokens.Mint(mother, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), mother, "王芳", "applicant", english: english);

    /// <summary>A mother holding her licences, and the birth register's signed event for her baby.</summary>
    async Task<(string Mother, string ApplicationId)> BirthRecordedAsync()
    {
        var mother = $"ppro-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        var body = Encoding.UTF8.GetBytes(Walkthrough.BirthRecorded(mother));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/systems/birth-register-system/events") { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Add(SystemApi.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(SystemApi.SignatureHeader, SystemApi.Sign(ServerFixture.BirthRegisterSecret, timestamp, body));
        using var register = server.Anonymous();
        using var sent = await register.SendAsync(message);
        sent.StatusCode.ShouldBe(HttpStatusCode.Accepted, await sent.Content.ReadAsStringAsync());
        var id = (await sent.ReadAsync<RegisterEventResponse>()).Applications.ShouldHaveSingleItem().ApplicationId;
        using var citizen = server.Citizen(mother);
        await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status == ApplicationStatus.AwaitingConfirmation, "the application to await confirmation");
        return (mother, id);
    }

    static async Task Scan(IPage page, string where)
    {
        await Expect(page.Locator("p[role=status]").Filter(new() { HasTextRegex = new Regex("加载|Loading") })).ToHaveCountAsync(0);
        var result = await page.RunAxe();
        result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Select(n => n.Html))}").ShouldBeEmpty();
    }
}
