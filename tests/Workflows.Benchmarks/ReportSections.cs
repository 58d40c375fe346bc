namespace Workflows.Benchmarks;

/// <summary>
/// Sections of docs/benchmarks.md measured on their own (the portal, the backpressure...): each between two markers,
/// replaced by its own run and kept when another part rewrites the report.
/// </summary>
public static class ReportSections
{
    /// <summary>The marker before a section.</summary>
    /// <param name="name">The section's name.</param>
    /// <returns>The marker.</returns>
    public static string Start(string name) => $"<!-- {name}:start -->";

    /// <summary>The marker after a section.</summary>
    /// <param name="name">The section's name.</param>
    /// <returns>The marker.</returns>
    public static string End(string name) => $"<!-- {name}:end -->";

    /// <summary>The report with the named section replaced (or added at the end), the rest as it was.</summary>
    /// <param name="report">The report as it is.</param>
    /// <param name="name">The section's name.</param>
    /// <param name="section">The new section, markers included.</param>
    /// <returns>The new report.</returns>
    public static string Replace(string report, string name, string section)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (start, end) = (Start(name), End(name));
        var from = report.IndexOf(start, StringComparison.Ordinal);
        var to = report.IndexOf(end, StringComparison.Ordinal);
        if (from >= 0 && to > from)
        {
            var rest = report[(to + end.Length)..].TrimStart('\r', '\n');
            return report[..from] + section + (rest.Length > 0 ? Environment.NewLine + rest : string.Empty);
        }

        return report.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
    }

    /// <summary>The named section of a report, or null.</summary>
    /// <param name="report">The report.</param>
    /// <param name="name">The section's name.</param>
    /// <returns>The section, markers included.</returns>
    public static string? Existing(string report, string name)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (start, end) = (Start(name), End(name));
        var from = report.IndexOf(start, StringComparison.Ordinal);
        var to = report.IndexOf(end, StringComparison.Ordinal);
        return from >= 0 && to > from ? report[from..(to + end.Length)] + Environment.NewLine : null;
    }

    /// <summary>The report with each named section of the earlier report kept (a rewrite of the engine's figures).</summary>
    /// <param name="report">The new report.</param>
    /// <param name="earlier">The report as it was.</param>
    /// <param name="names">The sections to keep.</param>
    /// <returns>The report with those sections.</returns>
    public static string Keep(string report, string earlier, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            if (Existing(earlier, name) is { } kept)
            {
                report = Replace(report, name, kept);
            }
        }

        return report;
    }
}
