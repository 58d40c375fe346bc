using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Workflows.Storage;

/// <summary>
/// A test-only seam: writes to a table made to fail a given number of times, so a test can watch the engine live
/// through a storage fault on the real engine and Azurite. Production registers none (<see cref="StorageClients"/>
/// takes it as optional); a test host registers one and arms it.
/// </summary>
public sealed class InjectedTableFaults
{
    readonly Dictionary<string, int> remaining = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, string?> keys = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, (string Key, Func<Task> Action)> hooks = new(StringComparer.OrdinalIgnoreCase);
    readonly Lock gate = new();

    /// <summary>Makes the next <paramref name="times"/> writes to the table fail with a 503.</summary>
    /// <param name="table">The table's full name, with its prefix.</param>
    /// <param name="times">How many writes fail.</param>
    /// <param name="key">Only writes to the entity with this PartitionKey or RowKey; null for any.</param>
    public void FailWrites(string table, int times, string? key = null)
    {
        lock (gate)
        {
            remaining[table] = times;
            keys[table] = key;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> once, just before the next write to the table that names <paramref name="key"/> is
    /// sent: a test puts another writer's whole write between two steps of this one (a late write, a race).
    /// </summary>
    /// <param name="table">The table's full name, with its prefix.</param>
    /// <param name="key">The PartitionKey or RowKey of the entity written.</param>
    /// <param name="action">What happens first.</param>
    public void BeforeWrite(string table, string key, Func<Task> action)
    {
        lock (gate)
        {
            hooks[table] = (key, action);
        }
    }

    /// <summary>Writes still to fail for the table.</summary>
    /// <param name="table">The table's full name.</param>
    /// <returns>The count.</returns>
    public int Remaining(string table)
    {
        lock (gate)
        {
            return remaining.GetValueOrDefault(table);
        }
    }

    /// <summary>The pipeline policy that fails the armed writes before they are sent.</summary>
    /// <returns>The policy.</returns>
    public HttpPipelinePolicy Policy() => new FaultPolicy(this);

    Func<Task>? TakeHook(Request request)
    {
        if (request.Method == RequestMethod.Get)
        {
            return null;
        }

        var path = Uri.UnescapeDataString(request.Uri.Path);
        lock (gate)
        {
            foreach (var (table, hook) in hooks)
            {
                if (path.Contains($"/{table}(", StringComparison.OrdinalIgnoreCase) && path.Contains($"'{hook.Key}'", StringComparison.Ordinal))
                {
                    hooks.Remove(table);
                    return hook.Action;
                }
            }
        }

        return null;
    }

    bool Take(Request request)
    {
        if (request.Method == RequestMethod.Get)
        {
            return false;
        }

        var path = request.Uri.Path.TrimEnd('/');
        var table = path[(path.LastIndexOf('/') + 1)..];
        table = table.Contains('(', StringComparison.Ordinal) ? table[..table.IndexOf('(', StringComparison.Ordinal)] : table;
        lock (gate)
        {
            if (remaining.GetValueOrDefault(table) <= 0
                || (keys.GetValueOrDefault(table) is { } key && !Uri.UnescapeDataString(request.Uri.Path).Contains($"'{key}'", StringComparison.Ordinal)))
            {
                return false;
            }

            remaining[table]--;
            return true;
        }
    }

    sealed class FaultPolicy(InjectedTableFaults owner) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (owner.TakeHook(message.Request) is { } hook)
            {
                hook().GetAwaiter().GetResult();
            }

            if (owner.Take(message.Request))
            {
                throw new RequestFailedException(503, "Injected storage fault.", "ServerBusy", null);
            }

            ProcessNext(message, pipeline);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (owner.TakeHook(message.Request) is { } hook)
            {
                await hook();
            }

            if (owner.Take(message.Request))
            {
                throw new RequestFailedException(503, "Injected storage fault.", "ServerBusy", null);
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
