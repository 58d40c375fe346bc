using Workflows.Calendar;

namespace Workflows.Tests.Calendar;

public sealed class WorkingDaysTests
{
    static DateTime Utc(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Add_FromAWeekday_IsTheSameTimeOfDayAfterSkippingWeekends()
    {
        WorkingDays.Add(Utc(11, 23), 5).ShouldBe(Utc(11, 30));
        WorkingDays.Add(Utc(11, 20), 1).ShouldBe(Utc(11, 23));
    }

    [Fact]
    public void Add_DefaultCalendar_KnowsNoHolidays()
    {
        // 1 October 2026 is 国庆节 on the national calendar, but the default calendar has weekends only.
        WorkingDays.Add(Utc(9, 30), 1).ShouldBe(Utc(10, 1));
    }

    [Fact]
    public void Add_FromASaturday_ClockStartsOnMonday()
    {
        WorkingDays.Add(Utc(11, 21), 1).ShouldBe(Utc(11, 24, 0));
    }

    [Fact]
    public void Add_IsTheDefaultCalendarsArithmetic()
    {
        WorkingDays.Add(Utc(11, 18, 17), 7).ShouldBe(WorkingCalendar.WeekendsOnly.AddWorkingDays(Utc(11, 18, 17), 7));
        CalendarValidator.Validate(WorkingCalendar.WeekendsOnly).ShouldBeEmpty();
    }
}
