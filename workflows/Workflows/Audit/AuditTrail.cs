using Azure;
using Azure.Data.Tables;
using Workflows.Storage;

namespace Workflows.Audit;

/// <summary>One entry of the audit trail: who did what, when, and what changed.</summary>
/// <param name="Subject">What it is about: an application id, or <c>template:KEY</c>.</param>
/// <param name="StepId">Unique within the subject and stable across re-runs (e.g. the item key and event), so a re-run adds nothing.</param>
/// <param name="At">When (orchestration time for engine steps).</param>
/// <param name="Actor">Who: officer:ID, applicant:ID, admin:ID, rule:ITEM/KEY, system:CODE, engine.</param>
/// <param name="Action">What, e.g. item.approved.</param>
/// <param name="Before">The state before, if any.</param>
/// <param name="After">The state after, if any.</param>
/// <param name="Detail">Reason, rationale or evidence: the engine's words in Chinese (an older entry's in English), a person's as written.</param>
/// <param name="DetailEn">The English of <paramref name="Detail"/> when the engine wrote it; null for a person's words
/// and for entries written before (ADR 0016: answered as <c>detail</c> in the request's language, never by itself).</param>
public sealed record AuditEntry(string Subject, string StepId, DateTime At, string Actor, string Action, string? Before, string? After, string? Detail, string? DetailEn = null);

/// <summary>
/// The append-only audit trail: partition = subject, row = step, so an application's history is one partition
/// read (returned in time order). Entries are only ever added; adding the same step again is a no-op.
/// </summary>
public sealed class AuditTrail(StorageTables tables)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Audit";

    /// <summary>The most rows one table transaction may hold.</summary>
    const int MaxRowsPerTransaction = 100;

    /// <summary>
    /// Characters per transaction: its payload is capped at 4 MiB, and JSON may spell a non-ASCII character in six
    /// bytes (\uXXXX), so half a million characters stay under the cap with room for the framing.
    /// </summary>
    const int MaxCharsPerTransaction = 500_000;

    /// <summary>Appends an entry unless that step is already recorded.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when added, false when it was already there.</returns>
    public async Task<bool> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await tables.TableAsync(TableName);
        return await AddIfAbsentAsync(table, entry, 0, cancellationToken);
    }

    /// <summary>
    /// Appends entries whose steps are not recorded yet, with one table transaction per subject when none of
    /// them is there (the usual case), so a batch costs one request instead of one per entry.
    /// </summary>
    /// <param name="entries">The entries; a step that occurs twice is written once (the first).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many entries were added; the rest were already there.</returns>
    public async Task<int> AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return 0;
        }

        var table = await tables.TableAsync(TableName);
        var added = 0;
        // A transaction holds rows of one partition only, i.e. of one subject.
        // Each row keeps its place in the batch: entries made in one instant (a bundle's and the rule items it decided
        // with it, ADR 0028) read back in the order they were made, not by their step ids.
        foreach (var subject in entries.Select((e, i) => (Entry: e, Seq: i)).GroupBy(e => e.Entry.Subject, StringComparer.Ordinal))
        {
            foreach (var chunk in Chunks(subject.DistinctBy(e => e.Entry.StepId, StringComparer.Ordinal)))
            {
                added += await AddAllAsync(table, chunk, cancellationToken);
            }
        }

        return added;
    }

    static async Task<int> AddAllAsync(TableClient table, List<(AuditEntry Entry, int Seq)> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Count > 1)
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, Row(e.Entry, e.Seq))), cancellationToken);
                return chunk.Count;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // A re-run after a crash found some of these steps recorded; a transaction is all or nothing, so
                // the rows go one by one and those already there are skipped.
            }
        }

        var added = 0;
        foreach (var (entry, seq) in chunk)
        {
            if (await AddIfAbsentAsync(table, entry, seq, cancellationToken))
            {
                added++;
            }
        }

        return added;
    }

    static async Task<bool> AddIfAbsentAsync(TableClient table, AuditEntry entry, int seq, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(Row(entry, seq), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    static IEnumerable<List<(AuditEntry Entry, int Seq)>> Chunks(IEnumerable<(AuditEntry Entry, int Seq)> entries)
    {
        var chunk = new List<(AuditEntry Entry, int Seq)>();
        var chars = 0;
        foreach (var entry in entries)
        {
            var size = Size(entry.Entry);
            if (chunk.Count == MaxRowsPerTransaction || (chunk.Count > 0 && chars + size > MaxCharsPerTransaction))
            {
                yield return chunk;
                chunk = [];
                chars = 0;
            }

            chunk.Add(entry);
            chars += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    // The step id is both the row key and a column.
    static int Size(AuditEntry e) =>
        e.Subject.Length + (2 * e.StepId.Length) + e.Actor.Length + e.Action.Length + (e.Before?.Length ?? 0) + (e.After?.Length ?? 0) + (e.Detail?.Length ?? 0) + (e.DetailEn?.Length ?? 0) + 200;

    /// <summary>The row of an entry as the trail writes it (for seeding too).</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The row.</returns>
    public static TableEntity RowOf(AuditEntry entry) => Row(entry ?? throw new ArgumentNullException(nameof(entry)), 0);

    // The row key is the step alone: a step run again after a crash runs at another time but is the same step.
    static TableEntity Row(AuditEntry entry, int seq) => new(TableKeys.Escape(entry.Subject), TableKeys.Escape(entry.StepId))
    {
        ["StepId"] = entry.StepId,
        ["Seq"] = seq,
        ["At"] = DateTime.SpecifyKind(entry.At, DateTimeKind.Utc),
        ["Actor"] = entry.Actor,
        ["Action"] = entry.Action,
        ["Before"] = entry.Before,
        ["After"] = entry.After,
        ["Detail"] = entry.Detail,
        ["DetailEn"] = entry.DetailEn,
    };

    /// <summary>A subject's entries, oldest first.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string subject, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var list = new List<(AuditEntry Entry, int Seq)>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(subject)}"), cancellationToken: cancellationToken))
        {
            list.Add((new AuditEntry(subject, row.GetString("StepId"), row.GetDateTimeOffset("At")!.Value.UtcDateTime, row.GetString("Actor"),
                row.GetString("Action"), row.GetString("Before"), row.GetString("After"), row.GetString("Detail"), row.GetString("DetailEn")), row.GetInt32("Seq") ?? 0));
        }

        // Rows written before the place was kept read as place 0, in step order as they always did.
        return [.. list.OrderBy(e => e.Entry.At).ThenBy(e => e.Seq).ThenBy(e => e.Entry.StepId, StringComparer.Ordinal).Select(e => e.Entry)];
    }
}
