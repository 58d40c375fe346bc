using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>The audit trail, as administrators read it.</summary>
public sealed partial class AdminApi
{
    /// <summary>The audit trail of one subject: an application id, or <c>template:KEY</c>.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the entries, oldest first, or 400.</returns>
    public async Task<IResult> AuditAsync(Caller caller, string? subject, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 200)
        {
            return ApiProblems.Invalid(new ApiError("query:subject", "query.required", "申请编号或 template:KEY。", "An application id or template:KEY."));
        }

        return Results.Ok(await audit.ReadAsync(subject, cancellationToken));
    }

}
