using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;
using Workflows.Storage;

namespace Workflows.Hosting;

/// <summary>Turns our options into the Azure Storage provider's settings.</summary>
public static class EngineSettings
{
    /// <summary>
    /// The tuned profile. Each value is measured in docs/benchmarks.md against the provider defaults.
    /// </summary>
    public static class Tuned
    {
        /// <summary>The provider backs off to 30 s on an idle queue, so a lull makes the next step wait; 1 s keeps latency low for a few extra reads a second.</summary>
        public static readonly TimeSpan MaxQueuePollingInterval = TimeSpan.FromSeconds(1);

        /// <summary>
        /// Only used when extended sessions are switched on in configuration; they stay off by default because the
        /// sidecar's dispatcher releases every work item at once, so sessions save no history reads here.
        /// </summary>
        public static readonly TimeSpan ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(30);

        /// <summary>More buffered control messages let one fetch feed many orchestrations on a small host.</summary>
        public const int ControlQueueBufferThreshold = 256;

        /// <summary>
        /// A message a dead host had dequeued reappears after this (the provider's 5 min made recovery take minutes);
        /// live hosts renew what they hold, so a longer activity is not run twice (ADR 0005).
        /// </summary>
        public static readonly TimeSpan MessageVisibilityTimeout = TimeSpan.FromSeconds(20);

        /// <summary>
        /// A restarted host cannot renew the blob leases its dead self held; it waits for them to lapse. The
        /// provider's 30 s would outlast the visibility timeout, so a partition's lease lapses as fast (ADR 0005).
        /// </summary>
        public static readonly TimeSpan LeaseInterval = TimeSpan.FromSeconds(20);

        /// <summary>Leases are renewed and sought every 5 s, well inside <see cref="LeaseInterval"/> (the provider: 10 s in 30 s).</summary>
        public static readonly TimeSpan LeaseRenewInterval = TimeSpan.FromSeconds(5);
    }

    /// <summary>Builds provider settings for the configured storage and options.</summary>
    /// <param name="options">Engine options.</param>
    /// <param name="clients">Storage access, counted.</param>
    /// <param name="loggerFactory">Logs of the provider.</param>
    /// <returns>The settings.</returns>
    public static AzureStorageOrchestrationServiceSettings Create(EngineOptions options, StorageClients clients, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clients);
        var storage = clients.Options;
        var provider = storage.UsesIdentity
            ? new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(storage.BlobServiceUri!, clients.Credential, clients.BlobOptions()),
                StorageServiceClientProvider.ForQueue(storage.QueueServiceUri!, clients.Credential, clients.QueueOptions()),
                StorageServiceClientProvider.ForTable(storage.TableServiceUri!, clients.Credential, clients.TableOptions()))
            : new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(storage.ConnectionString!, clients.BlobOptions()),
                StorageServiceClientProvider.ForQueue(storage.ConnectionString!, clients.QueueOptions()),
                StorageServiceClientProvider.ForTable(storage.ConnectionString!, clients.TableOptions()));

        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName,
            StorageAccountClientProvider = provider,
            LoggerFactory = loggerFactory,
            WorkerId = options.WorkerId ?? Environment.MachineName,
        };

        if (options.Profile == EngineProfile.Tuned)
        {
            settings.MaxQueuePollingInterval = Tuned.MaxQueuePollingInterval;
            settings.ControlQueueBufferThreshold = Tuned.ControlQueueBufferThreshold;
            settings.ExtendedSessionIdleTimeout = Tuned.ExtendedSessionIdleTimeout;
        }

        if (options.PartitionCount is { } partitions) { settings.PartitionCount = partitions; }
        if (options.MaxConcurrentOrchestrations is { } orchestrations) { settings.MaxConcurrentTaskOrchestrationWorkItems = orchestrations; }
        if (options.MaxConcurrentActivities is { } activities) { settings.MaxConcurrentTaskActivityWorkItems = activities; }
        if (options.MaxQueuePollingInterval is { } polling) { settings.MaxQueuePollingInterval = polling; }
        if (options.ControlQueueBatchSize is { } batch) { settings.ControlQueueBatchSize = batch; }
        if (options.ControlQueueBufferThreshold is { } buffer) { settings.ControlQueueBufferThreshold = buffer; }
        if (options.ExtendedSessionsEnabled is { } sessions) { settings.ExtendedSessionsEnabled = sessions; }
        if (options.ExtendedSessionIdleTimeout is { } idle) { settings.ExtendedSessionIdleTimeout = idle; }
        if (options.UseTablePartitionManagement is { } tablePartitions) { settings.UseTablePartitionManagement = tablePartitions; }
        if (options.LeaseInterval is { } lease)
        {
            settings.LeaseInterval = lease;
            // Renew well inside the lease, whatever it was set to.
            settings.LeaseRenewInterval = settings.LeaseAcquireInterval = lease / 3 < settings.LeaseRenewInterval ? lease / 3 : settings.LeaseRenewInterval;
        }
        if (options.Profile == EngineProfile.Tuned)
        {
            settings.ControlQueueVisibilityTimeout = Tuned.MessageVisibilityTimeout;
            settings.WorkItemQueueVisibilityTimeout = Tuned.MessageVisibilityTimeout;
            settings.LeaseInterval = Tuned.LeaseInterval;
            settings.LeaseRenewInterval = Tuned.LeaseRenewInterval;
            settings.LeaseAcquireInterval = Tuned.LeaseRenewInterval;
        }

        if (options.MessageVisibilityTimeout is { } visibility)
        {
            settings.ControlQueueVisibilityTimeout = visibility;
            settings.WorkItemQueueVisibilityTimeout = visibility;
        }

        return settings;
    }

    /// <summary>How often a host renews the locks of the work items it holds: three times per visibility timeout.</summary>
    /// <param name="settings">The provider's settings.</param>
    /// <returns>The renewal period.</returns>
    public static TimeSpan RenewEvery(AzureStorageOrchestrationServiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var shortest = settings.ControlQueueVisibilityTimeout < settings.WorkItemQueueVisibilityTimeout
            ? settings.ControlQueueVisibilityTimeout
            : settings.WorkItemQueueVisibilityTimeout;
        return shortest / 3;
    }
}
