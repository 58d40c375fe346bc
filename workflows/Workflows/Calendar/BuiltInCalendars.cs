namespace Workflows.Calendar;

/// <summary>
/// The calendars that ship with the engine (Calendar/BuiltIn/*.json, embedded): data like any administrator's
/// calendar, saved by <see cref="CalendarSeeder"/> at start-up when the store has no such version yet.
/// </summary>
public static class BuiltInCalendars
{
    const string Prefix = "Workflows.Calendar.BuiltIn.";

    static readonly Lazy<IReadOnlyList<WorkingCalendar>> LazyCalendars = new(() =>
        [.. typeof(BuiltInCalendars).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => CalendarJson.TryParse(Read(n), out var problems)
                ?? throw new InvalidOperationException($"Built-in calendar {n} cannot be read: {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}"))]);

    /// <summary>The built-in calendars, by file name order.</summary>
    public static IReadOnlyList<WorkingCalendar> All => LazyCalendars.Value;

    /// <summary>A region's built-in calendar.</summary>
    /// <param name="region">The region, e.g. CN.</param>
    /// <returns>The calendar.</returns>
    public static WorkingCalendar Get(string region) => All.FirstOrDefault(c => c.Region == region)
        ?? throw new KeyNotFoundException($"No built-in calendar for region '{region}'.");

    static string Read(string resourceName)
    {
        using var stream = typeof(BuiltInCalendars).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new FileNotFoundException($"No embedded built-in calendar {resourceName}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
