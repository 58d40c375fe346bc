using Workflows.Templates;
using Microsoft.AspNetCore.Http;
using Workflows.Api;

namespace Workflows.Applications;

/// <summary>The pre-submit check's answer when nothing is missing.</summary>
/// <param name="Ready">Always true: a submit of the same body would be accepted now.</param>
public sealed record SubmissionCheckResponse(bool Ready);

/// <summary>
/// The pre-submit check (<c>POST /api/applications/check</c>): the body of a submit, checked exactly as a submit checks
/// it (<see cref="SubmitRequestShape"/>, then <see cref="ApplicationService.CheckAsync"/>, the check assisted filing
/// uses), answering the same one notice (422 <c>submission-refused</c>, everything missing listed once) or 200 when a
/// submit would be accepted. It starts nothing and writes nothing: no application, no idempotency claim, no
/// notification of a refusal.
/// </summary>
/// <param name="applications">The application service.</param>
public sealed class SubmissionCheckApi(ApplicationService applications)
{
    /// <summary>Checks a submission for the caller.</summary>
    /// <param name="caller">The caller (an applicant).</param>
    /// <param name="body">The submission as it would be sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 when ready; 400 for a malformed body; 404 for a bundle not open; 422 with the one notice.</returns>
    public async Task<IResult> CheckAsync(Caller caller, SubmitRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(caller);
        if (SubmitRequestShape.Problems(body) is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        var problems = await applications.CheckAsync(new SubmissionRequest(body.TemplateKey, caller.AsApplicant(), body.Answers, body.Materials ?? [], body.Parties), cancellationToken);
        return problems.Count == 0 ? Results.Ok(new SubmissionCheckResponse(true)) : SubmitRequestShape.Refusal(problems);
    }
}

/// <summary>What a submit and the pre-submit check both refuse before the bundle's rules are asked, and how both word a refusal.</summary>
public static class SubmitRequestShape
{
    /// <summary>The located problems of a submission's shape: no bundle named, a material without a key, a material offered twice.</summary>
    /// <param name="body">The submission.</param>
    /// <returns>The problems; empty when the shape is right.</returns>
    public static List<ApiError> Problems(SubmitRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new List<ApiError>();
        if (string.IsNullOrWhiteSpace(body.TemplateKey))
        {
            errors.Add(new ApiError("templateKey", "field.required", "请指明要办的一件事。", "Name the bundle."));
        }

        var materials = body.Materials ?? [];
        for (var i = 0; i < materials.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(materials[i].Key))
            {
                errors.Add(new ApiError($"materials[{i}].key", "field.required", "请指明材料。", "Name the material."));
            }
        }

        foreach (var (role, party) in body.Parties ?? [])
        {
            if (party is null)
            {
                errors.Add(new ApiError($"parties.{role}", "field.required", "请写明该当事人的身份标识（id）和姓名（name）。", "Give the party's id and name."));
            }
        }

        foreach (var duplicate in materials.GroupBy(m => m.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new ApiError($"materials.{duplicate.Key}", "material.duplicate", "每份材料只提供一次。", "Offer each material once."));
        }

        return errors;
    }

    /// <summary>The answer to a submission the bundle's rules refuse: 404 for a bundle not open, else the one notice (422).</summary>
    /// <param name="problems">Every problem the check found.</param>
    /// <returns>The response.</returns>
    public static IResult Refusal(IReadOnlyList<SubmissionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Any(p => p.Code == "template.unknown")
            ? ApiProblems.NotFound("bundle")
            : ApiProblems.Refused(ProblemCodes.SubmissionRefused, new LocalText("申请暂不能受理；所缺的一切已一次列出。", "The application cannot be accepted yet; everything missing is listed once."),
                [.. problems.Select(p => p.ToApiError())]);
    }
}
