using System.Text.Json;
using Workflows.Orchestration;

namespace Workflows.Applications;

/// <summary>How the applicant offers a material.</summary>
public enum ProvisionKind
{
    /// <summary>An uploaded file (the reference names its blob).</summary>
    Upload,

    /// <summary>A signed commitment in place of the material (告知承诺).</summary>
    Commitment,

    /// <summary>Supplied later, within the template's deadline (容缺).</summary>
    Defer,
}

/// <summary>One material as the applicant offers it.</summary>
/// <param name="Key">The material's key.</param>
/// <param name="Kind">Upload, commitment or deferral.</param>
/// <param name="Reference">For an upload: the stored blob's name.</param>
public sealed record MaterialProvision(string Key, ProvisionKind Kind, string? Reference = null);

/// <summary>One application as submitted: the one form and the one set of materials.</summary>
/// <param name="TemplateKey">Which bundle.</param>
/// <param name="Applicant">Who applies.</param>
/// <param name="Answers">The form's answers by field key, as JSON values.</param>
/// <param name="Materials">Materials offered; those held as licences or produced by items need no entry.</param>
public sealed record SubmissionRequest(
    string TemplateKey,
    Applicant Applicant,
    IReadOnlyDictionary<string, JsonElement> Answers,
    IReadOnlyList<MaterialProvision> Materials);

/// <summary>One thing wrong with a submission, located by field or material.</summary>
/// <param name="Path">Where: <c>answers.KEY</c>, <c>materials.KEY</c> or <c>templateKey</c>.</param>
/// <param name="Code">A stable code, e.g. <c>material.missing</c>.</param>
/// <param name="Message">What is wrong and how to put it right.</param>
/// <param name="Departments">For a missing material: the departments whose items need it.</param>
public sealed record SubmissionProblem(string Path, string Code, string Message, IReadOnlyList<string>? Departments = null);

/// <summary>What the planner makes of a submission: the normalised answers and the materials ledger, or the one notice.</summary>
/// <param name="Problems">Everything wrong, across all departments (一次告知); empty when the application can start.</param>
/// <param name="Answers">The answers normalised to invariant text.</param>
/// <param name="Ledger">For every material an included item needs, how it is satisfied.</param>
public sealed record SubmissionPlan(
    IReadOnlyList<SubmissionProblem> Problems,
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlyList<MaterialEntry> Ledger)
{
    /// <summary>Whether the application can start.</summary>
    public bool Accepted => Problems.Count == 0;
}
