using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>The portal's shell in a real browser: served at /, sign-in as a demo user, the language switch.</summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalSignInTests(ServerFixture server)
{
    [Fact]
    public async Task Visitor_IsSentToSignIn_AndACitizenLandsOnTheLifeEvents()
    {
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await browser.NewPageAsync(PortalBrowser.Phone);

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("登录");
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("zh-CN");

        await PortalBrowser.SignInAsync(page, "citizen-wang", "一件事一次办");
        // The built-in bundles for citizens, by their Chinese names, with their departments named.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "新生儿出生一件事" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task LanguageSwitch_ShowsEnglish_AndKeepsIt()
    {
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await browser.NewPageAsync(PortalBrowser.Desktop);
        await PortalBrowser.SignInAsync(page, "citizen-wang", "一件事一次办");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("One thing, one time");
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
        // The API's texts follow: the bundles' names come in English too.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "A newborn" }).First).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "中文" })).ToBeVisibleAsync();
    }
}
