using System.Text.Json;
using Azure.Data.Tables;
using Workflows.Storage;

namespace Workflows.Tasks;

/// <summary>
/// Officers' task lists. Partition = department, so an officer's list is one partition query and no query can
/// reach another department's rows; row = task id. Written by activities as whole-row upserts.
/// </summary>
public sealed class TaskStore(StorageTables tables)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Tasks";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes a task's current state.</summary>
    /// <param name="task">The task.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task SaveAsync(TaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var table = await tables.TableAsync(TableName);
        await table.UpsertEntityAsync(new TableEntity(TableKeys.Escape(task.Department), TableKeys.Escape(task.TaskId))
        {
            ["Status"] = task.Status.ToString(),
            ["DueAt"] = DateTime.SpecifyKind(task.DueAt, DateTimeKind.Utc),
            ["ApplicationId"] = task.ApplicationId,
            ["Record"] = JsonSerializer.Serialize(task, Json),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>One task of a department.</summary>
    /// <param name="department">The department.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The task, or null when that department has no such task.</returns>
    public async Task<TaskRecord?> GetAsync(string department, string taskId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(department), TableKeys.Escape(taskId), cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>A department's tasks, optionally of one status, soonest due first.</summary>
    /// <param name="department">The department.</param>
    /// <param name="status">Only this status; null for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tasks.</returns>
    public async Task<IReadOnlyList<TaskRecord>> ListAsync(string department, OfficerTaskStatus? status = null, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(department)} and Status eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(department)}");
        var list = new List<TaskRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(Read(row));
        }

        return [.. list.OrderBy(t => t.DueAt)];
    }

    static TaskRecord Read(TableEntity row) =>
        JsonSerializer.Deserialize<TaskRecord>(row.GetString("Record"), Json)
        ?? throw new InvalidOperationException($"Task row {row.RowKey} holds no record.");
}
