using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Workflows.Storage;

namespace Workflows.Backlog;

/// <summary>Where the backlog stands.</summary>
/// <param name="Pending">Applications accepted whose bundle has not written its first state (counted up to the bound plus one).</param>
/// <param name="MaxPending">The bound from configuration.</param>
/// <param name="Accepting">Whether a submit is taken now.</param>
/// <param name="OldestPendingSeconds">How long the oldest of them has waited, in whole seconds; null when none waits.</param>
/// <param name="RetryAfterSeconds">What a refused caller is told to wait.</param>
/// <param name="CountedAt">When this count was taken (it serves a second or so).</param>
public sealed record BacklogReading(int Pending, int MaxPending, bool Accepting, int? OldestPendingSeconds, int RetryAfterSeconds, DateTimeOffset CountedAt);

/// <summary>
/// Counts the applications accepted but not started: a marker row per application, added just before its bundle is
/// scheduled and removed by the bundle's first save. One partition, read up to the bound plus one row, so the count
/// costs the same however many applications are stored; one count serves every submit on the host for
/// <see cref="BacklogOptions.CountFor"/>.
/// </summary>
public sealed class EngineBacklog(StorageTables tables, IOptions<BacklogOptions> options, TimeProvider time) : IDisposable
{
    /// <summary>The table of markers.</summary>
    public const string TableName = "Backlog";

    // One partition: a count is one bounded query. Azure serves about 2,000 operations a second on a partition, two
    // per application, far above what one engine starts (docs/benchmarks.md).
    const string Partition = "pending";

    readonly SemaphoreSlim counting = new(1, 1);
    BacklogReading? last;

    /// <inheritdoc />
    public void Dispose() => counting.Dispose();

    /// <summary>Marks an application accepted and about to start; a second mark of the same one is no error.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task MarkAsync(string applicationId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition, applicationId) { ["At"] = time.GetUtcNow() }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A retried submit marked it already: the first mark's time is the one that counts.
        }
    }

    /// <summary>
    /// The bundle has written its first state (or will never start): it no longer waits. Idempotent, as an activity
    /// may run again.
    /// </summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task RemoveAsync(string applicationId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        try
        {
            await table.DeleteEntityAsync(Partition, applicationId, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Removed before (the activity ran again), or never marked (a proactive application).
        }
    }

    /// <summary>The backlog now, counted at most once per <see cref="BacklogOptions.CountFor"/> on this host.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reading.</returns>
    public async Task<BacklogReading> ReadAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        if (last is { } fresh && time.GetUtcNow() - fresh.CountedAt < o.CountFor)
        {
            return fresh;
        }

        await counting.WaitAsync(cancellationToken);
        try
        {
            if (last is { } other && time.GetUtcNow() - other.CountedAt < o.CountFor)
            {
                return other;
            }

            last = await CountAsync(o, cancellationToken);
            return last;
        }
        finally
        {
            counting.Release();
        }
    }

    async Task<BacklogReading> CountAsync(BacklogOptions o, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(TableName);
        var now = time.GetUtcNow();
        var pending = 0;
        DateTimeOffset? oldest = null;
        var stale = new List<string>();
        // Rows come in key order, not age: read up to the bound plus one live marker, which is all a decision needs.
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, maxPerPage: Math.Min(1000, o.MaxPending + 1 + 16), select: ["RowKey", "At"], cancellationToken: cancellationToken))
        {
            var at = row.GetDateTimeOffset("At") ?? now;
            if (now - at > o.Forget)
            {
                stale.Add(row.RowKey);
                continue;
            }

            pending++;
            oldest = oldest is null || at < oldest ? at : oldest;
            if (pending > o.MaxPending)
            {
                break;
            }
        }

        foreach (var key in stale.Take(100))
        {
            await table.DeleteEntityAsync(Partition, key, ETag.All, cancellationToken);
        }

        var retry = (int)Math.Ceiling(o.RetryAfter.TotalSeconds);
        return new BacklogReading(pending, o.MaxPending, pending <= o.MaxPending,
            oldest is { } t ? (int)Math.Max(0, (now - t).TotalSeconds) : null, retry, now);
    }
}
