using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Microsoft.AspNetCore.Http;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>A template version as administrators list it.</summary>
/// <param name="Key">The template.</param>
/// <param name="Version">The version.</param>
/// <param name="Status">Draft, published or retired.</param>
/// <param name="Name">The bundle's name in that version.</param>
/// <param name="CreatedAt">When created.</param>
/// <param name="CreatedBy">By whom.</param>
/// <param name="ValidFrom">Validity start once published.</param>
/// <param name="ValidTo">Validity end, if any.</param>
/// <param name="ETag">Send in If-Match to edit, publish or retire.</param>
public sealed record TemplateVersionSummary(string Key, int Version, TemplateStatus Status, string Name, DateTime CreatedAt, string CreatedBy, DateTime? ValidFrom, DateTime? ValidTo, string ETag);

/// <summary>A template version with its document.</summary>
/// <param name="Summary">The version.</param>
/// <param name="Definition">The document.</param>
/// <param name="Problems">What the validator finds in it (a draft may be incomplete; publishing needs none).</param>
public sealed record TemplateVersionDetail(TemplateVersionSummary Summary, BundleTemplate Definition, IReadOnlyList<TemplateProblem> Problems);

/// <summary>The result of validating a template document.</summary>
/// <param name="Valid">Whether it could be published.</param>
/// <param name="Problems">Every problem, located.</param>
public sealed record ValidationResponse(bool Valid, IReadOnlyList<TemplateProblem> Problems);

/// <summary>Publication settings.</summary>
/// <param name="ValidFrom">Start of validity; now when absent.</param>
/// <param name="ValidTo">End of validity; open when absent.</param>
public sealed record PublishRequest(DateTime? ValidFrom = null, DateTime? ValidTo = null);

/// <summary>One difference between two versions.</summary>
/// <param name="Path">Where, with list elements named by their key (e.g. <c>items[seal].committedDays</c>).</param>
/// <param name="Change">added, removed or changed.</param>
/// <param name="Before">The old value as JSON, if any.</param>
/// <param name="After">The new value as JSON, if any.</param>
public sealed record TemplateChange(string Path, string Change, string? Before, string? After);

/// <summary>A page of the application search.</summary>
/// <param name="Applications">The matches.</param>
/// <param name="Continuation">Pass back for the next page.</param>
public sealed record SearchResponse(IReadOnlyList<ApplicationSummary> Applications, string? Continuation);

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
public sealed record BulkRequest(string Action, BulkQuery Query, string Reason, string? Department = null, string? Officer = null, int? WorkingDays = null);

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

/// <summary>What a bulk action did to one application.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="Outcome">done, skipped or failed.</param>
/// <param name="Detail">Why.</param>
public sealed record BulkItemResult(string ApplicationId, string Outcome, string Detail);

/// <summary>What a bulk action did.</summary>
/// <param name="Action">The action.</param>
/// <param name="Results">Per application.</param>
/// <param name="Truncated">True when more matched than one request may act on; run it again for the rest.</param>
public sealed record BulkResponse(string Action, IReadOnlyList<BulkItemResult> Results, bool Truncated);

/// <summary>
/// What administrators do: template lifecycle (draft, edit, validate, publish, retire, versions, diff), the
/// audit trail, the application search and bulk actions. Only administrators reach any of it.
/// </summary>
public sealed class AdminApi(TemplateStore templates, AuditTrail audit, ApplicationStore applications, ApplicationService service, TaskStore tasks, TimeProvider time)
{
    /// <summary>The most applications one bulk request acts on.</summary>
    public const int MaxBulk = 500;

    /// <summary>The largest template document accepted.</summary>
    public const long MaxTemplateBytes = 1024 * 1024;

    static ServiceCatalog Catalog => BuiltInTemplates.Catalog;

    /// <summary>Every template with its versions.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200.</returns>
    public async Task<IResult> ListTemplatesAsync(Caller? caller, CancellationToken cancellationToken)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        var list = new List<TemplateVersionSummary>();
        foreach (var key in await templates.ListKeysAsync(cancellationToken))
        {
            list.AddRange((await templates.ListVersionsAsync(key, cancellationToken)).Select(Summary));
        }

        return Results.Ok(list);
    }

    /// <summary>Every version of one template.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 or 404.</returns>
    public async Task<IResult> ListVersionsAsync(Caller? caller, string key, CancellationToken cancellationToken)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        var versions = await templates.ListVersionsAsync(key, cancellationToken);
        return versions.Count == 0 ? ApiProblems.NotFound("template") : Results.Ok(versions.Select(Summary).ToList());
    }

    /// <summary>One version with its document and the validator's findings.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with an ETag, or 404.</returns>
    public async Task<IResult> GetVersionAsync(Caller? caller, string key, int version, CancellationToken cancellationToken)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        var stored = await templates.GetAsync(key, version, cancellationToken);
        return stored is null
            ? ApiProblems.NotFound("template version")
            : new WithETag(new TemplateVersionDetail(Summary(stored), stored.Version.Definition, TemplateValidator.Validate(stored.Version.Definition, Catalog)), stored.ETag);
    }

    /// <summary>Checks a document without storing it.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="document">The template JSON.</param>
    /// <returns>200 with every problem.</returns>
    public static IResult Validate(Caller? caller, string document)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        var template = TemplateJson.TryParse(document, out var parseProblems);
        var problems = template is null ? parseProblems : TemplateValidator.Validate(template, Catalog);
        return Results.Ok(new ValidationResponse(problems.Count == 0, problems));
    }

    /// <summary>Creates the next version of a template as a draft. A document that cannot be read is refused; one that reads but breaks rules is kept as a draft with its problems listed.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="document">The template JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>201 with the draft, or 400.</returns>
    public async Task<IResult> CreateDraftAsync(Caller? caller, string document, CancellationToken cancellationToken)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        if (Parse(document) is not { } template)
        {
            return ParseProblem(document);
        }

        if (!TemplateKeyPattern(template.Key))
        {
            return ApiProblems.Invalid(new ApiError("key", "template.key", "Lower-case letters, digits and '-', 2 to 50 characters."));
        }

        var stored = await templates.CreateDraftAsync(template, caller!.AuditName, cancellationToken);
        return new CreatedWithETag($"/api/admin/templates/{template.Key}/versions/{stored.Version.Version}",
            new TemplateVersionDetail(Summary(stored), template, TemplateValidator.Validate(template, Catalog)), stored.ETag);
    }

    /// <summary>Replaces a draft's document.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="document">The template JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, 400, 404, 409 (not a draft), 412 or 428.</returns>
    public async Task<IResult> EditDraftAsync(Caller? caller, string key, int version, string? ifMatch, string document, CancellationToken cancellationToken)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return ApiProblems.NeedsIfMatch();
        }

        if (Parse(document) is not { } template)
        {
            return ParseProblem(document);
        }

        if (template.Key != key)
        {
            return ApiProblems.Invalid(new ApiError("key", "template.keyMismatch", $"The document's key must stay '{key}'."));
        }

        return await ChangeAsync(key, version, ifMatch, expected => templates.EditDraftAsync(key, version, template, expected, caller!.AuditName, cancellationToken), cancellationToken);
    }

    /// <summary>Publishes a draft; it must pass validation.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="body">Validity dates.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, 400, 404, 409, 412, 422 (invalid, with every problem) or 428.</returns>
    public async Task<IResult> PublishAsync(Caller? caller, string key, int version, string? ifMatch, PublishRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return ApiProblems.NeedsIfMatch();
        }

        var from = body.ValidFrom?.ToUniversalTime() ?? time.GetUtcNow().UtcDateTime;
        if (body.ValidTo is { } to && to.ToUniversalTime() <= from)
        {
            return ApiProblems.Invalid(new ApiError("validTo", "field.range", "validTo must be after validFrom."));
        }

        return await ChangeAsync(key, version, ifMatch,
            expected => templates.PublishAsync(key, version, from, body.ValidTo?.ToUniversalTime(), Catalog, expected, caller!.AuditName, cancellationToken), cancellationToken);
    }

    /// <summary>Retires a published version; applications on it go on, new ones cannot start on it.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The version.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, 404, 409, 412 or 428.</returns>
    public async Task<IResult> RetireAsync(Caller? caller, string key, int version, string? ifMatch, CancellationToken cancellationToken)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return ApiProblems.NeedsIfMatch();
        }

        return await ChangeAsync(key, version, ifMatch, expected => templates.RetireAsync(key, version, expected, caller!.AuditName, cancellationToken), cancellationToken);
    }

    /// <summary>What changed from one version to another.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="from">The older version.</param>
    /// <param name="to">The newer version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the changes, 400 or 404.</returns>
    public async Task<IResult> DiffAsync(Caller? caller, string key, string? from, string? to, CancellationToken cancellationToken)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        var errors = new List<ApiError>();
        if (!int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var a))
        {
            errors.Add(new ApiError("query:from", "query.invalid", "A version number."));
        }

        if (!int.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
        {
            errors.Add(new ApiError("query:to", "query.invalid", "A version number."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var older = await templates.GetAsync(key, a, cancellationToken);
        var newer = await templates.GetAsync(key, b, cancellationToken);
        if (older is null || newer is null)
        {
            return ApiProblems.NotFound("template version");
        }

        var changes = new List<TemplateChange>();
        Compare("", JsonNode.Parse(TemplateJson.Write(older.Version.Definition)), JsonNode.Parse(TemplateJson.Write(newer.Version.Definition)), changes);
        return Results.Ok(changes);
    }

    /// <summary>The audit trail of one subject: an application id, or <c>template:KEY</c>.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the entries, oldest first, or 400.</returns>
    public async Task<IResult> AuditAsync(Caller? caller, string? subject, CancellationToken cancellationToken)
    {
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 200)
        {
            return ApiProblems.Invalid(new ApiError("query:subject", "query.required", "An application id or template:KEY."));
        }

        return Results.Ok(await audit.ReadAsync(subject, cancellationToken));
    }

    /// <summary>Searches applications by template, status, applicant, department and submission time, a page at a time.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The HTTP request (its query string holds the filters).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page, or 400 naming the bad parameter.</returns>
    public async Task<IResult> SearchAsync(Caller? caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        var q = request.Query;
        var errors = new List<ApiError>();
        var query = new ApplicationQuery(
            Text(q, "template"),
            Parse<ApplicationStatus>(q, "status", errors),
            Text(q, "applicant"),
            Text(q, "department"),
            Date(q, "from", errors),
            Date(q, "to", errors));
        var size = OfficerApi.DefaultPageSize;
        if (Text(q, "pageSize") is { } s && (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > 200))
        {
            errors.Add(new ApiError("query:pageSize", "query.invalid", "A whole number from 1 to 200."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        try
        {
            var (found, next) = await applications.SearchAsync(query, size, Text(q, "continuation"), cancellationToken);
            return Results.Ok(new SearchResponse([.. found.Select(ToSummary)], next));
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return ApiProblems.Invalid(new ApiError("query:continuation", "query.invalid", "Pass back the continuation of the previous page unchanged."));
        }
    }

    /// <summary>Cancels or reassigns every application a query matches (at most <see cref="MaxBulk"/>), reporting per application what was done.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="body">The action and query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with per-application results, or 400.</returns>
    public async Task<IResult> BulkAsync(Caller? caller, BulkRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        var errors = new List<ApiError>();
        if (body.Action is not ("cancel" or "reassign" or "extend"))
        {
            errors.Add(new ApiError("action", "field.invalid", "cancel, reassign or extend."));
        }

        if (body.Action == "extend" && body.WorkingDays is not (>= 1 and <= ItemOrchestrator.MaxExtensionDays))
        {
            errors.Add(new ApiError("workingDays", "field.invalid", $"For extend: a whole number of working days from 1 to {ItemOrchestrator.MaxExtensionDays}."));
        }

        if (body.Action == "extend" && body.Department is not null && Catalog.FindDepartment(body.Department) is null)
        {
            errors.Add(new ApiError("department", "field.invalid", "Name a department of the catalog, or none for every department."));
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            errors.Add(new ApiError("reason", "field.required", "Give a reason of at most 500 characters; it is audited."));
        }

        if (body.Action == "reassign" && (string.IsNullOrWhiteSpace(body.Department) || Catalog.FindDepartment(body.Department) is null))
        {
            errors.Add(new ApiError("department", "field.invalid", "Name a department of the catalog."));
        }

        if (body.Action == "reassign" && string.IsNullOrWhiteSpace(body.Officer))
        {
            errors.Add(new ApiError("officer", "field.required", "Name the officer who takes the tasks."));
        }

        if (body.Query.ApplicationIds is { Count: > MaxBulk })
        {
            errors.Add(new ApiError("query.applicationIds", "field.tooMany", $"At most {MaxBulk} at once."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (targets, truncated) = await TargetsAsync(body.Query, cancellationToken);
        var results = new List<BulkItemResult>();
        foreach (var id in targets)
        {
            results.Add(await ActAsync(caller!, body, id, cancellationToken));
        }

        return Results.Ok(new BulkResponse(body.Action, results, truncated));
    }

    async Task<BulkItemResult> ActAsync(Caller caller, BulkRequest body, string applicationId, CancellationToken cancellationToken)
    {
        var record = await applications.GetAsync(applicationId, cancellationToken);
        if (record is null)
        {
            return new BulkItemResult(applicationId, "skipped", "No such application.");
        }

        if (record.Status != ApplicationStatus.InProgress)
        {
            return new BulkItemResult(applicationId, "skipped", $"Already ended ({record.Status}).");
        }

        try
        {
            if (body.Action == "cancel")
            {
                await service.CancelAsync(applicationId, caller.Id, body.Reason, cancellationToken);
                await audit.AppendAsync(new AuditEntry(applicationId, $"admin:cancel:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime, caller.AuditName,
                    "application.cancel.requested", nameof(ApplicationStatus.InProgress), null, body.Reason), cancellationToken);
                return new BulkItemResult(applicationId, "done", "Cancellation sent; pending items are being cancelled.");
            }

            if (body.Action == "extend")
            {
                var extended = 0;
                foreach (var item in record.Items.Where(i => i.State == ItemState.Running && (body.Department is null || i.Department == body.Department)))
                {
                    if (await tasks.GetAsync(item.Department, ItemOrchestrator.InstanceId(applicationId, item.Key), cancellationToken) is { Status: not OfficerTaskStatus.Closed })
                    {
                        await service.ExtendAsync(applicationId, item.Key, new DueExtended(body.WorkingDays!.Value, body.Reason, caller.AuditName), cancellationToken);
                        extended++;
                    }
                }

                return extended > 0
                    ? new BulkItemResult(applicationId, "done", $"{extended} item(s) extended by {body.WorkingDays} working day(s); each audits it.")
                    : new BulkItemResult(applicationId, "skipped", "No item waiting for a department's decision.");
            }

            var moved = 0;
            foreach (var item in record.Items.Where(i => i.Department == body.Department && i.State == ItemState.Running))
            {
                var taskId = ItemOrchestrator.InstanceId(applicationId, item.Key);
                if (await tasks.GetStoredAsync(body.Department!, taskId, cancellationToken) is { Task.Status: not OfficerTaskStatus.Closed } stored
                    && await tasks.TryUpdateOfficerStateAsync(body.Department!, taskId, stored.ETag, body.Officer, stored.PendingDecision, cancellationToken) is not null)
                {
                    moved++;
                    await audit.AppendAsync(new AuditEntry(applicationId, $"admin:reassign:{taskId}:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime, caller.AuditName,
                        "task.reassigned", stored.ClaimedBy, body.Officer, body.Reason), cancellationToken);
                }
            }

            return moved > 0
                ? new BulkItemResult(applicationId, "done", $"{moved} task(s) assigned to {body.Officer}.")
                : new BulkItemResult(applicationId, "skipped", $"No open task of {body.Department}.");
        }
        catch (RequestFailedException ex)
        {
            return new BulkItemResult(applicationId, "failed", $"Storage refused the change ({ex.Status}); run the action again.");
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
    public async Task<IResult> ExtendAsync(Caller? caller, string applicationId, string itemKey, ExtensionRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Deny(caller) is { } denied)
        {
            return denied;
        }

        var errors = new List<ApiError>();
        if (body.WorkingDays is < 1 or > ItemOrchestrator.MaxExtensionDays)
        {
            errors.Add(new ApiError("workingDays", "field.invalid", $"A whole number of working days from 1 to {ItemOrchestrator.MaxExtensionDays}."));
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            errors.Add(new ApiError("reason", "field.required", "Give a reason of at most 500 characters; it is audited."));
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
                ? ApiProblems.Conflict("item.ended", $"The item has ended ({item.State}); there is no due time to extend.")
                : ApiProblems.NotFound("item waiting for a department's decision");
        }

        if (item.State != ItemState.Running || task.Status == OfficerTaskStatus.Closed)
        {
            return ApiProblems.Conflict("item.ended", $"The item has ended ({(task.Status == OfficerTaskStatus.Closed ? task.Outcome : item.State)}); there is no due time to extend.");
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

    async Task<IResult> ChangeAsync(string key, int version, string ifMatch, Func<ETag, Task<StoredTemplateVersion>> change, CancellationToken cancellationToken)
    {
        if (await templates.GetAsync(key, version, cancellationToken) is not { } current)
        {
            return ApiProblems.NotFound("template version");
        }

        // "*" or the tag read names the current version; anything else is a stale read.
        var expected = ApiETags.Expected(ifMatch, current.ETag)!.Value;
        if (current.ETag != expected)
        {
            // Refused before the change starts: the store writes a draft's document before its ETag-guarded row.
            return ApiProblems.Changed($"{key} v{version} was changed by someone else; reload it and try again.");
        }

        try
        {
            var stored = await change(expected);
            // A draft saved with problems is kept; the answer lists them, as a read of it would.
            return new WithETag(new TemplateVersionDetail(Summary(stored), stored.Version.Definition, TemplateValidator.Validate(stored.Version.Definition, Catalog)), stored.ETag);
        }
        catch (TemplateInvalidException ex)
        {
            return ApiProblems.Refused("template-invalid", "The template breaks rules; nothing was changed.",
                [.. ex.Problems.Select(p => new ApiError(p.Path, p.Code, p.Message))]);
        }
        catch (TemplateLifecycleException ex)
        {
            return ApiProblems.Conflict("template.lifecycle", ex.Message);
        }
        catch (TemplateConcurrencyException ex)
        {
            return ApiProblems.Changed(ex.Message);
        }
    }

    static BundleTemplate? Parse(string document) => TemplateJson.TryParse(document, out _);

    static IResult ParseProblem(string document)
    {
        TemplateJson.TryParse(document, out var problems);
        return ApiProblems.Invalid([.. problems.Select(p => new ApiError(p.Path, p.Code, p.Message))]);
    }

    static bool TemplateKeyPattern(string key) =>
        key.Length is >= 2 and <= 50 && key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    static void Compare(string path, JsonNode? before, JsonNode? after, List<TemplateChange> changes)
    {
        switch (before, after)
        {
            case (null, null):
                return;
            case (null, _):
                changes.Add(new TemplateChange(Root(path), "added", null, after!.ToJsonString()));
                return;
            case (_, null):
                changes.Add(new TemplateChange(Root(path), "removed", before!.ToJsonString(), null));
                return;
            case (JsonObject a, JsonObject b):
                foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key), StringComparer.Ordinal))
                {
                    Compare(path.Length == 0 ? name : $"{path}.{name}", a[name], b[name], changes);
                }

                return;
            case (JsonArray a, JsonArray b) when Keyed(a) && Keyed(b):
                // Lists of keyed things (items, fields, materials) are compared by key, not position.
                var left = a.ToDictionary(n => n!["key"]!.GetValue<string>(), StringComparer.Ordinal);
                var right = b.ToDictionary(n => n!["key"]!.GetValue<string>(), StringComparer.Ordinal);
                foreach (var k in left.Keys.Union(right.Keys, StringComparer.Ordinal))
                {
                    Compare($"{path}[{k}]", left.GetValueOrDefault(k), right.GetValueOrDefault(k), changes);
                }

                return;
            default:
                if (!JsonNode.DeepEquals(before, after))
                {
                    changes.Add(new TemplateChange(Root(path), "changed", before!.ToJsonString(), after!.ToJsonString()));
                }

                return;
        }
    }

    static bool Keyed(JsonArray array) =>
        array.All(n => n is JsonObject o && o["key"] is JsonValue v && v.TryGetValue<string>(out _))
        && array.Select(n => n!["key"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count() == array.Count;

    static string Root(string path) => path.Length == 0 ? "$" : path;

    static TemplateVersionSummary Summary(StoredTemplateVersion stored)
    {
        var v = stored.Version;
        return new TemplateVersionSummary(v.Key, v.Version, v.Status, v.Definition.Name, v.CreatedAt, v.CreatedBy, v.ValidFrom, v.ValidTo, ApiETags.ToHeader(stored.ETag));
    }

    static ApplicationSummary ToSummary(ApplicationRecord a) =>
        new(a.ApplicationId, a.TemplateKey, a.TemplateName, a.Status, a.SubmittedAt, a.UpdatedAt,
            a.Items.Count(i => i.State == ItemState.Approved), a.Items.Count(i => i.State != ItemState.NotIncluded));

    static string? Text(IQueryCollection query, string name) => query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString() : null;

    static T? Parse<T>(IQueryCollection query, string name, List<ApiError> errors)
        where T : struct, Enum
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        // Names only: Enum.TryParse also takes numbers ("1", "+1"), which name nothing a client should rely on.
        if (char.IsAsciiLetter(text[0]) && Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value))
        {
            return value;
        }

        errors.Add(new ApiError($"query:{name}", "query.invalid", $"One of {string.Join(", ", Enum.GetNames<T>())}."));
        return null;
    }

    static DateTime? Date(IQueryCollection query, string name, List<ApiError> errors)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.UtcDateTime;
        }

        errors.Add(new ApiError($"query:{name}", "query.invalid", "An ISO 8601 date or date and time."));
        return null;
    }

    static IResult? Deny(Caller? caller) =>
        caller is null ? ApiProblems.Unauthenticated() : caller.Role != CallerRole.Administrator ? ApiProblems.Forbidden() : null;

    /// <summary>Reads a raw template document body with the size limit; null body text means the problem to send.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The document or the problem.</returns>
    public static async Task<(string? Document, IResult? Problem)> ReadDocumentAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.UnsupportedMediaType("application/json"));
        }

        var (body, problem) = await ApiJson.ReadBodyAsync(request, MaxTemplateBytes, cancellationToken);
        return problem is not null ? (null, problem) : (Encoding.UTF8.GetString(body), null);
    }
}

/// <summary>A 201 with a Location, a JSON body and an ETag.</summary>
/// <param name="location">Where the new resource is.</param>
/// <param name="value">The body.</param>
/// <param name="etag">Its ETag.</param>
public sealed class CreatedWithETag(string location, object value, ETag etag) : IResult, IStatusCodeHttpResult
{
    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status201Created;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.Location = location;
        return new WithETag(value, etag, StatusCodes.Status201Created).ExecuteAsync(httpContext);
    }
}
