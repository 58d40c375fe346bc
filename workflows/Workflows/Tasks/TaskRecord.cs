namespace Workflows.Tasks;

/// <summary>Where an officer's task stands.</summary>
public enum OfficerTaskStatus
{
    /// <summary>Waiting for the department's decision.</summary>
    Open,

    /// <summary>Waiting for the applicant to supply materials; the department's clock is stopped.</summary>
    AwaitingApplicant,

    /// <summary>Decided or cancelled.</summary>
    Closed,
}

/// <summary>What kind of work a task is.</summary>
public enum TaskKind
{
    /// <summary>Decide an item.</summary>
    Decision,

    /// <summary>Verify a commitment an item was approved on (告知承诺 check).</summary>
    Verification,

    /// <summary>Answer a bad rating in writing (好差评 follow-up); closed only by a response, never by a decision.</summary>
    FollowUp,
}

/// <summary>One task in a department's list.</summary>
/// <param name="Department">The department.</param>
/// <param name="TaskId">The task's id: the item instance id, with a suffix for a verification.</param>
/// <param name="Kind">Decision or verification.</param>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemKey">The item.</param>
/// <param name="ItemName">The item's name.</param>
/// <param name="TemplateKey">The bundle template.</param>
/// <param name="ApplicantId">Who applied.</param>
/// <param name="ApplicantName">The applicant's name.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="OpenedAt">When it was opened or last changed status (for a task awaiting the applicant: when they were asked).</param>
/// <param name="DueAt">When it is due.</param>
/// <param name="Outcome">Once closed: approved, rejected or cancelled.</param>
/// <param name="DecidedBy">Once closed: who decided.</param>
/// <param name="Note">The latest reason, supplement request or commitment text: the engine's words in Chinese (an older
/// row's in English), a person's as written.</param>
/// <param name="Escalated">True once the current due time passed without a decision (the supervisor was told); an extension clears it.</param>
/// <param name="SupplementRequestId">While the task awaits the applicant: the id of the officer's request, which the
/// applicant's supplement must name.</param>
/// <param name="SupplementMaterials">While the task awaits the applicant: the materials asked for.</param>
/// <param name="NoteEn">The English of <paramref name="Note"/> when the engine wrote it; null for a person's words and
/// for rows written before (ADR 0016: answered as <c>note</c> in the request's language, never by itself).</param>
/// <param name="SupplementReason">While the task awaits the applicant: the officer's reason, as written.</param>
/// <param name="SupplementAskedAt">While the task awaits the applicant: when the officer asked.</param>
/// <param name="Reminded">For a task no orchestration keeps time for (a verification, a follow-up): the department was reminded of the current due time.</param>
/// <param name="Revision">The writer's step: an item counts its task's states 1, 2, 3...; a stored task of a higher
/// revision is never replaced by a lower one (a re-run of an old step after a crash changes nothing). 0 for tasks
/// written before revisions and by writers outside the engine that keep the engine's revision.</param>
public sealed record TaskRecord(
    string Department,
    string TaskId,
    TaskKind Kind,
    string ApplicationId,
    string ItemKey,
    string ItemName,
    string TemplateKey,
    string ApplicantId,
    string ApplicantName,
    OfficerTaskStatus Status,
    DateTime OpenedAt,
    DateTime DueAt,
    string? Outcome = null,
    string? DecidedBy = null,
    string? Note = null,
    bool Escalated = false,
    bool Reminded = false,
    long Revision = 0,
    string? SupplementRequestId = null,
    IReadOnlyList<string>? SupplementMaterials = null,
    string? NoteEn = null,
    string? SupplementReason = null,
    DateTime? SupplementAskedAt = null);
