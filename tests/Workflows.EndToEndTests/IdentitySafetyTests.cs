using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Licences;
using Workflows.Storage;
using Workflows.Systems;

namespace Workflows.EndToEndTests;

/// <summary>Certificate numbers that cannot collide, blob paths that cannot leave their folder, and replay rows that expire.</summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class IdentitySafetyTests(ServerFixture server)
{
    [Fact]
    public async Task Issue_TheSameNumberForAnotherApplication_GetsTheNextNumberAndARerunKeepsIt()
    {
        var type = "birth-certificate";
        var number = $"BC-{Guid.NewGuid():N}"[..15].ToUpperInvariant();
        var first = Licence($"holder-a-{Guid.NewGuid():N}"[..20], type, number, "app-a");
        var second = Licence($"holder-b-{Guid.NewGuid():N}"[..20], type, number, "app-b");

        (await server.Licences.IssueAsync(first, new { number })).ShouldBeTrue();
        (await server.Licences.IssueAsync(second, new { number })).ShouldBeTrue();
        (await server.Licences.IssueAsync(second, new { number })).ShouldBeFalse("a re-run of the same issue records nothing new");
        (await server.Licences.IssueAsync(first, new { number })).ShouldBeFalse();

        (await server.Licences.ListAsync(first.HolderId)).ShouldHaveSingleItem().Number.ShouldBe(number);
        var theirs = (await server.Licences.ListAsync(second.HolderId)).ShouldHaveSingleItem();
        theirs.Number.ShouldBe($"{number}-2");
        theirs.BlobName.ShouldBe(LicenceRegistry.BlobNameFor(second.HolderId, type, $"{number}-2"));
        (await server.Licences.ReadDocumentAsync(theirs)).ShouldContain(number);
    }

    [Theory]
    [InlineData("../wfuploads/x.json")]
    [InlineData("holder/../../wfuploads/x")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    public async Task Issue_ABlobNameThatLeavesItsFolder_IsRefusedBeforeAnythingIsWritten(string blobName)
    {
        var licence = Licence("holder-x", "birth-certificate", $"BC-{Guid.NewGuid():N}"[..15], "app-x") with { BlobName = blobName };

        await Should.ThrowAsync<ArgumentException>(() => server.Licences.IssueAsync(licence, new { }));
        (await server.Licences.ListAsync("holder-x")).ShouldNotContain(l => l.Number == licence.Number);
    }

    [Fact]
    public async Task Callback_AcceptedRequest_DeletesReplayRowsOlderThanTheWindowAndAReplayWithinItIsStillRefused()
    {
        var tables = server.Services.GetRequiredService<StorageTables>();
        var replays = await tables.TableAsync(SystemApi.ReplayTableName);
        var stale = new TableEntity("bank-account-system", $"stale-{Guid.NewGuid():N}") { ["SentAt"] = DateTime.UtcNow.AddHours(-1) };
        await replays.AddEntityAsync(stale);

        var body = JsonSerializer.Serialize(new { applicationId = $"app-{Guid.NewGuid():N}", itemKey = "bank-account", approved = true });
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using (var first = await CallbackAsync(body, at))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.NotFound, await first.Content.ReadAsStringAsync());
        }

        (await replays.GetEntityIfExistsAsync<TableEntity>(stale.PartitionKey, stale.RowKey)).HasValue.ShouldBeFalse("a row older than the window was kept");
        using var again = await CallbackAsync(body, at);
        await again.ShouldBeProblemAsync(409, code: "callback.replayed");
    }

    static LicenceRecord Licence(string holder, string type, string number, string application) =>
        new(holder, type, number, "出生医学证明", "hospital", application, "birth-certificate", DateTime.UtcNow, LicenceRegistry.BlobNameFor(holder, type, number));

    async Task<HttpResponseMessage> CallbackAsync(string body, long at)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var client = server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/systems/bank-account-system/callbacks") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SystemApi.TimestampHeader, at.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SystemApi.SignatureHeader, SystemApi.Sign(ServerFixture.BankSecret, at, bytes));
        return await client.SendAsync(request);
    }
}
