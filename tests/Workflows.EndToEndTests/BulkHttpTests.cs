using System.Net;
using System.Text.Json;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Orchestration;

namespace Workflows.EndToEndTests;

/// <summary>
/// Bulk actions by query with a preview (issue 17): an administrator previews an extension, a reassignment and a
/// cancellation of the running applications of one template, sees what each would touch and that nothing changed, then
/// cancels exactly those.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class BulkHttpTests(ServerFixture server)
{
    const string BirthCertificate = "birth-certificate";

    static async Task<BulkResponse> BulkAsync(HttpClient admin, object body)
    {
        using var response = await admin.PostAsync("/api/admin/applications/bulk", Http.Body(body));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<BulkResponse>();
    }

    [Fact]
    public async Task DryRuns_ListWhatTheyWouldTouch_AndChangeNothing_ThenCancelActsOnExactlyThose()
    {
        var (key, id, mother) = await MigrationHttpTests.SeedAsync(server);
        using var admin = server.Admin();
        using var citizen = server.Citizen(mother);
        var query = new { template = key, status = "inProgress" };
        var taskId = ItemOrchestrator.InstanceId(id, BirthCertificate);

        var extend = await BulkAsync(admin, new { action = "extend", query, reason = "系统停机", department = "hospital", workingDays = 2, dryRun = true });
        var extended = extend.Results.ShouldHaveSingleItem();
        (extended.ApplicationId, extended.Outcome).ShouldBe((id, "wouldDo"));
        extended.Touches.ShouldNotBeNull().ShouldHaveSingleItem().ShouldBe(new BulkTouch(BirthCertificate, "hospital", taskId));

        var reassign = await BulkAsync(admin, new { action = "reassign", query, reason = "人员调整", department = "hospital", officer = "officer-bulk", dryRun = true });
        var moved = reassign.Results.ShouldHaveSingleItem();
        moved.Outcome.ShouldBe("wouldDo");
        moved.Touches.ShouldNotBeNull().ShouldHaveSingleItem().TaskId.ShouldBe(taskId);

        // A department with no open task here: skipped, with the same reason the real run gives.
        var elsewhere = (await BulkAsync(admin, new { action = "reassign", query, reason = "人员调整", department = "cdc", officer = "officer-bulk", dryRun = true })).Results.ShouldHaveSingleItem();
        elsewhere.Outcome.ShouldBe("skipped");
        elsewhere.Detail.ShouldContain("没有未办结的任务");

        var preview = await BulkAsync(admin, new { action = "cancel", query, reason = "模板停用", dryRun = true });
        preview.Truncated.ShouldBeFalse();
        var wouldCancel = preview.Results.ShouldHaveSingleItem();
        (wouldCancel.ApplicationId, wouldCancel.Outcome).ShouldBe((id, "wouldDo"));
        wouldCancel.Touches.ShouldNotBeNull().ShouldContain(t => t.ItemKey == BirthCertificate && t.Department == "hospital");

        // Nothing changed: it still runs, the hospital's task was neither extended nor moved, and nothing was audited.
        (await Walkthrough.WaitForApplicationAsync(citizen, id, _ => true, "read")).Status.ShouldBe(ApplicationStatus.InProgress);
        using (var trail = await admin.GetAsync($"/api/admin/audit?subject={id}"))
        {
            var actions = (await trail.ReadItemsAsync<JsonElement>()).Select(e => e.GetProperty("action").GetString()).ToList();
            actions.ShouldNotContain("application.cancel.requested");
            actions.ShouldNotContain("task.reassigned");
            actions.ShouldNotContain("item.due.extended");
        }

        var done = await BulkAsync(admin, new { action = "cancel", query, reason = "模板停用" });
        var cancelled = done.Results.ShouldHaveSingleItem();
        (cancelled.ApplicationId, cancelled.Outcome).ShouldBe((id, "done"));
        // Other items may have ended since the preview (rules and outside systems decide on their own); the hospital's has not.
        cancelled.Touches.ShouldNotBeNull().Select(t => t.ItemKey).ShouldBeSubsetOf(wouldCancel.Touches!.Select(t => t.ItemKey));
        cancelled.Touches.ShouldContain(t => t.ItemKey == BirthCertificate);
        (await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status == ApplicationStatus.Cancelled, "cancelled")).Status.ShouldBe(ApplicationStatus.Cancelled);
        using var cancelTrail = await admin.GetAsync($"/api/admin/audit?subject={id}&action=application.cancel.requested");
        (await cancelTrail.ReadItemsAsync<JsonElement>()).ShouldHaveSingleItem();

        // Ended now: a preview of the same query lists it no more.
        (await BulkAsync(admin, new { action = "cancel", query, reason = "模板停用", dryRun = true })).Results.ShouldBeEmpty();
    }
}
