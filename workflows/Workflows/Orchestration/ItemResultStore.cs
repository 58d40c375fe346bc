using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Workflows.Applications;
using Workflows.Storage;

namespace Workflows.Orchestration;

/// <summary>
/// The result each item ended with, one row per item (partition = application, row = item), written once by
/// <see cref="Activities.FinishItemActivity"/> after everything else the item writes. A bundle reads it only when the
/// engine handed it something else in the item's place, so the item's own completion was lost (docs/decisions/0027).
/// </summary>
public sealed class ItemResultStore(StorageTables tables)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "ItemResults";

    const string PartsColumn = "Parts";

    static readonly JsonSerializerOptions Json = StoredJson.Options();

    /// <summary>Records an item's result unless one is recorded: the first stands, so a re-run changes nothing.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="result">The item's result.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the row exists.</returns>
    public async Task RecordAsync(string applicationId, ItemResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var parts = ApplicationStore.Split(JsonSerializer.Serialize(result, Json));
        if (parts.Count > ApplicationStore.MaxParts)
        {
            throw new TableEntityLimitException("EntityTooLarge", "Result", $"Item {result.ItemKey} of {applicationId} needs {parts.Count} columns of {ApplicationStore.PartChars} characters; at most {ApplicationStore.MaxParts} fit one entity.") { Table = TableName };
        }

        var entity = new TableEntity(TableKeys.Escape(applicationId), TableKeys.Escape(result.ItemKey)) { [PartsColumn] = parts.Count };
        for (var i = 0; i < parts.Count; i++)
        {
            entity[Column(i)] = parts[i];
        }

        var table = await tables.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Written by an earlier run of the same finish.
        }
    }

    /// <summary>The result an item ended with; null while it has not ended (or ended before results were kept).</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The result, or null.</returns>
    public async Task<ItemResult?> GetAsync(string applicationId, string itemKey, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(applicationId), TableKeys.Escape(itemKey), cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } entity)
        {
            return null;
        }

        var count = entity.GetInt32(PartsColumn) ?? 1;
        return JsonSerializer.Deserialize<ItemResult>(string.Concat(Enumerable.Range(0, count).Select(i => entity.GetString(Column(i)))), Json);
    }

    static string Column(int i) => i == 0 ? "Result" : $"Result{i}";
}
