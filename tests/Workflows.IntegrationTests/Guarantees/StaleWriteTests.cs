using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Activities;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Nothing goes back in time: an activity that ran in a killed process runs again when its message comes back, after
/// the orchestration has moved on and written newer state. These tests play that re-run against Azurite with the real
/// activities and stores and check that the newer state stays.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class StaleWriteTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly DateTime Start = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);

    readonly List<ServiceProvider> providers = [];
    string? nextPrefix;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }
    }

    ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = nextPrefix ?? TaskHubNames.New("stl"),
        }).Build();
        var provider = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        providers.Add(provider);
        return provider;
    }

    static TaskRecord Decision(OfficerTaskStatus status, long revision, string? outcome = null) => new(
        "hospital", "app-stale:birth-certificate", TaskKind.Decision, "app-stale", "birth-certificate", "出生医学证明", "newborn", "citizen-1", "王芳",
        status, Start.AddMinutes(revision), Start.AddDays(5), outcome, outcome is null ? null : "officer:officer-zhao", Revision: revision);

    static ApplicationRecord Application(ApplicationStatus status, int minutes, long revision, ItemState state)
    {
        var template = BuiltInTemplates.Get("newborn");
        var items = template.Items.Select(i => new ItemView(i.Key, i.Name, i.Department, state)).ToList();
        return new ApplicationRecord("app-stale", new Applicant("citizen-1", ApplicantKind.Citizen, "王芳"), template.Key, 1, template.Name, status,
            Start, Start.AddMinutes(minutes), items, [], Start.AddDays(10), revision);
    }

    [Fact]
    public async Task SaveTask_ReRunOfAnOlderStep_AfterANewerOne_ChangesNothingAndListsNothingOpen()
    {
        var services = Services();
        var activity = new SaveTaskActivity(services.GetRequiredService<TaskStore>(), services.GetRequiredService<AuditTrail>(), services.GetRequiredService<Notifier>());
        var store = services.GetRequiredService<TaskStore>();
        var open = new TaskUpdate(Decision(OfficerTaskStatus.Open, 1), []);
        await activity.RunAsync(null!, open);
        await activity.RunAsync(null!, new TaskUpdate(Decision(OfficerTaskStatus.Closed, 2, "Approved"), []));

        // The first write's message comes back after the kill and the activity runs again.
        await activity.RunAsync(null!, open);

        var stored = (await store.GetStoredAsync("hospital", "app-stale:birth-certificate"))!;
        (stored.Task.Status, stored.Task.Outcome, stored.Task.Revision).ShouldBe((OfficerTaskStatus.Closed, "Approved", 2L));
        (await store.ListAsync("hospital", OfficerTaskStatus.Open)).ShouldBeEmpty();
        (await store.ListAsync("hospital", OfficerTaskStatus.Closed)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task SaveTask_SameStepAgain_CompletesAQueueRowTheCrashLeftUnwritten()
    {
        // A crash between the task row and its queue row: the same step run again lists it (equal revisions write).
        var services = Services();
        var store = services.GetRequiredService<TaskStore>();
        var faults = new Workflows.Storage.InjectedTableFaults();
        var prefix = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Workflows.Storage.StorageOptions>>().Value.TablePrefix;
        var faulty = new ServiceCollection().AddWorkflows(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = prefix,
        }).Build()).AddSingleton(faults).BuildServiceProvider();
        providers.Add(faulty);
        faults.FailWrites($"{prefix}{TaskStore.QueueTableName}", 1);
        await Should.ThrowAsync<Azure.RequestFailedException>(() => faulty.GetRequiredService<TaskStore>().SaveAsync(Decision(OfficerTaskStatus.Open, 1)));
        (await store.ListAsync("hospital", OfficerTaskStatus.Open)).ShouldBeEmpty();

        await store.SaveAsync(Decision(OfficerTaskStatus.Open, 1));

        (await store.ListAsync("hospital", OfficerTaskStatus.Open)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task SaveTask_AnOlderStepsQueueRowLandingAfterTheNewerSave_IsNotListed()
    {
        // Two runs of one item's writes at once (a message run again while its first run still works): the newer save
        // passes entirely between the older one's task row and its queue row.
        var (faulty, faults, prefix) = FaultyStore();
        var store = Services().GetRequiredService<TaskStore>();
        faults.BeforeWrite($"{prefix}{TaskStore.QueueTableName}", "hospital|Open", () => store.SaveAsync(Decision(OfficerTaskStatus.Closed, 2, "Approved")));

        await faulty.SaveAsync(Decision(OfficerTaskStatus.Open, 1));

        (await store.ListAsync("hospital", OfficerTaskStatus.Open)).ShouldBeEmpty("a closed task listed as open");
        (await store.ListAsync("hospital", OfficerTaskStatus.Closed)).Count.ShouldBe(1);
        (await store.GetAsync("hospital", "app-stale:birth-certificate"))!.Status.ShouldBe(OfficerTaskStatus.Closed);
    }

    [Fact]
    public async Task CreateVerification_ClosedByTheOfficerBeforeItsQueueRowLanded_IsNotListedAsOpen()
    {
        var (faulty, faults, prefix) = FaultyStore();
        var store = Services().GetRequiredService<TaskStore>();
        var verification = Decision(OfficerTaskStatus.Open, 3) with { TaskId = "app-stale:birth-certificate:verify:marriage", Kind = TaskKind.Verification };
        faults.BeforeWrite($"{prefix}{TaskStore.QueueTableName}", "hospital|Open",
            () => store.SaveAsync(verification with { Status = OfficerTaskStatus.Closed, Outcome = "verified", Revision = 4 }));

        await faulty.CreateAsync(verification);

        (await store.ListAsync("hospital", OfficerTaskStatus.Open)).ShouldBeEmpty("a verified task listed as open");
        (await store.ListAsync("hospital", OfficerTaskStatus.Closed)).Count.ShouldBe(1);
    }

    // A store whose writes a test can interrupt, on the tables of a fresh prefix that Services() then also uses.
    (TaskStore Store, Workflows.Storage.InjectedTableFaults Faults, string Prefix) FaultyStore()
    {
        var prefix = TaskHubNames.New("stl");
        nextPrefix = prefix;
        var faults = new Workflows.Storage.InjectedTableFaults();
        var faulty = new ServiceCollection().AddWorkflows(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = prefix,
        }).Build()).AddSingleton(faults).BuildServiceProvider();
        providers.Add(faulty);
        return (faulty.GetRequiredService<TaskStore>(), faults, prefix);
    }

    [Fact]
    public async Task SaveApplication_ReRunOfAnOlderSave_AfterTheFinalOne_LeavesItCompleted()
    {
        var services = Services();
        var activity = new SaveApplicationActivity(services.GetRequiredService<ApplicationStore>(), services.GetRequiredService<AuditTrail>(), services.GetRequiredService<Notifier>(), services.GetRequiredService<Workflows.Backlog.EngineBacklog>());
        var store = services.GetRequiredService<ApplicationStore>();
        var running = new ApplicationUpdate(Application(ApplicationStatus.InProgress, 1, 1, ItemState.Running), []);
        await activity.RunAsync(null!, running);
        await activity.RunAsync(null!, new ApplicationUpdate(Application(ApplicationStatus.Completed, 2, 2, ItemState.Approved), []));

        await activity.RunAsync(null!, running);

        var stored = (await store.GetAsync("app-stale"))!;
        (stored.Status, stored.Revision).ShouldBe((ApplicationStatus.Completed, 2L));
        stored.Items.ShouldAllBe(i => i.State == ItemState.Approved);
        (await store.SearchAsync(new ApplicationQuery(ApplicantId: "citizen-1"), 50, null)).Applications.Single().Status.ShouldBe(ApplicationStatus.Completed);
        (await store.ListIdsByTemplateAsync("newborn", ApplicationStatus.InProgress)).ShouldBeEmpty();
        (await store.ListIdsByTemplateAsync("newborn", ApplicationStatus.Completed)).ShouldBe(["app-stale"]);
    }

    [Fact]
    public async Task SaveApplication_ALaterOrchestrationsFirstSave_ReplacesTheEarliersLastOne()
    {
        // A proactive offer (its own counter) is followed by the bundle (a counter from 1 again): orchestration time orders them.
        var store = Services().GetRequiredService<ApplicationStore>();
        await store.SaveAsync(Application(ApplicationStatus.AwaitingConfirmation, 1, 5, ItemState.Waiting));
        await store.SaveAsync(Application(ApplicationStatus.InProgress, 2, 1, ItemState.Running));

        (await store.GetAsync("app-stale"))!.Status.ShouldBe(ApplicationStatus.InProgress);
    }

    [Fact]
    public async Task FinishItem_ReRunAfterTheVerificationWasClosed_KeepsItClosed()
    {
        var services = Services();
        var tasks = services.GetRequiredService<TaskStore>();
        var activity = new FinishItemActivity(new ItemEndWrites(services.GetRequiredService<LicenceRegistry>(), tasks), services.GetRequiredService<AuditTrail>(), services.GetRequiredService<Notifier>(), services.GetRequiredService<ItemResultStore>());
        var verification = Decision(OfficerTaskStatus.Open, 3) with { TaskId = "app-stale:birth-certificate:verify:marriage", Kind = TaskKind.Verification, Note = "Verify the commitment" };
        var finish = new FinishItemInput(null, [Decision(OfficerTaskStatus.Closed, 3, "Approved"), verification], []);
        await activity.RunAsync(null!, finish);

        // The officer verifies the commitment (what OfficerApi.CloseVerificationAsync writes), then the finish runs again.
        var stored = (await tasks.GetStoredAsync("hospital", verification.TaskId))!;
        await tasks.SaveAsync(stored.Task with { Status = OfficerTaskStatus.Closed, Outcome = "verified", DecidedBy = "officer:officer-zhao" });
        await activity.RunAsync(null!, finish);

        var after = (await tasks.GetStoredAsync("hospital", verification.TaskId))!;
        (after.Task.Status, after.Task.Outcome).ShouldBe((OfficerTaskStatus.Closed, "verified"));
        (await tasks.ListAsync("hospital", OfficerTaskStatus.Open)).ShouldBeEmpty();
    }
}
