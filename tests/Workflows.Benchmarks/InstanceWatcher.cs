using System.Diagnostics;
using Microsoft.DurableTask.Client;

namespace Workflows.Benchmarks;

/// <summary>
/// Finds out when a scenario's instances are done, with one cheap query at a time for the whole scenario.
/// WaitForInstanceCompletionAsync would poll each instance every 2 s inside the provider (1,000 instances:
/// 500 table reads a second, on the same single-threaded Azurite being measured) and round every latency up
/// to that 2 s grid. Instead this asks "is any instance with this id prefix still pending or running?"
/// with a page size of one, and reads completion times from each instance's LastUpdatedAt afterwards,
/// so latencies do not depend on how often it polls.
/// </summary>
public sealed class InstanceWatcher(DurableTaskClient client)
{
    /// <summary>Between two status queries; only decides when the bench notices the end, not what it measures.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    static readonly OrchestrationRuntimeStatus[] NotStarted = [OrchestrationRuntimeStatus.Pending];
    static readonly OrchestrationRuntimeStatus[] NotFinished = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running];

    /// <summary>Status queries sent so far; each is one table read in the host's storage counts.</summary>
    public int Queries { get; private set; }

    /// <summary>Waits until no instance with the prefix is pending: each has run its first episode.</summary>
    /// <param name="prefix">The scenario's instance id prefix.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False on timeout.</returns>
    public Task<bool> WaitUntilStartedAsync(string prefix, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntilNoneAsync(prefix, NotStarted, timeout, cancellationToken);

    /// <summary>Waits until every instance with the prefix has completed, failed or been terminated.</summary>
    /// <param name="prefix">The scenario's instance id prefix.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False on timeout.</returns>
    public Task<bool> WaitUntilFinishedAsync(string prefix, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntilNoneAsync(prefix, NotFinished, timeout, cancellationToken);

    /// <summary>Every instance with the prefix, without inputs and outputs.</summary>
    /// <param name="prefix">The scenario's instance id prefix.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The instances' metadata.</returns>
    public async Task<IReadOnlyList<OrchestrationMetadata>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 1000, FetchInputsAndOutputs = false };
        var all = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            all.Add(instance);
        }

        return all;
    }

    async Task<bool> WaitUntilNoneAsync(string prefix, OrchestrationRuntimeStatus[] statuses, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = statuses, PageSize = 1, FetchInputsAndOutputs = false };
        var elapsed = Stopwatch.StartNew();
        while (await AnyAsync(query, cancellationToken))
        {
            if (elapsed.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return true;
    }

    async Task<bool> AnyAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        Queries++;
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages().WithCancellation(cancellationToken))
        {
            // The first page decides: with a page size of one it holds an instance or nothing.
            return page.Values.Count > 0;
        }

        return false;
    }
}
