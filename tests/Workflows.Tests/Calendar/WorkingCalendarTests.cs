using Workflows.Calendar;

namespace Workflows.Tests.Calendar;

/// <summary>Due times on the national calendar, read as Beijing wall-clock times unless a test says UTC.</summary>
public sealed class WorkingCalendarTests
{
    static readonly WorkingCalendar China = BuiltInCalendars.Get("CN");

    static DateTime At(int year, int month, int day, int hour = 10, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);

    [Theory]
    [InlineData(2026, 11, 23, true)]  // Monday
    [InlineData(2026, 11, 21, false)] // Saturday
    [InlineData(2026, 10, 1, false)]  // 国庆节, a Thursday
    [InlineData(2026, 10, 10, true)]  // Saturday worked for 国庆节
    [InlineData(2026, 2, 14, true)]   // Saturday worked for 春节
    [InlineData(2026, 2, 23, false)]  // the last day of 春节, a Monday
    public void IsWorkingDay_NationalCalendar_FollowsWeekendHolidaysAndMakeUpDays(int year, int month, int day, bool working)
    {
        China.IsWorkingDay(new DateOnly(year, month, day)).ShouldBe(working);
    }

    [Fact]
    public void AddWorkingDays_FridayOverAWeekend_LandsOnMondayAtTheSameTime()
    {
        China.AddWorkingDays(At(2026, 11, 20), 1).ShouldBe(At(2026, 11, 23));
        China.AddWorkingDays(At(2026, 11, 20), 3).ShouldBe(At(2026, 11, 25));
    }

    [Fact]
    public void AddWorkingDays_SubmittedTheDayBeforeNationalDay_PassesTheHolidayAndCountsTheMakeUpSaturday()
    {
        // 30 September 2026 is a Wednesday; 1-7 October are off; Saturday 10 October is worked.
        var due = China.AddWorkingDays(At(2026, 9, 30), 3);

        due.ShouldBe(At(2026, 10, 10));
        due.DayOfWeek.ShouldBe(DayOfWeek.Saturday);
        China.AddWorkingDays(At(2026, 9, 30), 1).ShouldBe(At(2026, 10, 8));
    }

    [Fact]
    public void AddWorkingDays_FridayBeforeAMakeUpSaturday_DueOnTheSaturday()
    {
        China.AddWorkingDays(At(2026, 2, 13), 1).ShouldBe(At(2026, 2, 14));
    }

    [Fact]
    public void AddWorkingDays_StartedOnAMakeUpSaturday_CountsFromItAndSkipsSpringFestival()
    {
        // Saturday 14 February is worked; 15-23 February are 春节.
        China.AddWorkingDays(At(2026, 2, 14), 1).ShouldBe(At(2026, 2, 24));
    }

    [Fact]
    public void AddWorkingDays_StartedOnASaturday_ClockStartsMondayMorningSoOneDayEndsWithMonday()
    {
        China.AddWorkingDays(At(2026, 11, 21, 15, 30), 1).ShouldBe(At(2026, 11, 24, 0));
        China.AddWorkingDays(At(2026, 11, 21, 15, 30), 2).ShouldBe(At(2026, 11, 25, 0));
    }

    [Fact]
    public void AddWorkingDays_StartedDuringAHoliday_ClockStartsOnTheFirstWorkingDayAfterIt()
    {
        China.AddWorkingDays(At(2026, 10, 3), 1).ShouldBe(At(2026, 10, 9, 0));
    }

    [Fact]
    public void AddWorkingDays_TimeRunsOutAsFridayEnds_DueWhenMondayBegins()
    {
        China.AddWorkingDays(At(2026, 11, 20, 0), 1).ShouldBe(At(2026, 11, 23, 0));
    }

    [Fact]
    public void AddWorkingDays_ZeroDays_IsTheStartEvenOnADayOff()
    {
        China.AddWorkingDays(At(2026, 11, 21), 0).ShouldBe(At(2026, 11, 21));
    }

    [Fact]
    public void AddWorkingDays_NegativeDays_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => China.AddWorkingDays(At(2026, 11, 20), -1));
    }

    [Fact]
    public void AddWorkingDays_UtcStart_IsReadInBeijingTimeAndReturnedInUtc()
    {
        // 16:30 UTC on 30 September is 00:30 on 1 October in Beijing: 国庆 has begun, so the clock starts on 8 October.
        var due = China.AddWorkingDays(new DateTime(2026, 9, 30, 16, 30, 0, DateTimeKind.Utc), 1);

        due.ShouldBe(new DateTime(2026, 10, 8, 16, 0, 0, DateTimeKind.Utc));
        due.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Fact]
    public void AddWorkingDays_BeyondTheCoveredYears_FollowsTheWeekendRuleOnly()
    {
        var monday = new DateOnly(2028, 10, 2);

        China.Covers(monday).ShouldBeFalse();
        China.IsWorkingDay(monday).ShouldBeTrue();
        China.AddWorkingDays(At(2028, 9, 29), 1).ShouldBe(At(2028, 10, 2));
    }

    [Fact]
    public void NextWorkingDay_DuringNationalDay_IsTheEighth()
    {
        China.NextWorkingDay(new DateOnly(2026, 10, 1)).ShouldBe(new DateOnly(2026, 10, 8));
        China.NextWorkingDay(new DateOnly(2026, 10, 8)).ShouldBe(new DateOnly(2026, 10, 8));
    }

    [Fact]
    public void WorkingDaysBetween_FridayNoonToMondayNoon_IsOneDay()
    {
        China.WorkingDaysBetween(At(2026, 11, 20, 12), At(2026, 11, 23, 12)).ShouldBe(1.0);
    }

    [Fact]
    public void WorkingDaysBetween_AcrossNationalDay_CountsOnlyWorkingDaysAndFractions()
    {
        China.WorkingDaysBetween(At(2026, 9, 30, 0), At(2026, 10, 9, 0)).ShouldBe(2.0);
        China.WorkingDaysBetween(At(2026, 9, 30, 18), At(2026, 10, 8, 6)).ShouldBe(0.5);
    }

    [Fact]
    public void WorkingDaysBetween_Reversed_IsNegative()
    {
        China.WorkingDaysBetween(At(2026, 11, 23, 12), At(2026, 11, 20, 12)).ShouldBe(-1.0);
    }

    [Fact]
    public void WorkingDaysBetween_FromAStartToItsDueTime_IsTheDaysAdded()
    {
        var starts = new[] { At(2026, 9, 30), At(2026, 11, 21, 15, 30), At(2026, 11, 20, 0), At(2026, 2, 13, 23, 59), At(2026, 12, 31, 8) };
        foreach (var start in starts)
        {
            foreach (var days in new[] { 0, 1, 2, 5, 20 })
            {
                China.WorkingDaysBetween(start, China.AddWorkingDays(start, days)).ShouldBe(days, $"{start:O} + {days}");
            }
        }
    }

    [Fact]
    public void Extend_PauseOverAWeekend_AddsOnlyTheWorkingHoursOfThePause()
    {
        // Waiting on the applicant from Friday 15:00 to Monday 09:00: 9 h of Friday and 9 h of Monday stop the clock.
        var due = China.Extend(At(2026, 11, 25, 10), At(2026, 11, 20, 15), At(2026, 11, 23, 9));

        due.ShouldBe(At(2026, 11, 26, 4));
    }

    [Fact]
    public void Extend_PauseWithinAWeekend_LeavesTheDueTime()
    {
        China.Extend(At(2026, 11, 25, 10), At(2026, 11, 21, 9), At(2026, 11, 22, 18)).ShouldBe(At(2026, 11, 25, 10));
    }

    [Fact]
    public void Extend_PauseEndingBeforeItStarts_Throws()
    {
        Should.Throw<ArgumentException>(() => China.Extend(At(2026, 11, 25), At(2026, 11, 23), At(2026, 11, 20)));
    }

    [Fact]
    public void AddWorkingTime_CalendarWithoutWorkingDays_ThrowsInsteadOfLooping()
    {
        var never = WorkingCalendar.WeekendsOnly with { Weekend = Enum.GetValues<DayOfWeek>() };

        Should.Throw<CalendarInvalidException>(() => never.AddWorkingDays(At(2026, 11, 20), 1)).Problems.ShouldHaveSingleItem().Code.ShouldBe("calendar.noWorkingDay");
    }

    [Fact]
    public void Equals_SameContentInOtherLists_IsEqual()
    {
        var copy = China with { Holidays = [.. China.Holidays], MakeUpDays = [.. China.MakeUpDays], Weekend = [.. China.Weekend] };

        copy.ShouldBe(China);
        copy.GetHashCode().ShouldBe(China.GetHashCode());
        (copy with { MakeUpDays = China.MakeUpDays.Skip(1).ToList() }).ShouldNotBe(China);
    }
}
