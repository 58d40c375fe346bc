using System.Net;
using System.Text.Json;
using Workflows.Applications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>Writes a client can follow: strong ETags, <c>If-Match: *</c>, a decision's 202 with the task's ETag and Location, and a template save that lists its problems.</summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class WritesHttpTests(ServerFixture server)
{
    [Fact]
    public async Task TemplateSave_WithProblems_AnswersTheValidatorsProblems()
    {
        using var admin = server.Admin();
        var key = $"w-{Guid.NewGuid():N}"[..20];
        // Without the register event rule: a published copy that starts proactive applications would change other tests' events.
        var valid = BuiltInTemplates.Get("newborn") with { Key = key, Proactive = null };
        using var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(valid)));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var etag = created.Headers.GetValues("ETag").Single();
        etag.ShouldNotStartWith("W/", customMessage: "ETags are strong");

        // A draft saved with a problem is kept, and the answer says what is wrong (it used to say problems: []).
        var broken = valid with { Items = [valid.Items[0] with { DependsOn = ["no-such-item"] }, .. valid.Items.Skip(1)] };
        using var saved = await Put(admin, $"/api/admin/templates/{key}/versions/1", TemplateJson.Write(broken), etag);
        var body = await saved.ReadAsync<JsonElement>();
        body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("code").GetString()).ShouldContain("item.dependsOn.unknown");
        var savedETag = saved.Headers.GetValues("ETag").Single();
        savedETag.ShouldNotStartWith("W/");

        // Publishing it is refused with the same problems; If-Match: * stands for the version as it is now.
        using var refused = await Post(admin, $"/api/admin/templates/{key}/versions/1/publish", "{}", "*");
        await refused.ShouldBeProblemAsync(422, code: "item.dependsOn.unknown");

        using var fixedDraft = await Put(admin, $"/api/admin/templates/{key}/versions/1", TemplateJson.Write(valid), "*");
        (await fixedDraft.ReadAsync<JsonElement>()).GetProperty("problems").GetArrayLength().ShouldBe(0);
        var fixedETag = fixedDraft.Headers.GetValues("ETag").Single();

        // The ETag read before the last save is stale, strong or weak.
        using var stale = await Post(admin, $"/api/admin/templates/{key}/versions/1/publish", "{}", savedETag);
        await stale.ShouldBeProblemAsync(412);
        using var published = await Post(admin, $"/api/admin/templates/{key}/versions/1/publish", "{}", "W/" + fixedETag);
        (await published.ReadAsync<JsonElement>()).GetProperty("summary").GetProperty("status").GetString().ShouldBe("published");
    }

    [Fact]
    public async Task Decision_Accepted_ReturnsTheTasksETagAndWhereToLook()
    {
        var mother = $"wr-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        using var hospital = server.Officer("hospital");
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        var id = submitted.Body!.ApplicationId;
        var task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        task.ETag.ShouldNotBeNull().ShouldNotStartWith("W/");
        var taskPath = $"/api/tasks/{Uri.EscapeDataString(task.Task.TaskId)}";

        // Claim with If-Match: * (whatever the task is now); the answer's ETag is strong and the next write uses it.
        using var claimed = await Post(hospital, $"{taskPath}/claim", null, "*");
        claimed.StatusCode.ShouldBe(HttpStatusCode.OK, await claimed.Content.ReadAsStringAsync());
        var claimETag = claimed.Headers.GetValues("ETag").Single();
        claimETag.ShouldNotStartWith("W/");

        using var decided = await Post(hospital, $"{taskPath}/decision", JsonSerializer.Serialize(new { kind = "approve", reason = "核对无误" }), claimETag);
        decided.StatusCode.ShouldBe(HttpStatusCode.Accepted, await decided.Content.ReadAsStringAsync());
        decided.Headers.Location!.ToString().ShouldBe(taskPath);
        var accepted = await decided.ReadAsync<DecisionAccepted>();
        (accepted.TaskId, accepted.ApplicationId).ShouldBe((task.Task.TaskId, id));
        decided.Headers.GetValues("ETag").Single().ShouldBe(accepted.ETag);
        accepted.ETag.ShouldNotStartWith("W/");

        // Where to look: the task, whose decision is delivered. If-Match: * does not let a second decision in: the
        // task is closed (409), whatever its version.
        var after = await Http.PollAsync(async () => await Walkthrough.GetTaskAsync(hospital, task.Task.TaskId), t => !t.DecisionPending, "the decision to be delivered");
        after.Task.Status.ShouldBe(Workflows.Tasks.OfficerTaskStatus.Closed);
        var done = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.InProgress, "the bundle to end");
        done.Status.ShouldBe(ApplicationStatus.Completed);
        using var again = await Post(hospital, $"{taskPath}/decision", JsonSerializer.Serialize(new { kind = "approve" }), "*");
        await again.ShouldBeProblemAsync(409, code: "task.notOpen");
    }

    static async Task<HttpResponseMessage> Put(HttpClient client, string path, string json, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = Http.Raw(json) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    static async Task<HttpResponseMessage> Post(HttpClient client, string path, string? json, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = json is null ? null : Http.Raw(json) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }
}
