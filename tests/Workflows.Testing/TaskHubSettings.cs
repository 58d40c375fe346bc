using System.Globalization;

namespace Workflows.Testing;

/// <summary>Configuration for one test's task hub and tables, as the hosts read it.</summary>
/// <param name="ConnectionString">The storage account.</param>
/// <param name="TaskHubName">A fresh task hub.</param>
/// <param name="TablePrefix">A fresh prefix for our own tables.</param>
public sealed record TaskHubSettings(string ConnectionString, string TaskHubName, string TablePrefix)
{
    /// <summary>
    /// Recovery after a crash waits for the dead host's dequeued messages to become visible again and for
    /// its partition leases to lapse; the provider's 5 min and 30 s would make each kill test take minutes.
    /// Short values keep them quick while exercising the same recovery path.
    /// </summary>
    public static readonly TimeSpan TestRecoveryWindow = TimeSpan.FromSeconds(10);

    /// <summary>Fresh names on the given account.</summary>
    /// <param name="connectionString">The storage account.</param>
    /// <param name="prefix">A few letters naming the test.</param>
    /// <returns>The settings.</returns>
    public static TaskHubSettings New(string connectionString, string prefix)
    {
        var name = TaskHubNames.New(prefix);
        return new TaskHubSettings(connectionString, name, name);
    }

    /// <summary>The configuration keys for a host of this hub.</summary>
    /// <param name="runWorker">Whether the host runs orchestrations and activities.</param>
    /// <param name="workerId">The worker's id in partition leases.</param>
    /// <returns>Configuration keys and values.</returns>
    public Dictionary<string, string> ToConfiguration(bool runWorker = true, string? workerId = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = ConnectionString,
            ["Storage:TablePrefix"] = TablePrefix,
            ["Engine:TaskHubName"] = TaskHubName,
            ["Engine:RunWorker"] = runWorker ? "true" : "false",
            ["Engine:PartitionCount"] = "2",
            ["Engine:MessageVisibilityTimeout"] = TestRecoveryWindow.ToString("c", CultureInfo.InvariantCulture),
            ["Engine:LeaseInterval"] = TestRecoveryWindow.ToString("c", CultureInfo.InvariantCulture),
        };
        if (workerId is not null)
        {
            settings["Engine:WorkerId"] = workerId;
        }

        return settings;
    }

    /// <summary>The same keys typed for <see cref="InProcessEngine.StartAsync"/>.</summary>
    /// <param name="runWorker">Whether the host runs orchestrations and activities.</param>
    /// <returns>Configuration keys and values.</returns>
    public Dictionary<string, string?> ToInProcessConfiguration(bool runWorker) =>
        ToConfiguration(runWorker).ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
}
