using Azure.Data.Tables;

namespace Workflows.Testing;

/// <summary>
/// Reads the Azure Storage provider's own history table, to check what no public API shows: that an
/// instance completed exactly once, however many hosts and restarts it went through.
/// </summary>
public static class TaskHubHistory
{
    /// <summary>Counts history events of one type for one instance.</summary>
    /// <param name="settings">The task hub.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="eventType">An event type name, e.g. ExecutionCompleted.</param>
    /// <returns>How many such events the history holds.</returns>
    public static async Task<int> CountEventsAsync(TaskHubSettings settings, string instanceId, string eventType)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var table = new TableClient(settings.ConnectionString, settings.TaskHubName + "History");
        var count = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and EventType eq {eventType}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["EventType"]))
        {
            count++;
        }

        return count;
    }

    /// <summary>Every history row of one instance, oldest first.</summary>
    /// <param name="settings">The task hub.</param>
    /// <param name="instanceId">The instance.</param>
    /// <returns>The rows as stored by the provider.</returns>
    public static async Task<IReadOnlyList<TableEntity>> EventsAsync(TaskHubSettings settings, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var table = new TableClient(settings.ConnectionString, settings.TaskHubName + "History");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}")))
        {
            rows.Add(row);
        }

        return rows;
    }
}
