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
/// <param name="Parties">The parties other than the applicant by role, as the template declares them; absent: none named.</param>
public sealed record SubmissionRequest(
    string TemplateKey,
    Applicant Applicant,
    IReadOnlyDictionary<string, JsonElement> Answers,
    IReadOnlyList<MaterialProvision> Materials,
    IReadOnlyDictionary<string, PartyIdentity>? Parties = null);

/// <summary>Who a party of an application is, as the submission names them.</summary>
/// <param name="Id">Their identity, as an applicant's (the account they sign in with; a company's id).</param>
/// <param name="Name">Their name.</param>
public sealed record PartyIdentity(string Id, string Name);

/// <summary>One thing wrong with a submission, located by field or material.</summary>
/// <param name="Path">Where: <c>answers.KEY</c>, <c>materials.KEY</c> or <c>templateKey</c>.</param>
/// <param name="Code">A stable code, e.g. <c>material.missing</c>.</param>
/// <param name="Message">What is wrong and how to put it right, in Chinese (in a problem made before there was English, the one
/// English text).</param>
/// <param name="Departments">For a missing material: the departments whose items need it.</param>
/// <param name="MessageEn">The same in English; null in a problem made before there was English.</param>
public sealed record SubmissionProblem(string Path, string Code, string Message, IReadOnlyList<string>? Departments = null, string? MessageEn = null)
{
    /// <summary>A problem said in Chinese and English.</summary>
    /// <param name="path">Where.</param>
    /// <param name="code">A stable code.</param>
    /// <param name="zh">What is wrong, in Chinese.</param>
    /// <param name="en">What is wrong, in English.</param>
    /// <param name="departments">For a missing material: the departments whose items need it.</param>
    /// <returns>The problem.</returns>
    public static SubmissionProblem Of(string path, string code, string zh, string en, IReadOnlyList<string>? departments = null) =>
        new(path, code, zh, departments, en);

    /// <summary>The problem as the API says it, in the request's language.</summary>
    /// <returns>The located error.</returns>
    public Api.ApiError ToApiError() => new(Path, Code, Api.ApiLanguage.Pick(Message, MessageEn), Departments);
}

/// <summary>What the planner makes of a submission: the normalised answers and the materials ledger, or the one notice.</summary>
/// <param name="Problems">Everything wrong, across all departments (一次告知); empty when the application can start.</param>
/// <param name="Answers">The answers normalised to invariant text.</param>
/// <param name="Ledger">For every material an included item needs, how it is satisfied.</param>
/// <param name="Parties">The parties other than the applicant the application names (or the applicant standing in for
/// one); empty when the template declares none.</param>
public sealed record SubmissionPlan(
    IReadOnlyList<SubmissionProblem> Problems,
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlyList<MaterialEntry> Ledger,
    IReadOnlyList<BundleParty>? Parties = null)
{
    /// <summary>Whether the application can start.</summary>
    public bool Accepted => Problems.Count == 0;
}
