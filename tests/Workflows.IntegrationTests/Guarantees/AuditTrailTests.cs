using Microsoft.Extensions.Options;
using Workflows.Audit;
using Workflows.Storage;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Orchestrations write their audit in batches. A batch costs one request per subject, and a batch written again
/// after a crash (all or part of it already there) adds each step at most once and changes no row it finds.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class AuditTrailTests(StorageFixture storage) : IDisposable
{
    static readonly DateTime At = new(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc);
    readonly StorageOperationCounter counter = new();

    [Fact]
    public async Task AppendAsync_NewBatch_AddsEveryEntryInOneRequest()
    {
        var trail = await TrailAsync();
        var batch = Entries("app-1", 0, 3);
        counter.Reset();

        (await trail.AppendAsync(batch)).ShouldBe(3);

        counter.Total.ShouldBe(1, "one table transaction for the subject");
        (await trail.ReadAsync("app-1")).ShouldBe(batch);
    }

    [Fact]
    public async Task AppendAsync_SameBatchAgain_AddsNothing()
    {
        var trail = await TrailAsync();
        var batch = Entries("app-2", 0, 4);
        await trail.AppendAsync(batch);

        (await trail.AppendAsync(batch)).ShouldBe(0);

        (await trail.ReadAsync("app-2")).ShouldBe(batch);
    }

    [Fact]
    public async Task AppendAsync_SomeStepsAlreadyRecorded_AddsOnlyTheOthersAndKeepsTheRecordedRows()
    {
        var trail = await TrailAsync();
        var first = Entries("app-3", 0, 2);
        await trail.AppendAsync(first);
        // A re-run makes the same steps at a later time; the rows already written stay as they were.
        var rerun = Entries("app-3", 0, 5).Select(e => e with { At = e.At.AddMinutes(1) }).ToList();

        (await trail.AppendAsync(rerun)).ShouldBe(3);

        (await trail.ReadAsync("app-3")).ShouldBe([.. first, .. rerun.Skip(2)]);
    }

    [Fact]
    public async Task AppendAsync_SingleEntryThenBatch_DoesNotWriteTheStepTwice()
    {
        var trail = await TrailAsync();
        var batch = Entries("app-4", 0, 3);
        (await trail.AppendAsync(batch[1])).ShouldBeTrue();

        (await trail.AppendAsync(batch)).ShouldBe(2);
        (await trail.AppendAsync(batch[1])).ShouldBeFalse();

        (await trail.ReadAsync("app-4")).ShouldBe(batch);
    }

    [Fact]
    public async Task AppendAsync_MoreEntriesThanOneTransactionHolds_WritesThemAll()
    {
        var trail = await TrailAsync();
        var batch = Entries("app-5", 0, 250);
        counter.Reset();

        (await trail.AppendAsync(batch)).ShouldBe(250);

        counter.Total.ShouldBe(3, "a transaction holds at most 100 rows");
        (await trail.ReadAsync("app-5")).ShouldBe(batch);
    }

    [Fact]
    public async Task AppendAsync_TwoSubjectsAndARepeatedStep_WritesEachSubjectsStepsOnce()
    {
        var trail = await TrailAsync();
        var a = Entries("app-6", 0, 2);
        var b = Entries("app-7", 0, 2);
        var repeated = a[0] with { Detail = "a second entry with the same step" };

        (await trail.AppendAsync([a[0], b[0], repeated, a[1], b[1]])).ShouldBe(4);

        (await trail.ReadAsync("app-6")).ShouldBe(a);
        (await trail.ReadAsync("app-7")).ShouldBe(b);
    }

    [Fact]
    public async Task AppendAsync_EmptyBatch_SendsNothing()
    {
        var trail = await TrailAsync();
        counter.Reset();

        (await trail.AppendAsync([])).ShouldBe(0);

        counter.Total.ShouldBe(0);
    }

    public void Dispose() => counter.Dispose();

    // A trail on tables of its own, created before the test counts requests.
    async Task<AuditTrail> TrailAsync()
    {
        var options = Options.Create(new StorageOptions { ConnectionString = storage.ConnectionString, TablePrefix = storage.NewHub("audit").TablePrefix });
        var tables = new StorageTables(new StorageClients(options, counter));
        await tables.TableAsync(AuditTrail.TableName);
        return new AuditTrail(tables);
    }

    static List<AuditEntry> Entries(string subject, int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => new AuditEntry(subject, $"item:{i:D3}", At.AddSeconds(i), "engine", "item.step", null, $"{i}", $"step {i} 审批"))];
}
