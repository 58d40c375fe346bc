using System.Text.Json.Serialization;

namespace Workflows.Calendar;

/// <summary>
/// Due-time arithmetic as an orchestration does it: a pinned calendar and a day length, both in the orchestration's
/// input so replays agree. With a day length of one day it is the calendar's arithmetic in real days. With a shorter
/// one (tests) it is scaled: every day counts as a working day and lasts <see cref="DayLength"/>, so a test waits the
/// same wall time whatever weekday or holiday it happens to run on; the calendar's own rules are tested in real days.
/// </summary>
/// <param name="Calendar">The pinned calendar.</param>
/// <param name="DayLength">One working day of wall-clock time, more than zero.</param>
public sealed record SlaClock(WorkingCalendar Calendar, TimeSpan DayLength)
{
    /// <summary>One working day of wall-clock time, more than zero.</summary>
    public TimeSpan DayLength { get; init => field = Positive(value); } = Positive(DayLength);

    /// <summary>Whether working days are compressed (a day length other than one day).</summary>
    [JsonIgnore]
    public bool IsScaled => DayLength != TimeSpan.FromDays(1);

    /// <summary>The real calendar: one working day is one day.</summary>
    /// <param name="calendar">The pinned calendar.</param>
    /// <returns>The clock.</returns>
    public static SlaClock Real(WorkingCalendar calendar) => new(calendar, TimeSpan.FromDays(1));

    static TimeSpan Positive(TimeSpan dayLength) =>
        dayLength > TimeSpan.Zero ? dayLength : throw new ArgumentOutOfRangeException(nameof(dayLength), dayLength, "A working day must last more than zero.");

    /// <summary>The due time <paramref name="days"/> working days after <paramref name="start"/> (see <see cref="WorkingCalendar.AddWorkingDays"/>).</summary>
    /// <param name="start">When the clock starts.</param>
    /// <param name="days">Working days, 0 or more.</param>
    /// <returns>The due time.</returns>
    public DateTime Due(DateTime start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        return IsScaled ? start + (DayLength * days) : Calendar.AddWorkingDays(start, days);
    }

    /// <summary>Elapsed working days between two moments, fractional (see <see cref="WorkingCalendar.WorkingDaysBetween"/>).</summary>
    /// <param name="from">The first moment.</param>
    /// <param name="to">The second moment.</param>
    /// <returns>The working days; negative when <paramref name="to"/> is earlier.</returns>
    public double ElapsedWorkingDays(DateTime from, DateTime to) =>
        IsScaled ? (to - from) / DayLength : Calendar.WorkingDaysBetween(from, to);

    /// <summary>A due time moved later by a pause during which the clock stopped (see <see cref="WorkingCalendar.Extend"/>).</summary>
    /// <param name="due">The due time before the pause.</param>
    /// <param name="pausedFrom">When the clock stopped.</param>
    /// <param name="pausedTo">When it started again.</param>
    /// <returns>The new due time.</returns>
    public DateTime Extend(DateTime due, DateTime pausedFrom, DateTime pausedTo)
    {
        if (!IsScaled)
        {
            return Calendar.Extend(due, pausedFrom, pausedTo);
        }

        if (pausedTo < pausedFrom)
        {
            throw new ArgumentException($"The pause ends ({pausedTo:O}) before it starts ({pausedFrom:O}).", nameof(pausedTo));
        }

        return due + (pausedTo - pausedFrom);
    }
}
