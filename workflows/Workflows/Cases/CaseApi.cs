using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Applications;

namespace Workflows.Cases;

/// <summary>A report that an application is stuck.</summary>
/// <param name="Description">What is stuck; required, at most 1000 characters.</param>
public sealed record StuckReportRequest(string Description);

/// <summary>The case a report opened.</summary>
/// <param name="CaseId">The case id.</param>
public sealed record StuckReportResponse(string CaseId);

/// <summary>An administrator's resolution of a case.</summary>
/// <param name="Text">What was done; the applicant is sent it. Required, at most 2000 characters.</param>
public sealed record CaseResolutionRequest(string Text);

/// <summary>The HTTP side of stuck cases (办不成事): the applicant reports; administrators list and resolve.</summary>
public sealed class CaseApi(CaseService service, CaseStore cases, ApplicantApplications applications)
{
    /// <summary>The longest description.</summary>
    public const int MaxDescription = 1000;

    /// <summary>The longest resolution.</summary>
    public const int MaxResolution = 2000;

    /// <summary>Reports one of the caller's applications as stuck; opens a supervised case.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="body">The report.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202 with the case id, 400, 404, or 409 when the application has a case.</returns>
    public async Task<IResult> ReportAsync(Caller caller, string applicationId, StuckReportRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        // Found from the bundle's input too, so a report right after an accepted submit is not told "not found".
        var application = await applications.FindAsync(caller!.Id, applicationId, cancellationToken);
        if (application is null)
        {
            return ApiProblems.NotFound("application");
        }

        if (string.IsNullOrWhiteSpace(body.Description) || body.Description.Length > MaxDescription)
        {
            return ApiProblems.Invalid(new ApiError("description", "field.required", $"请说明哪里办不成，最多 {MaxDescription} 个字符。", $"Say what is stuck, in at most {MaxDescription} characters."));
        }

        try
        {
            var caseId = await service.OpenAsync(application, body.Description.Trim(), cancellationToken);
            return Results.Accepted(null as string, new StuckReportResponse(caseId));
        }
        catch (CaseAlreadyReportedException ex)
        {
            return ApiProblems.Conflict(ex.Open ? "case.open" : "case.closed", ex.Text.Zh, ex.Text.En);
        }
    }

    /// <summary>Cases for administrators, soonest due first, a page at a time.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request: its query holds <c>status</c> (open or resolved; all when absent), <c>pageSize</c> and <c>continuation</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page of cases, or 400 naming the bad query parameter.</returns>
    public async Task<IResult> ListAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ApiError>();
        var size = Paging.Size(request.Query, errors);
        var status = Paging.Text(request.Query, "status");
        var list = $"cases:{status}";
        if (!Paging.TryDecode(list, Paging.Text(request.Query, "continuation"), out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        CaseStatus? only = null;
        if (status is not null)
        {
            // By name only, like the task list: "0" is no status a client was told about.
            if (Enum.GetNames<CaseStatus>().FirstOrDefault(n => n.Equals(status, StringComparison.OrdinalIgnoreCase)) is not { } name)
            {
                errors.Add(new ApiError("query:status", "query.invalid", "open、resolved 之一。", "One of open, resolved."));
            }
            else
            {
                only = Enum.Parse<CaseStatus>(name);
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // One small partition (cases are few), read whole and ordered here.
        return Results.Ok(Paging.Slice(await cases.ListAsync(only, cancellationToken), c => $"{Paging.Oldest(c.DueAt)}|{c.CaseId}", list, after, size, request));
    }

    /// <summary>Resolves an open case; the applicant is sent the resolution.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="caseId">The case.</param>
    /// <param name="body">The resolution.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202, 400, 404, or 409 when resolved already.</returns>
    public async Task<IResult> ResolveAsync(Caller caller, string caseId, CaseResolutionRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > MaxResolution)
        {
            return ApiProblems.Invalid(new ApiError("text", "field.required", $"请写下申请人将读到的处理结果，最多 {MaxResolution} 个字符。", $"Write the resolution the applicant will read, at most {MaxResolution} characters."));
        }

        try
        {
            await service.ResolveAsync(caseId, caller!.AuditName, body.Text.Trim(), cancellationToken);
            return Results.Accepted();
        }
        catch (KeyNotFoundException)
        {
            return ApiProblems.NotFound("case");
        }
        catch (CaseAlreadyResolvedException ex)
        {
            return ApiProblems.Conflict("case.resolved", ex.Text.Zh, ex.Text.En);
        }
    }
}
