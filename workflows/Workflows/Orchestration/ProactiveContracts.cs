using System.Text.Json;
using Workflows.Applications;
using Workflows.Calendar;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>Input of <see cref="ProactiveApplicationOrchestrator"/>: one register event made into an application, pinned to one template version.</summary>
/// <param name="ApplicationId">The application's id, derived from the system, the event and the template; also the bundle's instance id.</param>
/// <param name="Applicant">The event's subject, who will apply.</param>
/// <param name="TemplateVersion">The template version the application is pinned to.</param>
/// <param name="Template">A snapshot of that version; its <see cref="BundleTemplate.Proactive"/> rule is set.</param>
/// <param name="Prefilled">The form's answers taken from the event's data.</param>
/// <param name="System">The register system that sent the event.</param>
/// <param name="EventId">The system's id of the event.</param>
/// <param name="ReceivedAt">When the event was received; the confirmation deadline counts from here.</param>
/// <param name="Clock">The working-day clock the deadline is computed with.</param>
public sealed record ProactiveInput(
    string ApplicationId,
    Applicant Applicant,
    int TemplateVersion,
    BundleTemplate Template,
    IReadOnlyDictionary<string, JsonElement> Prefilled,
    string System,
    string EventId,
    DateTime ReceivedAt,
    SlaClock Clock);

/// <summary>The applicant confirms a proactive application, correcting answers and offering materials; raised on the proactive instance.</summary>
/// <param name="Answers">Answers that replace or add to the pre-filled ones.</param>
/// <param name="Materials">Materials offered, as in a submission.</param>
public sealed record ProactiveConfirmed(IReadOnlyDictionary<string, JsonElement>? Answers = null, IReadOnlyList<MaterialProvision>? Materials = null);

/// <summary>The applicant declines a proactive application; raised on the proactive instance.</summary>
/// <param name="Reason">Why, in the applicant's words.</param>
public sealed record ProactiveDeclined(string Reason);

/// <summary>Input of <see cref="Activities.CheckSubmissionActivity"/>.</summary>
/// <param name="Template">The pinned template.</param>
/// <param name="Request">The submission made of the event's answers and the applicant's confirmation.</param>
/// <param name="Now">Acceptance time (orchestration time).</param>
/// <param name="Clock">The SLA clock pinned when the event arrived, for deferral deadlines.</param>
public sealed record SubmissionCheck(BundleTemplate Template, SubmissionRequest Request, DateTime Now, SlaClock? Clock = null);

/// <summary>Output of <see cref="Activities.CheckSubmissionActivity"/>.</summary>
/// <param name="Problems">Everything wrong, once (一次告知); empty when the bundle can start.</param>
/// <param name="Answers">The normalised answers.</param>
/// <param name="Licences">Licence types the applicant holds.</param>
/// <param name="Ledger">The materials ledger.</param>
public sealed record SubmissionCheckResult(
    IReadOnlyList<SubmissionProblem> Problems, IReadOnlyDictionary<string, string> Answers, IReadOnlyList<string> Licences, IReadOnlyList<MaterialEntry> Ledger);

/// <summary>How a proactive application ended.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="Status">Expired, withdrawn (declined), or the bundle's end.</param>
/// <param name="Bundle">The bundle's outcome when it ran.</param>
public sealed record ProactiveOutcome(string ApplicationId, ApplicationStatus Status, BundleOutcome? Bundle);

/// <summary>Notification topics of proactive applications.</summary>
public static class ProactiveTopics
{
    /// <summary>A pre-filled application waits for the applicant's confirmation.</summary>
    public const string Offered = "proactive.offered";

    /// <summary>A confirmation could not be accepted; what is missing is listed once.</summary>
    public const string Refused = "proactive.refused";

    /// <summary>The application was not confirmed in time.</summary>
    public const string Expired = "proactive.expired";

    /// <summary>The bundle started without confirmation (免申即办).</summary>
    public const string Granted = "proactive.granted";
}
