using System.Net;
using Workflows.Api;
using Workflows.Notifications;

namespace Workflows.EndToEndTests;

/// <summary>GET /api/notifications on the real server: each caller reads their own and nobody else's.</summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class NotificationHttpTests(ServerFixture server)
{
    [Fact]
    public async Task Notifications_AfterANewbornApplication_TheMotherSeesAcceptedAndAnotherCitizenNothingOfHers()
    {
        var mother = $"ntf-{Guid.NewGuid():N}"[..20];
        var stranger = $"ntf-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        using var other = server.Citizen(stranger, "李娜");
        using var hospital = server.Officer("hospital");
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen,
            new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;

        var mine = await Http.PollAsync(
            async () => await (await citizen.GetAsync("/api/notifications")).ReadAsync<List<NotificationView>>(),
            list => list.Exists(n => n.Topic == NotificationTopics.Accepted && n.ApplicationId == id),
            "the accepted notification");

        var accepted = mine.Single(n => n.Topic == NotificationTopics.Accepted);
        accepted.Id.ShouldBe($"{id}:accepted");
        accepted.Audience.ShouldBe(nameof(RecipientKind.Applicant));
        (await (await other.GetAsync("/api/notifications")).ReadAsync<List<NotificationView>>()).ShouldNotContain(n => n.ApplicationId == id);
        (await (await hospital.GetAsync("/api/notifications")).ReadAsync<List<NotificationView>>())
            .ShouldNotContain(n => n.Audience == nameof(RecipientKind.Applicant), "an officer reads the department's notifications, never an applicant's");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    [InlineData("-1")]
    public async Task Notifications_BadMax_400NamingTheQueryParameter(string max)
    {
        using var citizen = server.Citizen("ntf-bad-max");

        using var response = await citizen.GetAsync($"/api/notifications?max={max}");

        await response.ShouldBeProblemAsync(400, field: "query:max");
    }
}
