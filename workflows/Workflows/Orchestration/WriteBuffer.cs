using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>
/// The writes an orchestrator makes between its waits and does together before the next one: audit entries,
/// notifications and, for an item, the latest state of its decision task. Each activity costs the task hub several
/// storage requests, so they go in one. Plain and deterministic: the ids come from the buffer's own counters and the
/// times from the orchestration's clock, so a replay or a re-run after a crash makes the same entries. It schedules
/// nothing; each orchestrator writes what it takes with the activity its histories hold (ADR 0004, ADR 0029).
/// </summary>
/// <remarks>
/// The ids are the ones each orchestrator wrote before the buffer existed, and must stay so (instances in flight
/// replay their activities' inputs): see the factories.
/// </remarks>
public sealed class WriteBuffer
{
    readonly List<AuditEntry> audit = [];
    readonly List<Notification> notifications = [];
    readonly string subject;
    readonly string steps;
    readonly string notices;
    readonly string? itemKey;
    // The proactive instance numbered its notices with its audit steps, one counter for both.
    readonly bool noticesCountSteps;
    readonly Func<DateTime> now;
    int step;
    int notice;
    // The decision task's revision (TaskRecord.Revision), counted like the steps so a replay counts the same.
    long revision;

    WriteBuffer(string subject, string steps, string notices, string? itemKey, bool noticesCountSteps, Func<DateTime> now)
    {
        ArgumentNullException.ThrowIfNull(now);
        this.subject = subject;
        this.steps = steps;
        this.notices = notices;
        this.itemKey = itemKey;
        this.noticesCountSteps = noticesCountSteps;
        this.now = now;
    }

    /// <summary>An item's writes: steps <c>{itemKey}:000</c>, notices <c>{instanceId}:n000</c>, each on its own counter.</summary>
    /// <param name="applicationId">The application: the entries' subject and the notices' application.</param>
    /// <param name="itemKey">The item: the steps' prefix and the notices' item.</param>
    /// <param name="instanceId">The item's instance id, the notices' prefix.</param>
    /// <param name="now">The orchestration's clock.</param>
    /// <returns>An empty buffer.</returns>
    public static WriteBuffer ForItem(string applicationId, string itemKey, string instanceId, Func<DateTime> now) =>
        new(applicationId, $"{itemKey}:", $"{instanceId}:n", itemKey, noticesCountSteps: false, now);

    /// <summary>A bundle's writes: steps <c>bundle:000</c>, notices named <c>{applicationId}:{name}</c>.</summary>
    /// <param name="applicationId">The application, also the bundle's instance id.</param>
    /// <param name="now">The orchestration's clock.</param>
    /// <returns>An empty buffer.</returns>
    public static WriteBuffer ForBundle(string applicationId, Func<DateTime> now) =>
        new(applicationId, "bundle:", $"{applicationId}:", null, noticesCountSteps: false, now);

    /// <summary>A proactive instance's writes: steps <c>proactive:000</c> and notices <c>{instanceId}:001</c> on one counter.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="instanceId">The proactive instance's id, the notices' prefix.</param>
    /// <param name="now">The orchestration's clock.</param>
    /// <returns>An empty buffer.</returns>
    public static WriteBuffer ForProactive(string applicationId, string instanceId, Func<DateTime> now) =>
        new(applicationId, "proactive:", $"{instanceId}:", null, noticesCountSteps: true, now);

    /// <summary>A stuck case's writes: steps named <c>case:{name}</c>, notices named <c>{caseId}:{name}</c>.</summary>
    /// <param name="applicationId">The application reported.</param>
    /// <param name="caseId">The case.</param>
    /// <param name="now">The orchestration's clock.</param>
    /// <returns>An empty buffer.</returns>
    public static WriteBuffer ForCase(string applicationId, string caseId, Func<DateTime> now) =>
        new(applicationId, "case:", $"{caseId}:", null, noticesCountSteps: false, now);

    /// <summary>Whether nothing waits to be written.</summary>
    public bool IsEmpty => audit.Count == 0 && notifications.Count == 0 && DecisionTask is null;

    /// <summary>The decision task's latest state not written yet, or null.</summary>
    public TaskRecord? DecisionTask { get; private set; }

    /// <summary>
    /// An audit entry under the next step id, made now but not held: for an entry that goes in a write of its own.
    /// The detail is the Chinese (or data, or a person's words) and <paramref name="detailEn"/> the English when the
    /// engine wrote it (ADR 0016).
    /// </summary>
    /// <param name="actor">Who acted.</param>
    /// <param name="action">What happened.</param>
    /// <param name="before">The state before, if any.</param>
    /// <param name="after">The state after, if any.</param>
    /// <param name="detail">The detail.</param>
    /// <param name="detailEn">The detail in English, if the engine wrote it.</param>
    /// <returns>The entry.</returns>
    public AuditEntry Entry(string actor, string action, string? before, string? after, string? detail, string? detailEn = null) =>
        new(subject, $"{steps}{step++:D3}", now(), actor, action, before, after, detail, detailEn);

    /// <summary>Holds an audit entry under the next step id, with the time it is made (not the time it is written).</summary>
    /// <param name="actor">Who acted.</param>
    /// <param name="action">What happened.</param>
    /// <param name="before">The state before, if any.</param>
    /// <param name="after">The state after, if any.</param>
    /// <param name="detail">The detail.</param>
    /// <param name="detailEn">The detail in English, if the engine wrote it.</param>
    public void Audit(string actor, string action, string? before, string? after, string? detail, string? detailEn = null) =>
        audit.Add(Entry(actor, action, before, after, detail, detailEn));

    /// <summary>Holds an audit entry under a named step (a stuck case has one entry per step it names).</summary>
    /// <param name="name">The step's name, after the buffer's prefix.</param>
    /// <param name="actor">Who acted.</param>
    /// <param name="action">What happened.</param>
    /// <param name="before">The state before, if any.</param>
    /// <param name="after">The state after, if any.</param>
    /// <param name="detail">The detail.</param>
    /// <param name="detailEn">The detail in English, if the engine wrote it.</param>
    public void AuditAs(string name, string actor, string action, string? before, string? after, string? detail, string? detailEn = null) =>
        audit.Add(new(subject, $"{steps}{name}", now(), actor, action, before, after, detail, detailEn));

    /// <summary>Holds entries made elsewhere under their own ids (a rule item its bundle decided), in their order.</summary>
    /// <param name="entries">The entries.</param>
    public void Add(IEnumerable<AuditEntry> entries) => audit.AddRange(entries);

    /// <summary>The next numbered notice id (an item's <c>{instanceId}:n000</c>, a proactive instance's <c>{instanceId}:000</c>).</summary>
    /// <returns>The id.</returns>
    public string NextNoticeId() => $"{notices}{(noticesCountSteps ? step++ : notice++):D3}";

    /// <summary>Holds a notification under the next numbered id. Both languages are written.</summary>
    /// <param name="kind">Who it is for.</param>
    /// <param name="recipient">The applicant id or department code.</param>
    /// <param name="topic">One of <see cref="NotificationTopics"/> or a feature's own.</param>
    /// <param name="title">The title.</param>
    /// <param name="body">The body.</param>
    public void Notify(RecipientKind kind, string recipient, string topic, LocalText title, LocalText body) =>
        notifications.Add(Notification.Of(NextNoticeId(), kind, recipient, topic, title, body, now(), subject, itemKey));

    /// <summary>A notification named for what happened, made now but not held: for one that goes in a write of its own.</summary>
    /// <param name="name">What happened, after the buffer's prefix; a replay or a re-run names it the same, so it is sent once.</param>
    /// <param name="kind">Who it is for.</param>
    /// <param name="recipient">The applicant id or department code.</param>
    /// <param name="topic">One of <see cref="NotificationTopics"/> or a feature's own.</param>
    /// <param name="title">The title.</param>
    /// <param name="body">The body.</param>
    /// <returns>The notification.</returns>
    public Notification NoticeAs(string name, RecipientKind kind, string recipient, string topic, LocalText title, LocalText body) =>
        Notification.Of($"{notices}{name}", kind, recipient, topic, title, body, now(), subject, itemKey);

    /// <summary>Holds a notification named for what happened.</summary>
    /// <param name="name">What happened, after the buffer's prefix.</param>
    /// <param name="kind">Who it is for.</param>
    /// <param name="recipient">The applicant id or department code.</param>
    /// <param name="topic">One of <see cref="NotificationTopics"/> or a feature's own.</param>
    /// <param name="title">The title.</param>
    /// <param name="body">The body.</param>
    public void NotifyAs(string name, RecipientKind kind, string recipient, string topic, LocalText title, LocalText body) =>
        notifications.Add(NoticeAs(name, kind, recipient, topic, title, body));

    /// <summary>Holds a notification made elsewhere under its own id.</summary>
    /// <param name="made">The notification.</param>
    public void Add(Notification made) => notifications.Add(made);

    /// <summary>Holds notifications made elsewhere under their own ids, in their order.</summary>
    /// <param name="made">The notifications.</param>
    public void Add(IEnumerable<Notification> made) => notifications.AddRange(made);

    /// <summary>
    /// Holds the decision task's new state under the next revision, replacing one not written yet: an earlier state
    /// that no wait separated from it was never there to see, and a write re-run after a crash never replaces a later one.
    /// </summary>
    /// <param name="record">The task's state.</param>
    /// <returns>The state as held, with its revision.</returns>
    public TaskRecord SetTask(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return DecisionTask = record with { Revision = ++revision };
    }

    /// <summary>What waits to be written, copied; the buffer keeps it until <see cref="Clear"/>, so a write that failed can be done again.</summary>
    /// <returns>The pending writes.</returns>
    public PendingWrites Peek() => new([.. audit], [.. notifications], DecisionTask);

    /// <summary>Forgets what was written (the counters go on).</summary>
    public void Clear()
    {
        audit.Clear();
        notifications.Clear();
        DecisionTask = null;
    }

    /// <summary>What waits to be written, and the buffer emptied.</summary>
    /// <returns>The pending writes.</returns>
    public PendingWrites Take()
    {
        var pending = Peek();
        Clear();
        return pending;
    }
}

/// <summary>The writes a <see cref="WriteBuffer"/> held, as one activity takes them.</summary>
/// <param name="Audit">The audit entries, in the order they were made; may be empty.</param>
/// <param name="Notifications">The notifications, in the order they were made; may be empty.</param>
/// <param name="DecisionTask">The decision task's latest state, or null.</param>
public sealed record PendingWrites(IReadOnlyList<AuditEntry> Audit, IReadOnlyList<Notification> Notifications, TaskRecord? DecisionTask)
{
    /// <summary>Whether there is an entry or a notification to write.</summary>
    public bool HasEntries => Audit.Count > 0 || Notifications.Count > 0;

    /// <summary>The notifications, or null when there are none: what the item's and the bundle's writes carry then.</summary>
    public IReadOnlyList<Notification>? NotificationsOrNull => Notifications.Count == 0 ? null : Notifications;
}
