namespace Workflows.Templates;

/// <summary>
/// Proactive service (无感申办 / 免申即办): an event recorded by an outside register (a birth recorded by the
/// hospital) starts a pre-filled application of the bundle for the event's subject, who confirms it within a
/// deadline, or, for bundles granted without confirmation, the bundle starts at once.
/// </summary>
/// <param name="System">The register system (a catalog system code) whose signed events may start it; no other system can.</param>
/// <param name="Event">The event type, e.g. <c>birth-recorded</c>.</param>
/// <param name="ConfirmWithinDays">Working days the applicant has to confirm before the application expires.</param>
/// <param name="GrantWithoutConfirmation">Start the bundle at once when the event's data make a complete application.</param>
/// <param name="AnswersFrom">Form field key to the key of the event's data that pre-fills it.</param>
public sealed record ProactiveRule(
    string System,
    string Event,
    int ConfirmWithinDays,
    bool GrantWithoutConfirmation = false,
    IReadOnlyDictionary<string, string>? AnswersFrom = null);
