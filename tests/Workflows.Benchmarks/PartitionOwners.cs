namespace Workflows.Benchmarks;

/// <summary>
/// Who owns the task hub's partitions, as the provider's leases say: hosts that share one hub split its control queues
/// between them, and the split is what one host against two measures.
/// </summary>
public static class PartitionOwners
{
    /// <summary>Whether every partition has an owner, every host owns one, and no host owns more than one more than another.</summary>
    /// <param name="owners">Partitions by owner; an empty owner stands for partitions nobody holds.</param>
    /// <param name="hosts">How many hosts there are.</param>
    /// <returns>True when shared.</returns>
    public static bool Shared(IReadOnlyDictionary<string, int> owners, int hosts)
    {
        ArgumentNullException.ThrowIfNull(owners);
        var counts = owners.Where(o => o.Key.Length > 0).Select(o => o.Value).ToList();
        return !owners.ContainsKey(string.Empty) && counts.Count == hosts && counts.Max() - counts.Min() <= 1;
    }

    /// <summary>The owners for the report, in name order: "host-1 2, host-2 2".</summary>
    /// <param name="owners">Partitions by owner.</param>
    /// <returns>The text.</returns>
    public static string Describe(IReadOnlyDictionary<string, int> owners)
    {
        ArgumentNullException.ThrowIfNull(owners);
        return owners.Count == 0
            ? "none found"
            : string.Join(", ", owners.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{(o.Key.Length == 0 ? "nobody" : o.Key)} {o.Value}"));
    }
}
