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

    /// <summary>
    /// Working days before a due time that the department is reminded (<see cref="ReminderAt"/>), more than zero;
    /// a fraction such as 0.5 is half a working day. Pinned with the clock so a replay arms the same timer.
    /// </summary>
    public double ReminderBefore { get; init => field = PositiveDays(value); } = 1;

    /// <summary>Whether working days are compressed (a day length other than one day).</summary>
    [JsonIgnore]
    public bool IsScaled => DayLength != TimeSpan.FromDays(1);

    /// <summary>The real calendar: one working day is one day.</summary>
    /// <param name="calendar">The pinned calendar.</param>
    /// <returns>The clock.</returns>
    public static SlaClock Real(WorkingCalendar calendar) => new(calendar, TimeSpan.FromDays(1));

    static TimeSpan Positive(TimeSpan dayLength) =>
        dayLength > TimeSpan.Zero ? dayLength : throw new ArgumentOutOfRangeException(nameof(dayLength), dayLength, "A working day must last more than zero.");

    static double PositiveDays(double days) =>
        days > 0 && double.IsFinite(days) ? days : throw new ArgumentOutOfRangeException(nameof(days), days, "The reminder must come a positive number of working days before the due time.");

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

    /// <summary>When the department is reminded of a due time: <see cref="ReminderBefore"/> working days before it.</summary>
    /// <param name="due">The due time.</param>
    /// <returns>The reminder time, of the same kind as <paramref name="due"/>.</returns>
    public DateTime ReminderAt(DateTime due) => Before(due, ReminderBefore);

    /// <summary>
    /// The moment <paramref name="workingDays"/> of working-day time before <paramref name="due"/>: the inverse of
    /// <see cref="Due"/>, walking back over days off (a reminder before a Monday due time falls on Friday).
    /// </summary>
    /// <param name="due">The later moment.</param>
    /// <param name="workingDays">Working days, fractional, zero or more.</param>
    /// <returns>The earlier moment, of the same kind as <paramref name="due"/>.</returns>
    public DateTime Before(DateTime due, double workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        if (IsScaled)
        {
            return due - (DayLength * workingDays);
        }

        var offset = due.Kind == DateTimeKind.Utc ? Calendar.UtcOffset : TimeSpan.Zero;
        var wall = DateTime.SpecifyKind(due, DateTimeKind.Unspecified) + offset;
        var remaining = TimeSpan.FromDays(workingDays);
        // Ten years without a working day is broken data (the calendar's own walk has the same guard).
        for (var days = 0; days <= 3660 && remaining > TimeSpan.Zero; days++)
        {
            var dayStart = wall.TimeOfDay == TimeSpan.Zero ? wall.Date.AddDays(-1) : wall.Date;
            if (Calendar.IsWorkingDay(DateOnly.FromDateTime(dayStart)))
            {
                var span = wall - dayStart;
                if (remaining <= span)
                {
                    wall -= remaining;
                    remaining = TimeSpan.Zero;
                    break;
                }

                remaining -= span;
            }

            wall = dayStart;
        }

        return DateTime.SpecifyKind(wall - offset, due.Kind);
    }
}
