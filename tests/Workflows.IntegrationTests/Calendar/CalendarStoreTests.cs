using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Storage;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Calendar;

/// <summary>Calendar versions in Azurite: saving, reading, refusing, seeding; each test on its own table prefix.</summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class CalendarStoreTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly WorkingCalendar China = BuiltInCalendars.Get("CN");

    readonly List<ServiceProvider> providers = [];
    string prefix = null!;

    // A Shanghai calendar derived from the national one, so these tests never depend on what seeding wrote.
    static WorkingCalendar Shanghai(int version) => China with { Region = "CN-31", Version = version, Name = $"上海市工作日历 v{version}" };

    public Task InitializeAsync()
    {
        prefix = TaskHubNames.New("cal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }
    }

    // A fresh host's services on this test's tables: nothing cached from another instance.
    ServiceProvider Host()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = prefix,
        }).Build();
        var provider = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        providers.Add(provider);
        return provider;
    }

    static CalendarStore Store(ServiceProvider host) => host.GetRequiredService<CalendarStore>();

    static async Task<List<string>> BlobsAsync(ServiceProvider host, string region)
    {
        var container = await host.GetRequiredService<StorageTables>().ContainerAsync(CalendarStore.ContainerName);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = region + "/" }))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    [Fact]
    public async Task PublishAsync_TwoVersions_LatestIsTheSecondAndEachVersionReadsBackEqual()
    {
        var host = Host();
        var first = await Store(host).PublishAsync(Shanghai(1), "admin:li");
        await Store(host).PublishAsync(Shanghai(2), "admin:wang");

        first.Calendar.ShouldBe(Shanghai(1));
        first.PublishedBy.ShouldBe("admin:li");

        // A second host reads from storage, not from the first one's cache.
        var other = Store(Host());
        (await other.GetLatestAsync("CN-31"))!.Calendar.ShouldBe(Shanghai(2));
        var v1 = (await other.GetAsync("CN-31", 1))!;
        v1.Calendar.ShouldBe(Shanghai(1));
        v1.PublishedBy.ShouldBe("admin:li");
        v1.PublishedAt.ShouldBe(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        (await other.ListVersionsAsync("CN-31")).Select(s => s.Calendar.Version).ShouldBe([1, 2]);
        (await other.GetAsync("CN-31", 3)).ShouldBeNull();
        (await other.GetLatestAsync("CN-44")).ShouldBeNull();

        var audit = await host.GetRequiredService<AuditTrail>().ReadAsync("calendar:CN-31");
        audit.Select(a => (a.Action, a.Actor, a.After)).ShouldBe([("calendar.published", "admin:li", "v1"), ("calendar.published", "admin:wang", "v2")], ignoreOrder: true);
    }

    [Fact]
    public async Task PublishAsync_VersionAlreadySaved_ThrowsConflictAndTheFirstStays()
    {
        var host = Host();
        await Store(host).PublishAsync(Shanghai(1), "admin:li");

        await Should.ThrowAsync<CalendarVersionConflictException>(() => Store(host).PublishAsync(Shanghai(1) with { Name = "改过的" }, "admin:wang"));

        (await Store(Host()).GetAsync("CN-31", 1))!.Calendar.ShouldBe(Shanghai(1));
        (await BlobsAsync(host, "CN-31")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task PublishAsync_InvalidCalendar_ThrowsWithLocatedProblemsAndSavesNothing()
    {
        var host = Host();
        var weekdayMakeUp = Shanghai(1) with { MakeUpDays = [new MakeUpDay(new DateOnly(2026, 11, 23), "国庆节")] };

        var refused = await Should.ThrowAsync<CalendarInvalidException>(() => Store(host).PublishAsync(weekdayMakeUp, "admin:li"));

        refused.Problems.ShouldHaveSingleItem().ShouldBe(new CalendarProblem("$.makeUpDays[0].date", "makeUpDay.notWeekend", refused.Problems[0].Message));
        (await Store(host).ListVersionsAsync("CN-31")).ShouldBeEmpty();
        (await BlobsAsync(host, "CN-31")).ShouldBeEmpty();
        (await host.GetRequiredService<AuditTrail>().ReadAsync("calendar:CN-31")).ShouldBeEmpty();
    }

    [Fact]
    public async Task SeedBuiltInsAsync_Twice_WritesOneVersion()
    {
        var host = Host();

        (await Store(host).SeedBuiltInsAsync()).ShouldBe(["CN v1"]);
        (await Store(host).SeedBuiltInsAsync()).ShouldBeEmpty();
        await new CalendarSeeder(Store(Host())).StartAsync(CancellationToken.None);

        var versions = await Store(Host()).ListVersionsAsync("CN");
        var only = versions.ShouldHaveSingleItem();
        only.Calendar.ShouldBe(China);
        only.PublishedBy.ShouldBe(CalendarStore.BuiltInActor);
        (await BlobsAsync(host, "CN")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task SeedBuiltInsAsync_TwoHostsAtOnce_WriteOneVersion()
    {
        var seeded = await Task.WhenAll(Store(Host()).SeedBuiltInsAsync(), Store(Host()).SeedBuiltInsAsync());

        seeded.SelectMany(s => s).ShouldBe(["CN v1"]);
        (await Store(Host()).ListVersionsAsync("CN")).ShouldHaveSingleItem().Calendar.ShouldBe(China);
    }

    [Fact]
    public async Task SeedBuiltInsAsync_AdministratorPublishedANewerVersion_LeavesItLatest()
    {
        var host = Host();
        await Store(host).SeedBuiltInsAsync();
        var corrected = China with { Version = 2, Name = "全国法定节假日与调休（修订）" };
        await Store(host).PublishAsync(corrected, "admin:li");

        (await Store(Host()).SeedBuiltInsAsync()).ShouldBeEmpty();

        (await Store(Host()).GetLatestAsync("CN"))!.Calendar.ShouldBe(corrected);
    }

    [Fact]
    public async Task GetAsync_DocumentChangedInStorage_RefusesToReadIt()
    {
        var host = Host();
        await Store(host).PublishAsync(Shanghai(1), "admin:li");
        var container = await host.GetRequiredService<StorageTables>().ContainerAsync(CalendarStore.ContainerName);
        var name = (await BlobsAsync(host, "CN-31")).ShouldHaveSingleItem();
        var tampered = CalendarJson.Write(Shanghai(1) with { MakeUpDays = [] });
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(tampered), overwrite: true);

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => Store(Host()).GetAsync("CN-31", 1));

        refused.Message.ShouldContain("hash");
    }
}
