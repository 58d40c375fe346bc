namespace Workflows.Hosting;

/// <summary>Which settings the Azure Storage provider runs with where configuration sets none.</summary>
public enum EngineProfile
{
    /// <summary>Our tuned settings (see docs/decisions/0002-engine-tuning.md and docs/benchmarks.md).</summary>
    Tuned,

    /// <summary>The provider's own defaults, as Durable Functions ships them; kept to measure against.</summary>
    ProviderDefaults,
}

/// <summary>
/// How the local host runs Microsoft's Durable Task engine over Azure Storage. Every value left unset takes
/// the <see cref="Profile"/>'s value; a value set here always wins.
/// </summary>
public sealed class EngineOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Engine";

    /// <summary>The task hub: the queues, tables and containers the engine keeps its state in (3-45 letters or digits).</summary>
    public string TaskHubName { get; set; } = "workflows";

    /// <summary>Tuned settings or the provider's defaults for every value left unset.</summary>
    public EngineProfile Profile { get; set; } = EngineProfile.Tuned;

    /// <summary>
    /// Whether this process executes orchestrations and activities. False makes a client-only host that
    /// starts, queries and signals instances that other processes run.
    /// </summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>Names this worker in partition leases; stable across restarts so a restarted host reclaims its partitions.</summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// The Unix domain socket the in-process sidecar listens on. The sidecar can start, stop and rewrite any
    /// instance, so it listens on no TCP port at all; unset means a fresh path in the temp folder.
    /// </summary>
    public string? SidecarSocketPath { get; set; }

    /// <summary>Control-queue partitions (1-16). Fixed for the life of a task hub.</summary>
    public int? PartitionCount { get; set; }

    /// <summary>Orchestration work items this process runs at once.</summary>
    public int? MaxConcurrentOrchestrations { get; set; }

    /// <summary>Activity work items this process runs at once.</summary>
    public int? MaxConcurrentActivities { get; set; }

    /// <summary>The longest pause between polls of an idle queue; shorter reacts faster and costs more storage reads.</summary>
    public TimeSpan? MaxQueuePollingInterval { get; set; }

    /// <summary>Messages fetched from a control queue per request (at most 32).</summary>
    public int? ControlQueueBatchSize { get; set; }

    /// <summary>Control-queue messages buffered in memory before fetching pauses.</summary>
    public int? ControlQueueBufferThreshold { get; set; }

    /// <summary>
    /// How long a dequeued message stays invisible to other hosts. After a crash, work that was in flight
    /// reappears only when this runs out, so it bounds recovery time; a live host renews the locks of what it holds
    /// every third of it, so an activity may run longer (ADR 0005). Tuned: 20 s; the provider's default: 5 min.
    /// </summary>
    public TimeSpan? MessageVisibilityTimeout { get; set; }

    /// <summary>How long a partition lease lasts; after a crash, another worker (or the same one restarted) waits this long to take it over. Tuned: 20 s.</summary>
    public TimeSpan? LeaseInterval { get; set; }

    /// <summary>Keep an orchestration's history in memory between episodes, saving a history read per episode.</summary>
    public bool? ExtendedSessionsEnabled { get; set; }

    /// <summary>How long an idle extended session is kept.</summary>
    public TimeSpan? ExtendedSessionIdleTimeout { get; set; }

    /// <summary>Partition ownership in a table instead of blob leases.</summary>
    public bool? UseTablePartitionManagement { get; set; }

    /// <summary>How long a graceful shutdown waits for work in flight.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the options.</summary>
    /// <returns>The problems found, empty when the options are usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (TaskHubName.Length is < 3 or > 45 || !TaskHubName.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(TaskHubName[0]))
        {
            problems.Add($"{SectionName}:{nameof(TaskHubName)} must be 3-45 letters or digits, starting with a letter.");
        }

        if (PartitionCount is < 1 or > 16)
        {
            problems.Add($"{SectionName}:{nameof(PartitionCount)} must be 1-16.");
        }

        if (ControlQueueBatchSize is < 1 or > 32)
        {
            problems.Add($"{SectionName}:{nameof(ControlQueueBatchSize)} must be 1-32.");
        }

        if (MaxConcurrentActivities is < 1 || MaxConcurrentOrchestrations is < 1)
        {
            problems.Add($"{SectionName}: concurrency limits must be at least 1.");
        }

        return problems;
    }
}
