using Azure;
using Microsoft.AspNetCore.Http;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>The query part of a bulk action (the same filters as the search).</summary>
/// <param name="Template">Template key.</param>
/// <param name="Status">Application status.</param>
/// <param name="Applicant">Applicant id.</param>
/// <param name="Department">Department with an included item.</param>
/// <param name="From">Submitted at or after.</param>
/// <param name="To">Submitted before.</param>
/// <param name="ApplicationIds">Or these applications exactly.</param>
public sealed record BulkQuery(string? Template = null, ApplicationStatus? Status = null, string? Applicant = null, string? Department = null, DateTime? From = null, DateTime? To = null, List<string>? ApplicationIds = null);

/// <summary>A bulk action on every application a query matches.</summary>
/// <param name="Action">cancel, reassign or extend.</param>
/// <param name="Query">Which applications.</param>
/// <param name="Reason">Why (audited, shown to applicants for a cancellation).</param>
/// <param name="Department">For reassign: the department whose open tasks move.</param>
/// <param name="Officer">For reassign: the officer who gets them.</param>
/// <param name="WorkingDays">For extend: working days added to the due time of every officer item still being decided (1 to 60); with a department, only that department's.</param>
/// <param name="DryRun">Preview only: change and audit nothing, and report per application what the action would touch (outcome wouldDo or skipped).</param>
public sealed record BulkRequest(string Action, BulkQuery Query, string Reason, string? Department = null, string? Officer = null, int? WorkingDays = null, bool DryRun = false);

/// <summary>An administrator's extension of one item's due time.</summary>
/// <param name="WorkingDays">Working days to add, 1 to 60.</param>
/// <param name="Reason">Why (audited).</param>
public sealed record ExtensionRequest(int WorkingDays, string Reason);

/// <summary>An extension sent to a running item, which moves its due time, reminder and escalation and audits it.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemKey">The item.</param>
/// <param name="WorkingDays">Working days added.</param>
/// <param name="DueAtBefore">The due time the task showed when the extension was sent.</param>
public sealed record ExtensionResponse(string ApplicationId, string ItemKey, int WorkingDays, DateTime DueAtBefore);

/// <summary>One item (cancel, extend) or officer task (reassign) a bulk action touches in an application.</summary>
/// <param name="ItemKey">The item.</param>
/// <param name="Department">Its deciding department.</param>
/// <param name="TaskId">For an officer task: its id.</param>
/// <param name="Officer">For a reassigned task: who held it before.</param>
public sealed record BulkTouch(string ItemKey, string Department, string? TaskId = null, string? Officer = null);

/// <summary>What a bulk action did (or, in a dry run, would do) to one application.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="Outcome">done, skipped or failed; in a dry run wouldDo or skipped.</param>
/// <param name="Detail">Why, in the request's language.</param>
/// <param name="Touches">The items or tasks it touched (or would touch): for cancel the items not yet ended, for extend
/// the items whose due time moves, for reassign the tasks that move.</param>
public sealed record BulkItemResult(string ApplicationId, string Outcome, string Detail, IReadOnlyList<BulkTouch>? Touches = null);

/// <summary>What a bulk action did.</summary>
/// <param name="Action">The action.</param>
/// <param name="Results">Per application.</param>
/// <param name="Truncated">True when more matched than one request may act on; run it again for the rest.</param>
public sealed record BulkResponse(string Action, IReadOnlyList<BulkItemResult> Results, bool Truncated);

/// <summary>
/// What administrators do: template lifecycle (draft, edit, validate, publish, retire, versions, diff), the
/// audit trail, the application search and bulk actions. Only administrators reach any of it.
/// </summary>
/// <remarks>
/// One class in three files by concern: templates (Templates/TemplateAdministration.cs), the audit trail
/// (Audit/AuditAdministration.cs), and applications (this file: search, bulk actions, extensions).
/// </remarks>
public sealed partial class AdminApi(TemplateStore templates, AuditTrail audit, ApplicationStore applications, ApplicationService service, TaskStore tasks, TimeProvider time, SimulationApi simulation)
{
    /// <summary>The most applications one bulk request acts on.</summary>
    public const int MaxBulk = 500;

    static ServiceCatalog Catalog => BuiltInTemplates.Catalog;

    /// <summary>Searches applications by template, status, applicant (id, or a part of the name), department and submission time, a page at a time.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The HTTP request (its query string holds the filters).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page, or 400 naming the bad parameter.</returns>
    public async Task<IResult> SearchAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var errors = new List<ApiError>();
        var query = new ApplicationQuery(
            Text(q, "template"),
            Parse<ApplicationStatus>(q, "status", errors),
            Text(q, "applicant"),
            Text(q, "department"),
            Date(q, "from", errors),
            Date(q, "to", errors),
            Text(q, "applicantName"));
        var size = Paging.Size(q, errors);
        if (query.ApplicantName is { Length: > 100 })
        {
            errors.Add(new ApiError("query:applicantName", "query.invalid", "申请人姓名最多 100 个字符。", "At most 100 characters of the applicant's name."));
        }

        const string list = "search";
        if (!Paging.TryDecode(list, Text(q, "continuation"), out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        try
        {
            var (found, next) = await applications.SearchAsync(query, size, after, cancellationToken);
            return Results.Ok(Paging.Of<ApplicationSummary>([.. found.Select(ToSummary)], list, next, request));
        }
        catch (Exception ex) when (ex is RequestFailedException { Status: 400 } or FormatException or ArgumentException)
        {
            // A continuation the table service did not give out: the client's fault, never a 500.
            return ApiProblems.Invalid(Paging.BadContinuation);
        }
    }

    /// <summary>
    /// Cancels, reassigns or extends every application a query matches (at most <see cref="MaxBulk"/>), reporting per
    /// application what was done; with <see cref="BulkRequest.DryRun"/> it changes nothing and reports what it would touch.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="body">The action and query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with per-application results, or 400.</returns>
    public async Task<IResult> BulkAsync(Caller caller, BulkRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new List<ApiError>();
        if (body.Action is not ("cancel" or "reassign" or "extend"))
        {
            errors.Add(new ApiError("action", "field.invalid", "cancel、reassign 或 extend。", "cancel, reassign or extend."));
        }

        if (body.Action == "extend" && body.WorkingDays is not (>= 1 and <= ItemOrchestrator.MaxExtensionDays))
        {
            errors.Add(new ApiError("workingDays", "field.invalid", $"用于 extend：1 到 {ItemOrchestrator.MaxExtensionDays} 个工作日的整数。", $"For extend: a whole number of working days from 1 to {ItemOrchestrator.MaxExtensionDays}."));
        }

        if (body.Action == "extend" && body.Department is not null && Catalog.FindDepartment(body.Department) is null)
        {
            errors.Add(new ApiError("department", "field.invalid", "请指明目录中的部门，不指明则为全部部门。", "Name a department of the catalog, or none for every department."));
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            errors.Add(new ApiError("reason", "field.required", "请给出不超过 500 个字符的理由；它将被审计记录。", "Give a reason of at most 500 characters; it is audited."));
        }

        if (body.Action == "reassign" && (string.IsNullOrWhiteSpace(body.Department) || Catalog.FindDepartment(body.Department) is null))
        {
            errors.Add(new ApiError("department", "field.invalid", "请指明目录中的部门。", "Name a department of the catalog."));
        }

        if (body.Action == "reassign" && string.IsNullOrWhiteSpace(body.Officer))
        {
            errors.Add(new ApiError("officer", "field.required", "请指明接手任务的工作人员。", "Name the officer who takes the tasks."));
        }

        if (body.Query.ApplicationIds is { Count: > MaxBulk })
        {
            errors.Add(new ApiError("query.applicationIds", "field.tooMany", $"一次最多 {MaxBulk} 个。", $"At most {MaxBulk} at once."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (targets, truncated) = await TargetsAsync(body.Query, cancellationToken);
        var results = new List<BulkItemResult>();
        foreach (var id in targets)
        {
            var plan = await PlanAsync(body, id, cancellationToken);
            results.Add(plan.Skip ?? (body.DryRun ? Preview(body, id, plan.Touches) : await ActAsync(caller!, body, id, plan.Touches, cancellationToken)));
        }

        return Results.Ok(new BulkResponse(body.Action, results, truncated));
    }

    /// <summary>What a bulk action would touch in one application, or why it skips it.</summary>
    /// <param name="Skip">The skipped result, when there is nothing to do.</param>
    /// <param name="Touches">Otherwise what to touch, with the stored task (and its ETag) for a reassignment.</param>
    sealed record BulkPlan(BulkItemResult? Skip, IReadOnlyList<(BulkTouch Touch, StoredTask? Stored)> Touches);

    // The one decision of what a bulk action touches: the preview reports it and the act performs it, so they cannot drift.
    async Task<BulkPlan> PlanAsync(BulkRequest body, string applicationId, CancellationToken cancellationToken)
    {
        var record = await applications.GetAsync(applicationId, cancellationToken);
        if (record is null)
        {
            return new BulkPlan(new BulkItemResult(applicationId, "skipped", ApiLanguage.Pick("没有此申请。", "No such application.")), []);
        }

        if (record.Status != ApplicationStatus.InProgress)
        {
            return new BulkPlan(new BulkItemResult(applicationId, "skipped", ApiLanguage.Pick($"已办结（{record.Status}）。", $"Already ended ({record.Status}).")), []);
        }

        if (body.Action == "cancel")
        {
            // The cancellation reaches the whole application; the items not yet ended are the ones it stops.
            return new BulkPlan(null, [.. record.Items.Where(i => i.State is ItemState.Waiting or ItemState.Running).Select(i => (new BulkTouch(i.Key, i.Department), (StoredTask?)null))]);
        }

        var touches = new List<(BulkTouch, StoredTask?)>();
        // Extend without a department reaches every department; reassign always names one.
        foreach (var item in record.Items.Where(i => i.State == ItemState.Running && (body.Department is null || i.Department == body.Department)))
        {
            var taskId = ItemOrchestrator.InstanceId(applicationId, item.Key);
            if (await tasks.GetStoredAsync(item.Department, taskId, cancellationToken) is { Task.Status: not OfficerTaskStatus.Closed } stored)
            {
                touches.Add((new BulkTouch(item.Key, item.Department, taskId, body.Action == "reassign" ? stored.ClaimedBy : null), stored));
            }
        }

        return touches.Count > 0
            ? new BulkPlan(null, touches)
            : new BulkPlan(body.Action == "extend"
                ? new BulkItemResult(applicationId, "skipped", ApiLanguage.Pick("没有等待部门决定的事项。", "No item waiting for a department's decision."))
                : new BulkItemResult(applicationId, "skipped", ApiLanguage.Pick($"{body.Department} 没有未办结的任务。", $"No open task of {body.Department}.")), []);
    }

    static BulkItemResult Preview(BulkRequest body, string applicationId, IReadOnlyList<(BulkTouch Touch, StoredTask? Stored)> plan)
    {
        var n = plan.Count;
        var detail = body.Action switch
        {
            "cancel" => ApiLanguage.Pick($"将撤销此申请；{n} 个未办结的事项将被撤销。", $"Would cancel the application; {n} pending item(s) would be cancelled."),
            "extend" => ApiLanguage.Pick($"将为 {n} 个事项延长 {body.WorkingDays} 个工作日。", $"Would extend {n} item(s) by {body.WorkingDays} working day(s)."),
            _ => ApiLanguage.Pick($"将把 {n} 个任务分派给 {body.Officer}。", $"Would assign {n} task(s) to {body.Officer}."),
        };
        return new BulkItemResult(applicationId, "wouldDo", detail, [.. plan.Select(p => p.Touch)]);
    }

    async Task<BulkItemResult> ActAsync(Caller caller, BulkRequest body, string applicationId, IReadOnlyList<(BulkTouch Touch, StoredTask? Stored)> plan, CancellationToken cancellationToken)
    {
        try
        {
            if (body.Action == "cancel")
            {
                await service.CancelAsync(applicationId, caller.Id, body.Reason, cancellationToken);
                await audit.AppendAsync(new AuditEntry(applicationId, $"admin:cancel:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime, caller.AuditName,
                    "application.cancel.requested", "inProgress", null, body.Reason), cancellationToken);
                return new BulkItemResult(applicationId, "done", ApiLanguage.Pick("已发出撤销；未办结的事项正在撤销。", "Cancellation sent; pending items are being cancelled."), [.. plan.Select(p => p.Touch)]);
            }

            if (body.Action == "extend")
            {
                foreach (var (touch, _) in plan)
                {
                    await service.ExtendAsync(applicationId, touch.ItemKey, new DueExtended(body.WorkingDays!.Value, body.Reason, caller.AuditName), cancellationToken);
                }

                return new BulkItemResult(applicationId, "done", ApiLanguage.Pick($"已为 {plan.Count} 个事项延长 {body.WorkingDays} 个工作日；每个事项各自记入审计。", $"{plan.Count} item(s) extended by {body.WorkingDays} working day(s); each audits it."), [.. plan.Select(p => p.Touch)]);
            }

            var moved = new List<BulkTouch>();
            foreach (var (touch, stored) in plan)
            {
                // The ETag read by the plan: a task changed since then is left alone rather than overwritten.
                if (await tasks.TryUpdateOfficerStateAsync(body.Department!, touch.TaskId!, stored!.ETag, body.Officer, stored.PendingDecision, cancellationToken) is not null)
                {
                    moved.Add(touch);
                    await audit.AppendAsync(new AuditEntry(applicationId, $"admin:reassign:{touch.TaskId}:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime, caller.AuditName,
                        "task.reassigned", stored.ClaimedBy, body.Officer, body.Reason), cancellationToken);
                }
            }

            return moved.Count > 0
                ? new BulkItemResult(applicationId, "done", ApiLanguage.Pick($"已将 {moved.Count} 个任务分派给 {body.Officer}。", $"{moved.Count} task(s) assigned to {body.Officer}."), moved)
                : new BulkItemResult(applicationId, "skipped", ApiLanguage.Pick($"{body.Department} 没有未办结的任务。", $"No open task of {body.Department}."));
        }
        catch (RequestFailedException ex)
        {
            return new BulkItemResult(applicationId, "failed", ApiLanguage.Pick($"存储拒绝了此更改（{ex.Status}）；请再执行一次。", $"Storage refused the change ({ex.Status}); run the action again."));
        }
    }

    /// <summary>
    /// Moves one running officer item's due time later by working days; the item audits it (who, why, before and
    /// after) and moves its reminder and escalation with it.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <param name="body">Working days and reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202, 400 naming the field, 404 when no such item waits for a department, 409 when it has ended.</returns>
    public async Task<IResult> ExtendAsync(Caller caller, string applicationId, string itemKey, ExtensionRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new List<ApiError>();
        if (body.WorkingDays is < 1 or > ItemOrchestrator.MaxExtensionDays)
        {
            errors.Add(new ApiError("workingDays", "field.invalid", $"1 到 {ItemOrchestrator.MaxExtensionDays} 个工作日的整数。", $"A whole number of working days from 1 to {ItemOrchestrator.MaxExtensionDays}."));
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            errors.Add(new ApiError("reason", "field.required", "请给出不超过 500 个字符的理由；它将被审计记录。", "Give a reason of at most 500 characters; it is audited."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var item = (await applications.GetAsync(applicationId, cancellationToken))?.Items.FirstOrDefault(i => i.Key == itemKey);
        // Only an item a department decides has a due time to extend; a rule or an outside system's item has no task.
        var task = item is null ? null : await tasks.GetAsync(item.Department, ItemOrchestrator.InstanceId(applicationId, itemKey), cancellationToken);
        if (item is null || task is null)
        {
            return item is { State: not (ItemState.Waiting or ItemState.Running) }
                ? ApiProblems.Conflict("item.ended", $"事项已结束（{item.State}）；没有可延长的期限。", $"The item has ended ({item.State}); there is no due time to extend.")
                : ApiProblems.NotFound("item waiting for a department's decision");
        }

        if (item.State != ItemState.Running || task.Status == OfficerTaskStatus.Closed)
        {
            return ApiProblems.Conflict("item.ended", $"事项已结束（{(task.Status == OfficerTaskStatus.Closed ? task.Outcome : item.State)}）；没有可延长的期限。", $"The item has ended ({(task.Status == OfficerTaskStatus.Closed ? task.Outcome : item.State)}); there is no due time to extend.");
        }

        await service.ExtendAsync(applicationId, itemKey, new DueExtended(body.WorkingDays, body.Reason, caller!.AuditName), cancellationToken);
        return Results.Accepted($"/api/admin/audit?subject={Uri.EscapeDataString(applicationId)}", new ExtensionResponse(applicationId, itemKey, body.WorkingDays, task.DueAt));
    }

    async Task<(IReadOnlyList<string> Ids, bool Truncated)> TargetsAsync(BulkQuery query, CancellationToken cancellationToken)
    {
        if (query.ApplicationIds is { Count: > 0 } ids)
        {
            return ([.. ids.Distinct(StringComparer.Ordinal)], false);
        }

        var filter = new ApplicationQuery(query.Template, query.Status ?? ApplicationStatus.InProgress, query.Applicant, query.Department, query.From, query.To);
        var found = new List<string>();
        string? continuation = null;
        do
        {
            var (page, next) = await applications.SearchAsync(filter, 200, continuation, cancellationToken);
            found.AddRange(page.Select(a => a.ApplicationId));
            continuation = next;
        }
        while (continuation is not null && found.Count <= MaxBulk);

        return found.Count > MaxBulk ? ([.. found.Take(MaxBulk)], true) : (found, continuation is not null);
    }

    static ApplicationSummary ToSummary(ApplicationRecord a) =>
        new(a.ApplicationId, a.TemplateKey, a.TemplateName, a.Status, a.SubmittedAt, a.UpdatedAt,
            a.Items.Count(i => i.State == ItemState.Approved), a.Items.Count(i => i.State != ItemState.NotIncluded));

    static string? Text(IQueryCollection query, string name) => query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString() : null;

    static T? Parse<T>(IQueryCollection query, string name, List<ApiError> errors)
        where T : struct, Enum => Paging.Named<T>(query, name, errors);

    static DateTime? Date(IQueryCollection query, string name, List<ApiError> errors) => Paging.Date(query, name, errors);

}
