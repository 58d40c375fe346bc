using System.Text.RegularExpressions;

namespace Workflows.Calendar;

/// <summary>
/// Checks a working calendar against the rules its arithmetic relies on and reports all problems at once, each
/// located by path and named by a stable code. A calendar with any problem is never saved.
/// </summary>
public static partial class CalendarValidator
{
    /// <summary>The largest offset from UTC any region has.</summary>
    public static readonly TimeSpan MaxUtcOffset = TimeSpan.FromHours(14);

    /// <summary>The highest version number (the store orders versions by their six-digit row keys).</summary>
    public const int MaxVersion = 999_999;

    /// <summary>Validates a calendar.</summary>
    /// <param name="calendar">The calendar.</param>
    /// <returns>Every problem found; empty when the calendar is valid.</returns>
    public static IReadOnlyList<CalendarProblem> Validate(WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var run = new Run(calendar);
        run.Check();
        return run.Problems;
    }

    /// <summary>Whether a region code is well formed: ISO 3166-1 alpha-2, optionally a subdivision (<c>CN</c>, <c>CN-31</c>, <c>CN-SH</c>).</summary>
    /// <param name="region">The code.</param>
    /// <returns>True when well formed.</returns>
    public static bool IsRegionCode(string? region) => region is not null && RegionCode().IsMatch(region);

    [GeneratedRegex("^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    private static partial Regex RegionCode();

    sealed class Run(WorkingCalendar calendar)
    {
        public List<CalendarProblem> Problems { get; } = [];

        public void Check()
        {
            // JSON can put null in a list, and code can pass null lists; nothing below expects either.
            if (!CheckNoNulls())
            {
                return;
            }

            CheckCalendar();
            var weekendUsable = CheckWeekend();
            CheckHolidays();
            CheckMakeUpDays(weekendUsable);
        }

        void Add(string path, string code, string message) => Problems.Add(new CalendarProblem(path, code, message));

        bool InYears(DateOnly date) => calendar.FirstYear <= date.Year && date.Year <= calendar.LastYear;

        bool CheckNoNulls()
        {
            var before = Problems.Count;
            void Nulls<T>(IReadOnlyList<T?>? list, string path)
            {
                if (list is null)
                {
                    Add(path, "calendar.null", "The list is missing; give an empty list instead.");
                    return;
                }

                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is null)
                    {
                        Add($"{path}[{i}]", "calendar.null", "A list holds null here; remove it or give a value.");
                    }
                }
            }

            Nulls(calendar.Holidays, "$.holidays");
            Nulls(calendar.MakeUpDays, "$.makeUpDays");
            if (calendar.Weekend is null)
            {
                Add("$.weekend", "calendar.null", "The weekend is missing; give an empty list for a region without one.");
            }

            if (calendar.ProvisionalYears is null)
            {
                Add("$.provisionalYears", "calendar.null", "The list is missing; give an empty list instead.");
            }

            return Problems.Count == before;
        }

        void CheckCalendar()
        {
            if (!IsRegionCode(calendar.Region))
            {
                Add("$.region", "calendar.region", $"Region '{calendar.Region}' must be an ISO 3166 code: two capital letters, optionally '-' and 1-3 capitals or digits (CN, CN-31).");
            }

            if (calendar.Version is < 1 or > MaxVersion)
            {
                Add("$.version", "calendar.version", $"Version {calendar.Version} is not allowed; versions are 1 to {MaxVersion}.");
            }

            if (string.IsNullOrWhiteSpace(calendar.Name))
            {
                Add("$.name", "calendar.name", "The calendar needs a name.");
            }

            if (calendar.UtcOffset.Duration() > MaxUtcOffset || calendar.UtcOffset.Ticks % TimeSpan.TicksPerMinute != 0)
            {
                Add("$.utcOffset", "calendar.utcOffset", $"The offset from UTC must be whole minutes within ±14 hours, not {calendar.UtcOffset}.");
            }

            var firstOk = calendar.FirstYear is >= 1 and <= 9999;
            if (!firstOk)
            {
                Add("$.firstYear", "calendar.years", $"The first year must be 1 to 9999, not {calendar.FirstYear}.");
            }

            if (calendar.LastYear is < 1 or > 9999)
            {
                Add("$.lastYear", "calendar.years", $"The last year must be 1 to 9999, not {calendar.LastYear}.");
            }
            else if (firstOk && calendar.LastYear < calendar.FirstYear)
            {
                Add("$.lastYear", "calendar.years", $"The last year {calendar.LastYear} comes before the first year {calendar.FirstYear}.");
            }

            var seen = new HashSet<int>();
            for (var i = 0; i < calendar.ProvisionalYears.Count; i++)
            {
                var year = calendar.ProvisionalYears[i];
                if (year < calendar.FirstYear || year > calendar.LastYear)
                {
                    Add($"$.provisionalYears[{i}]", "calendar.provisionalYear", $"Year {year} is outside the years the calendar covers ({calendar.FirstYear}-{calendar.LastYear}).");
                }
                else if (!seen.Add(year))
                {
                    Add($"$.provisionalYears[{i}]", "calendar.provisionalYear", $"Year {year} is listed more than once.");
                }
            }
        }

        // Returns whether the weekend can be relied on by the make-up day rules.
        bool CheckWeekend()
        {
            var before = Problems.Count;
            var days = new HashSet<DayOfWeek>();
            for (var i = 0; i < calendar.Weekend.Count; i++)
            {
                var day = calendar.Weekend[i];
                if (!Enum.IsDefined(day))
                {
                    Add($"$.weekend[{i}]", "weekend.unknown", $"{(int)day} is not a day of the week.");
                }
                else if (!days.Add(day))
                {
                    Add($"$.weekend[{i}]", "weekend.duplicate", $"{day} is listed more than once.");
                }
            }

            if (days.Count == 7)
            {
                Add("$.weekend", "weekend.all", "Every day of the week is a weekend day, so only make-up days would be working days.");
            }

            return Problems.Count == before;
        }

        void CheckHolidays()
        {
            var holidays = calendar.Holidays;
            for (var i = 0; i < holidays.Count; i++)
            {
                var holiday = holidays[i];
                var path = $"$.holidays[{i}]";
                if (string.IsNullOrWhiteSpace(holiday.Name))
                {
                    Add($"{path}.name", "holiday.name", "The holiday needs a name, e.g. 国庆节.");
                }

                if (holiday.To < holiday.From)
                {
                    Add($"{path}.to", "holiday.range", $"The last day {holiday.To:yyyy-MM-dd} comes before the first day {holiday.From:yyyy-MM-dd}.");
                }

                if (!InYears(holiday.From))
                {
                    Add($"{path}.from", "holiday.outsideYears", $"{holiday.From:yyyy-MM-dd} is outside the years the calendar covers ({calendar.FirstYear}-{calendar.LastYear}).");
                }
                else if (!InYears(holiday.To))
                {
                    Add($"{path}.to", "holiday.outsideYears", $"{holiday.To:yyyy-MM-dd} is outside the years the calendar covers ({calendar.FirstYear}-{calendar.LastYear}).");
                }

                if (i > 0 && holiday.From < holidays[i - 1].From)
                {
                    Add($"{path}.from", "holiday.order", $"Holidays are listed in date order; {holiday.From:yyyy-MM-dd} comes before the holiday above it ({holidays[i - 1].From:yyyy-MM-dd}).");
                }
            }

            // Overlaps: in order of first day, a period that starts before the latest end so far shares a date with it.
            var latest = -1;
            foreach (var i in Enumerable.Range(0, holidays.Count).Where(i => holidays[i].From <= holidays[i].To).OrderBy(i => holidays[i].From).ThenBy(i => i))
            {
                if (latest >= 0 && holidays[i].From <= holidays[latest].To)
                {
                    var (first, second) = latest < i ? (latest, i) : (i, latest);
                    Add($"$.holidays[{second}].from", "holiday.duplicate", $"{holidays[second].Name} shares dates with {holidays[first].Name} (holidays[{first}]); list each day off once.");
                }

                if (latest < 0 || holidays[i].To > holidays[latest].To)
                {
                    latest = i;
                }
            }
        }

        void CheckMakeUpDays(bool weekendUsable)
        {
            var days = calendar.MakeUpDays;
            var seen = new Dictionary<DateOnly, int>();
            for (var i = 0; i < days.Count; i++)
            {
                var day = days[i];
                var path = $"$.makeUpDays[{i}]";
                if (string.IsNullOrWhiteSpace(day.For))
                {
                    Add($"{path}.for", "makeUpDay.for", "Say which holiday the make-up day is for, e.g. 国庆节.");
                }

                if (!InYears(day.Date))
                {
                    Add($"{path}.date", "makeUpDay.outsideYears", $"{day.Date:yyyy-MM-dd} is outside the years the calendar covers ({calendar.FirstYear}-{calendar.LastYear}).");
                }

                if (weekendUsable && !calendar.Weekend.Contains(day.Date.DayOfWeek))
                {
                    Add($"{path}.date", "makeUpDay.notWeekend", $"{day.Date:yyyy-MM-dd} is a {day.Date.DayOfWeek}, already a working day; a make-up day is a weekend day worked.");
                }

                var holiday = calendar.Holidays.FirstOrDefault(h => h.Contains(day.Date));
                if (holiday is not null)
                {
                    Add($"{path}.date", "makeUpDay.holiday", $"{day.Date:yyyy-MM-dd} is also a day off of {holiday.Name}; a date is either a holiday or a make-up day.");
                }

                if (!seen.TryAdd(day.Date, i))
                {
                    Add($"{path}.date", "makeUpDay.duplicate", $"{day.Date:yyyy-MM-dd} is listed already (makeUpDays[{seen[day.Date]}]).");
                }
                else if (i > 0 && day.Date < days[i - 1].Date)
                {
                    Add($"{path}.date", "makeUpDay.order", $"Make-up days are listed in date order; {day.Date:yyyy-MM-dd} comes before the one above it ({days[i - 1].Date:yyyy-MM-dd}).");
                }
            }
        }
    }
}
