using Workflows.Assisted;
using Workflows.Audit;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tasks;
/// <summary>A task in an officer's list or view.</summary>
/// <param name="Task">The task.</param>
/// <param name="ClaimedBy">Who claimed it.</param>
/// <param name="DecisionPending">Whether a decision was taken and is being delivered.</param>
/// <param name="ETag">Send this in If-Match to claim, release or decide.</param>
public sealed record TaskView(TaskRecord Task, string? ClaimedBy, bool DecisionPending, string? ETag);

/// <summary>A decision taken and on its way to the item (202).</summary>
/// <param name="TaskId">The task; its view (the <c>Location</c>) shows <c>decisionPending</c> until the item acts on it.</param>
/// <param name="DecisionId">The decision's id, as the audit trail names it.</param>
/// <param name="ApplicationId">The application.</param>
/// <param name="ETag">The task's ETag now (also the <c>ETag</c> header).</param>
public sealed record DecisionAccepted(string TaskId, string DecisionId, string ApplicationId, string ETag);

/// <summary>An officer's decision.</summary>
/// <param name="Kind">approve, reject or requestSupplement.</param>
/// <param name="Reason">Required for reject and requestSupplement.</param>
/// <param name="Materials">For requestSupplement: the materials asked for.</param>
public sealed record DecisionRequest(DecisionKind Kind, string? Reason = null, List<string>? Materials = null);

/// <summary>The part of an application a task needs.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="Applicant">Who applied.</param>
/// <param name="Item">The item the task decides.</param>
/// <param name="Answers">The answers to the fields the item uses.</param>
/// <param name="Materials">The materials the item needs, with how each is satisfied.</param>
/// <param name="PriorOutputs">Outputs of the items it depends on.</param>
/// <param name="Assisted">For an application staff filed with the applicant's consent (帮办代办): who filed it, the consent and when.</param>
/// <param name="TemplateVersion">The template version the application is pinned to, which <paramref name="Form"/> and <paramref name="Labels"/> come from.</param>
/// <param name="Form">The fields the item uses, as the application's own template version defines and labels them.</param>
/// <param name="History">The item's history from the audit trail, oldest first: started, rules, supplements, reminders, decisions.</param>
/// <param name="Labels">What people read for every code the page mentions, from the application's own template version, in the request's language.</param>
public sealed record TaskApplicationView(
    string ApplicationId, Applicant Applicant, ItemDefinition Item, IReadOnlyDictionary<string, string> Answers, IReadOnlyList<MaterialEntry> Materials,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> PriorOutputs, AssistedFilingView? Assisted = null,
    int? TemplateVersion = null, IReadOnlyList<FieldDefinition>? Form = null, IReadOnlyList<AuditEntry>? History = null,
    IReadOnlyDictionary<string, string>? Labels = null);
