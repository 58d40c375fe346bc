namespace Workflows.Calendar;

/// <summary>
/// Working-day arithmetic on <see cref="WorkingCalendar.WeekendsOnly"/>: Monday to Friday in UTC, no holidays.
/// Kept for the callers written before regional calendars; it knows no 国庆 or 调休.
/// </summary>
/// <remarks>
/// To move a caller to a pinned calendar: when the application starts, read the region's latest calendar
/// (<see cref="CalendarStore.GetLatestAsync"/>, region <see cref="SlaOptions.Region"/>), make an
/// <see cref="SlaClock"/> with <see cref="SlaOptions.ClockFor"/> and put it in the orchestration's input; the
/// orchestrator then calls <see cref="SlaClock.Due"/> instead of <see cref="Add"/>, so a replay uses the same
/// version even after a new one is published. Activities outside orchestrations may read the store directly.
/// </remarks>
public static class WorkingDays
{
    /// <summary>
    /// The moment <paramref name="days"/> working days after <paramref name="start"/>: on a working day, the same
    /// time of day <paramref name="days"/> working days later; on Saturday or Sunday, the clock starts on Monday at
    /// 00:00 (see <see cref="WorkingCalendar.AddWorkingDays"/>).
    /// </summary>
    /// <param name="start">When the clock starts.</param>
    /// <param name="days">Working days, 0 or more.</param>
    /// <returns>The due time.</returns>
    public static DateTime Add(DateTime start, int days) => WorkingCalendar.WeekendsOnly.AddWorkingDays(start, days);
}
