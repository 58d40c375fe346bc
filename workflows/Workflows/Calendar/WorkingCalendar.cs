namespace Workflows.Calendar;

/// <summary>A public holiday period: every date from <paramref name="From"/> to <paramref name="To"/> is a day off.</summary>
/// <param name="Name">The holiday, e.g. 国庆节.</param>
/// <param name="From">The first day off.</param>
/// <param name="To">The last day off (the same as <paramref name="From"/> for a single day).</param>
public sealed record PublicHoliday(string Name, DateOnly From, DateOnly To)
{
    /// <summary>Whether a date is one of this holiday's days off.</summary>
    /// <param name="date">The date.</param>
    /// <returns>True when the date is within the period.</returns>
    public bool Contains(DateOnly date) => From <= date && date <= To;
}

/// <summary>A make-up working day (调休上班): a weekend day on which offices work to bridge a holiday.</summary>
/// <param name="Date">The date, a weekend day of the calendar.</param>
/// <param name="For">The holiday it makes up for, e.g. 国庆节.</param>
public sealed record MakeUpDay(DateOnly Date, string For);

/// <summary>
/// A region's working-day calendar as data, one immutable version of it: which week days are the weekend, which
/// dates are public holidays and which weekend dates are make-up working days, for the years it covers. An
/// orchestration is pinned to one version (it travels in the orchestration's input), so replays compute the same
/// due times whatever is published later.
/// </summary>
/// <remarks>
/// <para>
/// Working time is measured in whole calendar days of the region: every moment of a working day counts, no moment
/// of a day off does. So "N working days from a moment" is the moment N × 24 h of working-day time later, which on a
/// working day is the same time of day N working days later.
/// </para>
/// <para>
/// Moments are read in the region's time: a <see cref="DateTime"/> of kind <see cref="DateTimeKind.Utc"/> is moved
/// by <see cref="UtcOffset"/> (China is UTC+8 all year, so a fixed offset is exact and needs no time-zone
/// database that could differ between the machines replaying an orchestration); any other kind is taken as the
/// region's wall-clock time already. Results keep the kind of the input.
/// </para>
/// <para>
/// Outside <see cref="FirstYear"/>..<see cref="LastYear"/> the calendar knows no holidays, so only the weekend rule
/// applies there; <see cref="Covers"/> tells callers when a due time runs past the data.
/// </para>
/// </remarks>
/// <param name="Region">The region: ISO 3166-1 alpha-2, optionally with a subdivision (<c>CN</c>, <c>CN-31</c>).</param>
/// <param name="Version">1, 2, ...; a published version never changes, a new one supersedes it.</param>
/// <param name="Name">What people call it, e.g. 全国法定节假日与调休.</param>
/// <param name="UtcOffset">The region's offset from UTC, e.g. 08:00:00.</param>
/// <param name="Weekend">The week days that are days off unless a make-up day says otherwise.</param>
/// <param name="FirstYear">The first year whose holidays the calendar lists.</param>
/// <param name="LastYear">The last year whose holidays the calendar lists.</param>
/// <param name="Holidays">Public holiday periods, in date order.</param>
/// <param name="MakeUpDays">Make-up working days, in date order.</param>
public sealed record WorkingCalendar(
    string Region,
    int Version,
    string Name,
    TimeSpan UtcOffset,
    IReadOnlyList<DayOfWeek> Weekend,
    int FirstYear,
    int LastYear,
    IReadOnlyList<PublicHoliday> Holidays,
    IReadOnlyList<MakeUpDay> MakeUpDays)
{
    // A calendar without a working day for ten years is broken data; walking it would never end.
    const int MaxDaysOff = 3660;

    /// <summary>Monday to Friday in UTC with no holidays: what due times were before regional calendars.</summary>
    public static WorkingCalendar WeekendsOnly { get; } = new(
        "ZZ", 1, "Monday to Friday", TimeSpan.Zero, [DayOfWeek.Saturday, DayOfWeek.Sunday], 1, 9999, [], []);

    /// <summary>Years within <see cref="FirstYear"/>..<see cref="LastYear"/> whose data is not yet the official notice.</summary>
    public IReadOnlyList<int> ProvisionalYears { get; init; } = [];

    /// <summary>Where the data comes from (the notice it was checked against), for the people who maintain it.</summary>
    public string? Source { get; init; }

    /// <summary>Whether the calendar lists the holidays of a date's year.</summary>
    /// <param name="date">The date.</param>
    /// <returns>True within <see cref="FirstYear"/>..<see cref="LastYear"/>.</returns>
    public bool Covers(DateOnly date) => FirstYear <= date.Year && date.Year <= LastYear;

    /// <summary>Whether a date is a working day: a make-up day, or neither a holiday nor a weekend day.</summary>
    /// <param name="date">The date, in the region.</param>
    /// <returns>True when offices work that day.</returns>
    public bool IsWorkingDay(DateOnly date)
    {
        if (Holidays.Any(h => h.Contains(date)))
        {
            return false;
        }

        return MakeUpDays.Any(m => m.Date == date) || !Weekend.Contains(date.DayOfWeek);
    }

    /// <summary>The first working day on or after a date.</summary>
    /// <param name="date">The date.</param>
    /// <returns>The working day.</returns>
    public DateOnly NextWorkingDay(DateOnly date)
    {
        for (var off = 0; !IsWorkingDay(date); off++)
        {
            GuardDaysOff(off);
            date = date.AddDays(1);
        }

        return date;
    }

    /// <summary>
    /// The moment <paramref name="days"/> working days after <paramref name="start"/>. Started on a working day, it is
    /// the same time of day <paramref name="days"/> working days later. Started on a day off (an application filed on
    /// Saturday or during 国庆), the clock starts when the next working day begins, so 1 working day ends when that
    /// day ends (at 00:00 of the following day). A due time never falls on a day off: time running out exactly at
    /// the end of a working day gives the start of the next working day. Zero days is <paramref name="start"/>.
    /// </summary>
    /// <param name="start">When the clock starts.</param>
    /// <param name="days">Working days, 0 or more.</param>
    /// <returns>The due time, of the same kind as <paramref name="start"/>.</returns>
    public DateTime AddWorkingDays(DateTime start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        return AddWorkingTime(start, TimeSpan.FromDays(days));
    }

    /// <summary>
    /// The moment when <paramref name="workingTime"/> of working-day time has passed after <paramref name="start"/>
    /// (see <see cref="AddWorkingDays"/> for the rules; this is its fractional form).
    /// </summary>
    /// <param name="start">When the clock starts.</param>
    /// <param name="workingTime">Working-day time to pass, zero or more.</param>
    /// <returns>The moment, of the same kind as <paramref name="start"/>.</returns>
    public DateTime AddWorkingTime(DateTime start, TimeSpan workingTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workingTime, TimeSpan.Zero);
        if (workingTime == TimeSpan.Zero)
        {
            return start;
        }

        var at = ToWall(start);
        var remaining = workingTime;
        var daysOff = 0;
        while (true)
        {
            var dayEnd = at.Date.AddDays(1);
            if (IsWorkingDay(DateOnly.FromDateTime(at)))
            {
                daysOff = 0;
                var left = dayEnd - at;
                if (remaining < left)
                {
                    return FromWall(at + remaining, start.Kind);
                }

                remaining -= left;
            }
            else
            {
                GuardDaysOff(daysOff++);
            }

            at = dayEnd;
            if (remaining == TimeSpan.Zero)
            {
                // Time ran out as a working day ended: the due time is when the next working day begins.
                return FromWall(NextWorkingDay(DateOnly.FromDateTime(at)).ToDateTime(TimeOnly.MinValue), start.Kind);
            }
        }
    }

    /// <summary>Working-day time between two moments: the parts of working days between them.</summary>
    /// <param name="from">The first moment.</param>
    /// <param name="to">The second moment; before <paramref name="from"/> gives a negative time.</param>
    /// <returns>The working time.</returns>
    public TimeSpan WorkingTimeBetween(DateTime from, DateTime to)
    {
        var (a, b) = (ToWall(from), ToWall(to));
        if (b < a)
        {
            return -Sum(b, a);
        }

        return Sum(a, b);

        TimeSpan Sum(DateTime first, DateTime last)
        {
            var total = TimeSpan.Zero;
            for (var day = first.Date; day < last; day = day.AddDays(1))
            {
                if (IsWorkingDay(DateOnly.FromDateTime(day)))
                {
                    var end = day.AddDays(1);
                    total += (end < last ? end : last) - (day > first ? day : first);
                }
            }

            return total;
        }
    }

    /// <summary>
    /// Elapsed working days between two moments, fractional (a working day counts 1 for all of its 24 hours), so
    /// averages over many applications stay exact; days off count 0. The inverse of <see cref="AddWorkingDays"/>:
    /// <c>WorkingDaysBetween(s, AddWorkingDays(s, n)) == n</c>.
    /// </summary>
    /// <param name="from">The first moment.</param>
    /// <param name="to">The second moment; before <paramref name="from"/> gives a negative number.</param>
    /// <returns>The working days.</returns>
    public double WorkingDaysBetween(DateTime from, DateTime to) => WorkingTimeBetween(from, to).TotalDays;

    /// <summary>
    /// Moves a due time later by the working time of a pause: while an item waits on the applicant (a supplement,
    /// a deferred material) its clock stops, so the working-day time between <paramref name="pausedFrom"/> and
    /// <paramref name="pausedTo"/> is added to <paramref name="due"/>. A pause over a weekend costs only its working days.
    /// </summary>
    /// <param name="due">The due time before the pause.</param>
    /// <param name="pausedFrom">When the clock stopped.</param>
    /// <param name="pausedTo">When it started again, not before <paramref name="pausedFrom"/>.</param>
    /// <returns>The new due time, of the same kind as <paramref name="due"/>.</returns>
    public DateTime Extend(DateTime due, DateTime pausedFrom, DateTime pausedTo)
    {
        if (pausedTo < pausedFrom)
        {
            throw new ArgumentException($"The pause ends ({pausedTo:O}) before it starts ({pausedFrom:O}).", nameof(pausedTo));
        }

        return AddWorkingTime(due, WorkingTimeBetween(pausedFrom, pausedTo));
    }

    /// <summary>Equal when every field and every list entry is equal (lists compare by content, in order).</summary>
    /// <param name="other">The other calendar.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(WorkingCalendar? other) =>
        other is not null
        && Region == other.Region && Version == other.Version && Name == other.Name && UtcOffset == other.UtcOffset
        && FirstYear == other.FirstYear && LastYear == other.LastYear && Source == other.Source
        && Same(Weekend, other.Weekend) && Same(Holidays, other.Holidays) && Same(MakeUpDays, other.MakeUpDays)
        && Same(ProvisionalYears, other.ProvisionalYears);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Region, Version, Name, FirstYear, LastYear, Holidays.Count, MakeUpDays.Count);

    static bool Same<T>(IReadOnlyList<T> a, IReadOnlyList<T> b) => ReferenceEquals(a, b) || a.SequenceEqual(b);

    DateTime ToWall(DateTime moment) => moment.Kind == DateTimeKind.Utc ? DateTime.SpecifyKind(moment, DateTimeKind.Unspecified) + UtcOffset : moment;

    DateTime FromWall(DateTime wall, DateTimeKind kind) =>
        kind == DateTimeKind.Utc ? DateTime.SpecifyKind(wall - UtcOffset, DateTimeKind.Utc) : DateTime.SpecifyKind(wall, kind);

    void GuardDaysOff(int daysOff)
    {
        if (daysOff > MaxDaysOff)
        {
            throw new CalendarInvalidException([new CalendarProblem("$.weekend", "calendar.noWorkingDay", $"Calendar {Region} v{Version} has no working day for ten years.")]);
        }
    }
}
