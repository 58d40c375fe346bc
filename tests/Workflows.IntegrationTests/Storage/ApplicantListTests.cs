using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Storage;

/// <summary>
/// "My applications" is a page of one range read of the applicant's own partition of <c>ApplicationsByApplicant</c>
/// (issue 19): newest or oldest first, filtered, continued from the last page; applications saved before that index
/// are listed too (written into it once, on the applicant's first list).
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class ApplicantListTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly DateTime At = new(2026, 6, 1, 8, 0, 0, DateTimeKind.Utc);

    ServiceProvider? provider;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (provider is not null)
        {
            await provider.DisposeAsync();
        }
    }

    ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = TaskHubNames.New("mine"),
        }).Build();
        return provider = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
    }

    static ApplicationRecord Newborn(string id, string applicant, DateTime submitted, ApplicationStatus status = ApplicationStatus.Completed)
    {
        var template = BuiltInTemplates.Get("newborn");
        var items = template.Items.Select(i => new ItemView(i.Key, i.Name, i.Department, status == ApplicationStatus.Completed ? ItemState.Approved : ItemState.Running)).ToList();
        return new ApplicationRecord(id, new Applicant(applicant, ApplicantKind.Citizen, "王芳"), template.Key, 1, template.Name, status, submitted, submitted.AddHours(1), items, [], Revision: 3);
    }

    static async Task<List<string>> AllPagesAsync(ApplicationStore store, string applicant, ApplicantListQuery query, int size)
    {
        var ids = new List<string>();
        string? after = null;
        while (true)
        {
            var (rows, more) = await store.ListPageByApplicantAsync(applicant, query, after, size);
            rows.Count.ShouldBeLessThanOrEqualTo(size);
            ids.AddRange(rows.Select(r => r.ApplicationId));
            if (!more)
            {
                return ids;
            }

            after = ApplicationStore.ListKey(rows[^1], query.NewestFirst);
        }
    }

    [Fact]
    public async Task Pages_EitherOrder_EveryApplicationOnceOnlyTheApplicants()
    {
        var store = Services().GetRequiredService<ApplicationStore>();
        for (var i = 0; i < 7; i++)
        {
            await store.SaveAsync(Newborn($"mine-{i}", "citizen-list", At.AddDays(i), i == 3 ? ApplicationStatus.InProgress : ApplicationStatus.Completed));
        }

        await store.SaveAsync(Newborn("other-0", "citizen-other", At.AddDays(2)));

        // A later save of the same application moves its row, it does not add one.
        await store.SaveAsync(Newborn("mine-3", "citizen-list", At.AddDays(3), ApplicationStatus.InProgress) with { Revision = 4 });

        (await AllPagesAsync(store, "citizen-list", new ApplicantListQuery(), 3)).ShouldBe(["mine-6", "mine-5", "mine-4", "mine-3", "mine-2", "mine-1", "mine-0"]);
        (await AllPagesAsync(store, "citizen-list", new ApplicantListQuery(NewestFirst: false), 2)).ShouldBe(["mine-0", "mine-1", "mine-2", "mine-3", "mine-4", "mine-5", "mine-6"]);
        (await AllPagesAsync(store, "citizen-list", new ApplicantListQuery(Status: ApplicationStatus.Completed), 2)).ShouldBe(["mine-6", "mine-5", "mine-4", "mine-2", "mine-1", "mine-0"]);
        (await AllPagesAsync(store, "citizen-list", new ApplicantListQuery(From: At.AddDays(2), To: At.AddDays(5)), 10)).ShouldBe(["mine-4", "mine-3", "mine-2"]);
        (await AllPagesAsync(store, "citizen-list", new ApplicantListQuery(From: At.AddDays(2), To: At.AddDays(5), NewestFirst: false), 1)).ShouldBe(["mine-2", "mine-3", "mine-4"]);
        (await AllPagesAsync(store, "citizen-list", new ApplicantListQuery(TemplateKey: "company-opening"), 5)).ShouldBeEmpty();

        var (first, _) = await store.ListPageByApplicantAsync("citizen-list", new ApplicantListQuery(), null, 1);
        first.ShouldHaveSingleItem().ShouldBe(new ApplicantListRow("mine-6", "newborn", BuiltInTemplates.Get("newborn").Name, ApplicationStatus.Completed, At.AddDays(6), At.AddDays(6).AddHours(1),
            BuiltInTemplates.Get("newborn").Items.Count, BuiltInTemplates.Get("newborn").Items.Count));
    }

    [Fact]
    public async Task Page_OlderSaveAfterALaterOne_KeepsTheLaterState()
    {
        var store = Services().GetRequiredService<ApplicationStore>();
        await store.SaveAsync(Newborn("mine-late", "citizen-late", At) with { Revision = 5 });
        await store.SaveAsync(Newborn("mine-late", "citizen-late", At, ApplicationStatus.InProgress) with { Revision = 2 });

        var (rows, more) = await store.ListPageByApplicantAsync("citizen-late", new ApplicantListQuery(NewestFirst: false), null, 10);
        rows.ShouldHaveSingleItem().Status.ShouldBe(ApplicationStatus.Completed);
        more.ShouldBeFalse();
    }

    [Fact]
    public async Task Page_ApplicationsSavedBeforeTheIndex_ListedOnceWrittenIntoIt()
    {
        var services = Services();
        var store = services.GetRequiredService<ApplicationStore>();
        await store.SaveAsync(Newborn("old-0", "citizen-old", At));
        await store.SaveAsync(Newborn("old-1", "citizen-old", At.AddDays(1)));

        // As a release before the index left them: the records only.
        var index = await services.GetRequiredService<StorageTables>().TableAsync(ApplicationStore.ByApplicantTableName);
        await foreach (var row in index.QueryAsync<TableEntity>(e => e.PartitionKey == "citizen-old"))
        {
            await index.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        (await AllPagesAsync(store, "citizen-old", new ApplicantListQuery(), 1)).ShouldBe(["old-1", "old-0"]);
        (await index.GetEntityIfExistsAsync<TableEntity>("citizen-old", ApplicationStore.ByApplicantMarker)).HasValue.ShouldBeTrue();
    }
}
