using Microsoft.DurableTask;

namespace Workflows.SelfCheck;

/// <summary>Retry policies of the self-check orchestrations.</summary>
internal static class SelfCheckRetry
{
    /// <summary>
    /// Storage writes fail transiently (throttling, a restarting emulator); the step ledger makes a re-run
    /// write nothing twice, so three tries a second apart are safe, and a step that always fails still fails
    /// its instance within a few seconds.
    /// </summary>
    public static readonly TaskOptions TransientStorage = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 1.5));
}
