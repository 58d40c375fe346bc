using Workflows.Orchestration;

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
    long Revision = 0);
