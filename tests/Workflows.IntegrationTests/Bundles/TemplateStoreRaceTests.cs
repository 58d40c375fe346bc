using Microsoft.Extensions.Options;
using Workflows.Audit;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// Template versions raced on Azurite: drafts created at once keep their own documents, an edit refused by its ETag
/// changes nothing (so a publish never publishes what it did not validate), and built-in seeding across a rolling
/// deploy publishes a release only when it is newer than the store's, in one step.
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class TemplateStoreRaceTests(StorageFixture storage) : IDisposable
{
    readonly StorageOperationCounter counter = new();

    [Fact]
    public async Task CreateDraftAsync_ManyAdministratorsAtOnce_EachVersionHoldsItsCreatorsDocument()
    {
        var store = Store();
        var shipped = BuiltInTemplates.Get("newborn");

        var drafts = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            Task.Run(() => store.CreateDraftAsync(shipped with { Description = $"admin {i}'s wording" }, $"admin:{i}"))));

        drafts.Select(d => d.Version.Version).Distinct().Count().ShouldBe(6);
        foreach (var draft in drafts)
        {
            var stored = (await Store().GetAsync("newborn", draft.Version.Version))!;
            stored.Version.Definition.Description.ShouldBe(draft.Version.Definition.Description, $"v{draft.Version.Version} by {draft.Version.CreatedBy}");
        }
    }

    [Fact]
    public async Task EditDraftAsync_RefusedByItsETag_LeavesTheDocumentThePublishValidated()
    {
        var store = Store();
        var shipped = BuiltInTemplates.Get("newborn");
        var draft = await store.CreateDraftAsync(shipped, "admin:a");
        var edited = await store.EditDraftAsync("newborn", draft.Version.Version, shipped with { Description = "checked" }, draft.ETag, "admin:a");

        // A second administrator edits from the first read (a stale ETag) an invalid document while the first publishes.
        var invalid = shipped with { Items = [] };
        await Should.ThrowAsync<TemplateConcurrencyException>(() => store.EditDraftAsync("newborn", draft.Version.Version, invalid, draft.ETag, "admin:b"));
        var published = await store.PublishAsync("newborn", draft.Version.Version, DateTime.UtcNow, null, BuiltInTemplates.Catalog, edited.ETag, "admin:a");

        published.Version.Status.ShouldBe(TemplateStatus.Published);
        (await Store().GetAsync("newborn", draft.Version.Version))!.Version.Definition.Description.ShouldBe("checked");
        (await Store().GetPublishedAsync("newborn"))!.Template.Items.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task SeedBuiltInsAsync_RollingDeployOldAndNewHosts_PublishesTheNewerReleaseOnce()
    {
        var store = Store();
        var shipped = BuiltInTemplates.Get("newborn");
        BundleTemplate[] release1 = [shipped];
        BundleTemplate[] release2 = [shipped with { Description = "release 2's wording" }];
        (await store.SeedBuiltInsAsync(BuiltInTemplates.Catalog, release1, 1)).ShouldBe(["newborn"]);

        // New and old hosts start in turn while the deploy rolls.
        (await Store().SeedBuiltInsAsync(BuiltInTemplates.Catalog, release2, 2)).ShouldBe(["newborn"]);
        (await Store().SeedBuiltInsAsync(BuiltInTemplates.Catalog, release1, 1)).ShouldBeEmpty("an older release never republishes itself");
        (await Store().SeedBuiltInsAsync(BuiltInTemplates.Catalog, release2, 2)).ShouldBeEmpty();

        (await store.ListVersionsAsync("newborn")).Count.ShouldBe(2);
        (await store.GetPublishedAsync("newborn"))!.Template.Description.ShouldBe("release 2's wording");
    }

    [Fact]
    public async Task SeedBuiltInsAsync_EarlierSeedStoppedBetweenDraftAndPublish_PublishesIt()
    {
        var store = Store();
        var shipped = BuiltInTemplates.Get("newborn");
        // What a host that died between the two steps of an earlier seeding left: a built-in draft of the shipped document.
        await store.CreateDraftAsync(shipped, TemplateStore.BuiltInAuthor);

        (await Store().SeedBuiltInsAsync(BuiltInTemplates.Catalog, [shipped], 1)).ShouldBe(["newborn"]);

        var versions = await store.ListVersionsAsync("newborn");
        versions.Count.ShouldBe(1);
        versions[0].Version.Status.ShouldBe(TemplateStatus.Published);
        (await store.GetPublishedAsync("newborn")).ShouldNotBeNull();
    }

    public void Dispose() => counter.Dispose();

    TemplateStore Store()
    {
        var tables = new StorageTables(new StorageClients(Options.Create(new StorageOptions { ConnectionString = storage.ConnectionString, TablePrefix = prefix }), counter));
        return new TemplateStore(tables, new AuditTrail(tables), TimeProvider.System);
    }

    readonly string prefix = storage.NewHub("tsr").TablePrefix;
}
