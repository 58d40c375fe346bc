using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Tasks;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Storage;

/// <summary>
/// The task read model in Azurite: tasks written by the batch import are read and listed exactly like tasks the
/// engine saved one by one. Each store gets its own table prefix, so the two are compared side by side.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class TaskStoreTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly DateTime Start = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);
    static readonly string[] Departments = ["hospital", "police"];
    static readonly string[] Templates = ["newborn", "house-transfer"];

    readonly List<ServiceProvider> providers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }
    }

    TaskStore NewStore()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = TaskHubNames.New("tsk"),
        }).Build();
        var provider = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        providers.Add(provider);
        return provider.GetRequiredService<TaskStore>();
    }

    // More than one transaction's worth in the busiest partition, every status, two templates, ties on the due time
    // (the task id breaks them) and ids with characters that keys escape.
    static List<TaskRecord> Sample()
    {
        var statuses = Enum.GetValues<OfficerTaskStatus>();
        var tasks = new List<TaskRecord>();
        for (var i = 0; i < 260; i++)
        {
            var department = Departments[i % 7 == 0 ? 1 : 0];
            var status = i % 5 == 0 ? statuses[i / 5 % statuses.Length] : OfficerTaskStatus.Open;
            var application = i % 11 == 0 ? $"app#{i:D3}/x" : $"app-{i:D3}";
            var due = Start.AddHours(i % 40 * 6);
            tasks.Add(new TaskRecord(
                department, $"{application}:item", TaskKind.Decision, application, "item", "事项", Templates[i % 3 == 0 ? 1 : 0], $"citizen-{i}", "王芳",
                status, due.AddDays(-1), due, status == OfficerTaskStatus.Closed ? "Approved" : null, status == OfficerTaskStatus.Closed ? "officer:a" : null));
        }

        return tasks;
    }

    static async Task<List<(List<TaskRecord> Tasks, bool More)>> PagesAsync(
        TaskStore store, string department, OfficerTaskStatus status, DateTime? dueBefore, string? template, int pageSize)
    {
        var pages = new List<(List<TaskRecord>, bool)>();
        string? continuation = null;
        do
        {
            var page = await store.ListPageAsync(department, status, dueBefore, template, pageSize, continuation);
            pages.Add(([.. page.Tasks], page.Continuation is not null));
            continuation = page.Continuation;
        }
        while (continuation is not null);
        return pages;
    }

    static async Task ShouldListAlikeAsync(TaskStore saved, TaskStore imported)
    {
        foreach (var department in Departments)
        {
            foreach (var status in Enum.GetValues<OfficerTaskStatus>())
            {
                foreach (var (dueBefore, template, pageSize) in new (DateTime?, string?, int)[]
                {
                    (null, null, 50),
                    (null, null, 7),
                    (Start.AddDays(5), null, 20),
                    (null, "house-transfer", 13),
                    (Start.AddDays(7), "newborn", 9),
                })
                {
                    var expected = await PagesAsync(saved, department, status, dueBefore, template, pageSize);
                    var actual = await PagesAsync(imported, department, status, dueBefore, template, pageSize);
                    var what = $"{department} {status} dueBefore={dueBefore:o} template={template} pageSize={pageSize}";
                    actual.Count.ShouldBe(expected.Count, what);
                    for (var p = 0; p < expected.Count; p++)
                    {
                        actual[p].Tasks.ShouldBe(expected[p].Tasks, $"{what}, page {p}");
                        actual[p].More.ShouldBe(expected[p].More, $"{what}, page {p}");
                    }
                }
            }

            (await imported.ListAsync(department)).ShouldBe(await saved.ListAsync(department));
        }
    }

    [Fact]
    public async Task ImportAsync_SameTasksAsSavedOneByOne_ListsAndReadsAlike()
    {
        var tasks = Sample();
        var saved = NewStore();
        foreach (var task in tasks)
        {
            await saved.SaveAsync(task);
        }

        var imported = NewStore();
        await imported.ImportAsync(tasks);

        await ShouldListAlikeAsync(saved, imported);
        (await imported.ListAsync("hospital")).Count.ShouldBe(tasks.Count(t => t.Department == "hospital"));
        foreach (var task in tasks.Where((_, i) => i % 17 == 0))
        {
            var fromImport = (await imported.GetStoredAsync(task.Department, task.TaskId))!;
            var fromSave = (await saved.GetStoredAsync(task.Department, task.TaskId))!;
            fromImport.Task.ShouldBe(fromSave.Task);
            fromImport.Task.ShouldBe(task);
            fromImport.ClaimedBy.ShouldBeNull();
            fromImport.PendingDecision.ShouldBeNull();
        }
    }

    [Fact]
    public async Task ImportAsync_Twice_ListsEachTaskOnce()
    {
        var tasks = Sample();
        var store = NewStore();

        await store.ImportAsync(tasks);
        await store.ImportAsync(tasks);

        foreach (var department in Departments)
        {
            (await store.ListAsync(department)).Count.ShouldBe(tasks.Count(t => t.Department == department));
        }
    }

    [Fact]
    public async Task SaveAsync_AfterImport_MovesTheImportedTaskToItsNewStatus()
    {
        // The engine's next write finds the queue row the import wrote (through the task row's columns) and removes it.
        var tasks = Sample();
        var store = NewStore();
        await store.ImportAsync(tasks);
        var open = tasks.First(t => t.Department == "hospital" && t.Status == OfficerTaskStatus.Open);

        await store.SaveAsync(open with { Status = OfficerTaskStatus.Closed, Outcome = "Approved", DecidedBy = "officer:b" });

        (await store.ListAsync("hospital", OfficerTaskStatus.Open)).ShouldNotContain(t => t.TaskId == open.TaskId);
        (await store.ListAsync("hospital", OfficerTaskStatus.Closed)).Count(t => t.TaskId == open.TaskId).ShouldBe(1);
        (await store.GetAsync("hospital", open.TaskId))!.Status.ShouldBe(OfficerTaskStatus.Closed);
    }

    [Fact]
    public async Task ImportAsync_SameTaskTwiceInOneCall_RefusedAndNothingWritten()
    {
        var tasks = Sample();
        var store = NewStore();

        var refused = await Should.ThrowAsync<ArgumentException>(() => store.ImportAsync([.. tasks, tasks[3] with { Note = "again" }]));

        refused.Message.ShouldContain(tasks[3].TaskId);
        foreach (var department in Departments)
        {
            (await store.ListAsync(department)).ShouldBeEmpty();
        }
    }

    static TaskRecord Decision(OfficerTaskStatus status) => new(
        "police", "app-claims:hukou", TaskKind.Decision, "app-claims", "hukou", "户口登记", "newborn", "citizen-1", "王芳", status, Start, Start.AddDays(5));

    [Fact]
    public async Task TakeSupplementAnswer_OneAnswerPerRequest_TheSameAgainIsARepeatAndTheEngineMovingOnEndsIt()
    {
        var store = NewStore();
        await store.SaveAsync(Decision(OfficerTaskStatus.AwaitingApplicant) with { SupplementRequestId = "d-1", SupplementMaterials = ["householdRegister"] });

        (await store.TakeSupplementAnswerAsync("police", "app-claims:hukou", "d-0", "files-a")).ShouldBe(SupplementAnswer.Stale);
        // Two answers at once: one is taken, the other finds it.
        var both = await Task.WhenAll(
            store.TakeSupplementAnswerAsync("police", "app-claims:hukou", "d-1", "files-a"),
            store.TakeSupplementAnswerAsync("police", "app-claims:hukou", "d-1", "files-b"));
        both.Count(a => a == SupplementAnswer.Taken).ShouldBe(1, string.Join(", ", both));
        both.Count(a => a == SupplementAnswer.AlreadyAnswered).ShouldBe(1, string.Join(", ", both));
        var taken = both[0] == SupplementAnswer.Taken ? "files-a" : "files-b";
        (await store.TakeSupplementAnswerAsync("police", "app-claims:hukou", "d-1", taken)).ShouldBe(SupplementAnswer.Repeated);
        (await store.GetAsync("police", "app-claims:hukou"))!.SupplementMaterials.ShouldBe(["householdRegister"]);

        // The item took it and the task is open again: nothing is asked, whatever is posted.
        await store.SaveAsync(Decision(OfficerTaskStatus.Open));
        (await store.TakeSupplementAnswerAsync("police", "app-claims:hukou", "d-1", taken)).ShouldBe(SupplementAnswer.NotAsked);
        (await store.TakeSupplementAnswerAsync("police", "app-missing:hukou", "d-1", taken)).ShouldBe(SupplementAnswer.NotAsked);
    }

    [Fact]
    public async Task SaveAsync_SameStatus_KeepsTheClaimAndThePendingDecision()
    {
        // A reminder, an escalation or an extension rewrites the task; an officer's claim and a decision on its way stay.
        var store = NewStore();
        await store.SaveAsync(Decision(OfficerTaskStatus.Open));
        var read = (await store.GetStoredAsync("police", "app-claims:hukou"))!;
        (await store.TryUpdateOfficerStateAsync("police", "app-claims:hukou", read.ETag, "officer-li", "{\"id\":\"d-1\"}")).ShouldNotBeNull();

        await store.SaveAsync(Decision(OfficerTaskStatus.Open) with { Escalated = true });

        var after = (await store.GetStoredAsync("police", "app-claims:hukou"))!;
        after.Task.Escalated.ShouldBeTrue();
        after.ClaimedBy.ShouldBe("officer-li");
        after.PendingDecision.ShouldBe("{\"id\":\"d-1\"}");
    }

    [Fact]
    public async Task SaveAsync_NewStatus_ClearsThePendingDecisionAndKeepsTheClaimUntilClosed()
    {
        var store = NewStore();
        await store.SaveAsync(Decision(OfficerTaskStatus.Open));
        var read = (await store.GetStoredAsync("police", "app-claims:hukou"))!;
        await store.TryUpdateOfficerStateAsync("police", "app-claims:hukou", read.ETag, "officer-li", "{\"id\":\"d-1\"}");

        // The supplement request was delivered: the mark goes, the officer who asked keeps the task for the answer.
        await store.SaveAsync(Decision(OfficerTaskStatus.AwaitingApplicant));
        var waiting = (await store.GetStoredAsync("police", "app-claims:hukou"))!;
        (waiting.ClaimedBy, waiting.PendingDecision).ShouldBe(("officer-li", (string?)null));

        await store.SaveAsync(Decision(OfficerTaskStatus.Closed) with { Outcome = "Approved" });
        var closed = (await store.GetStoredAsync("police", "app-claims:hukou"))!;
        (closed.ClaimedBy, closed.PendingDecision).ShouldBe(((string?)null, (string?)null));
        (await store.ListAsync("police")).Count(t => t.TaskId == "app-claims:hukou").ShouldBe(1);
    }

    [Fact]
    public async Task ListPageAsync_Escalated_ListsOnlyTheDepartmentsEscalatedTasksOfThatStatusAndDropsOneWhoseDueTimeMoved()
    {
        var store = NewStore();
        var tasks = Sample().Take(80).ToList();
        // Every ninth open task escalated; a police one and a closed one escalated too, which a hospital supervisor's open list must not show.
        var escalated = tasks.Select((t, i) => t.Status == OfficerTaskStatus.Open && i % 9 == 0 ? t with { Escalated = true } : t).ToList();
        escalated.Add(escalated.First(t => t.Department == "police") with { TaskId = "police-late:item", Escalated = true });
        escalated.Add(escalated.First(t => t.Department == "hospital" && t.Status == OfficerTaskStatus.Closed) with { TaskId = "closed-late:item", Escalated = true });
        foreach (var task in escalated)
        {
            await store.SaveAsync(task);
        }

        var expected = escalated.Where(t => t is { Department: "hospital", Status: OfficerTaskStatus.Open, Escalated: true })
            .OrderBy(t => t.DueAt).ThenBy(t => t.TaskId, StringComparer.Ordinal).Select(t => t.TaskId).ToList();
        expected.Count.ShouldBeGreaterThan(5);

        var listed = await AllPagesAsync(store, escalated: true);
        var others = await AllPagesAsync(store, escalated: false);

        listed.Select(t => t.TaskId).ShouldBe(expected);
        others.ShouldAllBe(t => !t.Escalated);
        (listed.Count + others.Count).ShouldBe(escalated.Count(t => t is { Department: "hospital", Status: OfficerTaskStatus.Open }));

        // An extension moves the due time and clears the mark: the task leaves the escalated list.
        var extended = listed[0] with { DueAt = listed[0].DueAt.AddDays(3), Escalated = false };
        await store.SaveAsync(extended);
        (await AllPagesAsync(store, escalated: true)).ShouldNotContain(t => t.TaskId == extended.TaskId);
    }

    static async Task<List<TaskRecord>> AllPagesAsync(TaskStore store, bool escalated)
    {
        var all = new List<TaskRecord>();
        string? continuation = null;
        do
        {
            // Small pages, so the filter is seen to work across continuations.
            var page = await store.ListPageAsync("hospital", OfficerTaskStatus.Open, null, null, 4, continuation, escalated);
            page.Tasks.Count.ShouldBeLessThanOrEqualTo(4);
            all.AddRange(page.Tasks);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return all;
    }
}

