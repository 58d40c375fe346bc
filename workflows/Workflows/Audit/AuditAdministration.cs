using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>The audit trail, as administrators read it.</summary>
public sealed partial class AdminApi
{
    /// <summary>
    /// The audit trail of one subject (an application id, or <c>template:KEY</c>), oldest first, a page at a time;
    /// filtered by time (<c>from</c> at or after, <c>to</c> before), <c>actor</c> (exactly) and <c>action</c> (exactly,
    /// or a prefix ending in a dot: <c>template.</c>).
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request: its query holds <c>subject</c>, the filters, <c>pageSize</c> and <c>continuation</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page of entries, or 400 naming the bad query parameter.</returns>
    public async Task<IResult> AuditAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var errors = new List<ApiError>();
        var subject = Paging.Text(q, "subject");
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 200)
        {
            errors.Add(new ApiError("query:subject", "query.required", "申请编号或 template:KEY。", "An application id or template:KEY."));
        }

        var from = Paging.Date(q, "from", errors);
        var to = Paging.Date(q, "to", errors);
        var actor = Paging.Text(q, "actor");
        var action = Paging.Text(q, "action");
        var size = Paging.Size(q, errors);
        const string list = "audit";
        if (!Paging.TryDecode(list, Paging.Text(q, "continuation"), out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var entries = (await audit.ReadAsync(subject!, cancellationToken))
            .Where(e => from is null || e.At >= from)
            .Where(e => to is null || e.At < to)
            .Where(e => actor is null || e.Actor == actor)
            .Where(e => action is null || (action.EndsWith('.') ? e.Action.StartsWith(action, StringComparison.Ordinal) : e.Action == action));
        return Results.Ok(Paging.Slice(entries, e => $"{Paging.Oldest(e.At)}|{e.StepId}", list, after, size, request));
    }
}
