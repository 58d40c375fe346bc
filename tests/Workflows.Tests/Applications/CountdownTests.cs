using Workflows.Applications;
using Workflows.Calendar;

namespace Workflows.Tests.Applications;

public sealed class CountdownTests
{
    static readonly SlaClock China = SlaClock.Real(BuiltInCalendars.Get("CN"));

    // 12:00 in Beijing (UTC+8) is 04:00 UTC.
    static DateTime Beijing(int month, int day, int hour = 12) => new(2026, month, day, hour - 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Of_DueMondayFromFriday_CountsOneWorkingDayNotThree()
    {
        var friday = Beijing(11, 27);
        var due = China.Due(friday, 1);

        var countdown = Countdown.Of(China, "police", due, friday);

        due.ShouldBe(Beijing(11, 30));
        countdown.ShouldBe(new Countdown("police", due, 1, Paused: false, Overdue: false));
    }

    [Fact]
    public void Of_OverTheNationalDayHoliday_SkipsTheHolidayWeek()
    {
        var beforeHoliday = Beijing(9, 30);
        var due = China.Due(beforeHoliday, 2);

        // Half of 30 September was worked; the holiday week (1-7 October) counts nothing, so half-way through it
        // one and a half days are still left, and the due time is noon on the 9th.
        due.ShouldBe(Beijing(10, 9));
        Countdown.Of(China, null, due, Beijing(10, 4)).WorkingDaysLeft.ShouldBe(1.5);
    }

    [Fact]
    public void Of_SupplementAsked_StopsAtWhatWasLeftWhenAsked()
    {
        var submitted = Beijing(11, 23);
        var due = China.Due(submitted, 5);
        var asked = Beijing(11, 24);

        var countdown = Countdown.Of(China, "hukou", due, now: Beijing(12, 4), pausedSince: asked);

        countdown.Paused.ShouldBeTrue();
        countdown.Overdue.ShouldBeFalse();
        countdown.WorkingDaysLeft.ShouldBe(4);
    }

    [Fact]
    public void Of_PastTheDueTime_IsOverdueWithNegativeDaysLeft()
    {
        var due = Beijing(11, 24);

        var countdown = Countdown.Of(China, "cdc", due, Beijing(11, 26));

        countdown.Overdue.ShouldBeTrue();
        countdown.WorkingDaysLeft.ShouldBe(-2);
    }

    [Fact]
    public void Of_PartOfADayLeft_RoundsTowardZeroToTwoPlaces()
    {
        var now = Beijing(11, 24);

        Countdown.Of(China, null, now.AddHours(8), now).WorkingDaysLeft.ShouldBe(0.33);
    }
}
