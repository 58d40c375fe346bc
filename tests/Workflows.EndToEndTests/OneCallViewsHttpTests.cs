using System.Net;
using System.Text.Json;
using Workflows.Applications;
using Workflows.Cases;
using Workflows.Orchestration;
using Workflows.Tasks;

namespace Workflows.EndToEndTests;

/// <summary>
/// Labels in both languages and the one-call views over HTTP: the citizen's tracker, the officer's task page and the
/// administrator's application detail each render from one GET.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class OneCallViewsHttpTests(ServerFixture server)
{
    static readonly string[] Fast = ["fast"];

    [Fact]
    public async Task Form_AcceptLanguage_PicksTheLabelsAndTheProblemsLanguage()
    {
        using var citizen = server.Citizen($"lbl-{Guid.NewGuid():N}"[..20]);

        using var zh = await citizen.GetAsync("/api/bundles/newborn");
        zh.Content.Headers.ContentLanguage.ShouldBe(["zh"]);
        var zhForm = await zh.ReadAsync<BundleForm>();
        zhForm.Labels.ShouldNotBeNull()["department:hospital"].ShouldBe("医院（助产机构）");
        zhForm.Labels["option:babySex.female"].ShouldBe("女");
        zhForm.Fields.Single(f => f.Key == "babySex").OptionLabels.ShouldNotBeNull()["male"].En.ShouldBe("Male");

        using var en = await Send(citizen, "/api/bundles/newborn", "en-GB,en;q=0.9,zh;q=0.5");
        en.Content.Headers.ContentLanguage.ShouldBe(["en"]);
        en.Headers.Vary.ShouldContain("Accept-Language");
        var enForm = await en.ReadAsync<BundleForm>();
        enForm.Labels.ShouldNotBeNull()["department:hospital"].ShouldBe("Hospital (maternity unit)");
        enForm.Labels["item:birth-certificate"].ShouldBe("First issue of the medical birth certificate");
        enForm.Labels["material:babyPhoto"].ShouldBe("Baby's ID photo (white background)");
        enForm.Labels["licence:id-card"].ShouldBe("Resident identity card");
        enForm.Labels.Keys.ShouldBe(zhForm.Labels.Keys);

        using var missingEn = await Send(citizen, "/api/bundles/no-such-bundle", "en");
        var problemEn = await missingEn.ShouldBeProblemAsync(404, code: "resource.notFound");
        problemEn.GetProperty("title").GetString().ShouldBe("Not found.");
        using var missingZh = await citizen.GetAsync("/api/bundles/no-such-bundle");
        var problemZh = await missingZh.ShouldBeProblemAsync(404, code: "resource.notFound");
        problemZh.GetProperty("title").GetString().ShouldBe("未找到");
        problemZh.GetProperty("detail").GetString()!.ShouldNotContain("visible");
    }

    [Fact]
    public async Task Newborn_TaskPageTrackerAndAdminDetail_EachRenderInOneCall()
    {
        var mother = $"ocv-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        using var hospital = server.Officer("hospital");
        using var admin = server.Admin();
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;

        // The officer's task page: the form as the application's own template version labels it, the item's rules and history.
        var task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        using (var pageResponse = await Send(hospital, $"/api/tasks/{Uri.EscapeDataString(task.Task.TaskId)}/application", "en"))
        {
            var page = await pageResponse.ReadAsync<TaskApplicationView>();
            page.TemplateVersion.ShouldNotBeNull().ShouldBeGreaterThan(0);
            page.Form.ShouldNotBeNull().Select(f => f.Key).ShouldBe(page.Item.Fields, ignoreOrder: true);
            page.Form.Single(f => f.Key == "babyName").LabelEn.ShouldBe("Baby's name");
            page.Labels.ShouldNotBeNull()["field:babyName"].ShouldBe("Baby's name");
            page.Labels["department:hospital"].ShouldBe("Hospital (maternity unit)");
            page.History.ShouldNotBeNull().Select(e => e.Action).ShouldContain("item.started");
            page.History.ShouldAllBe(e => e.StepId.StartsWith("birth-certificate:", StringComparison.Ordinal) || e.StepId.StartsWith(task.Task.TaskId + ":", StringComparison.Ordinal));
        }

        // While it runs only the steps already decided (rules decide some at once) can be rated, not the bundle.
        var running = await (await citizen.GetAsync($"/api/applications/{id}")).ReadAsync<ApplicationDetail>();
        running.Rateable.ShouldNotBeNull().ShouldBe(
            running.Items.Where(i => i.State is ItemState.Approved or ItemState.Rejected or ItemState.Cancelled).Select(i => i.Key), ignoreOrder: true);
        running.Rateable.ShouldNotContain("bundle");
        running.Rateable.ShouldNotContain("birth-certificate");
        running.Labels.ShouldNotBeNull()["department:police"].ShouldBe("公安局");
        running.Stuck.ShouldBeNull();

        using (var decided = await Walkthrough.DecideAsync(hospital, task, new { kind = "approve", reason = "出生信息核对无误" }))
        {
            decided.StatusCode.ShouldBe(HttpStatusCode.Accepted, await decided.Content.ReadAsStringAsync());
        }

        var done = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.InProgress, "the bundle to end");
        done.Status.ShouldBe(ApplicationStatus.Completed);
        done.Rateable.ShouldNotBeNull().ShouldBe([.. done.Items.Where(i => i.State != ItemState.NotIncluded).Select(i => i.Key), "bundle"], ignoreOrder: true);
        done.Labels.ShouldNotBeNull()["tag:fast"].ShouldBe("办理快");

        using (var rated = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { item = "birth-certificate", score = 5, tags = Fast })))
        {
            ((int)rated.StatusCode).ShouldBeInRange(200, 202, await rated.Content.ReadAsStringAsync());
        }

        using (var reported = await citizen.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description = "证件迟迟没有寄到" })))
        {
            reported.StatusCode.ShouldBe(HttpStatusCode.Accepted, await reported.Content.ReadAsStringAsync());
        }

        var tracker = await Http.PollAsync(
            async () => await (await Send(citizen, $"/api/applications/{id}", "en")).ReadAsync<ApplicationDetail>(),
            a => a.Stuck is not null, "the stuck case to show on the tracker");
        tracker.Rateable.ShouldNotBeNull().ShouldNotContain("birth-certificate", "a step rated already cannot be rated again");
        tracker.Rateable.ShouldContain("bundle");
        tracker.Stuck!.Status.ShouldBe(CaseStatus.Open);
        tracker.Labels.ShouldNotBeNull()["department:police"].ShouldBe("Public Security Bureau");
        tracker.Labels["tag:fast"].ShouldBe("Fast");

        // The administrator's detail: the application, its tasks, audit, ratings and stuck case in one call.
        using (var detailResponse = await Send(admin, $"/api/admin/applications/{id}", "en"))
        {
            var detail = await detailResponse.ReadAsync<JsonElement>();
            detail.GetProperty("application").GetProperty("applicationId").GetString().ShouldBe(id);
            detail.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("itemKey").GetString()).ShouldContain("birth-certificate");
            detail.GetProperty("audit").GetArrayLength().ShouldBeGreaterThan(0);
            detail.GetProperty("ratings").EnumerateArray().Select(r => r.GetProperty("target").GetString()).ShouldBe(["birth-certificate"]);
            detail.GetProperty("stuck").GetProperty("status").GetString().ShouldBe("open");
            detail.GetProperty("labels").GetProperty("item:birth-certificate").GetString().ShouldBe("First issue of the medical birth certificate");
        }

        using var asCitizen = await citizen.GetAsync($"/api/admin/applications/{id}");
        await asCitizen.ShouldBeProblemAsync(403);
        using var asOfficer = await hospital.GetAsync($"/api/admin/applications/{id}");
        await asOfficer.ShouldBeProblemAsync(403);
        using var anonymous = server.Anonymous();
        using var unsigned = await anonymous.GetAsync($"/api/admin/applications/{id}");
        await unsigned.ShouldBeProblemAsync(401);
        using var unknown = await admin.GetAsync("/api/admin/applications/no-such-application");
        await unknown.ShouldBeProblemAsync(404, code: "resource.notFound");
    }

    static async Task<HttpResponseMessage> Send(HttpClient client, string path, string acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        return await client.SendAsync(request);
    }
}
