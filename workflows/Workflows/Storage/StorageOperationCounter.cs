using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Workflows.Storage;

/// <summary>
/// Counts every request sent to the storage account, by service (blob, queue, table) and HTTP method.
/// A policy from <see cref="PolicyFor"/> sits in the Azure SDK pipeline of the engine's clients and of ours,
/// so the benchmark can report storage operations per orchestration and operators can watch the same numbers
/// as the OpenTelemetry metric <c>workflows.storage.operations</c>.
/// </summary>
public sealed class StorageOperationCounter : IDisposable
{
    /// <summary>The meter name to subscribe to in OpenTelemetry.</summary>
    public const string MeterName = "Workflows.Storage";

    readonly ConcurrentDictionary<(string Service, string Method), long> counts = new();
    readonly Meter meter;
    readonly Counter<long> operations;

    /// <summary>Creates a counter and its meter.</summary>
    public StorageOperationCounter()
    {
        meter = new Meter(MeterName);
        operations = meter.CreateCounter<long>("workflows.storage.operations", unit: "{operation}", description: "Requests sent to the storage account.");
    }

    /// <summary>Total requests counted since creation or the last <see cref="Reset"/>.</summary>
    public long Total => counts.Values.Sum();

    /// <summary>A copy of the counts by service and method.</summary>
    /// <returns>The counts, keyed by service and HTTP method.</returns>
    public IReadOnlyDictionary<(string Service, string Method), long> Snapshot() => new Dictionary<(string, string), long>(counts);

    /// <summary>Sets every count back to zero.</summary>
    public void Reset() => counts.Clear();

    /// <summary>A pipeline policy that counts the requests of one service's client.</summary>
    /// <param name="service">blob, queue or table.</param>
    /// <returns>The policy to add to that client's options, per call.</returns>
    public HttpPipelinePolicy PolicyFor(string service) => new CountingPolicy(this, service);

    /// <inheritdoc />
    public void Dispose() => meter.Dispose();

    void Count(string service, string method)
    {
        counts.AddOrUpdate((service, method), 1, static (_, n) => n + 1);
        operations.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("method", method));
    }

    sealed class CountingPolicy(StorageOperationCounter owner, string service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            owner.Count(service, message.Request.Method.Method);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            owner.Count(service, message.Request.Method.Method);
            return ProcessNextAsync(message, pipeline);
        }
    }
}
