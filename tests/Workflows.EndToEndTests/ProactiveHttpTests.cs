using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Workflows.Applications;
using Workflows.Systems;

namespace Workflows.EndToEndTests;

/// <summary>
/// A birth recorded by the hospital's register over HTTP: a signed event starts a pre-filled newborn application that
/// waits for the parent; the same event again starts nothing new; only the parent may decline it, once.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class ProactiveHttpTests(ServerFixture server)
{
    [Fact]
    public async Task RegisterEvent_SentTwice_StartsOneApplicationAwaitingTheParent()
    {
        var parent = $"e2e-pro-{Guid.NewGuid():N}"[..20];
        var body = Encoding.UTF8.GetBytes(Walkthrough.BirthRecorded(parent));
        using var register = server.Anonymous();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var first = await register.SendAsync(Event(body, now));
        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        var started = await first.ReadAsync<RegisterEventResponse>();
        var id = started.Applications.ShouldHaveSingleItem().ApplicationId;

        // The register sends the same event again (signed afresh): the same application, 200.
        using var again = await register.SendAsync(Event(body, now + 1));
        again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        (await again.ReadAsync<RegisterEventResponse>()).Applications.ShouldHaveSingleItem().ApplicationId.ShouldBe(id);

        using var citizen = server.Citizen(parent);
        var waiting = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status == ApplicationStatus.AwaitingConfirmation, "the application to await confirmation");
        waiting.TemplateKey.ShouldBe("newborn");
        // What the register filled in is shown, so that the parent can check it before confirming, with the deadline.
        var prefilled = waiting.Prefilled.ShouldNotBeNull();
        prefilled["babyName"].GetString().ShouldBe("王小明");
        prefilled["babyBirthDate"].GetString().ShouldBe("2026-11-20");
        prefilled["motherIdNumber"].GetString().ShouldBe("11010519491231002X");
        prefilled.ShouldNotContainKey("settleWith");
        waiting.ConfirmBy.ShouldNotBeNull().ShouldBeGreaterThan(waiting.SubmittedAt);
        waiting.Asked.ShouldContain(a => a.Kind == "confirmation" && a.DueAt == waiting.ConfirmBy);

        using var stranger = server.Citizen($"{parent}-x");
        using (var refused = await stranger.PostAsync($"/api/applications/{id}/declination", Http.Body(new { reason = "not mine" })))
        {
            await refused.ShouldBeProblemAsync(404);
        }

        using (var declined = await citizen.PostAsync($"/api/applications/{id}/declination", Http.Body(new { reason = "we moved away" })))
        {
            declined.StatusCode.ShouldBe(HttpStatusCode.Accepted, await declined.Content.ReadAsStringAsync());
        }

        var declinedDetail = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.AwaitingConfirmation, "the declination");
        declinedDetail.Status.ShouldBe(ApplicationStatus.Declined);
        declinedDetail.Prefilled.ShouldBeNull("only an application awaiting confirmation shows what is to be confirmed");
        using var late = await citizen.PostAsync($"/api/applications/{id}/confirmation", Http.Body(new { }));
        await late.ShouldBeProblemAsync(409);
    }

    [Fact]
    public async Task Figures_BadPeriod_Returns400NamingTheParameter()
    {
        using var admin = server.Admin();
        using var response = await admin.GetAsync("/api/admin/figures?from=2026-05&to=2026-01");
        await response.ShouldBeProblemAsync(400, field: "query:to");
    }

    static HttpRequestMessage Event(byte[] body, long timestamp)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/systems/birth-register-system/events") { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Add(SystemApi.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(SystemApi.SignatureHeader, SystemApi.Sign(ServerFixture.BirthRegisterSecret, timestamp, body));
        return message;
    }
}
