using Workflows.Calendar;
using Workflows.Orchestration;

namespace Workflows.Tests.Calendar;

public sealed class ApplicantHoldTests
{
    static readonly SlaClock China = SlaClock.Real(BuiltInCalendars.Get("CN"));

    // Noon in Beijing (UTC+8).
    static DateTime Beijing(int month, int day, int hour = 12) => new(2026, month, day, hour - 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Extend_NoHolds_KeepsTheDueTime()
    {
        ApplicantHold.Extend(China, Beijing(11, 30), []).ShouldBe(Beijing(11, 30));
    }

    [Fact]
    public void Extend_TwoItemsHeldAtOnce_StopsTheClockOnceForTheOverlap()
    {
        // Police held Mon noon to Wed noon, hospital Tue noon to Thu noon: the bundle stood still Mon noon to Thu noon,
        // three working days, not four.
        var holds = new[] { new ApplicantHold(Beijing(11, 23), Beijing(11, 25)), new ApplicantHold(Beijing(11, 24), Beijing(11, 26)) };

        ApplicantHold.Extend(China, Beijing(11, 30), holds).ShouldBe(China.Due(Beijing(11, 30), 3));
    }

    [Fact]
    public void Extend_SeparateHoldsOverAWeekend_AddsTheirWorkingTimeOnly()
    {
        // Fri noon to Mon noon is one working day; Tue noon to Tue 18:00 a quarter.
        var holds = new[] { new ApplicantHold(Beijing(11, 24), Beijing(11, 24, 18)), new ApplicantHold(Beijing(11, 20), Beijing(11, 23)) };

        var due = ApplicantHold.Extend(China, Beijing(12, 1), holds);

        China.ElapsedWorkingDays(Beijing(12, 1), due).ShouldBe(1.25, 1e-9);
    }

    [Fact]
    public void Extend_AHoldThatEndsBeforeItBegins_IsIgnored()
    {
        ApplicantHold.Extend(China, Beijing(11, 30), [new ApplicantHold(Beijing(11, 25), Beijing(11, 24))]).ShouldBe(Beijing(11, 30));
    }
}
