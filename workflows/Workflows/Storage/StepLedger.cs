using Azure;
using Azure.Data.Tables;

namespace Workflows.Storage;

/// <summary>
/// The record of side effects that activities have made, keyed by orchestration instance and step.
/// The engine delivers an activity at least once (a crash after the work but before the checkpoint re-runs it),
/// so every activity writes through here: the first write of a step wins and a re-run finds it and writes
/// nothing. Every execution is also appended to an attempts table, so tests and operators can see re-runs.
/// </summary>
public sealed class StepLedger(StorageTables tables, TimeProvider time)
{
    /// <summary>Table name (without prefix) of the one-row-per-step record.</summary>
    public const string StepsTable = "Steps";

    /// <summary>Table name (without prefix) of the append-only execution attempts.</summary>
    public const string AttemptsTable = "StepAttempts";

    /// <summary>Identifies this process in attempt rows: machine and process id.</summary>
    public static string HostId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Appends one execution attempt of a step.</summary>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="step">The step within the instance.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the row is stored.</returns>
    public async Task RecordAttemptAsync(string instanceId, string step, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(AttemptsTable);
        var entity = new TableEntity(TableKeys.Escape(instanceId), $"{TableKeys.Escape(step)}|{Guid.NewGuid():N}")
        {
            ["Step"] = step,
            ["Host"] = HostId,
            ["StartedAt"] = time.GetUtcNow(),
        };
        await table.AddEntityAsync(entity, cancellationToken);
    }

    /// <summary>Records a step's result unless it is already recorded; the first result stands.</summary>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="step">The step within the instance.</param>
    /// <param name="result">The result to record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The recorded result and whether this call wrote it.</returns>
    public async Task<(string Result, bool Written)> RecordOnceAsync(string instanceId, string step, string result, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(StepsTable);
        var pk = TableKeys.Escape(instanceId);
        var rk = TableKeys.Escape(step);
        try
        {
            await table.AddEntityAsync(new TableEntity(pk, rk) { ["Result"] = result, ["Host"] = HostId, ["RecordedAt"] = time.GetUtcNow() }, cancellationToken);
            return (result, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Already done by an earlier execution of this activity: report what was recorded then.
            var existing = await table.GetEntityAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken);
            return (existing.Value.GetString("Result") ?? string.Empty, false);
        }
    }

    /// <summary>The recorded steps of one instance.</summary>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The step rows.</returns>
    public async Task<IReadOnlyList<TableEntity>> StepsAsync(string instanceId, CancellationToken cancellationToken = default)
        => await QueryAsync(StepsTable, instanceId, cancellationToken);

    /// <summary>Every execution attempt of one instance's steps.</summary>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The attempt rows.</returns>
    public async Task<IReadOnlyList<TableEntity>> AttemptsAsync(string instanceId, CancellationToken cancellationToken = default)
        => await QueryAsync(AttemptsTable, instanceId, cancellationToken);

    async Task<IReadOnlyList<TableEntity>> QueryAsync(string tableName, string instanceId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(tableName);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == TableKeys.Escape(instanceId), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    Task<TableClient> TableAsync(string name) => tables.TableAsync(name);
}
