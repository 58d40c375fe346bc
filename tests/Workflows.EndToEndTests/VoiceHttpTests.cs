using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Auth;
using Workflows.Cases;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Ratings;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// The citizen's voice over HTTP: a bad rating opens a follow-up the department must answer and the applicant reads
/// the answer (好差评); a stuck application opens a case the administrators see (办不成事). Assisted filing (帮办代办)
/// is <see cref="AssistedConsentHttpTests"/>'.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class VoiceHttpTests(ServerFixture server)
{
    static readonly string[] Licences = ["id-card", "household-register", "marriage-certificate"];
    static readonly string[] Fast = ["fast"];
    static readonly string[] Lovely = ["lovely"];

    [Fact]
    public async Task Rating_BadRatingOfApprovedItem_OpensFollowUpTheHospitalAnswersAndTheApplicantReads()
    {
        var (mother, id) = await NewbornAsync("rate");
        using var citizen = server.Citizen(mother);
        using var other = server.Citizen($"rate-other-{Guid.NewGuid():N}"[..20], "李强");
        using var hospital = server.Officer("hospital");

        // Before the hospital decides, the item cannot be rated.
        var running = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        using (var early = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { item = "birth-certificate", score = 1 })))
        {
            await early.ShouldBeProblemAsync(409, code: "rating.notEnded");
        }

        using (var approved = await Walkthrough.DecideAsync(hospital, running, new { kind = "approve" }))
        {
            approved.StatusCode.ShouldBe(HttpStatusCode.Accepted, await approved.Content.ReadAsStringAsync());
        }

        await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Items.Single(i => i.Key == "birth-certificate").State == ItemState.Approved, "the certificate");
        var rating = new { item = "birth-certificate", score = 1, tags = new[] { "slow", "extra-trips" }, comment = "跑了两趟才办好" };
        using (var rated = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(rating)))
        {
            rated.StatusCode.ShouldBe(HttpStatusCode.Created, await rated.Content.ReadAsStringAsync());
        }

        // The same rating again (a retry) is the same rating; another one for the item is refused.
        using (var retried = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(rating)))
        {
            retried.StatusCode.ShouldBe(HttpStatusCode.OK, await retried.Content.ReadAsStringAsync());
        }

        using (var second = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { item = "birth-certificate", score = 5 })))
        {
            await second.ShouldBeProblemAsync(409, code: "rating.alreadyGiven");
        }

        // Another citizen can neither rate nor read it, and is told nothing more than for an id that does not exist.
        using (var foreign = await other.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { item = "birth-certificate", score = 5 })))
        {
            await foreign.ShouldBeProblemAsync(404, code: "resource.notFound");
        }

        using (var peek = await other.GetAsync($"/api/applications/{id}/ratings"))
        {
            await peek.ShouldBeProblemAsync(404, code: "resource.notFound");
        }

        var taskId = Rating.FollowUpId(id, "birth-certificate");
        var list = await Http.PollAsync(async () =>
        {
            var page = await (await hospital.GetAsync("/api/tasks?pageSize=200")).ReadAsync<Page<TaskRecord>>();
            return page.Items.Any(t => t.TaskId == taskId) ? page : null;
        }, _ => true, "the follow-up in the hospital's list");
        var followUp = list.Items.Single(t => t.TaskId == taskId);
        followUp.Kind.ShouldBe(TaskKind.FollowUp);
        followUp.DueAt.ShouldBeGreaterThan(followUp.OpenedAt);
        var view = await Walkthrough.GetTaskAsync(hospital, taskId);

        // A follow-up is not decided: it is answered in writing.
        using (var decided = await Walkthrough.DecideAsync(hospital, view, new { kind = "approve" }))
        {
            await decided.ShouldBeProblemAsync(409, code: "task.followUp");
        }

        using (var empty = await RespondAsync(hospital, taskId, view.ETag!, new { text = " " }))
        {
            await empty.ShouldBeProblemAsync(400, field: "text");
        }

        using (var noTag = await RespondAsync(hospital, taskId, null, new { text = "x" }))
        {
            await noTag.ShouldBeProblemAsync(428);
        }

        using (var police = server.Officer("police"))
        using (var elsewhere = await RespondAsync(police, taskId, view.ETag!, new { text = "not ours" }))
        {
            await elsewhere.ShouldBeProblemAsync(404);
        }

        using (var answered = await RespondAsync(hospital, taskId, view.ETag!, new { text = "已加开出生证明窗口，今后一次办结。" }))
        {
            answered.StatusCode.ShouldBe(HttpStatusCode.OK, await answered.Content.ReadAsStringAsync());
        }

        using (var twice = await RespondAsync(hospital, taskId, view.ETag!, new { text = "again" }))
        {
            ((int)twice.StatusCode).ShouldBeOneOf(409, 412);
        }

        (await Walkthrough.GetTaskAsync(hospital, taskId)).Task.Status.ShouldBe(OfficerTaskStatus.Closed);
        var mine = await (await citizen.GetAsync($"/api/applications/{id}/ratings")).ReadItemsAsync<Rating>();
        var seen = mine.Single();
        seen.Score.ShouldBe(1);
        seen.Response.ShouldBe("已加开出生证明窗口，今后一次办结。");
        seen.RespondedBy.ShouldBe("officer:officer-hospital");

        // The whole bundle, once it has ended, gets its own rating; a good one opens nothing.
        await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.InProgress, "the bundle to end");
        using (var bundle = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { item = (string?)null, score = 5, tags = Fast })))
        {
            bundle.StatusCode.ShouldBe(HttpStatusCode.Created, await bundle.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Rating_BadInput_NamesTheField()
    {
        var (mother, id) = await NewbornAsync("rbad");
        using var citizen = server.Citizen(mother);

        using var score = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { item = "birth-certificate", score = 6 }));
        await score.ShouldBeProblemAsync(400, field: "score");
        using var tag = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { score = 3, tags = Lovely }));
        await tag.ShouldBeProblemAsync(400, field: "tags[0]");
        using var comment = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { score = 3, comment = new string('慢', 501) }));
        await comment.ShouldBeProblemAsync(400, field: "comment");
        using var item = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { item = "no-such-item", score = 3 }));
        await item.ShouldBeProblemAsync(400, field: "item");
    }

    [Fact]
    public async Task StuckReport_ApplicantReports_AdminSeesTheCaseAndResolvesItOnce()
    {
        var (mother, id) = await NewbornAsync("stuck");
        using var citizen = server.Citizen(mother);
        using var other = server.Citizen($"stuck-other-{Guid.NewGuid():N}"[..20], "李强");
        using var admin = server.Admin();

        using (var foreign = await other.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description = "not mine" })))
        {
            await foreign.ShouldBeProblemAsync(404);
        }

        using (var empty = await citizen.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description = "" })))
        {
            await empty.ShouldBeProblemAsync(400, field: "description");
        }

        string caseId;
        using (var reported = await citizen.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description = "医院三天没有处理出生证明" })))
        {
            reported.StatusCode.ShouldBe(HttpStatusCode.Accepted, await reported.Content.ReadAsStringAsync());
            caseId = (await reported.ReadAsync<StuckReportResponse>()).CaseId;
        }

        caseId.ShouldBe($"case:{id}");
        using (var again = await citizen.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description = "still stuck" })))
        {
            await again.ShouldBeProblemAsync(409, code: "case.open");
        }

        var open = await Http.PollAsync(async () =>
        {
            var cases = await (await admin.GetAsync("/api/admin/cases?status=open")).ReadItemsAsync<StuckCase>();
            return cases.FirstOrDefault(c => c.CaseId == caseId);
        }, _ => true, "the case in the administrators' list");
        open.ApplicantId.ShouldBe(mother);
        open.Description.ShouldBe("医院三天没有处理出生证明");
        open.DueAt.ShouldBeGreaterThan(open.OpenedAt);
        using (var bad = await admin.GetAsync("/api/admin/cases?status=1"))
        {
            await bad.ShouldBeProblemAsync(400, field: "query:status");
        }

        using (var resolved = await admin.PostAsync($"/api/admin/cases/{Uri.EscapeDataString(caseId)}/resolution", Http.Body(new { text = "已督办，医院今日办结。" })))
        {
            resolved.StatusCode.ShouldBe(HttpStatusCode.Accepted, await resolved.Content.ReadAsStringAsync());
        }

        using (var twice = await admin.PostAsync($"/api/admin/cases/{Uri.EscapeDataString(caseId)}/resolution", Http.Body(new { text = "again" })))
        {
            await twice.ShouldBeProblemAsync(409, code: "case.resolved");
        }

        var closed = await Http.PollAsync(async () =>
        {
            var cases = await (await admin.GetAsync("/api/admin/cases?status=resolved")).ReadItemsAsync<StuckCase>();
            return cases.FirstOrDefault(c => c.CaseId == caseId);
        }, _ => true, "the case resolved");
        closed.Resolution.ShouldBe("已督办，医院今日办结。");
        closed.ResolvedBy.ShouldBe("admin:admin");
    }

    [Fact]
    public async Task StuckReport_RightAfterSubmit_OpensTheCaseAndAStrangerGetsTheAnswerOfANonexistentApplication()
    {
        var mother = $"soon-{Guid.NewGuid():N}"[..20];
        foreach (var type in Licences)
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        using var stranger = server.Citizen($"soon-other-{Guid.NewGuid():N}"[..20], "李强");
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen,
            new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;

        // At once, without waiting for the application's first write.
        using (var reported = await citizen.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description = "提交后看不到进度" })))
        {
            reported.StatusCode.ShouldBe(HttpStatusCode.Accepted, await reported.Content.ReadAsStringAsync());
            (await reported.ReadAsync<StuckReportResponse>()).CaseId.ShouldBe($"case:{id}");
        }

        using var foreign = await stranger.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description = "not mine" }));
        using var missing = await stranger.PostAsync($"/api/applications/app-{Guid.NewGuid():N}/stuck", Http.Body(new { description = "nothing" }));
        await foreign.ShouldBeProblemAsync(404, code: "resource.notFound");
        await missing.ShouldBeProblemAsync(404, code: "resource.notFound");
        var (a, b) = (JsonNode.Parse(await foreign.Content.ReadAsStringAsync())!.AsObject(), JsonNode.Parse(await missing.Content.ReadAsStringAsync())!.AsObject());
        foreach (var name in new[] { "type", "title", "status", "detail", "code" })
        {
            a[name]?.ToJsonString().ShouldBe(b[name]?.ToJsonString(), name);
        }
    }

    [Fact]
    public async Task Supervision_EscalatedTaskAndNotice_TheSupervisorFindsBothAndAnOrdinaryOfficerNoNotice()
    {
        const string department = "cdc";
        var id = $"sup-{Guid.NewGuid():N}"[..20];
        var now = DateTime.UtcNow;
        // What the item's escalation writes: the task marked, and a notice to the department's supervisors.
        var tasks = server.Services.GetRequiredService<TaskStore>();
        var late = new TaskRecord(department, $"{id}:vaccination-certificate", TaskKind.Decision, id, "vaccination-certificate", "预防接种证办理", "newborn",
            "citizen-sup", "王芳", OfficerTaskStatus.Open, now.AddDays(-3), now.AddDays(-1), Escalated: true);
        var onTime = late with { TaskId = $"{id}-b:vaccination-certificate", ApplicationId = $"{id}-b", DueAt = now.AddDays(1), Escalated = false };
        await tasks.SaveAsync(late);
        await tasks.SaveAsync(onTime);
        var notice = new Notification($"{late.TaskId}:n001", RecipientKind.Supervisor, department, NotificationTopics.Escalation, "Overdue: 预防接种证办理",
            $"Application {id} passed its due time.", now, id, "vaccination-certificate");
        (await server.Services.GetRequiredService<NotificationOutbox>().AddAsync([notice])).ShouldHaveSingleItem();
        var catalog = BuiltInTemplates.Catalog;
        using var supervisor = server.As(server.Tokens.Mint(DemoUsers.Find(catalog, $"supervisor-{department}")!));
        using var officer = server.As(server.Tokens.Mint(DemoUsers.Find(catalog, $"officer-{department}")!));
        using var otherSupervisor = server.As(server.Tokens.Mint(DemoUsers.Find(catalog, "supervisor-police")!));

        var escalated = await (await supervisor.GetAsync("/api/tasks?escalated=true&pageSize=200")).ReadAsync<Page<TaskRecord>>();
        var notEscalated = await (await supervisor.GetAsync("/api/tasks?escalated=false&pageSize=200")).ReadAsync<Page<TaskRecord>>();
        escalated.Items.ShouldContain(t => t.TaskId == late.TaskId);
        escalated.Items.ShouldNotContain(t => t.TaskId == onTime.TaskId);
        escalated.Items.ShouldAllBe(t => t.Escalated);
        notEscalated.Items.ShouldContain(t => t.TaskId == onTime.TaskId);
        notEscalated.Items.ShouldNotContain(t => t.TaskId == late.TaskId);
        (await (await otherSupervisor.GetAsync("/api/tasks?escalated=true&pageSize=200")).ReadAsync<Page<TaskRecord>>()).Items
            .ShouldNotContain(t => t.TaskId == late.TaskId, "another department's supervisor");

        var seen = await (await supervisor.GetAsync("/api/notifications?pageSize=100")).ReadItemsAsync<NotificationView>();
        seen.Single(n => n.Id == notice.Id).Audience.ShouldBe(nameof(RecipientKind.Supervisor));
        (await (await officer.GetAsync("/api/notifications?pageSize=100")).ReadItemsAsync<NotificationView>())
            .ShouldNotContain(n => n.Id == notice.Id || n.Audience == nameof(RecipientKind.Supervisor), "an ordinary officer is not told of escalations");
        (await (await otherSupervisor.GetAsync("/api/notifications?pageSize=100")).ReadItemsAsync<NotificationView>())
            .ShouldNotContain(n => n.Id == notice.Id, "another department's supervisor");
    }

    async Task<(string Mother, string ApplicationId)> NewbornAsync(string prefix)
    {
        var mother = $"{prefix}-{Guid.NewGuid():N}"[..20];
        foreach (var type in Licences)
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen,
            new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;
        // Reports and ratings read the application's read model, written by the bundle's first step.
        await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Items.Any(i => i.State == ItemState.Running), "the application to start");
        return (mother, id);
    }

    static async Task<HttpResponseMessage> RespondAsync(HttpClient officer, string taskId, string? etag, object body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{Uri.EscapeDataString(taskId)}/response") { Content = Http.Body(body) };
        if (etag is not null)
        {
            message.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await officer.SendAsync(message);
    }
}
