using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>Where an application stands, for the people who track it.</summary>
public enum ApplicationStatus
{
    /// <summary>Accepted; items are being decided.</summary>
    InProgress,

    /// <summary>Every included item approved.</summary>
    Completed,

    /// <summary>Ended with some items approved and some not.</summary>
    PartiallyCompleted,

    /// <summary>Ended with no item approved.</summary>
    Rejected,

    /// <summary>Withdrawn by the applicant.</summary>
    Withdrawn,

    /// <summary>Started by a register event, pre-filled; waits for the applicant to confirm (无感申办).</summary>
    AwaitingConfirmation,

    /// <summary>A proactive application the applicant did not confirm by its deadline.</summary>
    Expired,

    /// <summary>Cancelled by an administrator (not the applicant's doing).</summary>
    Cancelled,

    /// <summary>A proactive application the applicant declined before it started.</summary>
    Declined,
}

/// <summary>One item as the applicant and administrators see it.</summary>
/// <param name="Key">The item's key.</param>
/// <param name="Name">The item's name.</param>
/// <param name="Department">The deciding department.</param>
/// <param name="State">Where it stands.</param>
/// <param name="DueAt">When a decision is due, once started.</param>
/// <param name="DecidedBy">Who or what decided.</param>
/// <param name="Reason">The reason or rationale.</param>
/// <param name="Outputs">What it issued.</param>
/// <param name="Revoked">For an approved item whose commitment (告知承诺) failed its verification where the template
/// revokes the item: why its result was revoked. Shown from the closed verification task, not stored in the record.</param>
/// <param name="ReasonEn">The engine's reason in English, stored beside <paramref name="Reason"/>; answers carry one
/// <c>reason</c> in the request's language (<see cref="Api.EngineText"/>) and never this member.</param>
public sealed record ItemView(
    string Key,
    string Name,
    string Department,
    ItemState State,
    DateTime? DueAt = null,
    string? DecidedBy = null,
    string? Reason = null,
    IReadOnlyDictionary<string, string>? Outputs = null,
    string? Revoked = null,
    string? ReasonEn = null);

/// <summary>The application read model: one row per application, rewritten as it moves.</summary>
/// <param name="ApplicationId">The application (and bundle instance) id.</param>
/// <param name="Applicant">Who applied.</param>
/// <param name="TemplateKey">The template.</param>
/// <param name="TemplateVersion">The pinned version.</param>
/// <param name="TemplateName">The bundle's name.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="SubmittedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When it last changed (orchestration time).</param>
/// <param name="Items">Every item of the template.</param>
/// <param name="Materials">The materials ledger.</param>
/// <param name="DueAt">When the whole bundle is due (its committed working days from submission, on the pinned calendar).</param>
/// <param name="Revision">The writing orchestration's save counter (1, 2, 3...). With <paramref name="UpdatedAt"/> it orders
/// the states: a stored row later by (UpdatedAt, Revision) is never replaced by an earlier one, so a save re-run after
/// a crash cannot take the application back in time. 0 for rows written before revisions.</param>
/// <param name="Parties">The parties other than the applicant and where each one's confirmation stands; null when the
/// application names none (and in rows written before parties).</param>
public sealed record ApplicationRecord(
    string ApplicationId,
    Applicant Applicant,
    string TemplateKey,
    int TemplateVersion,
    string TemplateName,
    ApplicationStatus Status,
    DateTime SubmittedAt,
    DateTime UpdatedAt,
    IReadOnlyList<ItemView> Items,
    IReadOnlyList<MaterialEntry> Materials,
    DateTime? DueAt = null,
    long Revision = 0,
    IReadOnlyList<PartyStanding>? Parties = null);

/// <summary>Where a party's confirmation stands.</summary>
public enum PartyConfirmationStatus
{
    /// <summary>Asked, not answered yet, the deadline not passed.</summary>
    Awaiting,

    /// <summary>The party confirmed.</summary>
    Confirmed,

    /// <summary>The party declined.</summary>
    Declined,

    /// <summary>The deadline passed without an answer.</summary>
    Expired,
}

/// <summary>A party of an application and, when the template asks them to confirm, where that stands.</summary>
/// <param name="Role">The role.</param>
/// <param name="Id">Who.</param>
/// <param name="Name">Their name.</param>
/// <param name="Kind">Citizen or company.</param>
/// <param name="Label">The role as people read it, in Chinese.</param>
/// <param name="LabelEn">The role in English; null: the Chinese.</param>
/// <param name="Confirmation">Where their confirmation stands; null when they need not confirm.</param>
/// <param name="DueAt">When the confirmation is due.</param>
/// <param name="At">When it was given, declined or missed.</param>
/// <param name="Reason">A declination's reason, in the party's words.</param>
public sealed record PartyStanding(
    string Role, string Id, string Name, ApplicantKind Kind, string Label, string? LabelEn = null, PartyConfirmationStatus? Confirmation = null,
    DateTime? DueAt = null, DateTime? At = null, string? Reason = null);

/// <summary>A confirmation asked of the caller as a party of someone else's application (GET /api/confirmations).</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="TemplateKey">Its bundle.</param>
/// <param name="TemplateName">The bundle's name.</param>
/// <param name="ApplicantName">Who applied.</param>
/// <param name="ApplicationStatus">Where the application stands.</param>
/// <param name="Role">The caller's role in it.</param>
/// <param name="RoleLabel">The role as people read it, in the request's language.</param>
/// <param name="Status">Where the caller's confirmation stands.</param>
/// <param name="DueAt">When it is due.</param>
/// <param name="At">When it was given, declined or missed.</param>
/// <param name="Countdown">While it is awaited and the application runs: the working days left to answer; null otherwise.</param>
public sealed record PartyConfirmationView(
    string ApplicationId, string TemplateKey, string TemplateName, string ApplicantName, ApplicationStatus ApplicationStatus, string Role, string RoleLabel,
    PartyConfirmationStatus Status, DateTime? DueAt, DateTime? At, Countdown? Countdown = null);

/// <summary>A confirmation asked of a party, as stored in their partition: the application's summary and their standing.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="TemplateKey">Its bundle.</param>
/// <param name="TemplateName">The bundle's name.</param>
/// <param name="ApplicantName">Who applied.</param>
/// <param name="ApplicationStatus">Where the application stood at its last save.</param>
/// <param name="Party">The party and their confirmation.</param>
public sealed record PartyConfirmationRow(
    string ApplicationId, string TemplateKey, string TemplateName, string ApplicantName, ApplicationStatus ApplicationStatus, PartyStanding Party);
