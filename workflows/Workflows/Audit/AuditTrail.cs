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
/// <param name="Detail">Reason, rationale or evidence.</param>
public sealed record AuditEntry(string Subject, string StepId, DateTime At, string Actor, string Action, string? Before, string? After, string? Detail);

/// <summary>
/// The append-only audit trail: partition = subject, row = step, so an application's history is one partition
/// read (returned in time order). Entries are only ever added; adding the same step again is a no-op.
/// </summary>
public sealed class AuditTrail(StorageTables tables)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Audit";

    /// <summary>Appends an entry unless that step is already recorded.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when added, false when it was already there.</returns>
    public async Task<bool> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await tables.TableAsync(TableName);
        var at = DateTime.SpecifyKind(entry.At, DateTimeKind.Utc);
        // The row key is the step alone: a step run again after a crash runs at another time but is the same step.
        var row = new TableEntity(TableKeys.Escape(entry.Subject), TableKeys.Escape(entry.StepId))
        {
            ["StepId"] = entry.StepId,
            ["At"] = at,
            ["Actor"] = entry.Actor,
            ["Action"] = entry.Action,
            ["Before"] = entry.Before,
            ["After"] = entry.After,
            ["Detail"] = entry.Detail,
        };
        try
        {
            await table.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>A subject's entries, oldest first.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string subject, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var list = new List<AuditEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(subject)}"), cancellationToken: cancellationToken))
        {
            list.Add(new AuditEntry(subject, row.GetString("StepId"), row.GetDateTimeOffset("At")!.Value.UtcDateTime, row.GetString("Actor"),
                row.GetString("Action"), row.GetString("Before"), row.GetString("After"), row.GetString("Detail")));
        }

        return [.. list.OrderBy(e => e.At).ThenBy(e => e.StepId, StringComparer.Ordinal)];
    }
}
