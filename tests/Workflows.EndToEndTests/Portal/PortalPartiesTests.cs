using System.Net;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Templates;
using Workflows.Testing;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// The other parties of a life event in the browser (issue 16, ADR 0023): a buyer files a house transfer from a phone
/// naming the seller (citizen-li, the demo home owner) in the form's party section; the seller finds the request under
/// "confirm as a party" in their own session and confirms or declines it; the buyer's tracker shows the seller's step.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalPartiesTests(ServerFixture server)
{
    /// <summary>The demo home owner, who holds the title the house transfer reads (DemoUsers).</summary>
    public const string Seller = "citizen-li";

    const string SellerName = "李强";

    static readonly string Screenshots = Path.Combine(RepoPaths.Root, "docs", "screenshots");

    [Fact]
    public async Task Buyer_NamesTheSellerInTheForm_TheNoticeLinksAMissingParty_ABadIdLandsOnItsField_AndTheSubmissionIsAccepted()
    {
        var buyer = await BuyerAsync();
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await browser.NewPageAsAsync(PortalBrowser.Phone, server.Tokens.Mint(buyer, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), buyer, "王芳", "applicant");

        await page.GotoAsync("apply/house-transfer");
        // Each declared party once: the seller with the confirmation rule, the buyer stood in for by me.
        await Expect(page.Locator("#p-seller legend")).ToHaveTextAsync("卖方 *");
        await Expect(page.Locator("#p-seller")).ToContainTextAsync("5 个工作日内");
        await Expect(page.Locator("#p-buyer-me")).ToBeCheckedAsync();
        await Expect(page.Locator("#p-buyer-id")).ToHaveCountAsync(0);
        await Expect(page.Locator("#p-buyer #f-buyerName")).ToHaveValueAsync("王芳");
        // The party's name and number are asked once, in its section.
        await Expect(page.Locator("#f-sellerName")).ToHaveCountAsync(1);
        await Expect(page.Locator("#p-seller #f-sellerName")).ToBeVisibleAsync();
        await Expect(page.Locator("#p-seller #f-sellerIdNumber")).ToBeVisibleAsync();

        await FillTheRestAsync(page);
        await page.Locator("#check").ClickAsync();
        // The one notice names the missing seller and links to the seller's section.
        var notice = page.Locator("#notice [role=alert]");
        var missing = notice.GetByRole(AriaRole.Link).Filter(new() { HasText = "请写明卖方" });
        await Expect(missing).ToHaveCountAsync(1);
        await Expect(page.Locator("#p-seller-error")).ToContainTextAsync("请写明卖方");
        await missing.ClickAsync();
        await Expect(page.Locator("#p-seller")).ToBeFocusedAsync();

        // An id the API refuses comes back located at parties.seller.id and shows under that input.
        await page.Locator("#p-seller-id").FillAsync("李 强!");
        await page.Locator("#f-sellerName").FillAsync(SellerName);
        await page.Locator("#check").ClickAsync();
        await Expect(page.Locator("#p-seller-id-error")).ToContainTextAsync("卖方的身份标识无效");
        await Expect(page.Locator("#p-seller-id")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.Locator("#p-seller-id").FillAsync(Seller);
        await page.Locator("#check").ClickAsync();
        await Expect(page.Locator("#notice [role=status]")).ToContainTextAsync("检查通过");
        await Scan(page, "zh apply house-transfer");
        await page.Locator("#submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/applications/"));
        await Expect(page.Locator("#status")).ToHaveTextAsync("办理中");
        var id = new Uri(page.Url).Segments[^1];

        // The submission named the seller and wrote the seller's name into the form's field.
        using var citizen = server.Citizen(buyer);
        var detail = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Parties is { Count: > 0 }, "the parties on the application");
        var seller = detail.Parties!.Single(p => p.Role == "seller");
        seller.Id.ShouldBe(Seller);
        seller.Name.ShouldBe(SellerName);
        await Expect(page.Locator("#party-seller")).ToContainTextAsync("等待卖方（李强）确认");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "tracker-party-waiting-phone-zh.png") });
        await WithdrawAsync(citizen, id);
    }

    [Fact]
    public async Task Seller_ConfirmsInTheirOwnSession_TheBuyersTrackerShowsTheItemsGoingOn()
    {
        var buyer = await BuyerAsync();
        var id = await SubmitHouseTransferAsync(server, buyer);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);

        var seller = await SellerPageAsync(browser, PortalBrowser.Phone, english: false);
        await seller.GotoAsync("confirmations");
        var row = seller.Locator($"#c-{id}-seller");
        await Expect(row).ToContainTextAsync("王芳申请办理");
        await Expect(row).ToContainTextAsync("将您列为卖方");
        await Expect(row.Locator($"#c-{id}-seller-status")).ToHaveTextAsync("待确认");
        await Expect(row).ToContainTextAsync("个工作日");
        await Expect(seller.Locator("#nav-confirmations")).ToContainTextAsync("项待确认");
        await Scan(seller, "zh confirmations");
        await seller.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "party-confirmation-asked-phone-zh.png") });

        await row.Locator($"#confirm-{id}-seller").ClickAsync();
        await Expect(seller.Locator("#notice [role=status]")).ToContainTextAsync("您已确认");
        await Expect(row.Locator($"#c-{id}-seller-status")).ToHaveTextAsync("已确认");
        await Expect(row.Locator($"#confirm-{id}-seller")).ToHaveCountAsync(0);

        // The buyer, in English on a desktop: the seller's step confirmed with who and when, and the items going on.
        var buyerPage = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint(buyer, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), buyer, "王芳", "applicant", english: true);
        await buyerPage.GotoAsync($"applications/{id}");
        await Expect(buyerPage.Locator("#party-seller")).ToContainTextAsync("The seller (李强) confirmed at", new() { Timeout = 30_000 });
        // The tax is decided by rules at once and the registration opens for its officer: neither waits any longer.
        await Expect(buyerPage.Locator("#item-transfer-tax .state")).ToHaveTextAsync("Approved", new() { Timeout = 30_000 });
        await Expect(buyerPage.Locator("#item-property-transfer-registration .state")).ToHaveTextAsync("In progress", new() { Timeout = 30_000 });
        await Scan(buyerPage, "en tracker party confirmed");
        await buyerPage.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "tracker-party-confirmed-desktop-en.png"), FullPage = true });

        // Answering again is refused in the API's words; the page keeps the settled state.
        using var sellerApi = server.Citizen(Seller, SellerName);
        using (var again = await sellerApi.PostAsync($"/api/applications/{id}/parties/seller/confirmation", null))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        }

        using var citizen = server.Citizen(buyer);
        await WithdrawAsync(citizen, id);
    }

    [Fact]
    public async Task Seller_DeclinesWithAReason_InEnglish_TheBuyersTrackerShowsHowTheBundleEnded()
    {
        var buyer = await BuyerAsync();
        var id = await SubmitHouseTransferAsync(server, buyer);
        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);

        var seller = await SellerPageAsync(browser, PortalBrowser.Desktop, english: true);
        await seller.GotoAsync("confirmations");
        var row = seller.Locator($"#c-{id}-seller");
        await Expect(row).ToContainTextAsync("names you as the seller");
        await Scan(seller, "en confirmations");
        await row.Locator($"#decline-{id}-seller").ClickAsync();
        // A declination needs its reason: sent blank, the API's problem lands under the reason.
        await row.Locator($"#send-decline-{id}-seller").ClickAsync();
        await Expect(row.Locator($"#reason-{id}-seller-error")).ToContainTextAsync("Give a reason");
        await row.Locator($"#reason-{id}-seller").FillAsync("We did not agree on the price");
        await row.Locator($"#send-decline-{id}-seller").ClickAsync();
        await Expect(seller.Locator("#notice [role=status]")).ToContainTextAsync("You declined");

        var buyerPage = await browser.NewPageAsAsync(PortalBrowser.Phone, server.Tokens.Mint(buyer, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), buyer, "王芳", "applicant");
        await buyerPage.GotoAsync($"applications/{id}");
        await Expect(buyerPage.Locator("#party-seller")).ToContainTextAsync("卖方（李强）已于", new() { Timeout = 30_000 });
        await Expect(buyerPage.Locator("#party-seller")).ToContainTextAsync("We did not agree on the price");
        await Expect(buyerPage.Locator("#party-seller")).ToContainTextAsync("因此，本申请已结束", new() { Timeout = 30_000 });
        await Expect(buyerPage.Locator("#item-transfer-tax .state")).ToHaveTextAsync("已取消");
        await Scan(buyerPage, "zh tracker party declined");
    }

    [Fact]
    public async Task OptionalParties_TheNewbornsFatherAsksHisCardOnlyOnceHisNumberIsGiven_ACompanyMayNameItsLegalRepresentative()
    {
        var mother = $"ppm-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var page = await browser.NewPageAsAsync(PortalBrowser.Phone, server.Tokens.Mint(mother, "王芳", CallerRole.Applicant, ApplicantKind.Citizen), mother, "王芳", "applicant");
        await page.GotoAsync("apply/newborn");
        await Expect(page.Locator("#p-mother-me")).ToBeCheckedAsync();
        await Expect(page.Locator("#p-father legend")).ToHaveTextAsync("父亲（可不填）");
        var card = page.Locator("#m-fatherIdCard");
        await Expect(card).ToContainTextAsync("仅在填写了“父亲公民身份号码”时需要");
        await Expect(card).ToContainTextAsync("写明父亲且其持有该电子证照的");
        await Expect(page.Locator("#m-fatherIdCard-file")).ToHaveCountAsync(0);
        await page.Locator("#p-father #f-fatherIdNumber").FillAsync("110105198001011238");
        await page.Locator("#p-father #f-fatherName").FillAsync("张伟");
        await Expect(page.Locator("#m-fatherIdCard-file")).ToHaveCountAsync(1);

        var company = $"ppc-{Guid.NewGuid():N}"[..20];
        var desk = await browser.NewPageAsAsync(PortalBrowser.Desktop, server.Tokens.Mint(company, "恒泰贸易有限公司", CallerRole.Applicant, ApplicantKind.Company), company, "恒泰贸易有限公司", "applicant", english: true);
        await desk.GotoAsync("apply/company-deregistration");
        await Expect(desk.Locator("#p-legalRepresentative legend")).ToHaveTextAsync("Legal representative (optional)");
        await Expect(desk.Locator("#p-legalRepresentative-me")).ToHaveCountAsync(0);
        await Expect(desk.Locator("#p-legalRepresentative #p-legalRepresentative-id")).ToBeVisibleAsync();
        // The representative's ID card is theirs to hold, never the company's: the upload stays for one who holds none.
        await Expect(desk.Locator("#m-legalRepIdCard")).ToContainTextAsync("Taken from the legal representative's own electronic licence when you name them and they hold it; otherwise upload it.");
        await Expect(desk.Locator("#m-legalRepIdCard-file")).ToHaveCountAsync(1);
        await Scan(desk, "en apply company-deregistration");
    }

    /// <summary>A buyer holding the licences a house transfer reads for them.</summary>
    async Task<string> BuyerAsync()
    {
        var buyer = $"pp-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(buyer, "id-card");
        await server.GiveLicenceAsync(buyer, "marriage-certificate");
        return buyer;
    }

    /// <summary>A house transfer filed over HTTP by <paramref name="buyer"/> naming the demo seller; its id.</summary>
    /// <param name="server">The server.</param>
    /// <param name="buyer">A buyer holding an ID card and a marriage certificate.</param>
    /// <returns>The application's id once the seller's confirmation is asked.</returns>
    public static async Task<string> SubmitHouseTransferAsync(ServerFixture server, string buyer)
    {
        using var client = server.Citizen(buyer);
        var contract = await Walkthrough.UploadAsync(client, "house-transfer", "saleContract");
        var submitted = await Walkthrough.SubmitAsync(client, new
        {
            templateKey = "house-transfer",
            answers = new
            {
                sellerName = SellerName, sellerIdNumber = "310104198503152349", buyerName = "王芳", buyerIdNumber = "110105198001011238", buyerPhone = "13800138000",
                propertyAddress = "上海市徐汇区漕溪北路88弄5号1201室", propertyCertificateNumber = "沪(2019)徐汇区不动产权第012345号", contractNumber = "WQ-2026-000123",
                dealPrice = 3200000, buildingArea = 89.5m, houseType = "ordinary-residential", heldOverFiveYears = true, sellerOnlyHome = true, buyerFirstHome = true,
                waterAccountNumber = "310012345678", powerAccountNumber = "0012345678",
            },
            materials = new object[] { new { key = "saleContract", kind = "upload", reference = contract }, new { key = "housingStatusCommitment", kind = "commitment" } },
            parties = new { seller = new { id = Seller, name = SellerName } },
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;
        await Walkthrough.WaitForApplicationAsync(client, id, a => a.Parties?.Any(p => p.Confirmation == PartyConfirmationStatus.Awaiting) == true, "the seller's confirmation to be asked");
        return id;
    }

    async Task<IPage> SellerPageAsync(PortalBrowser browser, ViewportSize viewport, bool english) =>
        await browser.NewPageAsAsync(viewport, server.Tokens.Mint(Seller, SellerName, CallerRole.Applicant, ApplicantKind.Citizen), Seller, SellerName, "applicant", english: english);

    static async Task FillTheRestAsync(IPage page)
    {
        await page.Locator("#f-sellerIdNumber").FillAsync("310104198503152349");
        await page.Locator("#f-buyerIdNumber").FillAsync("110105198001011238");
        await page.Locator("#f-buyerPhone").FillAsync("13800138000");
        await page.Locator("#f-propertyAddress").FillAsync("上海市徐汇区漕溪北路88弄5号1201室");
        await page.Locator("#f-propertyCertificateNumber").FillAsync("沪(2019)徐汇区不动产权第012345号");
        await page.Locator("#f-contractNumber").FillAsync("WQ-2026-000123");
        await page.Locator("#f-dealPrice").FillAsync("3200000");
        await page.Locator("#f-buildingArea").FillAsync("89.5");
        await page.Locator("#f-houseType input[value=ordinary-residential]").CheckAsync();
        await page.Locator("#f-heldOverFiveYears input[value=true]").CheckAsync();
        await page.Locator("#f-sellerOnlyHome input[value=true]").CheckAsync();
        await page.Locator("#f-buyerFirstHome input[value=true]").CheckAsync();
        await page.Locator("#f-waterAccountNumber").FillAsync("310012345678");
        await page.Locator("#f-powerAccountNumber").FillAsync("0012345678");
        await page.Locator("#m-saleContract-file").SetInputFilesAsync(new FilePayload { Name = "contract.pdf", MimeType = "application/pdf", Buffer = Walkthrough.Pdf });
        await Expect(page.Locator("#m-saleContract a")).ToContainTextAsync("contract.pdf");
        await page.Locator("#m-housingStatusCommitment input[type=checkbox]").CheckAsync();
    }

    static async Task WithdrawAsync(HttpClient citizen, string id)
    {
        using var withdrawn = await citizen.PostAsync($"/api/applications/{id}/withdrawal", Http.Body(new { reason = "测试结束" }));
        withdrawn.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    static async Task Scan(IPage page, string where)
    {
        await Expect(page.Locator("p[role=status]").Filter(new() { HasTextRegex = new Regex("加载|Loading") })).ToHaveCountAsync(0);
        var result = await page.RunAxe();
        result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Select(n => n.Html))}").ShouldBeEmpty();
    }
}
