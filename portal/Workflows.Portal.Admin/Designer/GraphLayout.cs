namespace Workflows.Portal.Admin.Designer;

/// <summary>
/// Places a template's items by their dependencies: the column is the longest path from an item without
/// prerequisites, rows fill each column in the template's order, so parallel branches stand side by side.
/// </summary>
public static class GraphLayout
{
    /// <summary>Each item's column and row.</summary>
    /// <param name="items">Item keys in the template's order with their prerequisites.</param>
    /// <returns>Column and row by key; a dependency cycle is cut where it closes (the validator reports it).</returns>
    public static IReadOnlyDictionary<string, (int Column, int Row)> Place(IReadOnlyList<(string Key, IReadOnlyList<string> DependsOn)> items)
    {
        var prerequisites = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, dependsOn) in items)
        {
            prerequisites.TryAdd(key, dependsOn);
        }

        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);

        int Depth(string key)
        {
            if (depth.TryGetValue(key, out var known))
            {
                return known;
            }

            if (!visiting.Add(key))
            {
                return -1;
            }

            var d = 0;
            foreach (var p in prerequisites[key])
            {
                if (p != key && prerequisites.ContainsKey(p))
                {
                    d = Math.Max(d, Depth(p) + 1);
                }
            }

            visiting.Remove(key);
            depth[key] = d;
            return d;
        }

        var rows = new Dictionary<int, int>();
        var placed = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (var key in prerequisites.Keys)
        {
            var column = Depth(key);
            var row = rows.GetValueOrDefault(column);
            rows[column] = row + 1;
            placed[key] = (column, row);
        }

        return placed;
    }
}
