using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Assisted;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Orchestration;
using Workflows.Ratings;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>
/// What citizens and companies do: find a bundle, upload materials, submit once, follow the application, supply
/// what is asked, withdraw, see their licences. Every route checks the caller is an applicant, and every
/// application is looked up under the caller's own id: another person's application is simply not found.
/// </summary>
public sealed class CitizenApi(
    TemplateStore templates,
    LicenceRegistry licences,
    MaterialUploads uploads,
    ApplicationService applications,
    ApplicationStore store,
    TaskStore tasks,
    ApplicantApplications mine,
    SlaClockSource clocks,
    TimeProvider time,
    ConsentStore consents,
    RatingStore ratings,
    CaseStore cases)
{
    /// <summary>The longest Idempotency-Key accepted.</summary>
    public const int MaxIdempotencyKeyLength = 100;

    /// <summary>Lists the bundles open for applications.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the bundles.</returns>
    public async Task<IResult> ListBundlesAsync(Caller caller, CancellationToken cancellationToken)
    {
        var list = new List<BundleSummary>();
        foreach (var key in await templates.ListKeysAsync(cancellationToken))
        {
            if (await templates.GetPublishedAsync(key, cancellationToken) is { } published)
            {
                var t = published.Template;
                var departments = t.Items.Select(i => i.Department).Distinct(StringComparer.Ordinal).ToList();
                var labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["bundle"] = ApiLanguage.Pick(t.Name, t.NameEn) };
                foreach (var d in departments)
                {
                    labels[$"department:{d}"] = Labels.Department(BuiltInTemplates.Catalog, d);
                }

                list.Add(new BundleSummary(t.Key, published.Version, ApiLanguage.Pick(t.Name, t.NameEn), ApiLanguage.Pick(t.Description, t.DescriptionEn),
                    t.ApplicantKind, t.CommittedDays, t.Items.Count, departments, labels));
            }
        }

        // A handful of templates: one page, no continuation.
        return Results.Ok(Paging.Whole<BundleSummary>(list));
    }

    /// <summary>A bundle's form and material list, with what this applicant already has from their licences.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The bundle.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the form, or 404.</returns>
    public async Task<IResult> GetFormAsync(Caller caller, string key, CancellationToken cancellationToken)
    {
        if (await templates.GetPublishedAsync(key, cancellationToken) is not { } published)
        {
            return ApiProblems.NotFound("bundle");
        }

        var held = caller.Role == CallerRole.Applicant
            ? (await licences.ListAsync(caller.Id, cancellationToken)).Select(l => l.LicenceType).ToHashSet(StringComparer.Ordinal)
            : [];
        var t = published.Template;
        var materials = t.Materials.Select(m => new FormMaterial(
            m.Key, m.Name, m.RequiredBy,
            // The caller's own licences say nothing of another party's material (the seller's title), unless the caller may be that party.
            m.FromLicence is { } licence && held.Contains(licence) && (m.Party is null || t.Parties?.FirstOrDefault(p => p.Role == m.Party)?.MayBeApplicant == true) ? $"licence:{licence}"
                : m.ProducedBy is { } produced ? $"item:{produced.Item}" : null,
            m.Upload, m.Commitment?.Text, m.Deferral?.WithinDays, m.RequiredWhen, m.Party)).ToList();
        var items = t.Items.Select(i => new FormItem(i.Key, i.Name, i.Department, i.CommittedDays, i.DependsOn, i.Decision is RuleDecision)).ToList();
        return Results.Ok(new BundleForm(t.Key, published.Version, t.Name, t.Description, t.Fields, materials, items, Labels.For(t, BuiltInTemplates.Catalog), t.Parties));
    }

    /// <summary>Streams one material file to storage, checking size, type and hash as it goes.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="templateKey">The bundle the material belongs to.</param>
    /// <param name="materialKey">The material.</param>
    /// <param name="request">The HTTP request whose body is the file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>201 with the reference, or a problem naming what is wrong.</returns>
    public async Task<IResult> UploadAsync(Caller caller, string templateKey, string materialKey, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await templates.GetPublishedAsync(templateKey, cancellationToken) is not { } published)
        {
            return ApiProblems.NotFound("bundle");
        }

        if (published.Template.Materials.FirstOrDefault(m => m.Key == materialKey) is not { } material)
        {
            return ApiProblems.NotFound("material");
        }

        if (material.Upload is { } rule && request.ContentLength > rule.MaxBytes)
        {
            // Refused before a byte is read.
            return ApiProblems.TooLarge(rule.MaxBytes);
        }

        var sha = request.Headers["X-Content-SHA256"].FirstOrDefault();
        var (upload, problem) = await uploads.UploadAsync(caller!.Id, material, request.ContentType ?? string.Empty, request.Body, sha, cancellationToken);
        if (problem is not null)
        {
            return problem.Code switch
            {
                "upload.tooLarge" => ApiProblems.TooLarge(material.Upload!.MaxBytes),
                "upload.contentType" => ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, problem.Code, "Unsupported media type.", problem.MessageZh, problem.Message,
                    [new ApiError("header:Content-Type", problem.Code, problem.MessageZh, problem.Message)]),
                _ => ApiProblems.Invalid(new ApiError(problem.Field == "sha256" ? "header:X-Content-SHA256" : problem.Field, problem.Code, problem.MessageZh, problem.Message)),
            };
        }

        var u = upload!;
        return Results.Created(Files.FilesApi.LocationOf(u), new UploadResponse(u.Reference, u.MaterialKey, u.ContentType, u.Size, u.Sha256));
    }

    /// <summary>
    /// Submits one application for the caller. With an <c>Idempotency-Key</c> the application id is derived from
    /// the caller and the key, so a retried submit returns the same application instead of starting a second one.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="body">The submission.</param>
    /// <param name="idempotencyKey">The Idempotency-Key header, if sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202 with the ledger, 200 for a replay, or 422 with the one notice.</returns>
    public async Task<IResult> SubmitAsync(Caller caller, SubmitRequest body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength || idempotencyKey.Any(c => c is < '!' or > '~')))
        {
            return ApiProblems.Invalid(new ApiError("header:Idempotency-Key", "header.invalid", $"1 到 {MaxIdempotencyKeyLength} 个可打印 ASCII 字符。", $"1 to {MaxIdempotencyKeyLength} printable ASCII characters."));
        }

        // The same shape rules and the same refusal as the pre-submit check (SubmissionCheckApi).
        var errors = SubmitRequestShape.Problems(body);
        var materials = body.Materials ?? [];
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var applicationId = idempotencyKey is null ? $"app-{Guid.NewGuid():N}" : IdFor(caller!.Id, idempotencyKey);
        var result = await applications.SubmitAsync(new SubmissionRequest(body.TemplateKey, caller!.AsApplicant(), body.Answers, materials, body.Parties), applicationId, cancellationToken);
        if (result.IdempotencyConflict)
        {
            return ApiProblems.IdempotencyConflict();
        }

        if (result.Backlogged is { } backlogged)
        {
            return ApiProblems.Backlogged(backlogged);
        }

        if (!result.Accepted)
        {
            return SubmitRequestShape.Refusal(result.Problems);
        }

        if (result.AlreadyAccepted)
        {
            var ledger = result.Ledger.Count > 0 ? result.Ledger : (await store.GetAsync(applicationId, cancellationToken))?.Materials ?? [];
            return Results.Ok(new SubmitResponse(applicationId, ledger, Replayed: true));
        }

        return Results.Accepted($"/api/applications/{applicationId}", new SubmitResponse(applicationId, result.Ledger, Replayed: false));
    }

    /// <summary>
    /// The caller's applications, newest submission first (<c>sort=submittedAt</c>: oldest first), a page at a time;
    /// filtered by <c>status</c>, <c>template</c> and submission time (<c>from</c> at or after, <c>to</c> before).
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request: its query holds the filters, <c>pageSize</c> and <c>continuation</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page, or 400 naming the bad query parameter.</returns>
    public async Task<IResult> ListMineAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var errors = new List<ApiError>();
        var status = Paging.Named<ApplicationStatus>(q, "status", errors);
        var template = Paging.Text(q, "template");
        var from = Paging.Date(q, "from", errors);
        var to = Paging.Date(q, "to", errors);
        var sort = Paging.Choice(q, "sort", errors, "-submittedAt", "submittedAt");
        var size = Paging.Size(q, errors);
        var list = $"applications:{sort}";
        if (!Paging.TryDecode(list, Paging.Text(q, "continuation"), out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // One range read of the applicant's list partition, a page at a time, whatever the number stored.
        var newestFirst = sort != "submittedAt";
        var (rows, more) = await store.ListPageByApplicantAsync(caller!.Id, new ApplicantListQuery(status, template, from, to, newestFirst), after, size, cancellationToken);
        var page = rows.Select(a => new ApplicationSummary(a.ApplicationId, a.TemplateKey, a.TemplateName, a.Status, a.SubmittedAt, a.UpdatedAt, a.Approved, a.Included)).ToList();
        return Results.Ok(more ? Paging.Of(page, list, ApplicationStore.ListKey(rows[^1], newestFirst), request) : new Page<ApplicationSummary>(page, null, null));
    }

    /// <summary>One of the caller's applications with each item's state, due time and what is asked of them.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, or 404 when it is not the caller's.</returns>
    public async Task<IResult> GetMineAsync(Caller caller, string applicationId, CancellationToken cancellationToken)
    {
        var record = await FindMineAsync(caller!, applicationId, cancellationToken);
        if (record is null)
        {
            return ApiProblems.NotFound("application");
        }

        var asked = new List<AskedOfYou>();
        var items = record.Items.ToList();
        var now = time.GetUtcNow().UtcDateTime;
        // Only a running application counts down; the clock is the one in force now (the bundle pinned the same
        // calendar unless a new version was published since, which moves a countdown by a holiday at most).
        var clock = record.Status == ApplicationStatus.InProgress ? await clocks.CurrentAsync(cancellationToken) : null;
        var countdowns = new List<Countdown>();
        // While any item waits on the applicant the bundle's clock stands still too (the bundle moves its due time by
        // the hold when the item reports it).
        DateTime? bundlePausedSince = null;

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.State != ItemState.Running)
            {
                continue;
            }

            var task = await tasks.GetAsync(item.Department, ItemOrchestrator.InstanceId(record.ApplicationId, item.Key), cancellationToken);
            var paused = task is { Status: OfficerTaskStatus.AwaitingApplicant };
            if (paused)
            {
                // The request's own members; a row written before them is read from its note (SupplementAsked).
                var request = SupplementAsked.From(task!)!;
                asked.Add(new AskedOfYou("supplement", item.Key, request.Materials, request.Reason, null, task!.SupplementRequestId));
            }

            if (task is not null)
            {
                // The item keeps its due time on its task: a supplement's pause and an extension move it there.
                items[i] = item = item with { DueAt = task.DueAt };
            }

            if (clock is not null && item.DueAt is { } itemDue)
            {
                // A task awaiting the applicant was last set when the supplement was asked: the clock stopped then.
                countdowns.Add(Countdown.Of(clock, item.Key, itemDue, now, paused ? task!.OpenedAt : null));
            }

            // A running item whose task was approved is held for a deferred material (容缺): that wait is the applicant's too.
            var held = paused || task is { Status: OfficerTaskStatus.Closed, Outcome: nameof(ItemState.Approved) };
            if (held && (bundlePausedSince is null || task!.OpenedAt < bundlePausedSince))
            {
                bundlePausedSince = task!.OpenedAt;
            }
        }

        // An item approved on a commitment (告知承诺) whose verification failed where the template revokes it is shown
        // revoked; the verification task, closed by the department, keeps the outcome and the reason.
        foreach (var committed in record.Materials.Where(m => m.Status == MaterialStatus.Committed))
        {
            // One verification for every item approved on the commitment: its outcome stands for each of them.
            if (committed.Verifier is { } verifier)
            {
                if (await tasks.GetAsync(verifier.Department, $"{ItemOrchestrator.InstanceId(record.ApplicationId, verifier.Item)}:verify:{committed.Key}", cancellationToken)
                    is { Outcome: "revoked" } shared)
                {
                    for (var at = 0; at < items.Count; at++)
                    {
                        if (committed.RequiredBy.Contains(items[at].Key) && items[at].State == ItemState.Approved)
                        {
                            items[at] = items[at] with { Revoked = shared.Note ?? (ApiLanguage.English ? "The commitment failed its verification." : "承诺未通过核查。") };
                        }
                    }
                }

                continue;
            }

            foreach (var key in committed.RequiredBy)
            {
                var at = items.FindIndex(i => i.Key == key && i.State == ItemState.Approved);
                if (at >= 0 && await tasks.GetAsync(items[at].Department, $"{ItemOrchestrator.InstanceId(record.ApplicationId, key)}:verify:{committed.Key}", cancellationToken)
                    is { Outcome: "revoked" } verification)
                {
                    items[at] = items[at] with { Revoked = verification.Note ?? (ApiLanguage.English ? "The commitment failed its verification." : "承诺未通过核查。") };
                }
            }
        }

        if (clock is not null && record.DueAt is { } bundleDue)
        {
            countdowns.Insert(0, Countdown.Of(clock, null, bundleDue, now, bundlePausedSince));
        }

        asked.AddRange(record.Materials.Where(m => m.Status == MaterialStatus.Deferred)
            .Select(m => new AskedOfYou("deferred", null, [m.Key], ApiLanguage.Pick($"请在期限前补交{m.Name}。", $"Supply {m.Name} by the deadline."), m.DueAt)));
        IReadOnlyDictionary<string, JsonElement>? prefilled = null;
        DateTime? confirmBy = null;
        if (record.Status == ApplicationStatus.AwaitingConfirmation && await applications.GetProactiveAsync(applicationId, cancellationToken) is { } proactive)
        {
            // The applicant confirms what the register filled in, so they are shown it, with the deadline the instance keeps.
            prefilled = proactive.Prefilled;
            confirmBy = proactive.Template.Proactive is { } rule ? proactive.Clock.Due(proactive.ReceivedAt, rule.ConfirmWithinDays) : null;
            asked.Add(new AskedOfYou("confirmation", null, [],
                ApiLanguage.Pick("请核对预填内容，补全缺少的信息后确认，或者拒绝。", "Check the pre-filled answers, complete what is missing and confirm, or decline."), confirmBy));
        }

        // One call renders the tracker: the labels of the application's own template version, what can still be rated and
        // the stuck case, besides the items, countdowns and what is asked.
        var version = await templates.GetAsync(record.TemplateKey, record.TemplateVersion, cancellationToken);
        var labels = version is null ? null : Labels.For(version.Version.Definition, BuiltInTemplates.Catalog, ratingTags: true);
        var rated = (await ratings.ListAsync(record.ApplicationId, cancellationToken)).Select(r => r.Target).ToHashSet(StringComparer.Ordinal);
        var rateable = items.Where(i => i.State != ItemState.NotIncluded && RatingService.Ended(i.State)).Select(i => i.Key)
            .Concat(RatingService.Ended(record.Status) ? [RatingRules.BundleTarget] : [])
            .Where(target => !rated.Contains(target)).ToList();
        var stuck = (await cases.GetStoredAsync(StuckCase.IdFor(record.ApplicationId), cancellationToken))?.Case;
        return Results.Ok(new ApplicationDetail(record.ApplicationId, record.TemplateKey, record.TemplateVersion, record.TemplateName, record.Status,
            record.SubmittedAt, record.UpdatedAt, items, record.Materials, asked, record.DueAt, countdowns, prefilled, confirmBy,
            await AssistedApi.FilingOfAsync(consents, caller!.Id, record.ApplicationId, cancellationToken), labels, rateable, stuck, record.Parties));
    }

    /// <summary>Supplies what an officer asked for on one item; the item resumes.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <param name="body">The uploads by material.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202, 404, 409 when nothing is asked, the request named is not the open one (<c>supplement.stale</c>) or
    /// was answered already with other files (<c>supplement.alreadyAnswered</c>), or 400 naming a bad upload or field.</returns>
    public async Task<IResult> SupplyAsync(Caller caller, string applicationId, string itemKey, SupplyRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var record = await FindMineAsync(caller!, applicationId, cancellationToken);
        var item = record?.Items.FirstOrDefault(i => i.Key == itemKey);
        if (record is null || item is null)
        {
            return ApiProblems.NotFound("item");
        }

        var task = await tasks.GetAsync(item.Department, ItemOrchestrator.InstanceId(applicationId, itemKey), cancellationToken);
        if (task is not { Status: OfficerTaskStatus.AwaitingApplicant })
        {
            return ApiProblems.Conflict("supplement.notAsked", "该事项目前没有需要您提供的内容。", "Nothing is asked of you on this item now.");
        }

        if (body.References.Count == 0)
        {
            return ApiProblems.Invalid(new ApiError("references", "field.required", "请至少提供一份材料。", "Supply at least one material."));
        }

        var errors = await CheckUploadsAsync(caller!, body.References.Select(r => (r.Key, r.Value, $"references.{r.Key}")), cancellationToken);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (string.IsNullOrWhiteSpace(body.RequestId))
        {
            return ApiProblems.Invalid(new ApiError("requestId", "field.required", "请指明您答复的请求（申请的 asked[].requestId）。", "Name the request you answer (asked[].requestId of the application)."));
        }

        // One answer per request, taken on the task row under its ETag: of two posts at once one is taken, and a
        // supplement made for an earlier request never answers a later one.
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join("\n", body.References.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}")))));
        switch (await tasks.TakeSupplementAnswerAsync(item.Department, task.TaskId, body.RequestId, fingerprint, cancellationToken))
        {
            case SupplementAnswer.NotAsked:
                return ApiProblems.Conflict("supplement.notAsked", "该事项目前没有需要您提供的内容。", "Nothing is asked of you on this item now.");
            case SupplementAnswer.Stale:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "supplement.stale", "Conflict with the current state.", "该请求不是此事项当前待答复的请求；请重新加载申请，答复其显示的请求。",
                    "That request is not the one open on this item; reload the application and answer the request it shows.",
                    [new ApiError("requestId", "supplement.stale", "不是当前待答复的请求。", "Not the open request.")]);
            case SupplementAnswer.AlreadyAnswered:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "supplement.alreadyAnswered", "Conflict with the current state.", "该请求已用其他文件答复过；部门正在审查那次答复。",
                    "This request was answered already with other files; the department reviews that answer.",
                    [new ApiError("requestId", "supplement.alreadyAnswered", "已经答复过了。", "Answered already.")]);
        }

        // Taken, or the same answer again (a retry after a failure): delivered; the item takes one answer per request.
        await applications.SupplyAsync(applicationId, itemKey, new SupplementProvided([.. body.References.Keys], body.References, body.RequestId), cancellationToken);
        return Results.Accepted($"/api/applications/{applicationId}");
    }

    /// <summary>Supplies a material that was accepted as deferred (容缺).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="materialKey">The material.</param>
    /// <param name="body">The upload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202, 404, 409 when the material is not awaited, or 400 naming a bad upload.</returns>
    public async Task<IResult> SupplyDeferredAsync(Caller caller, string applicationId, string materialKey, DeferredSupplyRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var record = await FindMineAsync(caller!, applicationId, cancellationToken);
        var entry = record?.Materials.FirstOrDefault(m => m.Key == materialKey);
        if (record is null || entry is null)
        {
            return ApiProblems.NotFound("material");
        }

        if (entry.Status != MaterialStatus.Deferred || record.Status != ApplicationStatus.InProgress)
        {
            return ApiProblems.Conflict("material.notAwaited", $"{entry.Name}当前不在等待补交（状态为 {entry.Status}）。", $"{entry.Name} is not awaited (it is {entry.Status}).");
        }

        var errors = await CheckUploadsAsync(caller!, [(materialKey, body.Reference, "reference")], cancellationToken);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        await applications.SupplyDeferredAsync(applicationId, new DeferredMaterialSupplied(materialKey, body.Reference), cancellationToken);
        return Results.Accepted($"/api/applications/{applicationId}");
    }

    /// <summary>Withdraws one of the caller's applications; every pending item is cancelled.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="body">The reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202, 404, or 409 when it has already ended.</returns>
    public async Task<IResult> WithdrawAsync(Caller caller, string applicationId, WithdrawRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            return ApiProblems.Invalid(new ApiError("reason", "field.required", "请给出不超过 500 个字符的理由。", "Give a reason of at most 500 characters."));
        }

        var record = await FindMineAsync(caller!, applicationId, cancellationToken);
        if (record is null)
        {
            return ApiProblems.NotFound("application");
        }

        if (record.Status != ApplicationStatus.InProgress)
        {
            return ApiProblems.Conflict("application.ended", $"申请已经结束（{record.Status}）。", $"The application has already ended ({record.Status}).");
        }

        await applications.WithdrawAsync(applicationId, body.Reason, cancellationToken);
        return Results.Accepted($"/api/applications/{applicationId}");
    }

    /// <summary>
    /// Confirms one of the caller's proactive applications, with corrections and materials; the whole check runs now, so
    /// everything missing is told once (422), and the bundle starts when nothing is.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="body">The corrections and materials.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202, 404 when not the caller's, 409 when not awaiting confirmation, 400 or 422 naming what is wrong.</returns>
    public async Task<IResult> ConfirmAsync(Caller caller, string applicationId, ConfirmationRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var (proactive, refused) = await AwaitingConfirmationAsync(caller, applicationId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var materials = body.Materials ?? [];
        var errors = new List<ApiError>();
        for (var i = 0; i < materials.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(materials[i].Key))
            {
                errors.Add(new ApiError($"materials[{i}].key", "field.required", "请指明材料。", "Name the material."));
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var problems = await applications.ConfirmProactiveAsync(proactive!, new ProactiveConfirmed(body.Answers, materials), cancellationToken);
        if (problems.Count > 0)
        {
            return ApiProblems.Refused(ProblemCodes.ConfirmationRefused, new LocalText("申请暂不能开始办理；所缺的一切已一次列出。", "The application cannot start yet; everything missing is listed once."),
                [.. problems.Select(p => p.ToApiError())]);
        }

        return Results.Accepted($"/api/applications/{applicationId}");
    }

    /// <summary>Declines one of the caller's proactive applications.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="body">The reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202, 404 when not the caller's, 409 when not awaiting confirmation, 400 without a reason.</returns>
    public async Task<IResult> DeclineAsync(Caller caller, string applicationId, DeclinationRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500)
        {
            return ApiProblems.Invalid(new ApiError("reason", "field.required", "请给出不超过 500 个字符的理由。", "Give a reason of at most 500 characters."));
        }

        var (_, refused) = await AwaitingConfirmationAsync(caller, applicationId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        await applications.DeclineProactiveAsync(applicationId, body.Reason, cancellationToken);
        return Results.Accepted($"/api/applications/{applicationId}");
    }

    // The caller's own proactive application, still awaiting confirmation; anyone else's is not found.
    async Task<(ProactiveInput? Proactive, IResult? Refused)> AwaitingConfirmationAsync(Caller caller, string applicationId, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(applicationId, cancellationToken);
        if (record is null || record.Applicant.Id != caller!.Id)
        {
            return (null, ApiProblems.NotFound("application"));
        }

        var proactive = record.Status == ApplicationStatus.AwaitingConfirmation ? await applications.GetProactiveAsync(applicationId, cancellationToken) : null;
        return proactive is null
            ? (null, ApiProblems.Conflict("application.notAwaitingConfirmation", $"申请不在等待您确认（{record.Status}）。", $"The application is not awaiting your confirmation ({record.Status})."))
            : (proactive, null);
    }

    /// <summary>The caller's electronic licences, held or ended (each with its status), newest first, a page at a time; <c>application</c>: only those it issued.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request: its query holds <c>application</c>, <c>pageSize</c> and <c>continuation</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page of licences, or 400 naming the bad query parameter.</returns>
    public async Task<IResult> ListLicencesAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var errors = new List<ApiError>();
        var application = Paging.Text(q, "application");
        var size = Paging.Size(q, errors);
        const string list = "licences";
        if (!Paging.TryDecode(list, Paging.Text(q, "continuation"), out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // The registry's history: held licences and the ones an item revoked or superseded, each with its status.
        var history = (await licences.HistoryAsync(caller!.Id, cancellationToken))
            .Where(l => application is null || l.Licence.ApplicationId == application)
            .Select(LicenceView.Of);
        return Results.Ok(Paging.Slice(history, l => $"{Paging.Newest(l.IssuedAt)}|{l.LicenceType}|{l.Number}", list, after, size, request));
    }

    /// <summary>The application id a caller's Idempotency-Key stands for: theirs alone, and the same on every retry.</summary>
    /// <param name="applicantId">The caller.</param>
    /// <param name="idempotencyKey">The key.</param>
    /// <returns>The id.</returns>
    public static string IdFor(string applicantId, string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(applicantId);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{applicantId}\n{idempotencyKey}"));
        return $"app-{Convert.ToHexStringLower(hash, 0, 16)}";
    }

    // The read model, or, in the moment between acceptance and the bundle's first write, the instance's own input.
    Task<ApplicationRecord?> FindMineAsync(Caller caller, string applicationId, CancellationToken cancellationToken) =>
        mine.FindAsync(caller.Id, applicationId, cancellationToken);

    async Task<List<ApiError>> CheckUploadsAsync(Caller caller, IEnumerable<(string Material, string Reference, string Field)> cited, CancellationToken cancellationToken)
    {
        var errors = new List<ApiError>();
        foreach (var (material, reference, field) in cited)
        {
            var upload = string.IsNullOrWhiteSpace(reference) ? null : await uploads.GetAsync(caller.Id, reference, cancellationToken);
            if (upload is null || upload.MaterialKey != material)
            {
                errors.Add(new ApiError(field, "material.upload.unknown", "您没有以此引用为该材料上传的文件；请先上传文件。", "No upload of yours for this material has that reference; upload the file first."));
            }
        }

        return errors;
    }
}
