using Workflows.Templates;

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

    /// <summary>A party of someone else's application is asked to confirm it (the seller of a house).</summary>
    public const string PartyConfirmationRequested = "party.confirmationRequested";

    /// <summary>A party confirmed, declined or let the deadline pass; told to the applicant.</summary>
    public const string PartyConfirmationSettled = "party.confirmationSettled";

    /// <summary>A new task for a department.</summary>
    public const string NewTask = "task.new";

    /// <summary>A task's due time is near.</summary>
    public const string Reminder = "task.reminder";

    /// <summary>A task passed its due time.</summary>
    public const string Escalation = "task.escalated";
}

/// <summary>
/// One notification in the outbox. The id is deterministic (orchestration instance and step), so a step run again
/// after a crash adds nothing and sends nothing twice. <see cref="Title"/> and <see cref="Body"/> are Chinese (the
/// default language); <see cref="TitleEn"/> and <see cref="BodyEn"/> the same in English. A row written before the
/// English members existed has them null and its Chinese members may hold both languages in one string: it is shown
/// as it is. Readers pick with <see cref="TitleIn"/> and <see cref="BodyIn"/>; channels that cannot know the
/// recipient's language send <see cref="BothTitle"/> and <see cref="BothBody"/>.
/// </summary>
/// <param name="Id">Unique and stable across re-runs, e.g. <c>{instance}:{step}</c>.</param>
/// <param name="Kind">Who it is for.</param>
/// <param name="Recipient">The applicant id or department code.</param>
/// <param name="Topic">One of <see cref="NotificationTopics"/>.</param>
/// <param name="Title">A short line, in Chinese.</param>
/// <param name="Body">What happened and what to do, in Chinese.</param>
/// <param name="At">When (orchestration time for engine notifications).</param>
/// <param name="ApplicationId">The application it is about, if any.</param>
/// <param name="ItemKey">The item it is about, if any.</param>
/// <param name="TitleEn">The title in English; null in rows written before there was one.</param>
/// <param name="BodyEn">The body in English; null in rows written before there was one.</param>
public sealed record Notification(
    string Id, RecipientKind Kind, string Recipient, string Topic, string Title, string Body, DateTime At, string? ApplicationId = null, string? ItemKey = null,
    string? TitleEn = null, string? BodyEn = null)
{
    /// <summary>What separates the Chinese body from the English one where both are sent.</summary>
    public const string BodySeparator = "\n\n---- English ----\n\n";

    /// <summary>A notification said in Chinese and English.</summary>
    /// <param name="id">Unique and stable across re-runs.</param>
    /// <param name="kind">Who it is for.</param>
    /// <param name="recipient">The applicant id or department code.</param>
    /// <param name="topic">One of <see cref="NotificationTopics"/>.</param>
    /// <param name="title">A short line in both languages.</param>
    /// <param name="body">What happened and what to do, in both languages.</param>
    /// <param name="at">When.</param>
    /// <param name="applicationId">The application it is about, if any.</param>
    /// <param name="itemKey">The item it is about, if any.</param>
    /// <returns>The notification.</returns>
    public static Notification Of(
        string id, RecipientKind kind, string recipient, string topic, LocalText title, LocalText body, DateTime at, string? applicationId = null, string? itemKey = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(body);
        return new(id, kind, recipient, topic, title.Zh, body.Zh, at, applicationId, itemKey, title.En, body.En);
    }

    /// <summary>The title in a language: the English one when asked for and there is one, else the stored one.</summary>
    /// <param name="english">Whether the reader asked for English.</param>
    /// <returns>The title.</returns>
    public string TitleIn(bool english) => english && !string.IsNullOrWhiteSpace(TitleEn) ? TitleEn : Title;

    /// <summary>The body in a language: the English one when asked for and there is one, else the stored one.</summary>
    /// <param name="english">Whether the reader asked for English.</param>
    /// <returns>The body.</returns>
    public string BodyIn(bool english) => english && !string.IsNullOrWhiteSpace(BodyEn) ? BodyEn : Body;

    /// <summary>The title in both languages, Chinese first, separated by " / " (one line, for a mail subject).</summary>
    /// <returns>The title.</returns>
    /// <remarks>A method, not a property, so no serializer writes it into the stored record or an activity's input.</remarks>
    public string BothTitle() => string.IsNullOrWhiteSpace(TitleEn) ? Title : $"{Title} / {TitleEn}";

    /// <summary>The body in both languages, Chinese first, then <see cref="BodySeparator"/> and the English.</summary>
    /// <returns>The body.</returns>
    public string BothBody() => string.IsNullOrWhiteSpace(BodyEn) ? Body : Body + BodySeparator + BodyEn;
}
