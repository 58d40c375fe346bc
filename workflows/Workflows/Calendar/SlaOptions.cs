namespace Workflows.Calendar;

/// <summary>
/// How long a working day lasts on the engine's clock. Durable timers fire on the storage clock, so tests that
/// wait for a due time make a working day short (<c>Sla:DayLength</c> = <c>00:00:10</c>); production keeps one day.
/// </summary>
public sealed class SlaOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Sla";

    /// <summary>One working day of wall-clock time; 1 day is the real calendar.</summary>
    public TimeSpan DayLength { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The region whose calendar new applications are pinned to (see <see cref="CalendarStore"/>).</summary>
    public string Region { get; set; } = "CN";

    /// <summary>
    /// Working days before a due time that the department is reminded (default 1; 0.5 is half a day). Scaled by
    /// <see cref="DayLength"/> like every working day.
    /// </summary>
    public double ReminderBefore { get; set; } = 1;

    /// <summary>
    /// How often the tasks no orchestration keeps time for (verifications, follow-ups) are checked for reminders and
    /// escalations (default one minute; the Functions app's timer runs every minute).
    /// </summary>
    public TimeSpan DeadlineSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks the options.</summary>
    /// <returns>The problems found, empty when usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (DayLength <= TimeSpan.Zero || DayLength > TimeSpan.FromDays(1))
        {
            problems.Add($"{SectionName}:{nameof(DayLength)} must be more than zero and at most one day, not {DayLength}.");
        }

        if (!CalendarValidator.IsRegionCode(Region))
        {
            problems.Add($"{SectionName}:{nameof(Region)} must be a region code such as CN or CN-31, not '{Region}'.");
        }

        if (!(ReminderBefore > 0 && ReminderBefore <= 60))
        {
            problems.Add($"{SectionName}:{nameof(ReminderBefore)} must be more than zero and at most 60 working days, not {ReminderBefore}.");
        }

        if (DeadlineSweepInterval < TimeSpan.FromSeconds(1) || DeadlineSweepInterval > TimeSpan.FromHours(1))
        {
            problems.Add($"{SectionName}:{nameof(DeadlineSweepInterval)} must be from one second to one hour, not {DeadlineSweepInterval}.");
        }

        return problems;
    }

    /// <summary>The clock for a calendar at this day length.</summary>
    /// <param name="calendar">The pinned calendar.</param>
    /// <returns>The clock.</returns>
    public SlaClock ClockFor(WorkingCalendar calendar) => new(calendar, DayLength) { ReminderBefore = ReminderBefore };
}
