using Microsoft.DurableTask;
using Workflows.Orchestration;

namespace Workflows.Activities;

/// <summary>Which item's stored result to read.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemKey">The item.</param>
public sealed record ItemResultQuery(string ApplicationId, string ItemKey);

/// <summary>
/// Reads the result an item stored when it ended (<see cref="ItemResultStore"/>); null while it has not ended. A bundle
/// calls it only to recover an item's completion the engine lost (docs/decisions/0027).
/// </summary>
public sealed class ReadItemResultActivity(ItemResultStore results) : TaskActivity<ItemResultQuery, ItemResult?>
{
    /// <inheritdoc />
    public override Task<ItemResult?> RunAsync(TaskActivityContext context, ItemResultQuery input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return results.GetAsync(input.ApplicationId, input.ItemKey);
    }
}
