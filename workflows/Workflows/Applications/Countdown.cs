using Workflows.Calendar;

namespace Workflows.Applications;

/// <summary>
/// What is left of a committed time limit, as the applicant is shown it: the due time and the working days to it on
/// the SLA clock. While the applicant has the item (a supplement asked) the department's clock stands still, so the
/// countdown stops at what was left when it stopped; the due time moves by the pause once they supply.
/// </summary>
/// <param name="Item">The item, or <c>null</c> for the whole bundle.</param>
/// <param name="DueAt">When it is due, UTC.</param>
/// <param name="WorkingDaysLeft">Working days left, to two places; negative once overdue.</param>
/// <param name="Paused">The clock stands still because the applicant was asked for something.</param>
/// <param name="Overdue">The due time has passed while the clock ran.</param>
public sealed record Countdown(string? Item, DateTime DueAt, double WorkingDaysLeft, bool Paused, bool Overdue)
{
    /// <summary>The countdown to a due time.</summary>
    /// <param name="clock">The SLA clock.</param>
    /// <param name="item">The item, or <c>null</c> for the bundle.</param>
    /// <param name="dueAt">The due time.</param>
    /// <param name="now">Now.</param>
    /// <param name="pausedSince">When the clock stopped, if it stands still now.</param>
    /// <returns>The countdown.</returns>
    public static Countdown Of(SlaClock clock, string? item, DateTime dueAt, DateTime now, DateTime? pausedSince = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var from = pausedSince is { } stopped && stopped < now ? stopped : now;
        var left = Math.Round(clock.ElapsedWorkingDays(from, dueAt), 2, MidpointRounding.ToZero);
        return new Countdown(item, dueAt, left, pausedSince is not null, from >= dueAt);
    }
}
