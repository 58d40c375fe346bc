using Workflows.Testing;

namespace Workflows.IntegrationTests;

/// <summary>One Azurite for the assembly: test.sh's shared one, or a private one when run alone.</summary>
public sealed class StorageFixture : IAsyncLifetime
{
    Azurite? azurite;

    /// <summary>The emulator's connection string.</summary>
    public string ConnectionString => azurite?.ConnectionString ?? throw new InvalidOperationException("Not started.");

    /// <summary>Fresh task hub settings on the shared emulator.</summary>
    /// <param name="prefix">A few letters naming the test.</param>
    /// <returns>The settings.</returns>
    public TaskHubSettings NewHub(string prefix) => TaskHubSettings.New(ConnectionString, prefix);

    public async Task InitializeAsync() => azurite = await Azurite.StartOrShareAsync();

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}

/// <summary>
/// The tests of one collection run one after another; the three collections run side by side (xunit's default), each
/// test on a task hub of its own. The tier mostly waits on the engine's timers and queues, so three lines of waiting
/// share the cores well.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StorageCollectionDefinition : ICollectionFixture<StorageFixture>
{
    /// <summary>Everything but the bundles and the guarantees.</summary>
    public const string Name = "storage";
}

/// <summary>The bundles' runs, a collection of their own.</summary>
[CollectionDefinition(Name)]
public sealed class BundleCollectionDefinition : ICollectionFixture<StorageFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "storage-bundles";
}

/// <summary>The kill, restart and delivery guarantees, a collection of their own.</summary>
[CollectionDefinition(Name)]
public sealed class GuaranteeCollectionDefinition : ICollectionFixture<StorageFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "storage-guarantees";
}
