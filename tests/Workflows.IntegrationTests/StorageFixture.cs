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

[CollectionDefinition(Name)]
public sealed class StorageCollectionDefinition : ICollectionFixture<StorageFixture>
{
    public const string Name = "storage";
}
