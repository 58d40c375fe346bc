using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Templates;
using Workflows.Testing;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// Every page of the portal, in Chinese and in English, scanned by axe-core in Chromium: no serious or critical
/// violation. The same visit writes the screenshots the README links (docs/screenshots/, phone and desktop).
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalAccessibilityTests(ServerFixture server)
{
    static readonly string Screenshots = Path.Combine(RepoPaths.Root, "docs", "screenshots");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryPage_HasNoSeriousOrCriticalViolation(bool english)
    {
        // A mother with an application waiting on the hospital, so the tracker and the task page have something to show.
        var mother = $"pa-{Guid.NewGuid():N}"[..20];
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
        var id = submitted.Body.ShouldNotBeNull(submitted.Text).ApplicationId;
        using var hospital = server.Officer("hospital");
        var task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");

        using var helperApi = server.As(server.Tokens.Mint("helper-hall", "政务服务中心帮办员", CallerRole.Officer, department: "service-hall", assist: true));
        using var filed = await helperApi.PostAsync("/api/assisted/applications", Http.Body(new
        {
            applicant = new { id = mother, kind = "citizen" },
            templateKey = "newborn",
            answers = Walkthrough.NewbornAnswers(),
            materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } },
        }));
        var consentId = (await filed.ReadAsync<Workflows.Assisted.ConsentView>()).ConsentId;

        // A house transfer naming the demo seller, so the seller's confirmations and the buyer's party step have one to show.
        var buyer = $"pab-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(buyer, "id-card");
        await server.GiveLicenceAsync(buyer, "marriage-certificate");
        var house = await PortalPartiesTests.SubmitHouseTransferAsync(server, buyer);

        var studio = await PortalAdminTests.SeedTemplateAsync(server);
        var (simulated, _, _, _) = await SimulationHttpTests.FileAndDraftAsync(server);
        // A stuck case of its own application, so the cases page shows one with its resolution form.
        await PortalAdminTests.OpenStuckCaseAsync(server);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var language = english ? "en" : "zh";
        var found = new List<string>();

        var visitor = await browser.NewPageAsync(PortalBrowser.Phone, english);
        await ScanAsync(visitor, "signin", "signin", found, language, phone: true);

        foreach (var (viewport, phone) in new[] { (PortalBrowser.Phone, true), (PortalBrowser.Desktop, false) })
        {
            var mine = await browser.NewPageAsAsync(viewport, server.Tokens.Mint(mother, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), mother, "王芳", "applicant", english: english);
            await ScanAsync(mine, "", "home", found, language, phone);
            await ScanAsync(mine, "apply/newborn", "apply", found, language, phone);
            await ScanAsync(mine, $"applications/{id}", "tracker", found, language, phone);
            await ScanAsync(mine, "applications", "applications", found, language, phone);
            await ScanAsync(mine, "notifications", "notifications", found, language, phone);
            await ScanAsync(mine, "apply/house-transfer", "apply-parties", found, language, phone);
            var buying = await browser.NewPageAsAsync(viewport, server.Tokens.Mint(buyer, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), buyer, "王芳", "applicant", english: english);
            await ScanAsync(buying, $"applications/{house}", "tracker-parties", found, language, phone);
            var selling = await browser.NewPageAsAsync(viewport, server.Tokens.Mint(PortalPartiesTests.Seller, "李强", CallerRole.Applicant, ApplicantKind.Citizen),
                PortalPartiesTests.Seller, "李强", "applicant", english: english);
            await ScanAsync(selling, "confirmations", "party-confirmations", found, language, phone);

            var officer = await browser.NewPageAsAsync(viewport, server.Tokens.Mint("officer-hospital", "hospital officer", CallerRole.Officer, department: "hospital"),
                "officer-hospital", "hospital officer", "officer", "hospital", english);
            await ScanAsync(officer, "tasks", "tasks", found, language, phone);
            await ScanAsync(officer, $"tasks/{Uri.EscapeDataString(task.Task.TaskId)}", "task", found, language, phone);

            var (department, _) = await PortalEscalationsTests.SeedAsync(server);
            var supervisor = await PortalEscalationsTests.NewSupervisorPageAsync(browser, server, viewport, department, english);
            await ScanAsync(supervisor, "escalations", "escalations", found, language, phone);

            // 帮办代办: the helper's page, and the mother's list of what was prepared for her and one such request.
            var helper = await browser.NewPageAsAsync(viewport, server.Tokens.Mint("helper-hall", "政务服务中心帮办员", CallerRole.Officer, department: "service-hall", assist: true),
                "helper-hall", "政务服务中心帮办员", "officer", "service-hall", english, assist: true);
            await ScanAsync(helper, "assist", "assist", found, language, phone);
            await ScanAsync(mine, "consents", "consents", found, language, phone);
            await ScanAsync(mine, $"consents/{consentId}", "consent", found, language, phone);

            // The administrators' studio; and an admin page opened by someone who is not one.
            var admin = await PortalAdminTests.NewAdminPageAsync(browser, server, viewport, english);
            await ScanAsync(admin, "admin/templates", "admin-templates", found, language, phone);
            await ScanAsync(admin, $"admin/templates/{studio}/1", "admin-template-version", found, language, phone);
            await ScanAsync(admin, $"admin/templates/{studio}/2/design", "admin-template-designer", found, language, phone);
            await ScanAsync(admin, $"admin/templates/{studio}/diff", "admin-template-diff", found, language, phone);
            await ScanAsync(admin, $"admin/templates/{studio}/migrations", "admin-template-migrations", found, language, phone);
            await ScanAsync(admin, $"admin/templates/{simulated}/2/simulation", "admin-template-simulation", found, language, phone, ("#sim-run", "#sim-counts"));
            await ScanAsync(admin, "admin/applications", "admin-applications", found, language, phone);
            await ScanAsync(admin, $"admin/applications/{id}", "admin-application", found, language, phone);
            await ScanAsync(admin, "admin/cases", "admin-cases", found, language, phone);
            await ScanAsync(admin, "admin/bulk", "admin-bulk", found, language, phone);
            // The figures of every template over the last six months (the simulation's registrations among them).
            await ScanAsync(admin, "admin/figures", "admin-figures", found, language, phone, ("#f-show", "#chart-applications"));
            await ScanAsync(mine, "admin/templates", "admin-not-for-you", found, language, phone);
        }

        found.ShouldBeEmpty(string.Join(Environment.NewLine, found));
    }

    // then: a button to press once the page has loaded and what it shows when done (the simulation's counts and list).
    static async Task ScanAsync(IPage page, string path, string name, List<string> found, string language, bool phone, (string Click, string Shows)? then = null)
    {
        // The first visit boots the app; later pages are reached inside it, as a person clicking a link would.
        if (page.Url.StartsWith("http", StringComparison.Ordinal))
        {
            await page.EvaluateAsync("path => Blazor.navigateTo(path)", path.Length == 0 ? "/" : path);
        }
        else
        {
            await page.GotoAsync(path);
        }

        await page.WaitForURLAsync(url => Uri.UnescapeDataString(new Uri(url).AbsolutePath).Trim('/') == Uri.UnescapeDataString(path).Trim('/'));
        // The router focuses the new page's heading once it has rendered.
        await Expect(page.Locator("h1:focus")).ToBeVisibleAsync();
        // Wait until the page has read what it shows (no "loading" status left).
        await Expect(page.Locator("p[role=status]").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("加载|Loading") })).ToHaveCountAsync(0);
        if (then is { } step)
        {
            await page.Locator(step.Click).ClickAsync();
            await Expect(page.Locator(step.Shows)).ToBeVisibleAsync();
        }

        var result = await page.RunAxe();
        foreach (var v in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            found.Add($"{language} {path}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Select(n => n.Html))}");
        }

        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}-{(phone ? "phone" : "desktop")}-{language}.png"), FullPage = !phone });
    }
}
