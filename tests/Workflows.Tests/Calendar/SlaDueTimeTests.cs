using System.Text.Json.Nodes;
using Microsoft.DurableTask.Converters;
using Workflows.Applications;
using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tests.Calendar;

/// <summary>Due times as the engine computes them on the pinned national calendar: a weekend, 国庆, a pause, a reminder.</summary>
public sealed class SlaDueTimeTests
{
    static readonly SlaClock China = SlaClock.Real(BuiltInCalendars.Get("CN"));

    // Beijing time is UTC+8: 10:00 in Beijing is 02:00 UTC.
    static DateTime Beijing(int month, int day, int hour) => new DateTime(2026, month, day, hour, 0, 0, DateTimeKind.Utc).AddHours(-8);

    [Fact]
    public void Due_FridayPlusTwoWorkingDays_SkipsTheWeekendToTuesday()
    {
        China.Due(Beijing(11, 20, 10), 2).ShouldBe(Beijing(11, 24, 10));
    }

    [Fact]
    public void Due_DayBeforeNationalDayPlusThree_SkipsTheHolidayAndCountsTheMakeUpSaturday()
    {
        // 10-01..10-07 off; 10-08 Thu, 10-09 Fri, 10-10 a make-up Saturday.
        China.Due(Beijing(9, 30, 10), 3).ShouldBe(Beijing(10, 10, 10));
    }

    [Fact]
    public void Extend_SupplementPausedFromFridayAfternoonToMondayMorning_MovesTheDueTimeByItsWorkingHoursOnly()
    {
        var due = Beijing(11, 24, 10);

        // Friday 16:00-24:00 and Monday 00:00-10:00: 18 working hours; the weekend costs nothing.
        var moved = China.Extend(due, Beijing(11, 20, 16), Beijing(11, 23, 10));

        moved.ShouldBe(Beijing(11, 25, 4));
    }

    [Fact]
    public void ReminderAt_DueMondayMorning_IsFridayMorning()
    {
        China.ReminderAt(Beijing(11, 23, 9)).ShouldBe(Beijing(11, 20, 9));
    }

    [Fact]
    public void ReminderAt_DueTheMorningAfterNationalDay_IsTheMorningBeforeIt()
    {
        China.ReminderAt(Beijing(10, 8, 10)).ShouldBe(Beijing(9, 30, 10));
    }

    [Fact]
    public void Before_IsTheInverseOfDue_OverHolidaysAndMakeUpDays()
    {
        var start = Beijing(9, 24, 15);
        for (var days = 0; days <= 12; days++)
        {
            China.Before(China.Due(start, days), days).ShouldBe(start, $"{days} working days");
        }
    }

    [Fact]
    public void ReminderAt_ScaledHalfDay_IsHalfADayLengthBefore()
    {
        var clock = new SlaClock(BuiltInCalendars.Get("CN"), TimeSpan.FromSeconds(10)) { ReminderBefore = 0.5 };
        var due = Beijing(10, 3, 12);

        clock.ReminderAt(due).ShouldBe(due.AddSeconds(-5));
    }

    [Fact]
    public void ReminderBefore_Zero_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => China with { ReminderBefore = 0 });
    }

    [Fact]
    public void ClockFor_Options_CarriesTheReminderSetting()
    {
        var options = new SlaOptions { DayLength = TimeSpan.FromSeconds(2), ReminderBefore = 0.25 };

        var clock = options.ClockFor(BuiltInCalendars.Get("CN"));

        clock.ReminderBefore.ShouldBe(0.25);
        clock.DayLength.ShouldBe(TimeSpan.FromSeconds(2));
        new SlaOptions { ReminderBefore = 0 }.Validate().ShouldContain(p => p.Contains("Sla:ReminderBefore", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_DeferredMaterialSubmittedBeforeNationalDay_DeadlineCountsThePinnedCalendar()
    {
        var newborn = BuiltInTemplates.Get("newborn");
        var request = new SubmissionRequest("newborn", new Applicant("c1", ApplicantKind.Citizen, "王芳"), Answers(), [new MaterialProvision("babyPhoto", ProvisionKind.Upload, "c1/babyPhoto/1")]);

        var plan = SubmissionPlanner.Plan(newborn, request, new HashSet<string> { "id-card", "household-register" }, Beijing(9, 30, 10), China);

        plan.Accepted.ShouldBeTrue(string.Join("; ", plan.Problems.Select(p => p.Message)));
        // Five working days: 10-08, 10-09, the make-up 10-10, 10-12, 10-13 (the weekends-only rule would say 10-07, during the holiday).
        plan.Ledger.Single(m => m.Key == "marriageCertificate").DueAt.ShouldBe(Beijing(10, 13, 10));
    }

    [Fact]
    public void BundleInput_WrittenBeforeCalendarsWerePinned_ReadsWithTheWeekendsOnlyClock()
    {
        var converter = JsonDataConverter.Default;
        var input = new BundleInput("a1", new Applicant("c1", ApplicantKind.Citizen, "王芳"), 1, BuiltInTemplates.Get("newborn"),
            new Dictionary<string, string>(), [], [], Beijing(11, 20, 10), China);
        var json = JsonNode.Parse(converter.Serialize(input)!)!.AsObject();
        (json.Remove("clock") | json.Remove("Clock")).ShouldBeTrue("the pinned clock is part of the input");

        var old = converter.Deserialize<BundleInput>(json.ToJsonString())!;

        old.Clock.ShouldBeNull();
        old.ClockOrDefault().Calendar.ShouldBe(WorkingCalendar.WeekendsOnly);
        converter.Deserialize<BundleInput>(converter.Serialize(input))!.Clock.ShouldBe(China);
    }

    static Dictionary<string, System.Text.Json.JsonElement> Answers() =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(System.Text.Json.JsonSerializer.Serialize(new
        {
            babyName = "王小明", babySex = "male", babyBirthDate = "2026-09-20", birthPlace = "市第一人民医院", motherName = "王芳",
            motherIdNumber = "11010519491231002X", settleWith = "mother", registrationAddress = "人民路1号", guardianPhone = "13800138000",
            parentInsuredLocally = true, applyCardWithBank = false,
        }))!;
}
