using System.Net;
using Workflows.Notifications;
using Workflows.Testing;

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
            async () => await (await citizen.GetAsync("/api/notifications")).ReadItemsAsync<NotificationView>(),
            list => list.Exists(n => n.Topic == NotificationTopics.Accepted && n.ApplicationId == id),
            "the accepted notification");

        var accepted = mine.Single(n => n.Topic == NotificationTopics.Accepted);
        accepted.Id.ShouldBe($"{id}:accepted");
        accepted.Audience.ShouldBe(nameof(RecipientKind.Applicant));
        (await (await other.GetAsync("/api/notifications")).ReadItemsAsync<NotificationView>()).ShouldNotContain(n => n.ApplicationId == id);
        (await (await hospital.GetAsync("/api/notifications")).ReadItemsAsync<NotificationView>())
            .ShouldNotContain(n => n.Audience == nameof(RecipientKind.Applicant), "an officer reads the department's notifications, never an applicant's");
    }

    [Fact]
    public async Task Submit_RefusedWhileTheGatewayHangs_422WithoutWaitingAndTheSweeperDeliversTheNoticeOnceItWorks()
    {
        var applicant = $"ntf-{Guid.NewGuid():N}"[..20];
        using var citizen = server.Citizen(applicant);
        // The gateway answers none of her notifications until released: were the notice delivered inside the
        // request, the 422 would wait on the gateway and the gateway on the test, until the client gave up.
        server.Gateway.Set(applicant, GatewayMode.Hold);
        try
        {
            var refused = await Walkthrough.SubmitAsync(citizen, new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = Array.Empty<object>() });

            refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.Text);
            refused.Text.ShouldContain("babyPhoto");
            var notice = (await (await citizen.GetAsync("/api/notifications")).ReadItemsAsync<NotificationView>()).ShouldHaveSingleItem();
            notice.Topic.ShouldBe(NotificationTopics.Refused);
            notice.Body.ShouldContain("babyPhoto");
            notice.Delivery.ShouldBe(nameof(DeliveryStatus.Pending));
            server.Gateway.Accepted(notice.Id).ShouldBe(0);

            server.Gateway.Release(applicant);
            await Http.PollAsync(
                async () => await (await citizen.GetAsync("/api/notifications")).ReadItemsAsync<NotificationView>(),
                list => list.Exists(n => n.Id == notice.Id && n.Delivery == nameof(DeliveryStatus.Sent)),
                "the sweeper to deliver the refusal");
            server.Gateway.Accepted(notice.Id).ShouldBe(1);

            // A second refusal delivered by a later sweep: by then the first must not have gone again.
            var second = await Walkthrough.SubmitAsync(citizen, new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = Array.Empty<object>() });
            second.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, second.Text);
            await Http.PollAsync(
                async () => await (await citizen.GetAsync("/api/notifications")).ReadItemsAsync<NotificationView>(),
                list => list.Count == 2 && list.TrueForAll(n => n.Delivery == nameof(DeliveryStatus.Sent)),
                "the sweeper to deliver the second refusal");
            server.Gateway.Accepted(notice.Id).ShouldBe(1);
        }
        finally
        {
            server.Gateway.Release(applicant);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    [InlineData("-1")]
    public async Task Notifications_BadPageSize_400NamingTheQueryParameter(string size)
    {
        using var citizen = server.Citizen("ntf-bad-max");

        using var response = await citizen.GetAsync($"/api/notifications?pageSize={size}");

        await response.ShouldBeProblemAsync(400, field: "query:pageSize");
    }
}
