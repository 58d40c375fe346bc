using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Templates;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// Issue 17's designer: from a published version an administrator starts a draft, adds an item that depends on the
/// birth certificate, sees the validator's problem on the new item's node and at its department as they edit (in their
/// language), fixes it and saves the draft.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalDesignerTests(ServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ANewDraft_TakesAnItemWithADependency_ShowsItsProblemOnTheNode_AndSavesOnceFixed(bool english)
    {
        var key = await PublishedCopyOfNewbornAsync(server);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await PortalAdminTests.NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync($"admin/templates/{key}/1");
        await admin.Locator("#new-draft").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex($"admin/templates/{key}/2/design$"));
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(english ? "Design" : "设计");
        await Expect(admin.Locator(".item-node[data-item='birth-certificate']")).ToBeVisibleAsync();
        await Expect(admin.Locator(".item-node[data-item='household-registration']")).ToBeVisibleAsync();

        await admin.Locator("#designer-add-item").ClickAsync();
        var node = admin.Locator(".item-node[data-item='item-6']");
        await Expect(node).ToBeVisibleAsync();
        await admin.Locator("#depends-birth-certificate").CheckAsync();

        // The validator's answer arrives after the typing pauses; it lands on the node and at the department's input.
        await Expect(node.Locator(".node-problem")).ToBeVisibleAsync();
        var department = admin.Locator("#p-items-item-6-department");
        await Expect(department).ToContainTextAsync(english ? "is not in the catalog" : "不在目录中");
        await Expect(admin.Locator("#item-department")).ToHaveAttributeAsync("aria-describedby", "p-items-item-6-department");

        await admin.Locator("#item-name").FillAsync("新生儿疫苗接种预约");
        await admin.Locator("#item-name").PressAsync("Tab");
        await admin.Locator("#item-name-en").FillAsync("Vaccination appointment");
        await admin.Locator("#item-name-en").PressAsync("Tab");
        await admin.Locator("#item-department").FillAsync("hospital");
        await admin.Locator("#item-department").PressAsync("Tab");
        await admin.Locator("#item-service").FillAsync("111054001099");
        await admin.Locator("#item-service").PressAsync("Tab");
        await Expect(node.Locator(".item-node-name")).ToHaveTextAsync(english ? "Vaccination appointment" : "新生儿疫苗接种预约");
        await Expect(department).ToHaveCountAsync(0);
        await Expect(node.Locator(".node-problem")).ToHaveCountAsync(0);

        await admin.Locator("#designer-save").ClickAsync();
        await Expect(admin.Locator("#designer-state")).ToContainTextAsync(english ? "Saved" : "已保存");

        using var api = server.Admin();
        var draft = await (await api.GetAsync($"/api/admin/templates/{key}/versions/2")).ReadAsync<TemplateVersionDetail>();
        draft.Summary.Status.ShouldBe(TemplateStatus.Draft);
        var added = draft.Definition.Items.Single(i => i.Key == "item-6");
        added.Department.ShouldBe("hospital");
        added.DependsOn.ShouldBe(["birth-certificate"]);

        // Publishing starts from the designer and goes through the simulation's confirmation.
        await admin.Locator("#designer-publish").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex($"admin/templates/{key}/2/simulation$"));
    }

    /// <summary>A copy of newborn under a key of its own (without the register's event), version 1 published.</summary>
    internal static async Task<string> PublishedCopyOfNewbornAsync(ServerFixture server)
    {
        using var admin = server.Admin();
        var key = $"design-{Guid.NewGuid():N}"[..20];
        // A name of its own: citizens find newborn by its name, and a published copy beside it would be a second one.
        var copy = BuiltInTemplates.Get("newborn") with { Key = key, Name = $"设计副本 {key}", NameEn = $"Design copy {key}", Proactive = null };
        using (var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(copy))))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{key}/versions/1/publish") { Content = Http.Body(new { }) };
        publish.Headers.TryAddWithoutValidation("If-Match", "*");
        using var published = await admin.SendAsync(publish);
        published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        return key;
    }
}
