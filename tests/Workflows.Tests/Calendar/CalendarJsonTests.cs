using Microsoft.DurableTask.Converters;
using Workflows.Calendar;

namespace Workflows.Tests.Calendar;

public sealed class CalendarJsonTests
{
    static readonly WorkingCalendar China = BuiltInCalendars.Get("CN");

    [Fact]
    public void Write_ThenTryParse_GivesAnEqualCalendar()
    {
        var json = CalendarJson.Write(China);
        var read = CalendarJson.TryParse(json, out var problems);

        problems.ShouldBeEmpty();
        read.ShouldBe(China);
    }

    [Fact]
    public void Write_Calendar_IsReadableDatesDaysAndChinese()
    {
        var json = CalendarJson.Write(China);

        json.ShouldContain("\"from\": \"2026-10-01\"");
        json.ShouldContain("\"saturday\"");
        json.ShouldContain("国庆节");
        json.ShouldContain("\"utcOffset\": \"08:00:00\"");
    }

    [Fact]
    public void EngineConverter_SlaClockInAnOrchestrationInput_RoundTripsEqual()
    {
        // What the Durable Task worker does with an orchestration's input on every replay.
        var clock = new SlaClock(China, TimeSpan.FromSeconds(10));
        var converter = JsonDataConverter.Default;

        var json = converter.Serialize(clock)!;
        var read = converter.Deserialize<SlaClock>(json);

        read.ShouldBe(clock);
        read!.Due(new DateTime(2026, 9, 30, 2, 0, 0, DateTimeKind.Utc), 3).ShouldBe(clock.Due(new DateTime(2026, 9, 30, 2, 0, 0, DateTimeKind.Utc), 3));
        json.Length.ShouldBeLessThan(3000, "A pinned calendar travels in every replay of the orchestration's input; keep it small.");
    }

    [Fact]
    public void TryParse_UnknownProperty_GivesALocatedProblem()
    {
        var json = CalendarJson.Write(China).Replace("\"version\": 1,", "\"version\": 1, \"colour\": \"red\",", StringComparison.Ordinal);

        var read = CalendarJson.TryParse(json, out var problems);

        read.ShouldBeNull();
        var problem = problems.ShouldHaveSingleItem();
        problem.Code.ShouldBe("calendar.json");
        problem.Path.ShouldContain("colour");
    }

    [Fact]
    public void TryParse_BadDate_GivesItsPath()
    {
        var json = CalendarJson.Write(China).Replace("\"2026-10-01\"", "\"2026-10-32\"", StringComparison.Ordinal);

        CalendarJson.TryParse(json, out var problems).ShouldBeNull();
        problems.ShouldHaveSingleItem().Path.ShouldBe("$.holidays[6].from");
    }

    [Fact]
    public void TryParse_Null_IsAnEmptyDocument()
    {
        CalendarJson.TryParse("null", out var problems).ShouldBeNull();
        problems.ShouldHaveSingleItem().Code.ShouldBe("calendar.empty");
    }
}
