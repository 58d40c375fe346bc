using System.Text.RegularExpressions;
using Workflows.Calendar;
using Workflows.Testing;

namespace Workflows.Tests.Calendar;

public sealed partial class CalendarValidatorTests
{
    /// <summary>One way to break one rule of the valid national calendar, and what the validator must say about it.</summary>
    /// <param name="Mutate">Turns the valid calendar into one that breaks the rule.</param>
    /// <param name="Code">The code that must be reported.</param>
    /// <param name="Path">Where it must be reported.</param>
    /// <param name="Message">Text the message must contain.</param>
    /// <param name="Also">Other codes the same mistake legitimately causes; anything else reported fails the test.</param>
    public sealed record Break(Func<WorkingCalendar, WorkingCalendar> Mutate, string Code, string Path, string Message, IReadOnlyList<string>? Also = null);

    static readonly WorkingCalendar China = BuiltInCalendars.Get("CN");

    static DateOnly Day(int year, int month, int day) => new(year, month, day);

    static WorkingCalendar Holiday(WorkingCalendar c, int index, Func<PublicHoliday, PublicHoliday> change) =>
        c with { Holidays = [.. c.Holidays.Select((h, i) => i == index ? change(h) : h)] };

    static WorkingCalendar MakeUp(WorkingCalendar c, int index, Func<MakeUpDay, MakeUpDay> change) =>
        c with { MakeUpDays = [.. c.MakeUpDays.Select((m, i) => i == index ? change(m) : m)] };

    static List<T> Swap<T>(IReadOnlyList<T> list, int a, int b)
    {
        var copy = list.ToList();
        (copy[a], copy[b]) = (copy[b], copy[a]);
        return copy;
    }

    // Rows are keyed by name so the theory's data stays serializable and every rule shows as its own test.
    static readonly Dictionary<string, Break> Breaks = new(StringComparer.Ordinal)
    {
        // The calendar itself.
        ["region in lower case"] = new(c => c with { Region = "cn" }, "calendar.region", "$.region", "'cn'"),
        ["region subdivision too long"] = new(c => c with { Region = "CN-SHAN" }, "calendar.region", "$.region", "ISO 3166"),
        ["version zero"] = new(c => c with { Version = 0 }, "calendar.version", "$.version", "Version 0"),
        ["name blank"] = new(c => c with { Name = " " }, "calendar.name", "$.name", "name"),
        ["offset beyond fourteen hours"] = new(c => c with { UtcOffset = TimeSpan.FromHours(15) }, "calendar.utcOffset", "$.utcOffset", "±14 hours"),
        ["first year zero"] = new(c => c with { FirstYear = 0 }, "calendar.years", "$.firstYear", "not 0"),
        ["last year before first"] = new(
            c => c with { LastYear = 2025 },
            "calendar.years",
            "$.lastYear",
            "comes before",
            ["holiday.outsideYears", "makeUpDay.outsideYears", "calendar.provisionalYear"]),
        ["provisional year not covered"] = new(c => c with { ProvisionalYears = [2028] }, "calendar.provisionalYear", "$.provisionalYears[0]", "outside"),
        ["provisional year twice"] = new(c => c with { ProvisionalYears = [2027, 2027] }, "calendar.provisionalYear", "$.provisionalYears[1]", "more than once"),
        ["holidays missing"] = new(c => c with { Holidays = null! }, "calendar.null", "$.holidays", "missing"),
        ["make-up day null"] = new(c => c with { MakeUpDays = [.. c.MakeUpDays, null!] }, "calendar.null", "$.makeUpDays[6]", "null"),

        // The weekend.
        ["weekend day unknown"] = new(c => c with { Weekend = [DayOfWeek.Saturday, (DayOfWeek)7] }, "weekend.unknown", "$.weekend[1]", "7"),
        ["weekend day twice"] = new(c => c with { Weekend = [DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Saturday] }, "weekend.duplicate", "$.weekend[2]", "Saturday"),
        ["weekend every day"] = new(c => c with { Weekend = Enum.GetValues<DayOfWeek>() }, "weekend.all", "$.weekend", "Every day"),

        // Holidays.
        ["holiday name blank"] = new(c => Holiday(c, 3, h => h with { Name = "" }), "holiday.name", "$.holidays[3].name", "name"),
        ["holiday ends before it starts"] = new(c => Holiday(c, 3, h => h with { From = h.To, To = h.From }), "holiday.range", "$.holidays[3].to", "2026-05-01"),
        ["holiday outside the years"] = new(
            c => c with { Holidays = [.. c.Holidays, new PublicHoliday("元旦", Day(2028, 1, 1), Day(2028, 1, 1))] },
            "holiday.outsideYears",
            "$.holidays[14].from",
            "2028-01-01"),
        ["holidays out of date order"] = new(c => c with { Holidays = Swap(c.Holidays, 1, 2) }, "holiday.order", "$.holidays[2].from", "date order"),
        ["holiday listed twice"] = new(
            c => c with { Holidays = [.. c.Holidays.Take(7), c.Holidays[6], .. c.Holidays.Skip(7)] },
            "holiday.duplicate",
            "$.holidays[7].from",
            "holidays[6]"),
        ["holidays overlapping"] = new(c => Holiday(c, 5, h => h with { To = Day(2026, 10, 2) }), "holiday.duplicate", "$.holidays[6].from", "中秋节"),

        // Make-up days.
        ["make-up day for nothing"] = new(c => MakeUp(c, 0, m => m with { For = "" }), "makeUpDay.for", "$.makeUpDays[0].for", "which holiday"),
        ["make-up day on a weekday"] = new(c => MakeUp(c, 0, m => m with { Date = Day(2026, 1, 5) }), "makeUpDay.notWeekend", "$.makeUpDays[0].date", "Monday"),
        ["make-up day also a holiday"] = new(c => MakeUp(c, 5, m => m with { Date = Day(2026, 10, 3) }), "makeUpDay.holiday", "$.makeUpDays[5].date", "国庆节"),
        ["make-up day twice"] = new(
            c => c with { MakeUpDays = [.. c.MakeUpDays.Take(2), c.MakeUpDays[1], .. c.MakeUpDays.Skip(2)] },
            "makeUpDay.duplicate",
            "$.makeUpDays[2].date",
            "makeUpDays[1]"),
        ["make-up days out of date order"] = new(c => c with { MakeUpDays = Swap(c.MakeUpDays, 0, 1) }, "makeUpDay.order", "$.makeUpDays[1].date", "date order"),
        ["make-up day outside the years"] = new(
            c => c with { MakeUpDays = [.. c.MakeUpDays, new MakeUpDay(Day(2028, 1, 1), "元旦")] },
            "makeUpDay.outsideYears",
            "$.makeUpDays[6].date",
            "2028-01-01"),
    };

    public static TheoryData<string> BreakNames => new(Breaks.Keys);

    static string Describe(IEnumerable<CalendarProblem> problems) => string.Join(Environment.NewLine, problems.Select(p => $"{p.Path} [{p.Code}] {p.Message}"));

    [Fact]
    public void Validate_NationalCalendar_HasNoProblems()
    {
        var problems = CalendarValidator.Validate(China);
        problems.ShouldBeEmpty(Describe(problems));
    }

    [Theory]
    [MemberData(nameof(BreakNames))]
    public void Validate_BrokenRule_ReportsLocatedProblem(string name)
    {
        var broken = Breaks[name];
        var problems = CalendarValidator.Validate(broken.Mutate(China));
        var all = Environment.NewLine + Describe(problems);

        problems.ShouldContain(p => p.Code == broken.Code && p.Path == broken.Path && p.Message.Contains(broken.Message, StringComparison.Ordinal),
            $"Expected {broken.Code} at {broken.Path} saying '{broken.Message}'; got:{all}");
        problems.Where(p => p.Code != broken.Code && !(broken.Also ?? []).Contains(p.Code))
            .ShouldBeEmpty($"Breaking one rule reported unrelated problems:{all}");
    }

    [Fact]
    public void Validate_EveryCodeOfTheValidator_HasABreakingRow()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "workflows", "Workflows", "Calendar", "CalendarValidator.cs"));
        var codes = CodeArgument().Matches(source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        codes.Count.ShouldBeGreaterThanOrEqualTo(20, "The code scan found too few codes; has the validator's shape changed?");
        var covered = Breaks.Values.Select(b => b.Code).ToHashSet(StringComparer.Ordinal);
        codes.Except(covered).Order(StringComparer.Ordinal).ShouldBeEmpty("Codes the validator emits that no test breaks");
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var problems = CalendarValidator.Validate(MakeUp(China with { Region = "China", Version = 0, Name = "" }, 0, m => m with { Date = Day(2026, 1, 1) }));

        problems.Select(p => (p.Path, p.Code)).ShouldBe(
            [
                ("$.region", "calendar.region"),
                ("$.version", "calendar.version"),
                ("$.name", "calendar.name"),
                ("$.makeUpDays[0].date", "makeUpDay.notWeekend"),
                ("$.makeUpDays[0].date", "makeUpDay.holiday"),
            ],
            ignoreOrder: true,
            Describe(problems));
    }

    [Theory]
    [InlineData("CN", true)]
    [InlineData("CN-31", true)]
    [InlineData("CN-SH", true)]
    [InlineData("cn", false)]
    [InlineData("CHN", false)]
    [InlineData("CN-", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsRegionCode_Codes_AcceptsIsoShapesOnly(string? region, bool valid)
    {
        CalendarValidator.IsRegionCode(region).ShouldBe(valid);
    }

    [GeneratedRegex("""Add\([^;]*?, "([a-z][A-Za-z]*(?:\.[A-Za-z]+)+)",""")]
    private static partial Regex CodeArgument();
}
