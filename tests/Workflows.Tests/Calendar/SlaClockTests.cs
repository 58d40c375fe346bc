using Microsoft.Extensions.Configuration;
using Workflows.Calendar;

namespace Workflows.Tests.Calendar;

public sealed class SlaClockTests
{
    static readonly WorkingCalendar China = BuiltInCalendars.Get("CN");
    static readonly DateTime Saturday = new(2026, 10, 3, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Due_RealClock_IsTheCalendarsArithmetic()
    {
        var clock = SlaClock.Real(China);

        clock.IsScaled.ShouldBeFalse();
        clock.Due(Saturday, 3).ShouldBe(China.AddWorkingDays(Saturday, 3));
        clock.ElapsedWorkingDays(Saturday, Saturday.AddDays(7)).ShouldBe(China.WorkingDaysBetween(Saturday, Saturday.AddDays(7)));
    }

    [Fact]
    public void Due_TenSecondDays_IsThreeTimesTenSecondsEvenDuringAHoliday()
    {
        var clock = new SlaClock(China, TimeSpan.FromSeconds(10));

        clock.IsScaled.ShouldBeTrue();
        clock.Due(Saturday, 3).ShouldBe(Saturday.AddSeconds(30));
    }

    [Fact]
    public void ElapsedWorkingDays_TenSecondDays_CountsWallTimeInDays()
    {
        var clock = new SlaClock(China, TimeSpan.FromSeconds(10));

        clock.ElapsedWorkingDays(Saturday, Saturday.AddSeconds(25)).ShouldBe(2.5);
    }

    [Fact]
    public void Extend_TenSecondDays_AddsThePauseAsItWas()
    {
        var clock = new SlaClock(China, TimeSpan.FromSeconds(10));
        var due = Saturday.AddSeconds(30);

        clock.Extend(due, Saturday.AddSeconds(5), Saturday.AddSeconds(12)).ShouldBe(due.AddSeconds(7));
        Should.Throw<ArgumentException>(() => clock.Extend(due, Saturday.AddSeconds(12), Saturday.AddSeconds(5)));
    }

    [Fact]
    public void Extend_RealClock_IsTheCalendarsExtension()
    {
        var clock = SlaClock.Real(China);
        var due = new DateTime(2026, 11, 25, 2, 0, 0, DateTimeKind.Utc);
        var (from, to) = (new DateTime(2026, 11, 20, 7, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 23, 1, 0, 0, DateTimeKind.Utc));

        clock.Extend(due, from, to).ShouldBe(China.Extend(due, from, to));
    }

    [Fact]
    public void Constructor_ZeroDayLength_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new SlaClock(China, TimeSpan.Zero));
        Should.Throw<ArgumentOutOfRangeException>(() => SlaClock.Real(China) with { DayLength = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public void SlaOptions_BoundFromConfiguration_GivesTheScaledClock()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sla:DayLength"] = "00:00:10", ["Sla:Region"] = "CN-31" }).Build();
        var options = configuration.GetSection(SlaOptions.SectionName).Get<SlaOptions>()!;

        options.Validate().ShouldBeEmpty();
        options.Region.ShouldBe("CN-31");
        options.ClockFor(China).ShouldBe(new SlaClock(China, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void SlaOptions_Defaults_AreOneRealDayOnTheNationalCalendar()
    {
        var options = new SlaOptions();

        options.Validate().ShouldBeEmpty();
        options.DayLength.ShouldBe(TimeSpan.FromDays(1));
        options.Region.ShouldBe("CN");
    }

    [Theory]
    [InlineData("00:00:00", "CN", "DayLength")]
    [InlineData("2.00:00:00", "CN", "DayLength")]
    [InlineData("1.00:00:00", "china", "Region")]
    public void SlaOptions_Invalid_NamesTheSetting(string dayLength, string region, string setting)
    {
        var options = new SlaOptions { DayLength = TimeSpan.Parse(dayLength, System.Globalization.CultureInfo.InvariantCulture), Region = region };

        options.Validate().ShouldHaveSingleItem().ShouldContain($"Sla:{setting}");
    }
}
