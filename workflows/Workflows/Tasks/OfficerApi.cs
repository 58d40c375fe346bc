using System.Globalization;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tasks;

/// <summary>
/// What department officers do: their department's task list, claim and release, the part of an application a
/// task needs, and the decision. Tasks are looked up in the caller's department partition only, so another
/// department's task is not found. A decision is written as a conditional change of the task row (ETag), so
/// when two officers click together exactly one decision reaches the item.
/// </summary>
public sealed class OfficerApi(
    TaskStore tasks, ApplicationStore applications, ApplicationService service, AuditTrail audit, DurableTaskClient client, TimeProvider time, ILogger<OfficerApi> logger,
    ConsentStore consents, LicenceRegistry licences, NotificationOutbox outbox)
{
    // Sends a decision on, and closes verifications; the engine's sweep sends again what was not acted on.
    readonly DecisionDelivery delivery = new(tasks, audit, client, time, logger, licences, outbox);

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The department's tasks of one status (open by default), soonest due first, a page at a time.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request (for the next page's link).</param>
    /// <param name="status">open, awaitingApplicant or closed.</param>
    /// <param name="dueBefore">Only tasks due before this ISO 8601 moment.</param>
    /// <param name="template">Only tasks of this template.</param>
    /// <param name="pageSize">1 to 200.</param>
    /// <param name="continuation">The previous page's continuation.</param>
    /// <param name="escalated"><c>true</c>: only tasks whose current due time passed without a decision (a supervisor's
    /// list of what was escalated to them); <c>false</c>: only the others; absent: both.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page, or 400 naming the bad query parameter.</returns>
    public async Task<IResult> ListTasksAsync(
        Caller caller, HttpRequest request, string? status, string? dueBefore, string? template, string? pageSize, string? continuation, string? escalated, CancellationToken cancellationToken)
    {
        var errors = new List<ApiError>();
        var state = OfficerTaskStatus.Open;
        if (status is not null)
        {
            // By name only: Enum.TryParse also takes "1" or "7", which are no status a client was told about.
            if (Enum.GetNames<OfficerTaskStatus>().FirstOrDefault(n => n.Equals(status, StringComparison.OrdinalIgnoreCase)) is { } name)
            {
                state = Enum.Parse<OfficerTaskStatus>(name);
            }
            else
            {
                errors.Add(new ApiError("query:status", "query.invalid", "open、awaitingApplicant、closed 之一。", "One of open, awaitingApplicant, closed."));
            }
        }

        DateTime? before = null;
        if (dueBefore is not null)
        {
            if (DateTimeOffset.TryParse(dueBefore, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                before = parsed.UtcDateTime;
            }
            else
            {
                errors.Add(new ApiError("query:dueBefore", "query.invalid", "ISO 8601 日期时间，例如 2026-12-01T00:00:00Z。", "An ISO 8601 date and time, e.g. 2026-12-01T00:00:00Z."));
            }
        }

        var size = DefaultPageSize;
        if (pageSize is not null && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > TaskStore.MaxPageSize))
        {
            errors.Add(new ApiError("query:pageSize", "query.invalid", $"1 到 {TaskStore.MaxPageSize} 之间的整数。", $"A whole number from 1 to {TaskStore.MaxPageSize}."));
        }

        bool? onlyEscalated = null;
        if (escalated is not null)
        {
            // Exactly true or false: "1" or "yes" are no value a client was told about.
            onlyEscalated = escalated switch { "true" => true, "false" => false, _ => null };
            if (onlyEscalated is null)
            {
                errors.Add(new ApiError("query:escalated", "query.invalid", "true 或 false。", "true or false."));
            }
        }

        // The token names the status it lists: another status's would start at a row of another partition.
        var list = $"tasks:{state}";
        if (!Paging.TryDecode(list, continuation, out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        try
        {
            var page = await tasks.ListPageAsync(
                caller!.Department!, state, before, string.IsNullOrEmpty(template) ? null : template, size, after, onlyEscalated, cancellationToken);
            return Results.Ok(Paging.Of(page.Tasks, list, page.Continuation, request));
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return ApiProblems.Invalid(new ApiError("query:continuation", "query.invalid", "请原样传回上一页的 continuation。", "Pass back the continuation of the previous page unchanged."));
        }
    }

    /// <summary>One task of the caller's department, with the ETag to send when acting on it.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with an ETag header, or 404.</returns>
    public async Task<IResult> GetTaskAsync(Caller caller, string taskId, CancellationToken cancellationToken)
    {
        var stored = await tasks.GetStoredAsync(caller!.Department!, taskId, cancellationToken);
        if (stored is null)
        {
            return ApiProblems.NotFound("task");
        }

        return new WithETag(View(stored), stored.ETag);
    }

    /// <summary>The form answers and materials the task's item needs, and the outputs of the items it depends on.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, or 404.</returns>
    public async Task<IResult> GetTaskApplicationAsync(Caller caller, string taskId, CancellationToken cancellationToken)
    {
        var stored = await tasks.GetStoredAsync(caller!.Department!, taskId, cancellationToken);
        if (stored is null)
        {
            return ApiProblems.NotFound("task");
        }

        var input = await EngineInputs.ReadAsync<BundleInput>(client, stored.Task.ApplicationId, nameof(BundleOrchestrator), cancellationToken);
        var item = input?.Template.Items.FirstOrDefault(i => i.Key == stored.Task.ItemKey);
        if (input is null || item is null)
        {
            return ApiProblems.NotFound("application");
        }

        // Only what this item uses: the department sees its fields and materials, not the whole application.
        var answers = input.Answers.Where(a => item.Fields.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        var record = await applications.GetAsync(stored.Task.ApplicationId, cancellationToken);
        var ledger = (record?.Materials ?? input.Materials).Where(m => m.RequiredBy.Contains(item.Key)).ToList();
        var prior = (record?.Items ?? []).Where(i => item.DependsOn.Contains(i.Key) && i.Outputs is not null)
            .ToDictionary(i => i.Key, i => i.Outputs!, StringComparer.Ordinal);
        // The department sees who filed an assisted application and on whose confirmed consent.
        var assisted = await AssistedApi.FilingOfAsync(consents, input.Applicant.Id, input.ApplicationId, cancellationToken);
        // The page in one call: the form as the application's own (pinned) template version defines and labels it, and the
        // item's history: the orchestrator's steps ("{item}:NNN") and its task's ("{taskId}:...").
        var form = input.Template.Fields.Where(f => item.Fields.Contains(f.Key)).ToList();
        var history = (await audit.ReadAsync(input.ApplicationId, cancellationToken))
            .Where(e => e.StepId.StartsWith($"{item.Key}:", StringComparison.Ordinal) || e.StepId.StartsWith($"{stored.Task.TaskId}:", StringComparison.Ordinal))
            .ToList();
        return Results.Ok(new TaskApplicationView(input.ApplicationId, input.Applicant, item, answers, ledger, prior, assisted,
            input.TemplateVersion, form, history, Labels.For(input.Template, BuiltInTemplates.Catalog)));
    }

    /// <summary>Claims a task for the caller, so colleagues see who is on it.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the new ETag, 404, 409, 412 or 428.</returns>
    public Task<IResult> ClaimAsync(Caller caller, string taskId, string? ifMatch, CancellationToken cancellationToken) =>
        ChangeClaimAsync(caller, taskId, ifMatch, claim: true, cancellationToken);

    /// <summary>Releases the caller's claim on a task.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the new ETag, 404, 409, 412 or 428.</returns>
    public Task<IResult> ReleaseAsync(Caller caller, string taskId, string? ifMatch, CancellationToken cancellationToken) =>
        ChangeClaimAsync(caller, taskId, ifMatch, claim: false, cancellationToken);

    /// <summary>
    /// Decides a task: approve, reject with a reason, or ask for a supplement naming the materials. The task row is
    /// marked with the decision only if it still has the ETag the officer read; only then is the decision sent to
    /// the item, so the item is decided once however many officers click.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="body">The decision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202, 400, 404, 409, 412 or 428.</returns>
    public async Task<IResult> DecideAsync(Caller caller, string taskId, string? ifMatch, DecisionRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var (stored, expected, refused) = await ForWriteAsync(caller!, taskId, ifMatch, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (TaskKinds.AnswerOf(stored.Task.Kind) == TaskAnswer.WrittenResponse)
        {
            // A bad rating is closed only by a written response the applicant reads, never by approve or reject.
            return ApiProblems.Conflict("task.followUp", "这是差评整改任务；请用 POST tasks/{taskId}/response 答复。", "This is a follow-up of a bad rating; answer it with POST tasks/{taskId}/response.");
        }

        var errors = Validate(body, stored.Task);
        if (body.Kind == DecisionKind.RequestSupplement && body.Materials is { Count: > 0 } asked)
        {
            // Only materials this item needs can be asked for; the applicant cannot supply a name that means nothing.
            var input = await EngineInputs.ReadAsync<BundleInput>(client, stored.Task.ApplicationId, nameof(BundleOrchestrator), cancellationToken);
            var known = input?.Template.Materials.Where(m => m.RequiredBy.Contains(stored.Task.ItemKey)).ToDictionary(m => m.Key, StringComparer.Ordinal) ?? [];
            errors.AddRange(asked.Select((m, i) => (m, i)).Where(x => !known.ContainsKey(x.m))
                .Select(x => new ApiError($"materials[{x.i}]", "material.unknown", $"“{x.m}”不是该事项的材料。", $"'{x.m}' is not a material of this item.")));
            // A supplement is answered by an upload: asking for a material the template lets nobody upload (one that comes
            // from a licence or an earlier item) would pause the item with no way for the applicant to answer.
            errors.AddRange(asked.Select((m, i) => (m, i)).Where(x => known.TryGetValue(x.m, out var d) && d.Upload is null)
                .Select(x => new ApiError($"materials[{x.i}]", "material.notUploadable",
                    $"“{x.m}”不能上传（它来自{(known[x.m].FromLicence is { } z ? $"证照 {z}" : "另一事项或承诺")}）；请在那里核对，或说明理由后不予通过。",
                    $"'{x.m}' cannot be uploaded (it comes from {(known[x.m].FromLicence is { } l ? $"the licence {l}" : "another item or a commitment")}); check it there or reject with a reason.")));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // A well-formed decision taken on a stale view is refused as such before the task's state is looked at: the
        // officer who lost a race is told the task changed, whatever it changed into (decided, pending, claimed).
        if (stored.ETag != expected)
        {
            return ApiProblems.Changed("任务在您读取后已被更改（可能同事已作出决定）；请重新加载。", "The task changed since you read it (perhaps a colleague decided it); reload it.");
        }

        if (stored.Task.Status != OfficerTaskStatus.Open)
        {
            return ApiProblems.Conflict("task.notOpen", $"任务状态为 {stored.Task.Status}；目前无需决定。", $"The task is {stored.Task.Status}; there is nothing to decide now.");
        }

        if (stored.PendingDecision is not null)
        {
            // The engine's sweep delivers it (DecisionDelivery), whether or not anyone looks.
            return ApiProblems.Conflict("task.decisionPending", "该任务已作出决定，正在送达。", "A decision on this task has been taken and is being delivered.");
        }

        if (stored.ClaimedBy is { } holder && holder != caller!.Id)
        {
            return ApiProblems.Conflict("task.claimedByOther", $"任务已由 {holder} 认领。", $"The task is claimed by {holder}.");
        }

        var pending = new PendingDecision($"d-{Guid.NewGuid():N}", body.Kind, caller!.Id, time.GetUtcNow(), body.Reason, body.Materials);
        // Noted before it is marked, so the engine's sweep finds every mark: a 202 is kept even if the host stops next.
        await tasks.NotePendingAsync(caller.Department!, taskId, pending.Id, pending.At, cancellationToken);
        if (await tasks.TryUpdateOfficerStateAsync(caller!.Department!, taskId, expected, stored.ClaimedBy, pending.Serialize(), cancellationToken) is not { } etag)
        {
            return ApiProblems.Changed("任务在您读取后已被更改（可能同事已作出决定）；请重新加载。", "The task changed since you read it (perhaps a colleague decided it); reload it.");
        }

        if (TaskKinds.AnswerOf(stored.Task.Kind) == TaskAnswer.DecisionClosesTask)
        {
            await delivery.DeliverAsync(stored.Task, pending, cancellationToken);
            return await AcceptedAsync(caller, stored.Task, pending, etag, cancellationToken);
        }

        try
        {
            await service.DecideAsync(stored.Task.ApplicationId, stored.Task.ItemKey, pending.ToEvent(), cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not delivered: lift the mark so the decision can be taken again, and report the failure.
            await tasks.TryUpdateOfficerStateAsync(caller.Department!, taskId, etag, stored.ClaimedBy, null, CancellationToken.None);
            throw;
        }

        return await AcceptedAsync(caller, stored.Task, pending, etag, cancellationToken);
    }

    // A decision's 202 says where to look (the task, whose decisionPending turns false when delivered) and the task's
    // ETag now, read again since delivery may already have closed it, so the next write needs no extra GET.
    async Task<IResult> AcceptedAsync(Caller caller, TaskRecord task, PendingDecision pending, ETag marked, CancellationToken cancellationToken)
    {
        var now = (await tasks.GetStoredAsync(caller.Department!, task.TaskId, cancellationToken))?.ETag ?? marked;
        return new WithHeader(
            new WithETag(new DecisionAccepted(task.TaskId, pending.Id, task.ApplicationId, ApiETags.ToHeader(now)), now, StatusCodes.Status202Accepted),
            "Location",
            $"/api/tasks/{Uri.EscapeDataString(task.TaskId)}");
    }

    async Task<IResult> ChangeClaimAsync(Caller caller, string taskId, string? ifMatch, bool claim, CancellationToken cancellationToken)
    {
        var (stored, expected, refused) = await ForWriteAsync(caller!, taskId, ifMatch, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (stored.Task.Status == OfficerTaskStatus.Closed)
        {
            return ApiProblems.Conflict("task.closed", "任务已关闭。", "The task is closed.");
        }

        if (stored.ClaimedBy is { } holder && holder != caller!.Id)
        {
            return ApiProblems.Conflict("task.claimedByOther", $"任务已由 {holder} 认领。", $"The task is claimed by {holder}.");
        }

        if (!claim && stored.ClaimedBy is null)
        {
            return ApiProblems.Conflict("task.notClaimed", "您没有认领该任务。", "You have not claimed this task.");
        }

        var etag = await tasks.TryUpdateOfficerStateAsync(caller!.Department!, taskId, expected, claim ? caller.Id : null, stored.PendingDecision, cancellationToken);
        if (etag is null)
        {
            return ApiProblems.Changed("任务在您读取后已被更改；请重新加载。", "The task changed since you read it; reload it.");
        }

        var now = await tasks.GetStoredAsync(caller.Department!, taskId, cancellationToken);
        return now is null ? ApiProblems.NotFound("task") : new WithETag(View(now), now.ETag);
    }

    // A write names a task of the caller's department and the ETag it read; either missing ends it here.
    async Task<(StoredTask Stored, ETag Expected, IResult? Refused)> ForWriteAsync(Caller caller, string taskId, string? ifMatch, CancellationToken cancellationToken)
    {
        var stored = await tasks.GetStoredAsync(caller.Department!, taskId, cancellationToken);
        if (stored is null)
        {
            return (null!, default, ApiProblems.NotFound("task"));
        }

        return ApiETags.Expected(ifMatch, stored.ETag) is { } expected ? (stored, expected, null) : (stored, default, ApiProblems.NeedsIfMatch());
    }

    static List<ApiError> Validate(DecisionRequest body, TaskRecord task)
    {
        var errors = new List<ApiError>();
        if (body.Reason is { Length: > 2000 })
        {
            errors.Add(new ApiError("reason", "field.tooLong", "最多 2000 个字符。", "At most 2000 characters."));
        }

        switch (body.Kind)
        {
            case DecisionKind.Reject when string.IsNullOrWhiteSpace(body.Reason):
                errors.Add(new ApiError("reason", "field.required", "不予通过须给出申请人可读的理由。", "A rejection needs a reason the applicant can read."));
                break;
            case DecisionKind.RequestSupplement when !TaskKinds.Takes(task.Kind, DecisionKind.RequestSupplement):
                errors.Add(new ApiError("kind", "field.invalid", "核查只能通过（属实）或不通过（不属实）。", "A verification is approved (verified) or rejected (failed)."));
                break;
            case DecisionKind.RequestSupplement:
                if (string.IsNullOrWhiteSpace(body.Reason))
                {
                    errors.Add(new ApiError("reason", "field.required", "请说明为何需要这些材料。", "Say why the materials are needed."));
                }

                if (body.Materials is not { Count: > 0 } || body.Materials.Exists(string.IsNullOrWhiteSpace))
                {
                    errors.Add(new ApiError("materials", "field.required", "请指明所需材料。", "Name the materials asked for."));
                }

                break;
        }

        return errors;
    }

    static TaskView View(StoredTask stored) => new(stored.Task, stored.ClaimedBy, stored.PendingDecision is not null, ApiETags.ToHeader(stored.ETag));
}
