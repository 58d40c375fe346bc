using System.Net;
using System.Text.Json;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// Moving running applications to a newer template version over HTTP (issue 18): an administrator publishes a copy of
/// the newborn bundle, a mother applies (the hospital's officer has not decided yet), the administrator publishes a
/// version that gives the hospital more time and one that hands the birth certificate to another department, sees the
/// dry run of each, and moves the application to the safe one.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class MigrationHttpTests(ServerFixture server)
{
    const string BirthCertificate = "birth-certificate";
    static readonly string[] BadIds = ["../x"];
    static readonly string[] Licences = ["id-card", "household-register", "marriage-certificate"];

    internal static BundleTemplate Newborn(string key, Func<ItemDefinition, ItemDefinition>? birthCertificate = null)
    {
        var builtIn = BuiltInTemplates.Get("newborn");
        // Not proactive: other tests' birth events must not start applications of this copy.
        return builtIn with { Key = key, Proactive = null, Items = [.. builtIn.Items.Select(i => i.Key == BirthCertificate && birthCertificate is not null ? birthCertificate(i) : i)] };
    }

    internal static async Task<int> PublishAsync(HttpClient admin, BundleTemplate template)
    {
        using var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(template)));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var version = (await created.ReadAsync<JsonElement>()).GetProperty("summary").GetProperty("version").GetInt32();
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{template.Key}/versions/{version}/publish") { Content = Http.Raw("{}") };
        publish.Headers.TryAddWithoutValidation("If-Match", created.Headers.GetValues("ETag").Single());
        using var published = await admin.SendAsync(publish);
        published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        return version;
    }

    static async Task<MigrationResponse> MigrateAsync(HttpClient admin, string key, object body, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{key}/migrations") { Content = Http.Body(body) };
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }

        using var response = await admin.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<MigrationResponse>();
    }

    /// <summary>A copy of newborn published as version 1 and a newborn application on it waiting on the hospital.</summary>
    internal static async Task<(string Key, string Id, string Mother)> SeedAsync(ServerFixture server)
    {
        var key = $"mg-{Guid.NewGuid():N}"[..20];
        using var admin = server.Admin();
        (await PublishAsync(admin, Newborn(key))).ShouldBe(1);

        var mother = $"mg-{Guid.NewGuid():N}"[..20];
        foreach (var type in Licences)
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        var photo = await Walkthrough.UploadAsync(citizen, key, "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new
        {
            templateKey = key,
            answers = Walkthrough.NewbornAnswers(),
            materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } },
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;
        using var hospital = server.Officer("hospital");
        await Walkthrough.WaitForTaskAsync(hospital, id, BirthCertificate);
        return (key, id, mother);
    }

    [Fact]
    public async Task DryRun_ThenMove_AnApplicationWaitingOnTheHospital()
    {
        var (key, id, mother) = await SeedAsync(server);
        using var admin = server.Admin();
        using var citizen = server.Citizen(mother);

        // v2 gives the hospital two more working days; v3 hands the birth certificate to another department.
        var safe = Newborn(key, i => i with { CommittedDays = i.CommittedDays + 2 });
        (await PublishAsync(admin, safe)).ShouldBe(2);
        (await PublishAsync(admin, Newborn(key, i => i with { Department = "cdc" }))).ShouldBe(3);

        var dry = await MigrateAsync(admin, key, new { from = 1, to = 2 });
        dry.DryRun.ShouldBeTrue();
        var mine = dry.Applications.ShouldHaveSingleItem();
        mine.ApplicationId.ShouldBe(id);
        mine.CanMove.ShouldBeTrue(string.Join("; ", mine.Reasons.Select(r => r.Message)));
        mine.Sent.ShouldBeFalse();
        var change = mine.Changes.ShouldHaveSingleItem();
        (change.Code, change.Path).ShouldBe(("migration.item.due", $"$.items[{BirthCertificate}].committedDays"));
        change.Message.ShouldContain("延后 2 个工作日");

        var refused = (await MigrateAsync(admin, key, new { from = 1, to = 3, applicationIds = new[] { id } }, "en")).Applications.ShouldHaveSingleItem();
        refused.CanMove.ShouldBeFalse();
        var reason = refused.Reasons.ShouldHaveSingleItem();
        (reason.Code, reason.Path).ShouldBe(("migration.item.department", $"$.items[{BirthCertificate}].department"));
        reason.Message.ShouldContain("department 'hospital'");

        // Nothing moved in a dry run.
        (await Walkthrough.WaitForApplicationAsync(citizen, id, _ => true, "read")).TemplateVersion.ShouldBe(1);

        var moved = (await MigrateAsync(admin, key, new { from = 1, to = 2, dryRun = false, reason = "医院时限调整" })).Applications.ShouldHaveSingleItem();
        moved.Sent.ShouldBeTrue();
        var detail = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.TemplateVersion == 2, "moved to version 2");
        detail.Status.ShouldBe(ApplicationStatus.InProgress);
        using var trail = await admin.GetAsync($"/api/admin/audit?subject={id}&action=application.migrated");
        (await trail.ReadItemsAsync<JsonElement>()).ShouldHaveSingleItem().GetProperty("actor").GetString().ShouldBe("admin:admin");

        // Moved already: the next dry run from version 1 lists it no more.
        (await MigrateAsync(admin, key, new { from = 1, to = 2 })).Applications.ShouldBeEmpty();
    }

    [Fact]
    public async Task BadInput_IsAProblemNamingTheField()
    {
        using var admin = server.Admin();
        using (var sameVersion = await admin.PostAsync("/api/admin/templates/newborn/migrations", Http.Body(new { from = 1, to = 1 })))
        {
            (await sameVersion.ShouldBeProblemAsync(400)).GetProperty("errors").EnumerateArray().ShouldContain(e => e.GetProperty("field").GetString() == "to");
        }

        using (var noReason = await admin.PostAsync("/api/admin/templates/newborn/migrations", Http.Body(new { from = 1, to = 1, dryRun = false })))
        {
            (await noReason.ShouldBeProblemAsync(400)).GetProperty("errors").EnumerateArray().ShouldContain(e => e.GetProperty("field").GetString() == "reason");
        }

        using (var badId = await admin.PostAsync("/api/admin/templates/newborn/migrations", Http.Body(new { from = 1, to = 2, applicationIds = BadIds })))
        {
            (await badId.ShouldBeProblemAsync(400)).GetProperty("errors").EnumerateArray().ShouldContain(e => e.GetProperty("field").GetString() == "applicationIds[0]");
        }

        using (var notAVersion = await admin.PostAsync("/api/admin/templates/newborn/migrations", Http.Raw("""{"from":"one","to":2}""")))
        {
            await notAVersion.ShouldBeProblemAsync(400);
        }

        using var unknown = await admin.PostAsync("/api/admin/templates/no-such-template/migrations", Http.Body(new { from = 1, to = 2 }));
        await unknown.ShouldBeProblemAsync(404);
    }
}
