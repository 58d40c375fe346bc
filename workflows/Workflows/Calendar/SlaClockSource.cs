using Microsoft.Extensions.Options;

namespace Workflows.Calendar;

/// <summary>
/// The SLA clock in force now: the configured region's latest published calendar at the configured day length.
/// Whatever starts an orchestration pins this clock into its input, so a calendar published later moves no due time
/// already set; code outside orchestrations (the API's countdown) reads it as it is now.
/// </summary>
/// <param name="calendars">The stored calendars.</param>
/// <param name="sla">The region, the length of a working day and the reminder lead.</param>
public sealed class SlaClockSource(CalendarStore calendars, IOptions<SlaOptions> sla)
{
    /// <summary>The clock in force: the region's latest stored calendar, or its built-in one when the store has not been
    /// seeded yet (a host that has not run the seeder), or weekends only for a region with neither.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The clock.</returns>
    public async Task<SlaClock> CurrentAsync(CancellationToken cancellationToken = default)
    {
        var options = sla.Value;
        var calendar = (await calendars.GetLatestAsync(options.Region, cancellationToken))?.Calendar
            ?? BuiltInCalendars.All.FirstOrDefault(c => c.Region == options.Region)
            ?? WorkingCalendar.WeekendsOnly;
        return options.ClockFor(calendar);
    }
}
