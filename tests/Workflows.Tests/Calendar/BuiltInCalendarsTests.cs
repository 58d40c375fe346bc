using Workflows.Calendar;

namespace Workflows.Tests.Calendar;

public sealed class BuiltInCalendarsTests
{
    static readonly WorkingCalendar China = BuiltInCalendars.Get("CN");

    [Fact]
    public void All_EveryBuiltIn_IsValid()
    {
        BuiltInCalendars.All.ShouldNotBeEmpty();
        foreach (var calendar in BuiltInCalendars.All)
        {
            CalendarValidator.Validate(calendar).ShouldBeEmpty($"{calendar.Region} v{calendar.Version}");
        }
    }

    [Fact]
    public void Get_National_Covers2026AndMarks2027Provisional()
    {
        China.Version.ShouldBe(1);
        China.UtcOffset.ShouldBe(TimeSpan.FromHours(8));
        (China.FirstYear, China.LastYear).ShouldBe((2026, 2027));
        China.ProvisionalYears.ShouldBe([2027]);
        China.Source.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Get_National2026_HasTheNoticesDaysOffAndMakeUpDays()
    {
        // 国务院办公厅关于2026年部分节假日安排的通知: 33 weekdays and weekend days off across seven holidays.
        var daysOff = China.Holidays.Where(h => h.From.Year == 2026).Sum(h => h.To.DayNumber - h.From.DayNumber + 1);
        daysOff.ShouldBe(3 + 9 + 3 + 5 + 3 + 3 + 7);
        China.MakeUpDays.Where(m => m.Date.Year == 2026).Select(m => m.Date.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]);
    }

    [Fact]
    public void Get_UnknownRegion_Throws()
    {
        Should.Throw<KeyNotFoundException>(() => BuiltInCalendars.Get("XX"));
    }
}
