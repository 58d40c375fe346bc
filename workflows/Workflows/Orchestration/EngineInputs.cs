using Microsoft.DurableTask.Client;

namespace Workflows.Orchestration;

/// <summary>Reading an orchestration's input through the client, as the API's handlers do.</summary>
public static class EngineInputs
{
    /// <summary>
    /// The input of an instance of <paramref name="orchestrator"/>, or null when there is no such instance. Azure Storage
    /// can answer an instance whose input is not readable yet (empty) for a moment while it is written; that is read again
    /// a few times rather than parsed as JSON (which threw, a 500) or taken for "no such instance" at once.
    /// </summary>
    /// <typeparam name="T">The input's type.</typeparam>
    /// <param name="client">The Durable Task client.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="orchestrator">The orchestrator's name the instance must have.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The input, or null.</returns>
    public static async Task<T?> ReadAsync<T>(DurableTaskClient client, string instanceId, string orchestrator, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(client);
        for (var attempt = 1; ; attempt++)
        {
            var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            if (instance is null || instance.Name != orchestrator)
            {
                return null;
            }

            if (!string.IsNullOrEmpty(instance.SerializedInput))
            {
                return instance.ReadInputAs<T>();
            }

            if (attempt == 4)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(150 * attempt), cancellationToken);
        }
    }
}
