using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Workflows.Testing;

namespace Workflows.Benchmarks;

/// <summary>
/// One engine host against two (issue 19): the plan's throughput scenarios on a fresh Azurite and task hub worked by
/// <c>hosts</c> local servers, each a process of its own, as the platform scales out (the provider's partition leases
/// share the hub between them; no scheduler of ours). The bench drives them through a client-only host in this process.
/// </summary>
/// <param name="plan">The plan (<see cref="BenchPlan.CreateHostScaling"/>).</param>
/// <param name="progress">Where progress lines go.</param>
public sealed class HostScalingBench(BenchPlan plan, TextWriter progress)
{
    static readonly TimeSpan Ready = TimeSpan.FromMinutes(2);

    /// <summary>Longest the bench waits for the hosts to share the partitions before it measures anyway.</summary>
    static readonly TimeSpan Balance = TimeSpan.FromSeconds(90);

    /// <summary>Runs the plan on a number of engine host processes sharing one task hub.</summary>
    /// <param name="hosts">How many host processes.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was measured; its profile names the number of hosts.</returns>
    public async Task<ProfileResult> RunAsync(int hosts, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var label = hosts == 1 ? "1 host" : $"{hosts} hosts";
        // A fresh emulator for each count: neither run inherits the other's tables, queues or leases.
        await using var azurite = await Azurite.StartAsync();
        using var azuriteProcess = azurite.ProcessId is { } pid ? Process.GetProcessById(pid) : null;
        var hub = TaskHubNames.New("hosts");
        var engines = Enumerable.Range(1, hosts).Select(i => EngineProcess.Start($"host-{i}", Settings(azurite, hub, $"host-{i}"))).ToList();
        var processes = new List<Process>();
        try
        {
            await Task.WhenAll(engines.Select(e => e.WaitUntilReadyAsync(Ready)));
            processes.AddRange(engines.Select(e => Process.GetProcessById(e.Id)));
            await using var client = await InProcessEngine.StartAsync(Settings(azurite, hub, null).ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
            progress.WriteLine($"[{label}] Azurite pid {azurite.ProcessId}, task hub {hub}, engine hosts pid {string.Join(", ", engines.Select(e => e.Id))}");
            var owners = await WaitUntilSharedAsync(azurite.ConnectionString, hosts, cancellationToken);
            progress.WriteLine($"[{label}] partitions by owner: {PartitionOwners.Describe(owners)}");

            // Only what the hosts log from here on: their start-up lines are not the measure's.
            var logged = engines.Select(e => e.Output.Split('\n').Length).ToList();
            var logs = new LogTally();
            var meter = new ResourceMeter(azuriteProcess, client.StorageOperations, processes);
            var runner = new ScenarioRunner(client.Client, new InstanceWatcher(client.Client), meter, logs, client.Ledger, plan.ScenarioTimeout);
            var scenarios = await new ProfileBench(plan, progress).RunThroughputAsync(runner, label, cancellationToken);

            // Counted before the hosts stop, so that shutdown messages are not charged to the measures.
            var warnings = engines.SelectMany((e, i) => e.Output.Split('\n').Skip(logged[i]).Select(l => l.Trim()).Where(HttpBench.IsWarning)).ToList();
            List<KeyValuePair<string, string>> settings = [.. ProfileBench.EffectiveSettings(client), new("Partitions by owner at the start", PartitionOwners.Describe(owners)),
                new("Warnings logged by the hosts", warnings.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            return new ProfileResult(label, settings, scenarios, null, elapsed.Elapsed, [.. HttpBench.WarningKinds(warnings), .. logs.Samples], azurite.ProcessId);
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
            foreach (var engine in engines)
            {
                await StopAsync(engine);
            }
        }
    }

    // A host that has just started owns nothing; the first one up takes every partition and the second takes its share
    // over the next lease rounds (every 5 s, tuned), so measuring at once would measure one host.
    static async Task<IReadOnlyDictionary<string, int>> WaitUntilSharedAsync(string connectionString, int hosts, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var owners = await OwnersAsync(connectionString, cancellationToken);
            if (PartitionOwners.Shared(owners, hosts) || waited.Elapsed > Balance)
            {
                return owners;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    // The table partition manager (the provider's default since 2.x) keeps one row per control queue in "<hub>Partitions",
    // its owner in CurrentOwner; the older blob manager keeps one blob per control queue in "<hub>-leases", its owner in its JSON.
    static async Task<Dictionary<string, int>> OwnersAsync(string connectionString, CancellationToken cancellationToken)
    {
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync(cancellationToken: cancellationToken))
        {
            if (table.Name.EndsWith("Partitions", StringComparison.Ordinal))
            {
                await foreach (var row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(cancellationToken: cancellationToken))
                {
                    Count(owners, row.GetString("CurrentOwner"));
                }
            }
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync(cancellationToken: cancellationToken))
        {
            if (!container.Name.EndsWith("-leases", StringComparison.Ordinal))
            {
                continue;
            }

            var leases = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in leases.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                var content = await leases.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken);
                using var json = JsonDocument.Parse(content.Value.Content.ToMemory());
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("PartitionId", out _))
                {
                    Count(owners, json.RootElement.TryGetProperty("Owner", out var o) ? o.GetString() : null);
                }
            }
        }

        return owners;
    }

    static void Count(Dictionary<string, int> owners, string? owner) => owners[owner ?? string.Empty] = owners.GetValueOrDefault(owner ?? string.Empty) + 1;

    async Task StopAsync(EngineProcess engine)
    {
        try
        {
            await engine.StopGracefullyAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
            progress.WriteLine($"{engine.Name} did not stop within 60 s; killed");
        }

        await engine.DisposeAsync();
    }

    // A worker host of the server (workerId set) or, without one, the bench's client-only host in this process.
    static Dictionary<string, string> Settings(Azurite azurite, string hub, string? workerId)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = hub,
            ["Engine:TaskHubName"] = hub,
            ["Engine:Profile"] = "Tuned",
            ["Engine:RunWorker"] = workerId is null ? "false" : "true",
        };
        if (workerId is not null)
        {
            settings["Engine:WorkerId"] = workerId;
            // The server's own users are not needed: the bench starts instances through the engine's client.
            settings["Auth:DemoUsers"] = "false";
        }

        return settings;
    }
}
