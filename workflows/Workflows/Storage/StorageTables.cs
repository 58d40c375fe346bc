using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Workflows.Storage;

/// <summary>
/// Our tables and blob containers, created on first use (once per process) with the deployment's prefix.
/// A failed creation is not cached, so a storage hiccup at start-up heals on the next call.
/// </summary>
public sealed class StorageTables(StorageClients clients)
{
    readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> tables = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> containers = new(StringComparer.Ordinal);
    readonly TableServiceClient tableService = clients.Tables();
    readonly BlobServiceClient blobService = clients.Blobs();

    /// <summary>A table, created if needed.</summary>
    /// <param name="name">The table's own name (letters and digits), without prefix.</param>
    /// <returns>The client.</returns>
    public Task<TableClient> TableAsync(string name) => GetOrCreate(tables, name, async n =>
    {
        var client = tableService.GetTableClient(clients.TableName(n));
        await client.CreateIfNotExistsAsync();
        return client;
    });

    /// <summary>A blob container, created if needed.</summary>
    /// <param name="name">The container's own name (lower-case letters and digits), without prefix.</param>
    /// <returns>The client.</returns>
    public Task<BlobContainerClient> ContainerAsync(string name) => GetOrCreate(containers, name, async n =>
    {
        var client = blobService.GetBlobContainerClient(clients.TableName(n).ToLowerInvariant());
        await client.CreateIfNotExistsAsync();
        return client;
    });

    static async Task<T> GetOrCreate<T>(ConcurrentDictionary<string, Lazy<Task<T>>> cache, string name, Func<string, Task<T>> create)
    {
        var lazy = cache.GetOrAdd(name, n => new Lazy<Task<T>>(() => create(n)));
        try
        {
            return await lazy.Value;
        }
        catch (RequestFailedException)
        {
            cache.TryRemove(new KeyValuePair<string, Lazy<Task<T>>>(name, lazy));
            throw;
        }
    }
}
