using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Workflows.Storage;

/// <summary>
/// Readiness: the table service answers a one-row query within <see cref="Timeout"/>. Without it a host whose
/// storage is gone reports healthy while every request fails.
/// </summary>
/// <param name="clients">The storage clients.</param>
public sealed class StorageHealthCheck(StorageClients clients) : IHealthCheck
{
    /// <summary>How long the storage has to answer; short, so a probe is not held by the SDK's retries.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await foreach (var page in clients.Tables().QueryAsync(maxPerPage: 1, cancellationToken: deadline.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }

            return HealthCheckResult.Healthy("The table service answered.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The table service did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (Api.StorageFaults.IsStorageFault(ex))
        {
            return HealthCheckResult.Unhealthy("The table service cannot be reached.", ex);
        }
    }
}
