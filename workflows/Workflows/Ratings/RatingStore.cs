using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Workflows.Storage;

namespace Workflows.Ratings;

/// <summary>
/// Ratings in two tables. <c>Ratings</c>: partition = application, row = item key or <c>bundle</c>, so an
/// application's ratings are one partition read and the once-only rule is an insert that fails on a second try.
/// <c>RatingsByDepartment</c>: partition = <c>{department}|{yyyyMM}</c> of the rating time (UTC), row =
/// <c>{application}|{target}</c>, so a department's ratings of a period are a few partition reads (figures).
/// The rating row is written first and the index row from it, so the index never holds a rating that lost the race.
/// </summary>
public sealed class RatingStore(StorageTables tables)
{
    /// <summary>The ratings table.</summary>
    public const string TableName = "Ratings";

    /// <summary>The per-department, per-month index.</summary>
    public const string IndexTableName = "RatingsByDepartment";

    static readonly JsonSerializerOptions Json = StoredJson.Options();

    /// <summary>Stores a rating unless its target was rated before.</summary>
    /// <param name="rating">The rating.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored rating and whether it was added now (false: the earlier one, unchanged).</returns>
    public async Task<(Rating Stored, bool Added)> TryAddAsync(Rating rating, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rating);
        var table = await tables.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(Row(rating), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await GetAsync(rating.ApplicationId, rating.Target, cancellationToken)
                ?? throw new InvalidOperationException($"Rating {rating.ApplicationId}/{rating.Target} vanished.");
            return (existing, false);
        }

        await IndexAsync(rating, cancellationToken);
        return (rating, true);
    }

    /// <summary>Writes (again) the index row of a stored rating; a retry after a crash heals a missing one.</summary>
    /// <param name="rating">The stored rating.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task IndexAsync(Rating rating, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rating);
        var index = await tables.TableAsync(IndexTableName);
        await index.UpsertEntityAsync(IndexRow(rating), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>One rating.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="target">The item key or <c>bundle</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rating, or null.</returns>
    public async Task<Rating?> GetAsync(string applicationId, string target, CancellationToken cancellationToken = default) =>
        (await GetStoredAsync(applicationId, target, cancellationToken))?.Rating;

    /// <summary>An application's ratings.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ratings, by target.</returns>
    public async Task<IReadOnlyList<Rating>> ListAsync(string applicationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(applicationId);
        var table = await tables.TableAsync(TableName);
        var list = new List<Rating>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(applicationId)}"), cancellationToken: cancellationToken))
        {
            list.Add(Read(row));
        }

        return list;
    }

    /// <summary>
    /// Ratings made in <c>[from, to)</c>, for figures: with a department, one partition read per month; without, a
    /// scan of the index filtered by time (fine for periodic reports, not for every request).
    /// </summary>
    /// <param name="from">The first moment (UTC), inclusive.</param>
    /// <param name="to">The last moment (UTC), exclusive.</param>
    /// <param name="department">Only this department's ratings; null for every department.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ratings, oldest first.</returns>
    public async Task<IReadOnlyList<Rating>> ListByPeriodAsync(DateTime from, DateTime to, string? department = null, CancellationToken cancellationToken = default)
    {
        var index = await tables.TableAsync(IndexTableName);
        var start = DateTime.SpecifyKind(from, DateTimeKind.Utc);
        var end = DateTime.SpecifyKind(to, DateTimeKind.Utc);
        var list = new List<Rating>();
        if (end <= start)
        {
            return list;
        }

        var period = TableClient.CreateQueryFilter($"RatedAt ge {new DateTimeOffset(start)} and RatedAt lt {new DateTimeOffset(end)}");
        if (department is null)
        {
            await foreach (var row in index.QueryAsync<TableEntity>(period, cancellationToken: cancellationToken))
            {
                list.Add(Read(row));
            }
        }
        else
        {
            for (var month = new DateTime(start.Year, start.Month, 1, 0, 0, 0, DateTimeKind.Utc); month < end; month = month.AddMonths(1))
            {
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition(department, month)}") + " and " + period;
                await foreach (var row in index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
                {
                    list.Add(Read(row));
                }
            }
        }

        return [.. list.OrderBy(r => r.RatedAt).ThenBy(r => r.ApplicationId, StringComparer.Ordinal).ThenBy(r => r.Target, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Stores the department's response on the rating, only if the rating row is unchanged since it was read; the
    /// index row follows.
    /// </summary>
    /// <param name="answered">The rating with its response (see <see cref="Rating.Answer"/>).</param>
    /// <param name="expected">The ETag the rating was read with.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when written; false when the rating changed meanwhile.</returns>
    public async Task<bool> TrySaveAnswerAsync(Rating answered, ETag expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(answered);
        var table = await tables.TableAsync(TableName);
        try
        {
            await table.UpdateEntityAsync(Row(answered), expected, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }

        await IndexAsync(answered, cancellationToken);
        return true;
    }

    /// <summary>One rating with its row's ETag.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="target">The item key or <c>bundle</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rating and ETag, or null.</returns>
    public async Task<(Rating Rating, ETag ETag)?> GetStoredAsync(string applicationId, string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(applicationId);
        ArgumentNullException.ThrowIfNull(target);
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(applicationId), TableKeys.Escape(target), cancellationToken: cancellationToken);
        return row.HasValue ? (Read(row.Value!), row.Value!.ETag) : null;
    }

    /// <summary>The index partition of a department's month: <c>{department}|{yyyyMM}</c>.</summary>
    /// <param name="department">The department.</param>
    /// <param name="at">A moment in the month (UTC).</param>
    /// <returns>The partition key.</returns>
    public static string IndexPartition(string department, DateTime at) =>
        $"{TableKeys.Escape(department)}|{at.ToString("yyyyMM", CultureInfo.InvariantCulture)}";

    static TableEntity Row(Rating r) => new(TableKeys.Escape(r.ApplicationId), TableKeys.Escape(r.Target)) { ["Record"] = JsonSerializer.Serialize(r, Json) };

    // The columns figures filter on, beside the whole record.
    static TableEntity IndexRow(Rating r) => new(IndexPartition(r.Department, r.RatedAt), $"{TableKeys.Escape(r.ApplicationId)}|{TableKeys.Escape(r.Target)}")
    {
        ["RatedAt"] = DateTime.SpecifyKind(r.RatedAt, DateTimeKind.Utc),
        ["Score"] = r.Score,
        ["TemplateKey"] = r.TemplateKey,
        ["Answered"] = r.Response is not null,
        ["Record"] = JsonSerializer.Serialize(r, Json),
    };

    static Rating Read(TableEntity row) =>
        JsonSerializer.Deserialize<Rating>(row.GetString("Record"), Json) ?? throw new InvalidOperationException($"Rating row {row.RowKey} holds no record.");
}
