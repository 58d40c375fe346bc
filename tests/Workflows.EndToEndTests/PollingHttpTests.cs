using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// Issue 16's polling on the real server: the reads pages poll (the officer's task list, the tracker's application,
/// licences and ratings) answer an ETag, a second read naming it is 304 without a body, and after a change the read is
/// 200 with a new ETag. Rows are seeded through the stores the engine writes with.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PollingHttpTests(ServerFixture server)
{
    static readonly DateTime Day = new(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task TaskList_SameETag_304_ThenANewTask_200WithANewETag()
    {
        // A department of its own: no other test's task changes this list.
        var department = $"poll-{Guid.NewGuid():N}"[..16];
        var tasks = server.Services.GetRequiredService<TaskStore>();
        await tasks.CreateAsync(Task(department, "t1"));
        using var officer = server.Officer(department);

        var first = await officer.GetAsync("/api/tasks");
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = first.Headers.ETag.ShouldNotBeNull();
        etag.IsWeak.ShouldBeFalse();

        var again = await GetAsync(officer, "/api/tasks", etag.Tag);
        again.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await again.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        again.Headers.ETag.ShouldBe(etag);

        // The ETag is of what this reader sees: another filter, or the English labels, is another body.
        (await GetAsync(officer, "/api/tasks?status=closed", etag.Tag)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await GetAsync(officer, "/api/tasks", "W/" + etag.Tag)).StatusCode.ShouldBe(HttpStatusCode.NotModified);

        await tasks.CreateAsync(Task(department, "t2"));
        var changed = await GetAsync(officer, "/api/tasks", etag.Tag);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        changed.Headers.ETag.ShouldNotBeNull().Tag.ShouldNotBe(etag.Tag);
        (await changed.ReadItemsAsync<TaskRecord>()).Select(t => t.TaskId).ShouldBe([$"{department}-t1", $"{department}-t2"], ignoreOrder: true);
    }

    [Fact]
    public async Task TrackerReads_SameETag_304_ThenAChange_200WithANewETag()
    {
        var me = $"poll-{Guid.NewGuid():N}"[..20];
        var store = server.Services.GetRequiredService<ApplicationStore>();
        var record = new ApplicationRecord($"{me}-a", new Applicant(me, ApplicantKind.Citizen, "王芳"), "newborn", 1, "newborn",
            ApplicationStatus.InProgress, Day, Day, [], []);
        await store.SaveAsync(record);
        using var citizen = server.Citizen(me);
        var path = $"/api/applications/{me}-a";

        var first = await citizen.GetAsync(path);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = first.Headers.ETag.ShouldNotBeNull().Tag;
        (await GetAsync(citizen, path, etag)).StatusCode.ShouldBe(HttpStatusCode.NotModified);

        await store.SaveAsync(record with { Status = ApplicationStatus.Completed, UpdatedAt = Day.AddHours(1) });
        var changed = await GetAsync(citizen, path, etag);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        changed.Headers.ETag.ShouldNotBeNull().Tag.ShouldNotBe(etag);
        (await changed.ReadAsync<ApplicationDetail>()).Status.ShouldBe(ApplicationStatus.Completed);

        // The tracker's other reads, and the applications list, answer the same way.
        foreach (var other in new[] { $"/api/licences?application={me}-a", $"/api/applications/{me}-a/ratings", "/api/applications", "/api/notifications" })
        {
            var read = await citizen.GetAsync(other);
            read.StatusCode.ShouldBe(HttpStatusCode.OK, other);
            (await GetAsync(citizen, other, read.Headers.ETag.ShouldNotBeNull(other).Tag)).StatusCode.ShouldBe(HttpStatusCode.NotModified, other);
        }
    }

    [Fact]
    public async Task ConditionalRead_AProblemIsNever304()
    {
        using var citizen = server.Citizen($"poll-{Guid.NewGuid():N}"[..20]);

        await (await GetAsync(citizen, "/api/applications/nobody-s", "*")).ShouldBeProblemAsync(404);
    }

    static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await client.SendAsync(request);
    }

    static TaskRecord Task(string department, string id) =>
        new(department, $"{department}-{id}", TaskKind.Decision, $"{department}-app", "item", "出生医学证明", "newborn", "citizen-poll", "王芳",
            OfficerTaskStatus.Open, Day, Day.AddDays(3));
}
