using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workflows.Hosting;
using Workflows.Storage;

namespace Workflows.Tests.Hosting;

public sealed class EngineSettingsTests : IDisposable
{
    readonly StorageOperationCounter counter = new();

    [Fact]
    public void Create_ProviderDefaults_LeavesTheProviderAlone()
    {
        var settings = Create(new EngineOptions { Profile = EngineProfile.ProviderDefaults });
        var defaults = new AzureStorageOrchestrationServiceSettings();
        settings.MaxQueuePollingInterval.ShouldBe(defaults.MaxQueuePollingInterval);
        settings.ControlQueueBufferThreshold.ShouldBe(defaults.ControlQueueBufferThreshold);
        settings.PartitionCount.ShouldBe(defaults.PartitionCount);
        settings.ExtendedSessionsEnabled.ShouldBe(defaults.ExtendedSessionsEnabled);
    }

    [Fact]
    public void Create_Tuned_AppliesTheTunedValues()
    {
        var settings = Create(new EngineOptions { Profile = EngineProfile.Tuned });
        settings.MaxQueuePollingInterval.ShouldBe(EngineSettings.Tuned.MaxQueuePollingInterval);
        settings.ControlQueueBufferThreshold.ShouldBe(EngineSettings.Tuned.ControlQueueBufferThreshold);
        settings.MaxQueuePollingInterval.ShouldBeLessThan(new AzureStorageOrchestrationServiceSettings().MaxQueuePollingInterval);
    }

    [Fact]
    public void Create_Tuned_RecoversWithinSeconds_AndRenewsLocksInsideTheVisibilityTimeout()
    {
        var settings = Create(new EngineOptions { Profile = EngineProfile.Tuned });
        settings.ControlQueueVisibilityTimeout.ShouldBe(EngineSettings.Tuned.MessageVisibilityTimeout);
        settings.WorkItemQueueVisibilityTimeout.ShouldBe(EngineSettings.Tuned.MessageVisibilityTimeout);
        settings.WorkItemQueueVisibilityTimeout.ShouldBeLessThan(new AzureStorageOrchestrationServiceSettings().WorkItemQueueVisibilityTimeout);
        settings.LeaseInterval.ShouldBe(EngineSettings.Tuned.LeaseInterval);
        settings.LeaseRenewInterval.ShouldBeLessThan(settings.LeaseInterval / 2);
        settings.LeaseAcquireInterval.ShouldBeLessThan(settings.LeaseInterval / 2);
        EngineSettings.RenewEvery(settings).ShouldBeLessThan(settings.WorkItemQueueVisibilityTimeout / 2);
    }

    [Fact]
    public void Create_ShortLease_RenewsItWellInside()
    {
        var settings = Create(new EngineOptions { Profile = EngineProfile.ProviderDefaults, LeaseInterval = TimeSpan.FromSeconds(9) });
        settings.LeaseInterval.ShouldBe(TimeSpan.FromSeconds(9));
        settings.LeaseRenewInterval.ShouldBe(TimeSpan.FromSeconds(3));
        settings.LeaseAcquireInterval.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Create_ExplicitValue_WinsOverTheProfile()
    {
        var settings = Create(new EngineOptions
        {
            Profile = EngineProfile.Tuned,
            MaxQueuePollingInterval = TimeSpan.FromSeconds(7),
            PartitionCount = 3,
            MaxConcurrentActivities = 5,
            MaxConcurrentOrchestrations = 6,
            MessageVisibilityTimeout = TimeSpan.FromSeconds(42),
            LeaseInterval = TimeSpan.FromSeconds(20),
        });
        settings.MaxQueuePollingInterval.ShouldBe(TimeSpan.FromSeconds(7));
        settings.PartitionCount.ShouldBe(3);
        settings.MaxConcurrentTaskActivityWorkItems.ShouldBe(5);
        settings.MaxConcurrentTaskOrchestrationWorkItems.ShouldBe(6);
        settings.ControlQueueVisibilityTimeout.ShouldBe(TimeSpan.FromSeconds(42));
        settings.WorkItemQueueVisibilityTimeout.ShouldBe(TimeSpan.FromSeconds(42));
        settings.LeaseInterval.ShouldBe(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Create_NoWorkerId_UsesTheMachineNameSoARestartReclaimsLeases()
        => Create(new EngineOptions()).WorkerId.ShouldBe(Environment.MachineName);

    [Fact]
    public void Create_TaskHubName_IsPassedThrough()
        => Create(new EngineOptions { TaskHubName = "bundles2" }).TaskHubName.ShouldBe("bundles2");

    public void Dispose() => counter.Dispose();

    AzureStorageOrchestrationServiceSettings Create(EngineOptions options)
    {
        var clients = new StorageClients(Options.Create(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }), counter);
        return EngineSettings.Create(options, clients, NullLoggerFactory.Instance);
    }
}
