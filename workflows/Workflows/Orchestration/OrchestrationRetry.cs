using Microsoft.DurableTask;

namespace Workflows.Orchestration;

/// <summary>Retry policies of the bundle orchestrations.</summary>
internal static class OrchestrationRetry
{
    /// <summary>
    /// Read-model and registry writes fail transiently (throttling, a storage failover); every such activity is
    /// idempotent, so five tries with back-off ride out a minute of trouble without deciding anything twice.
    /// </summary>
    public static readonly TaskOptions Storage = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));
}
