using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Assisted;

/// <summary>
/// The citizen or company a member of staff files for: only who they are by id. Their name is not the helper's to
/// give; it comes from the applicant's own token when they confirm.
/// </summary>
/// <param name="Id">Their applicant id (the id they sign in with); the request and the application are kept under it.</param>
/// <param name="Kind">citizen or company.</param>
public sealed record AssistedApplicant(string Id, ApplicantKind Kind);

/// <summary>An application a member of staff prepares for an applicant to confirm (帮办代办).</summary>
/// <param name="Applicant">Who it is for.</param>
/// <param name="TemplateKey">Which bundle.</param>
/// <param name="Answers">The form's answers.</param>
/// <param name="Materials">Materials; uploads must be the applicant's own.</param>
public sealed record AssistedSubmitRequest(AssistedApplicant Applicant, string TemplateKey, Dictionary<string, JsonElement> Answers, List<MaterialProvision>? Materials = null);

/// <summary>Where a consent request stands.</summary>
public enum ConsentStatus
{
    /// <summary>Filed by the helper; the applicant has not answered.</summary>
    AwaitingConfirmation,

    /// <summary>The applicant confirmed it; the application is filed.</summary>
    Confirmed,

    /// <summary>The applicant refused it; nothing is filed.</summary>
    Refused,

    /// <summary>Not answered in time; it can no longer be confirmed.</summary>
    Expired,
}

/// <summary>The member of staff who filed a consent request.</summary>
/// <param name="Id">Their id.</param>
/// <param name="Name">Their name.</param>
/// <param name="Hall">Their department (the service hall).</param>
public sealed record ConsentHelper(string Id, string Name, string Hall);

/// <summary>A consent request as its applicant (and the helper's answer to the filing) sees it: exactly what would be filed.</summary>
/// <param name="ConsentId">The request's id.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="TemplateKey">The bundle.</param>
/// <param name="TemplateName">The bundle's name, when it is open for applications.</param>
/// <param name="Answers">The answers that would be filed.</param>
/// <param name="Materials">The materials that would be offered.</param>
/// <param name="FiledBy">Who filed it.</param>
/// <param name="FiledAt">When.</param>
/// <param name="ExpiresAt">The last moment it can be confirmed.</param>
/// <param name="Sha256">The digest to send with the confirmation: it confirms exactly this content.</param>
/// <param name="ApplicationId">The application a confirmation files (it exists once confirmed).</param>
/// <param name="DecidedAt">When the applicant answered.</param>
public sealed record ConsentView(
    string ConsentId, ConsentStatus Status, string TemplateKey, string? TemplateName, IReadOnlyDictionary<string, JsonElement> Answers,
    IReadOnlyList<MaterialProvision> Materials, ConsentHelper FiledBy, DateTime FiledAt, DateTime ExpiresAt, string Sha256, string ApplicationId, DateTime? DecidedAt);

/// <summary>The applicant's confirmation of a consent request.</summary>
/// <param name="Sha256">The digest of the request as they were shown it (<see cref="ConsentView.Sha256"/>).</param>
public sealed record ConsentConfirmationRequest(string Sha256);

/// <summary>The applicant's refusal of a consent request.</summary>
/// <param name="Reason">Why, if they want to say.</param>
public sealed record ConsentRefusalRequest(string? Reason = null);

/// <summary>Who filed an application with whose consent: shown to the department and the applicant.</summary>
/// <param name="ConsentId">The consent record.</param>
/// <param name="FiledBy">The member of staff.</param>
/// <param name="FiledAt">When they filed it.</param>
/// <param name="ConfirmedBy">The applicant who confirmed it (their id).</param>
/// <param name="ConfirmedName">The name on the token they confirmed with.</param>
/// <param name="ConfirmedAt">When.</param>
/// <param name="Sha256">The digest of what they confirmed.</param>
public sealed record AssistedFilingView(string ConsentId, ConsentHelper FiledBy, DateTime FiledAt, string ConfirmedBy, string ConfirmedName, DateTime ConfirmedAt, string Sha256);

/// <summary>Constants of assisted filing.</summary>
public static class AssistedFiling
{
    /// <summary>The department code of the demo service hall's helper.</summary>
    public const string HallDepartment = "service-hall";

    /// <summary>The audit action recorded when the applicant's confirmation files the application.</summary>
    public const string AuditAction = "application.assisted";

    /// <summary>The audit step id of <see cref="AuditAction"/> (one per application).</summary>
    public const string AuditStep = "assisted";

    /// <summary>How long an applicant has to confirm a request.</summary>
    public static readonly TimeSpan ConfirmWithin = TimeSpan.FromDays(7);

    /// <summary>The notification topic telling the applicant a request awaits them.</summary>
    public const string ConsentRequestedTopic = "consent.requested";
}

/// <summary>
/// Assisted filing (帮办代办) in two steps. An officer whose token carries <c>assist=true</c> prepares an application
/// for an applicant: it gets every check a self-filed one gets and is kept as a consent request (insert-only, with
/// its digest), and nothing starts. The applicant, signed in with their own token, sees it and confirms exactly that
/// (by its digest) or refuses it, within <see cref="AssistedFiling.ConfirmWithin"/>. Only the confirmation starts the
/// application, under the token's id and name, with an id derived from the consent, so a retried confirmation files
/// it once; the audit trail and the views name the consent, the helper and the times.
/// </summary>
public sealed class AssistedApi(
    ApplicationService service, ApplicationStore store, ConsentStore consents, ITemplateSource templates, AuditTrail audit,
    NotificationOutbox outbox, TimeProvider time, ILogger<AssistedApi> logger)
{
    /// <summary>The longest applicant id.</summary>
    public const int MaxIdLength = Identifiers.MaxLength;

    /// <summary>Refuses an officer without the assist grant, before the body is read (the edge has let only officers in).</summary>
    /// <param name="caller">The caller.</param>
    /// <returns>403, or null when the caller may go on.</returns>
    public static IResult? Gate(Caller caller) =>
        caller.Role == CallerRole.Officer && caller.CanAssist ? null : ApiProblems.Forbidden();

    /// <summary>Prepares an application for an applicant to confirm; nothing starts.</summary>
    /// <param name="caller">The assisting officer.</param>
    /// <param name="body">The application.</param>
    /// <param name="idempotencyKey">The Idempotency-Key header, if sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>201 with the consent request (200 for a replay), 400, 404 for an unknown bundle, 422 with the one notice or for a reused key.</returns>
    public async Task<IResult> SubmitAsync(Caller caller, AssistedSubmitRequest body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Gate(caller) is { } denied)
        {
            return denied;
        }

        var errors = Validate(caller!, body, idempotencyKey);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var materials = body.Materials ?? [];
        // The name is not known (nor used by the check) until the applicant confirms with their own token.
        var problems = await service.CheckAsync(new SubmissionRequest(body.TemplateKey, new Applicant(body.Applicant.Id, body.Applicant.Kind, body.Applicant.Id), body.Answers, materials), cancellationToken);
        if (problems.Count > 0)
        {
            return Refusal(problems);
        }

        // A key is the staff member's for this applicant: it can neither collide with the applicant's own keys nor another helper's.
        var consentId = idempotencyKey is null ? $"con-{Guid.NewGuid():N}" : $"con-{Hex($"assist:{caller!.Id}:{body.Applicant.Id}\n{idempotencyKey}")}";
        var now = time.GetUtcNow().UtcDateTime;
        var request = new ConsentRequest(consentId, body.Applicant.Id, body.Applicant.Kind, caller!.Id, caller.Name, caller.Department!, now, now + AssistedFiling.ConfirmWithin,
            body.TemplateKey, body.Answers, materials, string.Empty);
        request = request with { Sha256 = ConsentStore.Digest(request) };
        var (stored, added) = await consents.AddAsync(request, cancellationToken);
        if (!added && !SameContent(stored, request))
        {
            return ApiProblems.IdempotencyConflict();
        }

        var applicationId = ConsentStore.ApplicationIdOf(consentId);
        // The whole story of an assisted application is under its application id, also before (or without) the application.
        await audit.AppendAsync(new AuditEntry(applicationId, "consent.requested", stored.FiledAt, $"staff:{stored.HelperId}", "consent.requested", null,
            $"{KindName(stored.ApplicantKind)}:{stored.ApplicantId}",
            $"工作人员 {stored.HelperId}（{stored.HelperName}，{stored.Hall}）为 {stored.TemplateKey} 请求确认 {consentId}；sha256 {stored.Sha256}；{stored.ExpiresAt:O} 过期",
            $"Consent {consentId} requested by staff {stored.HelperId} ({stored.HelperName}, {stored.Hall}) for {stored.TemplateKey}; sha256 {stored.Sha256}; expires {stored.ExpiresAt:O}"), cancellationToken);
        await outbox.AddAsync(
            [Notification.Of($"{consentId}:requested", RecipientKind.Applicant, stored.ApplicantId, AssistedFiling.ConsentRequestedTopic,
                new("帮办申请待您确认", "An application filed for you awaits your confirmation"),
                new($"服务大厅工作人员 {stored.HelperName} 为您填写了申请（{stored.TemplateKey}），请在 {stored.ExpiresAt:yyyy-MM-dd HH:mm} UTC 前核对并确认或拒绝：/api/assisted/consents/{consentId}。",
                    $"Staff member {stored.HelperName} filled in an application ({stored.TemplateKey}) for you; check it and confirm or refuse it before {stored.ExpiresAt:yyyy-MM-dd HH:mm} UTC: /api/assisted/consents/{consentId}."),
                stored.FiledAt)], cancellationToken);
        var view = await ViewAsync(stored, null, cancellationToken);
        return added ? Results.Created($"/api/assisted/consents/{consentId}", view) : Results.Ok(view);
    }

    /// <summary>The caller's consent requests, newest first, with where each stands, a page at a time.</summary>
    /// <param name="caller">The applicant.</param>
    /// <param name="request">The request: its query holds <c>pageSize</c> and <c>continuation</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page, or 400 naming the bad query parameter.</returns>
    public async Task<IResult> ListMineAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ApiError>();
        var size = Paging.Size(request.Query, errors);
        const string name = "consents";
        if (!Paging.TryDecode(name, Paging.Text(request.Query, "continuation"), out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var list = new List<ConsentView>();
        foreach (var (filed, decision) in await consents.ListAsync(caller!.Id, cancellationToken))
        {
            list.Add(await ViewAsync(filed, decision, cancellationToken));
        }

        return Results.Ok(Paging.Slice(list, c => $"{Paging.Newest(c.FiledAt)}|{c.ConsentId}", name, after, size, request));
    }

    /// <summary>One of the caller's consent requests: exactly what a confirmation would file.</summary>
    /// <param name="caller">The applicant.</param>
    /// <param name="consentId">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, or 404 when it is not the caller's.</returns>
    public async Task<IResult> GetConsentAsync(Caller caller, string consentId, CancellationToken cancellationToken)
    {
        var request = await consents.GetAsync(caller!.Id, consentId, cancellationToken);
        return request is null
            ? ApiProblems.NotFound("consent request")
            : Results.Ok(await ViewAsync(request, await consents.GetDecisionAsync(caller.Id, consentId, cancellationToken), cancellationToken));
    }

    /// <summary>The applicant confirms a consent request with its digest; the application is filed under their own identity.</summary>
    /// <param name="caller">The applicant.</param>
    /// <param name="consentId">The request.</param>
    /// <param name="body">The digest they were shown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202 (200 when confirmed before), 400, 404, 409 (changed, tampered, refused), 410 (expired), 422 (the one notice).</returns>
    public async Task<IResult> ConfirmAsync(Caller caller, string consentId, ConsentConfirmationRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Sha256 is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigitLower))
        {
            return ApiProblems.Invalid(new ApiError("sha256", "field.invalid", "向您展示的请求 sha256：64 位小写十六进制数字。", "The request's sha256 as it was shown to you: 64 lower-case hex digits."));
        }

        var request = await consents.GetAsync(caller!.Id, consentId, cancellationToken);
        if (request is null)
        {
            return ApiProblems.NotFound("consent request");
        }

        if (Tampered(request) is { } tampered)
        {
            return tampered;
        }

        if (sha != request.Sha256)
        {
            return ApiProblems.Conflict("consent.changed", "这不是向您展示的那份请求；请重新阅读，并确认其现在的内容。", "This is not the request you were shown; read it again and confirm what it says now.");
        }

        if (caller.Kind != request.ApplicantKind)
        {
            return ApiProblems.Conflict("consent.applicantKind", $"该请求须由{(request.ApplicantKind == ApplicantKind.Company ? "企业" : "个人")}确认；请以该身份登录后确认。", $"This request is for a {KindName(request.ApplicantKind)}; sign in as one to confirm it.");
        }

        var applicationId = ConsentStore.ApplicationIdOf(consentId);
        var decision = await consents.GetDecisionAsync(caller.Id, consentId, cancellationToken);
        if (decision is null)
        {
            if (time.GetUtcNow().UtcDateTime > request.ExpiresAt)
            {
                return Expired(request);
            }

            // Checked before the answer is recorded, so a confirmation the bundle would refuse records nothing.
            var problems = await service.CheckAsync(Submission(request, caller.Name), cancellationToken);
            if (problems.Count > 0)
            {
                return Refusal(problems);
            }

            (decision, _) = await consents.DecideAsync(caller.Id,
                new ConsentDecision(consentId, ConsentDecisionKind.Confirmed, time.GetUtcNow().UtcDateTime, caller.Name, request.Sha256, applicationId, null), cancellationToken);
        }

        if (decision.Kind == ConsentDecisionKind.Refused)
        {
            return ApiProblems.Conflict("consent.refused", "您已拒绝该请求；帮办人员可以重新提交。", "You refused this request; the helper can file a new one.");
        }

        // The name recorded with the confirmation, so a retry sends the same body and finds the same application.
        var result = await service.SubmitAsync(Submission(request, decision.ApplicantName), applicationId, cancellationToken);
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
            return Refusal(result.Problems);
        }

        // Step ids per application, so a retried confirmation records them once.
        await audit.AppendAsync(
        [
            new AuditEntry(applicationId, "consent.confirmed", decision.At, caller.AuditName, "consent.confirmed", null, $"consent:{consentId}",
                $"由 {caller.Id}（{decision.ApplicantName}）确认；sha256 {decision.Sha256}", $"Confirmed by {caller.Id} ({decision.ApplicantName}); sha256 {decision.Sha256}"),
            new AuditEntry(applicationId, AssistedFiling.AuditStep, decision.At, $"staff:{request.HelperId}", AssistedFiling.AuditAction, null,
                $"{KindName(request.ApplicantKind)}:{request.ApplicantId}",
                $"工作人员 {request.HelperId}（{request.HelperName}，{request.Hall}）于 {request.FiledAt:O} 为 {decision.ApplicantName}（{request.ApplicantId}）代办；"
                + $"申请人于 {decision.At:O} 确认 {consentId}；sha256 {decision.Sha256}",
                $"Filed by staff {request.HelperId} ({request.HelperName}, {request.Hall}) at {request.FiledAt:O} for {decision.ApplicantName} ({request.ApplicantId}); "
                + $"consent {consentId} confirmed by the applicant at {decision.At:O}; sha256 {decision.Sha256}"),
        ], cancellationToken);
        if (result.AlreadyAccepted)
        {
            var ledger = result.Ledger.Count > 0 ? result.Ledger : (await store.GetAsync(applicationId, cancellationToken))?.Materials ?? [];
            return Results.Ok(new SubmitResponse(applicationId, ledger, Replayed: true));
        }

        return Results.Accepted($"/api/applications/{applicationId}", new SubmitResponse(applicationId, result.Ledger, Replayed: false));
    }

    /// <summary>The applicant refuses a consent request; nothing is filed.</summary>
    /// <param name="caller">The applicant.</param>
    /// <param name="consentId">The request.</param>
    /// <param name="body">Why, optionally.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the request (also when refused before), 400, 404, 409 (confirmed or tampered), 410 (expired).</returns>
    public async Task<IResult> RefuseAsync(Caller caller, string consentId, ConsentRefusalRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Reason is not null && PersonText.Check("reason", body.Reason, TextKind.Reason) is { } badReason)
        {
            return ApiProblems.Invalid(badReason);
        }

        var request = await consents.GetAsync(caller!.Id, consentId, cancellationToken);
        if (request is null)
        {
            return ApiProblems.NotFound("consent request");
        }

        if (Tampered(request) is { } tampered)
        {
            return tampered;
        }

        var decision = await consents.GetDecisionAsync(caller.Id, consentId, cancellationToken);
        if (decision is null)
        {
            if (time.GetUtcNow().UtcDateTime > request.ExpiresAt)
            {
                return Expired(request);
            }

            (decision, _) = await consents.DecideAsync(caller.Id,
                new ConsentDecision(consentId, ConsentDecisionKind.Refused, time.GetUtcNow().UtcDateTime, caller.Name, request.Sha256, null, body.Reason?.Trim()), cancellationToken);
        }

        if (decision.Kind == ConsentDecisionKind.Confirmed)
        {
            return ApiProblems.Conflict("consent.confirmed", "您已确认该请求，申请已提交。如需撤销，请撤回申请。", "You confirmed this request; the application is filed. Withdraw the application instead.");
        }

        await audit.AppendAsync(new AuditEntry(ConsentStore.ApplicationIdOf(consentId), "consent.refused", decision.At, caller.AuditName, "consent.refused", null,
            $"consent:{consentId}", decision.Reason is null ? "申请人已拒绝。" : $"申请人已拒绝：{decision.Reason}",
            decision.Reason is null ? "Refused by the applicant." : $"Refused by the applicant: {decision.Reason}"), cancellationToken);
        return Results.Ok(await ViewAsync(request, decision, cancellationToken));
    }

    /// <summary>Who filed an application with whose consent, or null when it was not filed through a confirmed consent.</summary>
    /// <param name="consents">The consent store.</param>
    /// <param name="applicantId">The application's applicant.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The filing, or null.</returns>
    public static async Task<AssistedFilingView?> FilingOfAsync(ConsentStore consents, string applicantId, string applicationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consents);
        ArgumentNullException.ThrowIfNull(applicationId);
        if (ConsentStore.ConsentIdOf(applicationId) is not { } consentId
            || await consents.GetAsync(applicantId, consentId, cancellationToken) is not { } request
            || await consents.GetDecisionAsync(applicantId, consentId, cancellationToken) is not { Kind: ConsentDecisionKind.Confirmed } decision)
        {
            return null;
        }

        return new AssistedFilingView(consentId, new ConsentHelper(request.HelperId, request.HelperName, request.Hall), request.FiledAt,
            applicantId, decision.ApplicantName, decision.At, decision.Sha256);
    }

    // A row whose content no longer gives its digest was changed after filing: nothing may be filed from it.
    IResult? Tampered(ConsentRequest request)
    {
        if (ConsentStore.Digest(request) == request.Sha256)
        {
            return null;
        }

        AssistedLog.Tampered(logger, request.ConsentId);
        return ApiProblems.Conflict("consent.tampered", "该请求在提交后被更改，不能确认；请服务大厅重新提交。", "This request was changed after it was filed and cannot be confirmed; ask the service hall to file it again.");
    }

    static IResult Expired(ConsentRequest request) =>
        ApiProblems.Problem(StatusCodes.Status410Gone, "consent.expired", "Expired.", $"该请求的确认期限为 {request.ExpiresAt:O}；请服务大厅重新提交。",
            $"This request could be confirmed until {request.ExpiresAt:O}; ask the service hall to file it again.", []);

    static IResult Refusal(IReadOnlyList<SubmissionProblem> problems) =>
        problems.Any(p => p.Code == "template.unknown")
            ? ApiProblems.NotFound("bundle")
            : ApiProblems.Refused(ProblemCodes.SubmissionRefused, new LocalText("申请暂不能受理；所缺的一切已一次列出。", "The application cannot be accepted yet; everything missing is listed once."),
                [.. problems.Select(p => p.ToApiError())]);

    static SubmissionRequest Submission(ConsentRequest request, string applicantName) =>
        new(request.TemplateKey, new Applicant(request.ApplicantId, request.ApplicantKind, applicantName),
            new Dictionary<string, JsonElement>(request.Answers, StringComparer.Ordinal), [.. request.Materials]);

    async Task<ConsentView> ViewAsync(ConsentRequest request, ConsentDecision? decision, CancellationToken cancellationToken)
    {
        var status = decision?.Kind switch
        {
            ConsentDecisionKind.Confirmed => ConsentStatus.Confirmed,
            ConsentDecisionKind.Refused => ConsentStatus.Refused,
            _ => time.GetUtcNow().UtcDateTime > request.ExpiresAt ? ConsentStatus.Expired : ConsentStatus.AwaitingConfirmation,
        };
        var name = (await templates.GetPublishedAsync(request.TemplateKey, cancellationToken))?.Template.Name;
        return new ConsentView(request.ConsentId, status, request.TemplateKey, name, request.Answers, request.Materials,
            new ConsentHelper(request.HelperId, request.HelperName, request.Hall), request.FiledAt, request.ExpiresAt, request.Sha256,
            ConsentStore.ApplicationIdOf(request.ConsentId), decision?.At);
    }

    // A replayed filing (same key) is the same filing only for the same applicant, bundle, answers and materials.
    static bool SameContent(ConsentRequest a, ConsentRequest b) =>
        a.ApplicantId == b.ApplicantId && a.ApplicantKind == b.ApplicantKind && a.TemplateKey == b.TemplateKey
        && ConsentStore.Content(a.Answers, a.Materials) == ConsentStore.Content(b.Answers, b.Materials);

    static List<ApiError> Validate(Caller caller, AssistedSubmitRequest body, string? idempotencyKey)
    {
        var errors = new List<ApiError>();
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > CitizenApi.MaxIdempotencyKeyLength || idempotencyKey.Any(c => c is < '!' or > '~')))
        {
            errors.Add(new ApiError("header:Idempotency-Key", "header.invalid", $"1 到 {CitizenApi.MaxIdempotencyKeyLength} 个可打印 ASCII 字符。", $"1 to {CitizenApi.MaxIdempotencyKeyLength} printable ASCII characters."));
        }

        if (!Identifiers.IsSafe(body.Applicant.Id))
        {
            errors.Add(new ApiError("applicant.id", "field.invalid", $"申请人编号：{Identifiers.Rule}", $"The applicant's id: {Identifiers.Rule}"));
        }
        else if (body.Applicant.Id == caller.Id)
        {
            errors.Add(new ApiError("applicant.id", "assist.self", "工作人员不能为自己帮办；请以申请人身份用本人名义申请。", "Staff cannot file for themselves; apply in your own name as an applicant."));
        }

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

        errors.AddRange(materials.GroupBy(m => m.Key, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => new ApiError($"materials.{g.Key}", "material.duplicate", "每份材料只提供一次。", "Offer each material once.")));
        if (errors.Count == 0)
        {
            // The request is kept in one row: its content must fit a column.
            var (answers, offered) = ConsentStore.Content(body.Answers, materials);
            if (answers.Length + offered.Length > ConsentStore.MaxContentChars)
            {
                errors.Add(new ApiError("answers", "field.tooLong", $"答案与材料合计的 JSON 最多 {ConsentStore.MaxContentChars} 个字符。", $"Answers and materials together at most {ConsentStore.MaxContentChars} characters as JSON."));
            }
        }

        return errors;
    }

    static string Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 16);

    static string KindName(ApplicantKind kind) => kind == ApplicantKind.Company ? "company" : "citizen";
}

/// <summary>Log messages of assisted filing (ids only: no text a person typed).</summary>
static partial class AssistedLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Consent request {ConsentId} no longer matches its digest; its confirmation was refused")]
    public static partial void Tampered(ILogger logger, string consentId);
}
