using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Ratings;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>Officers in the portal: two race on one task and the loser is told why; a bad rating's follow-up answered and read.</summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalOfficerTests(ServerFixture server)
{
    [Fact]
    public async Task TwoOfficersOnOneTask_TheSecondIsToldAColleagueDecidedFirst()
    {
        var (_, id) = await SubmitNewbornAsync("pr");
        using var api = server.Officer("hospital");
        var task = await Walkthrough.WaitForTaskAsync(api, id, "birth-certificate");
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var first = await OfficerPageAsync(browser, "officer-hospital", task.Task.TaskId);
        var second = await OfficerPageAsync(browser, "officer-hospital-2", task.Task.TaskId);

        await first.Locator("#approve").ClickAsync();
        await Expect(first.Locator("#notice")).ToContainTextAsync("已通过");
        await second.Locator("#decision-reason").FillAsync("出生信息不符");
        await second.Locator("#reject").ClickAsync();
        await Expect(second.Locator("#notice [role=alert]")).ToContainTextAsync("已有同事先处理了这项任务");
    }

    [Fact]
    public async Task BadRating_TheDepartmentAnswersInItsPage_AndTheCitizenReadsTheAnswer()
    {
        var (mother, id) = await SubmitNewbornAsync("pf");
        using var api = server.Officer("hospital");
        using (var decided = await Walkthrough.DecideAsync(api, await Walkthrough.WaitForTaskAsync(api, id, "birth-certificate"), new { kind = "approve" }))
        {
            decided.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        }

        using var citizen = server.Citizen(mother);
        await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != Workflows.Applications.ApplicationStatus.InProgress, "the bundle to end");
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var phone = await browser.NewPageAsAsync(PortalBrowser.Phone, server.Tokens.Mint(mother, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), mother, "王芳", "applicant");
        await phone.GotoAsync($"applications/{id}");
        var rate = phone.Locator("#rate-birth-certificate");
        await rate.GetByLabel("1 分").CheckAsync();
        await phone.Locator("#comment-birth-certificate").FillAsync("等了很久");
        await phone.Locator("#rate-birth-certificate-send").ClickAsync();
        await Expect(phone.Locator("#ratings-title + ul")).ToContainTextAsync("等了很久");

        var rating = (await (await citizen.GetAsync($"/api/applications/{id}/ratings")).ReadItemsAsync<Rating>()).Single(r => r.Target == "birth-certificate");
        var followUp = rating.FollowUpTaskId.ShouldNotBeNull();
        var officer = await OfficerPageAsync(browser, "officer-hospital", followUp, ready: "#answer-followup");
        await officer.Locator("#followup-text").FillAsync("已核实，今后加快办理。");
        await officer.Locator("#answer-followup").ClickAsync();
        await Expect(officer.Locator("#notice")).ToContainTextAsync("答复已发送");

        await phone.ReloadAsync();
        await Expect(phone.Locator("#ratings-title + ul .response")).ToContainTextAsync("已核实，今后加快办理。");
    }

    async Task<(string Mother, string ApplicationId)> SubmitNewbornAsync(string prefix)
    {
        var mother = $"{prefix}-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new
        {
            templateKey = "newborn",
            answers = Walkthrough.NewbornAnswers(),
            materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } },
        });
        return (mother, submitted.Body.ShouldNotBeNull(submitted.Text).ApplicationId);
    }

    async Task<IPage> OfficerPageAsync(PortalBrowser browser, string officer, string taskId, string ready = "#approve")
    {
        var page = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint(officer, officer, CallerRole.Officer, department: "hospital"),
            officer, officer, "officer", "hospital");
        await page.GotoAsync($"tasks/{Uri.EscapeDataString(taskId)}");
        await Expect(page.Locator(ready)).ToBeVisibleAsync();
        return page;
    }
}
