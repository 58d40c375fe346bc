namespace Workflows.Calendar;

/// <summary>
/// Working-day arithmetic for due times. Until the regional holiday calendar lands, a working day is Monday to
/// Friday; every caller goes through here so the calendar can replace this in one place.
/// </summary>
public static class WorkingDays
{
    /// <summary>The moment <paramref name="days"/> working days after <paramref name="start"/>.</summary>
    /// <param name="start">When the clock starts.</param>
    /// <param name="days">Working days, 0 or more.</param>
    /// <returns>The due time, at the same time of day as the start.</returns>
    public static DateTime Add(DateTime start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var due = start;
        while (days > 0)
        {
            due = due.AddDays(1);
            if (due.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days--;
            }
        }

        return due;
    }
}
