using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// Assisted filing (帮办代办) over HTTP, each rule tried by someone who would break it: the helper's filing starts
/// nothing and cannot name the applicant or write the consent; only the applicant's own token confirms, once, what
/// they were shown; the application then carries their token's name and the consent record's id, helper and time.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class AssistedConsentHttpTests(ServerFixture server)
{
    static readonly string[] Licences = ["id-card", "household-register", "marriage-certificate"];

    [Fact]
    public async Task Filing_WithATypedNameOrFreeTextConsent_IsRefused()
    {
        var mother = await MotherAsync("typed");
        using var helper = Helper();

        using var named = await helper.PostAsync("/api/assisted/applications", Http.Body(new
        {
            applicant = new { id = mother, kind = "citizen", name = "假名字" },
            templateKey = "newborn",
            answers = Walkthrough.NewbornAnswers(),
        }));
        await named.ShouldBeProblemAsync(400, field: "applicant.name", code: "field.unknown");

        using var consent = await helper.PostAsync("/api/assisted/applications", Http.Body(new
        {
            applicant = new { id = mother, kind = "citizen" },
            consent = "她口头同意了",
            templateKey = "newborn",
            answers = Walkthrough.NewbornAnswers(),
        }));
        await consent.ShouldBeProblemAsync(400, field: "consent", code: "field.unknown");

        // Nor for themselves: the helper's own id is not an applicant they may assist.
        using var self = await helper.PostAsync("/api/assisted/applications", Http.Body(Filing("helper-hall", "none")));
        await self.ShouldBeProblemAsync(400, field: "applicant.id", code: "assist.self");
    }

    [Fact]
    public async Task Filing_ByTheHelper_StartsNothingUntilTheApplicantConfirms()
    {
        var mother = await MotherAsync("pending");
        using var citizen = server.Citizen(mother);
        using var helper = Helper();
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");

        using var filed = await helper.PostAsync("/api/assisted/applications", Http.Body(Filing(mother, photo)));

        filed.StatusCode.ShouldBe(HttpStatusCode.Created, await filed.Content.ReadAsStringAsync());
        var view = await filed.ReadAsync<ConsentView>();
        view.Status.ShouldBe(ConsentStatus.AwaitingConfirmation);
        view.FiledBy.ShouldBe(new ConsentHelper("helper-hall", "政务服务中心帮办员", "service-hall"));
        (await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).ShouldBeEmpty("the helper's filing started an application");
        (await (await citizen.GetAsync($"/api/applications/{view.ApplicationId}")).Content.ReadAsStringAsync()).ShouldContain("resource.notFound");

        // She is told, and finds it among her requests.
        var notices = await (await citizen.GetAsync("/api/notifications")).ReadItemsAsync<NotificationView>();
        notices.Single(n => n.Topic == AssistedFiling.ConsentRequestedTopic).Body.ShouldContain(view.ConsentId);
        var mine = await (await citizen.GetAsync("/api/assisted/consents")).ReadItemsAsync<ConsentView>();
        mine.Select(c => (c.ConsentId, c.Status)).ShouldBe([(view.ConsentId, ConsentStatus.AwaitingConfirmation)]);
    }

    [Fact]
    public async Task Confirmation_WithTheApplicantsOwnToken_FilesOnceUnderHerTokensNameAndCitesTheConsent()
    {
        var mother = await MotherAsync("confirm");
        using var citizen = server.Citizen(mother, "王芳");
        var (consentId, shown) = await FileAsync(mother, citizen);

        // She reads exactly what will be filed.
        var seen = await (await citizen.GetAsync($"/api/assisted/consents/{consentId}")).ReadAsync<ConsentView>();
        seen.Sha256.ShouldBe(shown.Sha256);
        seen.Answers["babyName"].GetString().ShouldBe("王小明");

        string id;
        using (var confirmed = await citizen.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(new { sha256 = seen.Sha256 })))
        {
            confirmed.StatusCode.ShouldBe(HttpStatusCode.Accepted, await confirmed.Content.ReadAsStringAsync());
            id = (await confirmed.ReadAsync<SubmitResponse>()).ApplicationId;
        }

        id.ShouldBe(seen.ApplicationId);
        // A confirmation sent again (a retry, a double tap) is the same application.
        using (var again = await citizen.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(new { sha256 = seen.Sha256 })))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
            var replay = await again.ReadAsync<SubmitResponse>();
            replay.ApplicationId.ShouldBe(id);
            replay.Replayed.ShouldBeTrue();
        }

        var hers = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Items.Any(i => i.State == ItemState.Running), "her assisted application");
        (await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).Select(a => a.ApplicationId).ShouldBe([id]);
        hers.Assisted.ShouldNotBeNull().ConsentId.ShouldBe(consentId);

        // The department sees the name on her own token, who filed it and on which consent.
        using var hospital = server.Officer("hospital");
        var task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        var part = await (await hospital.GetAsync($"/api/tasks/{Uri.EscapeDataString(task.Task.TaskId)}/application")).ReadAsync<TaskApplicationView>();
        part.Applicant.ShouldBe(new Applicant(mother, ApplicantKind.Citizen, "王芳"));
        var filing = part.Assisted.ShouldNotBeNull();
        filing.ConsentId.ShouldBe(consentId);
        filing.FiledBy.Id.ShouldBe("helper-hall");
        filing.ConfirmedBy.ShouldBe(mother);
        filing.ConfirmedName.ShouldBe("王芳");
        filing.Sha256.ShouldBe(seen.Sha256);
        filing.ConfirmedAt.ShouldBeGreaterThanOrEqualTo(filing.FiledAt);

        using var admin = server.Admin();
        var trail = await (await admin.GetAsync($"/api/admin/audit?subject={id}")).ReadItemsAsync<AuditEntry>();
        foreach (var action in new[] { "consent.requested", "consent.confirmed", AssistedFiling.AuditAction })
        {
            // Once each, although the confirmation was sent twice.
            trail.Count(e => e.Action == action).ShouldBe(1, $"{action} in {string.Join(", ", trail.Select(e => e.Action))}");
        }

        var assisted = trail.Single(e => e.Action == AssistedFiling.AuditAction);
        assisted.Actor.ShouldBe("staff:helper-hall");
        assisted.After.ShouldBe($"citizen:{mother}");
        assisted.Detail!.ShouldContain(consentId);
        trail.Single(e => e.Action == "consent.confirmed").Actor.ShouldBe($"applicant:{mother}");
        (await (await citizen.GetAsync($"/api/assisted/consents/{consentId}")).ReadAsync<ConsentView>()).Status.ShouldBe(ConsentStatus.Confirmed);
    }

    [Fact]
    public async Task Confirmation_ByTheHelperOrAnotherCitizen_IsRefusedAndNothingStarts()
    {
        var mother = await MotherAsync("steal");
        using var citizen = server.Citizen(mother);
        var (consentId, shown) = await FileAsync(mother, citizen);
        using var helper = Helper();
        using var stranger = server.Citizen($"stranger-{Guid.NewGuid():N}"[..20], "李强");
        var confirm = new { sha256 = shown.Sha256 };
        var madeUp = $"con-{Guid.NewGuid():N}";

        using (var byHelper = await helper.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(confirm)))
        {
            await byHelper.ShouldBeProblemAsync(403, code: "auth.forbidden");
        }

        using (var helperReads = await helper.GetAsync($"/api/assisted/consents/{consentId}"))
        {
            await helperReads.ShouldBeProblemAsync(403, code: "auth.forbidden");
        }

        // Another citizen is told exactly what a made-up id tells them.
        using var byStranger = await stranger.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(confirm));
        using var nothing = await stranger.PostAsync($"/api/assisted/consents/{madeUp}/confirmation", Http.Body(confirm));
        var refused = await byStranger.ShouldBeProblemAsync(404, code: "resource.notFound");
        var none = await nothing.ShouldBeProblemAsync(404, code: "resource.notFound");
        refused.GetProperty("detail").GetString().ShouldBe(none.GetProperty("detail").GetString());
        using (var strangerReads = await stranger.GetAsync($"/api/assisted/consents/{consentId}"))
        {
            await strangerReads.ShouldBeProblemAsync(404, code: "resource.notFound");
        }

        using (var strangerRefuses = await stranger.PostAsync($"/api/assisted/consents/{consentId}/refusal", Http.Body(new { })))
        {
            await strangerRefuses.ShouldBeProblemAsync(404, code: "resource.notFound");
        }

        (await (await stranger.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).ShouldBeEmpty();
        (await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).ShouldBeEmpty();
        (await (await citizen.GetAsync($"/api/assisted/consents/{consentId}")).ReadAsync<ConsentView>()).Status.ShouldBe(ConsentStatus.AwaitingConfirmation);
    }

    [Fact]
    public async Task Confirmation_WithACompanyTokenOfTheSameId_IsRefused()
    {
        var mother = await MotherAsync("kind");
        using var citizen = server.Citizen(mother);
        var (consentId, shown) = await FileAsync(mother, citizen);
        // The same id signed in as a company: the request was filed for a citizen.
        using var company = server.Company(mother);

        using var confirmed = await company.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(new { sha256 = shown.Sha256 }));

        await confirmed.ShouldBeProblemAsync(409, code: "consent.applicantKind");
        (await (await citizen.GetAsync($"/api/assisted/consents/{consentId}")).ReadAsync<ConsentView>()).Status.ShouldBe(ConsentStatus.AwaitingConfirmation);
    }

    [Fact]
    public async Task Confirmation_OfOtherContentThanShownOrOfATamperedRow_IsRefusedAndNothingStarts()
    {
        var mother = await MotherAsync("tamper");
        using var citizen = server.Citizen(mother);
        var (consentId, shown) = await FileAsync(mother, citizen);

        using (var other = await citizen.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(new { sha256 = new string('0', 64) })))
        {
            await other.ShouldBeProblemAsync(409, code: "consent.changed");
        }

        using (var malformed = await citizen.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(new { sha256 = "yes" })))
        {
            await malformed.ShouldBeProblemAsync(400, field: "sha256");
        }

        // Someone with access to the table changes the baby's name after she was shown it.
        var table = await server.Services.GetRequiredService<StorageTables>().TableAsync(ConsentStore.TableName);
        var row = (await table.GetEntityAsync<TableEntity>(mother, consentId)).Value;
        row["Answers"] = row.GetString("Answers").Replace("王小明", "张三", StringComparison.Ordinal);
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        using (var tampered = await citizen.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(new { sha256 = shown.Sha256 })))
        {
            await tampered.ShouldBeProblemAsync(409, code: "consent.tampered");
        }

        (await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).ShouldBeEmpty("a changed request was filed");
    }

    [Fact]
    public async Task Confirmation_AfterTheRequestExpired_IsGoneAndNothingStarts()
    {
        var mother = await MotherAsync("late");
        using var citizen = server.Citizen(mother);
        // Filed eight days ago: written as the filing route writes it, with the time moved back.
        var filedAt = DateTime.UtcNow.AddDays(-8);
        var request = new ConsentRequest($"con-{Guid.NewGuid():N}", mother, ApplicantKind.Citizen, "helper-hall", "政务服务中心帮办员", "service-hall",
            filedAt, filedAt + AssistedFiling.ConfirmWithin, "newborn",
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(Walkthrough.NewbornAnswers(), Http.Json))!, [], string.Empty);
        request = request with { Sha256 = ConsentStore.Digest(request) };
        await server.Services.GetRequiredService<ConsentStore>().AddAsync(request);

        var seen = await (await citizen.GetAsync($"/api/assisted/consents/{request.ConsentId}")).ReadAsync<ConsentView>();
        seen.Status.ShouldBe(ConsentStatus.Expired);
        using (var late = await citizen.PostAsync($"/api/assisted/consents/{request.ConsentId}/confirmation", Http.Body(new { sha256 = request.Sha256 })))
        {
            await late.ShouldBeProblemAsync(410, code: "consent.expired");
        }

        (await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).ShouldBeEmpty("an expired request was filed");
    }

    [Fact]
    public async Task Refusal_ByTheApplicant_IsFinal()
    {
        var mother = await MotherAsync("refuse");
        using var citizen = server.Citizen(mother);
        var (consentId, shown) = await FileAsync(mother, citizen);

        using (var refused = await citizen.PostAsync($"/api/assisted/consents/{consentId}/refusal", Http.Body(new { reason = "信息有误" })))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.OK, await refused.Content.ReadAsStringAsync());
            (await refused.ReadAsync<ConsentView>()).Status.ShouldBe(ConsentStatus.Refused);
        }

        using (var again = await citizen.PostAsync($"/api/assisted/consents/{consentId}/refusal", Http.Body(new { })))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        }

        using (var confirm = await citizen.PostAsync($"/api/assisted/consents/{consentId}/confirmation", Http.Body(new { sha256 = shown.Sha256 })))
        {
            await confirm.ShouldBeProblemAsync(409, code: "consent.refused");
        }

        (await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).ShouldBeEmpty();
        using var admin = server.Admin();
        var trail = await (await admin.GetAsync($"/api/admin/audit?subject={shown.ApplicationId}")).ReadItemsAsync<AuditEntry>();
        trail.Single(e => e.Action == "consent.refused").Actor.ShouldBe($"applicant:{mother}");
    }

    [Fact]
    public async Task Filing_RetriedWithItsKey_IsTheSameRequestAndAnotherBodyIsRefused()
    {
        var mother = await MotherAsync("retry");
        using var citizen = server.Citizen(mother);
        using var helper = Helper();
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var key = $"hall-{Guid.NewGuid():N}";

        using var first = await Send(helper, Filing(mother, photo), key);
        using var second = await Send(helper, Filing(mother, photo), key);
        using var other = await Send(helper, Filing(mother, photo, babyName: "王小红"), key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        second.StatusCode.ShouldBe(HttpStatusCode.OK, await second.Content.ReadAsStringAsync());
        (await second.ReadAsync<ConsentView>()).ConsentId.ShouldBe((await first.ReadAsync<ConsentView>()).ConsentId);
        await other.ShouldBeProblemAsync(422, code: "idempotency.conflict");
    }

    static async Task<HttpResponseMessage> Send(HttpClient helper, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/assisted/applications") { Content = Http.Body(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await helper.SendAsync(request);
    }

    async Task<(string ConsentId, ConsentView Shown)> FileAsync(string mother, HttpClient citizen)
    {
        // The photo was taken at the hall's kiosk under her own account.
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        using var helper = Helper();
        using var filed = await helper.PostAsync("/api/assisted/applications", Http.Body(Filing(mother, photo)));
        filed.StatusCode.ShouldBe(HttpStatusCode.Created, await filed.Content.ReadAsStringAsync());
        var view = await filed.ReadAsync<ConsentView>();
        return (view.ConsentId, view);
    }

    HttpClient Helper(string id = "helper-hall") =>
        server.As(server.Tokens.Mint(id, "政务服务中心帮办员", CallerRole.Officer, department: AssistedFiling.HallDepartment, assist: true));

    static object Filing(string applicantId, string photo, string babyName = "王小明")
    {
        var answers = JsonSerializer.SerializeToNode(Walkthrough.NewbornAnswers(), Http.Json)!.AsObject();
        answers["babyName"] = babyName;
        return new
        {
            applicant = new { id = applicantId, kind = "citizen" },
            templateKey = "newborn",
            answers,
            materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } },
        };
    }

    async Task<string> MotherAsync(string prefix)
    {
        var mother = $"{prefix}-{Guid.NewGuid():N}"[..20];
        foreach (var type in Licences)
        {
            await server.GiveLicenceAsync(mother, type);
        }

        return mother;
    }
}
