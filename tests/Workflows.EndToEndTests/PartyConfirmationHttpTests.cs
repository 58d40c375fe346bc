using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Workflows.Applications;

namespace Workflows.EndToEndTests;

/// <summary>
/// A house transfer's seller over HTTP on the real server: the buyer names the seller, the seller finds the request in
/// their own session and confirms it; nobody else can, and a settled confirmation is not answered twice.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PartyConfirmationHttpTests(ServerFixture server)
{
    [Fact]
    public async Task HouseTransfer_SellerConfirmsInTheirOwnSession_OthersCannot_AndItIsSettledOnce()
    {
        var buyer = $"buyer-{Guid.NewGuid():N}"[..20];
        var seller = $"seller-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(buyer, "id-card");
        await server.GiveLicenceAsync(buyer, "marriage-certificate");
        await server.GiveLicenceAsync(seller, "id-card");
        await server.GiveLicenceAsync(seller, "property-certificate");
        using var buyerClient = server.Citizen(buyer);
        using var sellerClient = server.Citizen(seller, "李建国");

        // The form says whom to name, and the buyer's own ID card does not stand for the seller's.
        var form = await (await buyerClient.GetAsync("/api/bundles/house-transfer")).ReadAsync<BundleForm>();
        form.Parties.ShouldNotBeNull().Single(p => p.Role == "seller").Confirmation.ShouldNotBeNull().WithinDays.ShouldBe(5);
        form.Materials.Single(m => m.Key == "sellerIdCard").ShouldSatisfyAllConditions(m => m.Party.ShouldBe("seller"), m => m.SatisfiedBy.ShouldBeNull());
        form.Materials.Single(m => m.Key == "buyerIdCard").SatisfiedBy.ShouldBe("licence:id-card");

        var contract = await Walkthrough.UploadAsync(buyerClient, "house-transfer", "saleContract");
        var submitted = await Walkthrough.SubmitAsync(buyerClient, new
        {
            templateKey = "house-transfer",
            answers = new
            {
                sellerName = "李建国", sellerIdNumber = "310104198503152349", buyerName = "王芳", buyerIdNumber = "110105198001011238", buyerPhone = "13800138000",
                propertyAddress = "上海市徐汇区漕溪北路88弄5号1201室", propertyCertificateNumber = "沪(2019)徐汇区不动产权第012345号", contractNumber = "WQ-2026-000123",
                dealPrice = 3200000, buildingArea = 89.5m, houseType = "ordinary-residential", heldOverFiveYears = true, sellerOnlyHome = true, buyerFirstHome = true,
                waterAccountNumber = "310012345678", powerAccountNumber = "0012345678",
            },
            materials = new object[] { new { key = "saleContract", kind = "upload", reference = contract }, new { key = "housingStatusCommitment", kind = "commitment" } },
            parties = new { seller = new { id = seller, name = "李建国" } },
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;
        submitted.Body.Ledger.Single(m => m.Key == "propertyCertificate").Party.ShouldBe("seller");

        var asked = await WaitForAsync(sellerClient, id, PartyConfirmationStatus.Awaiting);
        asked.Role.ShouldBe("seller");
        asked.RoleLabel.ShouldBe("卖方");
        asked.ApplicantName.ShouldBe("王芳");

        // The buyer cannot confirm for the seller, and a declination needs its reason.
        using (var notTheirs = await buyerClient.PostAsync($"/api/applications/{id}/parties/seller/confirmation", null))
        {
            notTheirs.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        using (var blank = await sellerClient.PostAsJsonAsync($"/api/applications/{id}/parties/seller/declination", new { reason = " " }))
        {
            blank.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using (var confirmed = await sellerClient.PostAsync($"/api/applications/{id}/parties/seller/confirmation", null))
        {
            confirmed.StatusCode.ShouldBe(HttpStatusCode.Accepted, await confirmed.Content.ReadAsStringAsync());
        }

        (await WaitForAsync(sellerClient, id, PartyConfirmationStatus.Confirmed)).At.ShouldNotBeNull();
        using (var again = await sellerClient.PostAsync($"/api/applications/{id}/parties/seller/confirmation", null))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        }

        using var withdrawn = await buyerClient.PostAsJsonAsync($"/api/applications/{id}/withdrawal", new { reason = "测试结束" });
        withdrawn.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    static async Task<PartyConfirmationView> WaitForAsync(HttpClient party, string applicationId, PartyConfirmationStatus status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var mine = await (await party.GetAsync("/api/confirmations")).ReadItemsAsync<PartyConfirmationView>();
            if (mine.FirstOrDefault(c => c.ApplicationId == applicationId && c.Status == status) is { } found)
            {
                return found;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"the confirmation never became {status}");
            await Task.Delay(250);
        }
    }
}
