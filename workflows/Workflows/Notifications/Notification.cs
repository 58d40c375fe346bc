namespace Workflows.Notifications;

/// <summary>Who a notification is for.</summary>
public enum RecipientKind
{
    /// <summary>A citizen or company (recipient = applicant id).</summary>
    Applicant,

    /// <summary>A department's officers (recipient = department code).</summary>
    Department,

    /// <summary>A department's supervisors, for escalations (recipient = department code).</summary>
    Supervisor,

    /// <summary>The administrators (recipient = <c>admin</c>).</summary>
    Administrators,
}

/// <summary>The topics notifications are about; stable strings clients can switch on.</summary>
public static class NotificationTopics
{
    /// <summary>The application was accepted.</summary>
    public const string Accepted = "application.accepted";

    /// <summary>A submission was refused, with the one notice of everything missing.</summary>
    public const string Refused = "application.refused";

    /// <summary>The application ended (completed, partly, rejected or withdrawn).</summary>
    public const string Ended = "application.ended";

    /// <summary>An officer asked the applicant for materials.</summary>
    public const string SupplementRequested = "supplement.requested";

    /// <summary>The applicant supplied what an officer asked for (to the department).</summary>
    public const string SupplementProvided = "supplement.provided";

    /// <summary>A commitment (告知承诺) failed its verification (to the applicant).</summary>
    public const string CommitmentFailed = "commitment.failed";

    /// <summary>An application's state could not be saved, or is saved again after such a fault (to administrators).</summary>
    public const string SaveFault = "application.saveFault";

    /// <summary>An item was decided.</summary>
    public const string ItemDecided = "item.decided";

    /// <summary>A material accepted as missing is due soon.</summary>
    public const string DeferredDueSoon = "deferred.dueSoon";

    /// <summary>The applicant is invited to rate.</summary>
    public const string RatingInvited = "rating.invited";

    /// <summary>A new task for a department.</summary>
    public const string NewTask = "task.new";

    /// <summary>A task's due time is near.</summary>
    public const string Reminder = "task.reminder";

    /// <summary>A task passed its due time.</summary>
    public const string Escalation = "task.escalated";
}

/// <summary>
/// One notification in the outbox. The id is deterministic (orchestration instance and step), so a step run again
/// after a crash adds nothing and sends nothing twice.
/// </summary>
/// <param name="Id">Unique and stable across re-runs, e.g. <c>{instance}:{step}</c>.</param>
/// <param name="Kind">Who it is for.</param>
/// <param name="Recipient">The applicant id or department code.</param>
/// <param name="Topic">One of <see cref="NotificationTopics"/>.</param>
/// <param name="Title">A short line.</param>
/// <param name="Body">What happened and what to do.</param>
/// <param name="At">When (orchestration time for engine notifications).</param>
/// <param name="ApplicationId">The application it is about, if any.</param>
/// <param name="ItemKey">The item it is about, if any.</param>
public sealed record Notification(
    string Id, RecipientKind Kind, string Recipient, string Topic, string Title, string Body, DateTime At, string? ApplicationId = null, string? ItemKey = null);
