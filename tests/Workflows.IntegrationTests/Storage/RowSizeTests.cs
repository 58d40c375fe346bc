using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.IntegrationTests.Bundles;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Storage;

/// <summary>
/// Nothing fails for good because a row grew: the limits guard refuses on Azurite what Azure would refuse, and the
/// application read model keeps records that outgrow one column (long Chinese reasons, large outputs).
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class RowSizeTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly JsonSerializerOptions Escaped = new(JsonSerializerDefaults.Web);

    static readonly string[] Licences =
    [
        "social-insurance-registration", "housing-fund-registration", "official-seal-record", "customs-registration", "food-business-licence",
        "liquor-licence", "pollutant-discharge-permit", "road-transport-licence", "fire-safety-certificate", "public-health-licence", "drainage-permit",
    ];

    readonly List<ServiceProvider> providers = [];
    readonly string prefix = TaskHubNames.New("row");

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
            ["Storage:TablePrefix"] = prefix,
        }).Build();
        var provider = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        providers.Add(provider);
        return provider;
    }

    // 2,000 characters of an officer's Chinese reason.
    static string ChineseReason(string head) => (head + string.Concat(Enumerable.Repeat("经核查该企业尚有未缴清的土地增值税及滞纳金，", 100)))[..2000];

    static ApplicationRecord Deregistration(string id, Func<ItemView, ItemView>? change = null)
    {
        var template = BuiltInTemplates.Get("company-deregistration");
        var at = new DateTime(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);
        var items = template.Items.Select(i => new ItemView(i.Key, i.Name, i.Department, ItemState.Running, at.AddDays(2))).Select(change ?? (v => v)).ToList();
        return new ApplicationRecord(id, new Applicant("company-row", ApplicantKind.Company, "杭州云栖数据科技有限公司"), template.Key, 1, template.Name,
            ApplicationStatus.InProgress, at, at, items, [], at.AddDays(5));
    }

    [Fact]
    public async Task Guard_OversizeEntity_IsRefusedBeforeAzuriteTakesIt()
    {
        var tables = Services().GetRequiredService<StorageTables>();
        var table = await tables.TableAsync("LimitProbe");
        var tooBig = new TableEntity("p", "r") { ["Detail"] = new string('办', TableEntityLimits.MaxStringChars + 1) };

        var refused = await Should.ThrowAsync<TableEntityLimitException>(() => table.UpsertEntityAsync(tooBig, TableUpdateMode.Replace));
        refused.Property.ShouldBe("Detail");
        refused.Table.ShouldBe($"{prefix}LimitProbe");
        (await table.GetEntityIfExistsAsync<TableEntity>("p", "r")).HasValue.ShouldBeFalse();

        var transaction = new[] { new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a")), new TableTransactionAction(TableTransactionActionType.Add, tooBig) };
        (await Should.ThrowAsync<TableEntityLimitException>(() => table.SubmitTransactionAsync(transaction))).Property.ShouldBe("Detail");
        (await table.GetEntityIfExistsAsync<TableEntity>("p", "a")).HasValue.ShouldBeFalse();

        // Azurite itself takes an entity past 1 MiB: without the guard no test would see one.
        var overMiB = new TableEntity("p", "big");
        for (var i = 0; i < 17; i++)
        {
            overMiB[$"P{i:D2}"] = new string('x', TableEntityLimits.MaxStringChars);
        }

        (await Should.ThrowAsync<TableEntityLimitException>(() => table.UpsertEntityAsync(overMiB, TableUpdateMode.Replace))).ErrorCode.ShouldBe("EntityTooLarge");
        var raw = new TableClient(storage.ConnectionString, $"{prefix}LimitProbe");
        await raw.UpsertEntityAsync(overMiB, TableUpdateMode.Replace);
        (await table.GetEntityAsync<TableEntity>("p", "big")).Value.GetString("P16").Length.ShouldBe(TableEntityLimits.MaxStringChars);
    }

    [Fact]
    public async Task Guard_IsOnInTheInProcessEngineHost()
    {
        var hub = storage.NewHub("rowg");
        await using var engine = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        var table = await engine.Services.GetRequiredService<StorageTables>().TableAsync("LimitProbe");
        await Should.ThrowAsync<TableEntityLimitException>(() => table.AddEntityAsync(new TableEntity("p/x", "r")));
    }

    [Fact]
    public async Task Save_ChineseRecord_ColumnIsAboutASixthOfTheEscapedJsonAndReadsBack()
    {
        var services = Services();
        var store = services.GetRequiredService<ApplicationStore>();
        var record = Deregistration("row-cn", v => v with { Reason = ChineseReason(v.Name) });
        await store.SaveAsync(record);

        var table = await services.GetRequiredService<StorageTables>().TableAsync(ApplicationStore.TableName);
        var row = (await table.GetEntityAsync<TableEntity>("company-row", "row-cn")).Value;
        var stored = string.Concat(Enumerable.Range(0, row.GetInt32(ApplicationStore.RecordParts)!.Value).Select(i => row.GetString(i == 0 ? "Record" : $"Record{i}")));
        var escaped = JsonSerializer.Serialize(record, Escaped);
        stored.Length.ShouldBeLessThan(escaped.Length / 4, $"stored {stored.Length}, escaped {escaped.Length}");
        stored.ShouldContain("经核查该企业");

        var read = (await store.GetAsync("row-cn")).ShouldNotBeNull();
        read.Items.Select(i => i.Reason).ShouldBe(record.Items.Select(i => i.Reason));
        JsonSerializer.Serialize(read, Escaped).ShouldBe(escaped);
    }

    [Fact]
    public async Task Save_RecordWith60KBOfOutputs_IsSplitOverColumnsAndEveryReadGivesItBack()
    {
        var store = Services().GetRequiredService<ApplicationStore>();
        var outputs = Enumerable.Range(0, 30).ToDictionary(i => $"output{i:D2}", i => $"{i:D2}-" + new string((char)('a' + (i % 26)), 2000));
        // A surrogate pair straddling the first cut must survive the split.
        var record = Deregistration("row-60k", v => v.Key == "bank-account-closure"
            ? v with { State = ItemState.Approved, Outputs = outputs, Reason = new string('x', ApplicationStore.PartChars - 600) + string.Concat(Enumerable.Repeat("😀", 2000)) }
            : v);
        await store.SaveAsync(record);

        var expected = JsonSerializer.Serialize(record, Escaped);
        expected.Length.ShouldBeGreaterThan(60_000);
        JsonSerializer.Serialize(await store.GetAsync("row-60k"), Escaped).ShouldBe(expected);
        JsonSerializer.Serialize((await store.SearchAsync(new ApplicationQuery(ApplicantId: "company-row"), 50, null)).Applications.Single(a => a.ApplicationId == "row-60k"), Escaped).ShouldBe(expected);
        var (found, _) = await store.SearchAsync(new ApplicationQuery(ApplicantId: "company-row", Department: "bank"), 50, null);
        JsonSerializer.Serialize(found.Single(a => a.ApplicationId == "row-60k"), Escaped).ShouldBe(expected);

        // Shrunk again: the row holds one part and no stale ones.
        var small = record with { Items = [.. record.Items.Select(i => i with { Outputs = null, Reason = null })] };
        await store.SaveAsync(small);
        JsonSerializer.Serialize(await store.GetAsync("row-60k"), Escaped).ShouldBe(JsonSerializer.Serialize(small, Escaped));
    }

    [Fact]
    public async Task Get_RowWrittenInTheOldShape_StillReads()
    {
        var services = Services();
        var store = services.GetRequiredService<ApplicationStore>();
        var record = Deregistration("row-old", v => v with { Reason = "旧格式 old shape" });
        var tables = services.GetRequiredService<StorageTables>();
        // As SaveAsync wrote it before the split: one escaped Record column, no RecordParts.
        await (await tables.TableAsync(ApplicationStore.TableName)).AddEntityAsync(new TableEntity("company-row", "row-old")
        {
            ["ApplicationId"] = "row-old", ["ApplicantId"] = "company-row", ["TemplateKey"] = record.TemplateKey, ["TemplateVersion"] = 1,
            ["Status"] = nameof(ApplicationStatus.InProgress), ["SubmittedAt"] = record.SubmittedAt, ["UpdatedAt"] = record.UpdatedAt,
            ["Record"] = JsonSerializer.Serialize(record, Escaped),
        });
        await (await tables.TableAsync(ApplicationStore.IndexTableName)).AddEntityAsync(new TableEntity("row-old", "application") { ["ApplicantId"] = "company-row" });

        JsonSerializer.Serialize(await store.GetAsync("row-old"), Escaped).ShouldBe(JsonSerializer.Serialize(record, Escaped));
        (await store.SearchAsync(new ApplicationQuery(ApplicantId: "company-row"), 50, null)).Applications.ShouldContain(a => a.ApplicationId == "row-old");
    }

    [Fact]
    public void Split_CutsAtPartCharsButNeverInsideASurrogatePair()
    {
        var text = new string('x', ApplicationStore.PartChars - 1) + "😀" + "y";
        var parts = ApplicationStore.Split(text);
        parts.Count.ShouldBe(2);
        parts[0].Length.ShouldBe(ApplicationStore.PartChars - 1);
        string.Concat(parts).ShouldBe(text);
        ApplicationStore.Split(string.Empty).ShouldBe([string.Empty]);
    }

    [Fact]
    public async Task Deregistration_TwoOfficerReasonsOf2000ChineseCharacters_EndsAndReadsBack()
    {
        await using var harness = await BundleHarness.StartAsync(storage, "rowdr");
        const string company = "company-long-reason";
        const string app = "dr-long-reason";
        await harness.GiveLicenceAsync(company, "business-licence", "91-20200101-0001");
        // Every licence the template reads is held, so every item is in the record with its rule's Chinese rationale.
        foreach (var licence in Licences)
        {
            await harness.GiveLicenceAsync(company, licence, $"{licence}-0001");
        }
        var result = await harness.Applications.SubmitAsync(await CompanyDeregistrationBundleTests.DeregistrationRequestAsync(harness, company, noOutstandingTax: false), app);
        result.Accepted.ShouldBeTrue();
        await harness.WaitForTaskAsync("tax", app, "tax-clearance");

        // The rejection's reason is the tax item's and, quoted, the cancelled licence deregistration's: two long reasons.
        var reason = ChineseReason("不予清税：");
        await harness.Applications.DecideAsync(app, "tax-clearance", new OfficerDecided(DecisionKind.Reject, "officer-t2", reason));

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.PartiallyCompleted);
        var record = (await harness.Store.GetAsync(app)).ShouldNotBeNull();
        record.Status.ShouldBe(ApplicationStatus.PartiallyCompleted);
        record.Items.Single(i => i.Key == "tax-clearance").Reason.ShouldBe(reason);
        record.Items.Single(i => i.Key == "business-licence-deregistration").ReasonEn.ShouldBe($"Prerequisite 'tax-clearance' was rejected: {reason}");
    }

    [Fact]
    public async Task Deregistration_CallbackWith60KBOfOutputs_EndsAndReadsBack()
    {
        await using var harness = await BundleHarness.StartAsync(storage, "rowcb");
        const string company = "company-big-callback";
        const string app = "dr-big-callback";
        await harness.GiveLicenceAsync(company, "business-licence", "91-20200101-0001");
        await harness.GiveLicenceAsync(company, "bank-account-licence", "bank-account-licence-0001");
        var result = await harness.Applications.SubmitAsync(await CompanyDeregistrationBundleTests.DeregistrationRequestAsync(harness, company), app);
        result.Accepted.ShouldBeTrue();
        await harness.WaitForExternalRequestAsync(app, "bank-account-closure");

        var number = "JXH-" + string.Concat(Enumerable.Repeat("银行基本存款账户已销户回执", 5000))[..60_000];
        await harness.Applications.CompleteExternalAsync(app, "bank-account-closure", new ExternalSystemDecided(
            "bank-account-system", true, "Basic deposit account closed.", new Dictionary<string, string> { ["cancellationNumber"] = number }));

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var record = (await harness.Store.GetAsync(app)).ShouldNotBeNull();
        record.Status.ShouldBe(ApplicationStatus.Completed);
        record.Items.Single(i => i.Key == "bank-account-closure").Outputs!["cancellationNumber"].ShouldBe(number);
    }
}
