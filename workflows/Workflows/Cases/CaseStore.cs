using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Workflows.Storage;

namespace Workflows.Cases;

/// <summary>A case as stored, with the row's ETag and who is resolving it.</summary>
/// <param name="Case">The case as its orchestration last wrote it.</param>
/// <param name="ETag">The row's ETag.</param>
/// <param name="ResolvingBy">The administrator whose resolution is being delivered, if any.</param>
public sealed record StoredCase(StuckCase Case, ETag ETag, string? ResolvingBy);

/// <summary>
/// Stuck cases in one table, <c>Cases</c>: partition = <c>cases</c>, row = case id, so a case is a point read and
/// the administrators' list (a few cases a day, filtered by status) is one partition read. The orchestration's
/// activity merges the record columns; the API marks <c>ResolvingBy</c> under the row's ETag so two administrators
/// resolve once.
/// </summary>
public sealed class CaseStore(StorageTables tables)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Cases";

    /// <summary>The one partition.</summary>
    public const string Partition = "cases";

    static readonly JsonSerializerOptions Json = StoredJson.Options();

    /// <summary>Writes a case's state (a merge, so a resolution being delivered stays marked).</summary>
    /// <param name="stuckCase">The case.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task SaveAsync(StuckCase stuckCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stuckCase);
        var table = await tables.TableAsync(TableName);
        await table.UpsertEntityAsync(new TableEntity(Partition, TableKeys.Escape(stuckCase.CaseId))
        {
            ["Status"] = stuckCase.Status.ToString(),
            ["ApplicationId"] = stuckCase.ApplicationId,
            ["DueAt"] = DateTime.SpecifyKind(stuckCase.DueAt, DateTimeKind.Utc),
            ["Record"] = JsonSerializer.Serialize(stuckCase, Json),
        }, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>One case with its ETag.</summary>
    /// <param name="caseId">The case.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The case, or null.</returns>
    public async Task<StoredCase?> GetStoredAsync(string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.Escape(caseId), cancellationToken: cancellationToken);
        return row.HasValue
            ? new StoredCase(Read(row.Value!), row.Value!.ETag, row.Value.GetString("ResolvingBy") is { Length: > 0 } by ? by : null)
            : null;
    }

    /// <summary>Cases, optionally of one status, soonest due first.</summary>
    /// <param name="status">Only this status; null for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The cases.</returns>
    public async Task<IReadOnlyList<StuckCase>> ListAsync(CaseStatus? status = null, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        if (status is { } s)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {s.ToString()}");
        }

        var list = new List<StuckCase>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(Read(row));
        }

        return [.. list.OrderBy(c => c.DueAt).ThenBy(c => c.CaseId, StringComparer.Ordinal)];
    }

    /// <summary>Marks who is resolving a case, only if the row is unchanged since it was read.</summary>
    /// <param name="caseId">The case.</param>
    /// <param name="expected">The ETag read.</param>
    /// <param name="by">Who resolves (admin:ID).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The row's new ETag when marked; null when the row changed meanwhile.</returns>
    public async Task<ETag?> TryMarkResolvingAsync(string caseId, ETag expected, string by, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        try
        {
            var response = await table.UpdateEntityAsync(new TableEntity(Partition, TableKeys.Escape(caseId)) { ["ResolvingBy"] = by }, expected, TableUpdateMode.Merge, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>Lifts a resolving mark whose resolution was not delivered, only if nothing changed the row since it was set.</summary>
    /// <param name="caseId">The case.</param>
    /// <param name="marked">The ETag <see cref="TryMarkResolvingAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when lifted; false when the row changed meanwhile (the case moved on, and the mark no longer matters).</returns>
    public async Task<bool> TryUnmarkResolvingAsync(string caseId, ETag marked, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        try
        {
            // Merge does not send nulls, so an empty string clears.
            await table.UpdateEntityAsync(new TableEntity(Partition, TableKeys.Escape(caseId)) { ["ResolvingBy"] = string.Empty }, marked, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    static StuckCase Read(TableEntity row) =>
        JsonSerializer.Deserialize<StuckCase>(row.GetString("Record"), Json) ?? throw new InvalidOperationException($"Case row {row.RowKey} holds no record.");
}
