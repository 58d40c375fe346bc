using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Systems;

/// <summary>The shared secrets of outside department systems, bound from <c>Systems:{code}:Secret</c>.</summary>
public sealed class SystemsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Systems";

    /// <summary>How far a callback's timestamp may be from our clock.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Each system's secret, by system code.</summary>
    public Dictionary<string, SystemSecret> Secrets { get; } = new(StringComparer.Ordinal);
}

/// <summary>One system's secret.</summary>
public sealed class SystemSecret
{
    /// <summary>The HMAC key (at least 32 characters).</summary>
    public string Secret { get; set; } = string.Empty;
}

/// <summary>An outside system's result for an item.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemKey">The item the system decides.</param>
/// <param name="Approved">Whether it approved.</param>
/// <param name="Reason">Its reason.</param>
/// <param name="Outputs">Values it issued (e.g. an account number), by output key.</param>
public sealed record CallbackRequest(string ApplicationId, string ItemKey, bool Approved, string? Reason = null, Dictionary<string, string>? Outputs = null);

/// <summary>The answer to a result the item had already taken: it is applied, nothing more happens.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemKey">The item.</param>
/// <param name="State">How the item ended.</param>
/// <param name="DecidedBy">Who decided it (<c>system:{code}</c>).</param>
public sealed record CallbackApplied(string ApplicationId, string ItemKey, ItemState State, string DecidedBy);

/// <summary>An event recorded by an outside register (a birth recorded by the hospital).</summary>
/// <param name="EventId">The register's id of the event; the same id again is the same event.</param>
/// <param name="Type">The event type, e.g. <c>birth-recorded</c>.</param>
/// <param name="SubjectId">The applicant the event is about (a citizen's or company's id).</param>
/// <param name="SubjectKind">Citizen or company; the template's kind when absent.</param>
/// <param name="SubjectName">The applicant's name.</param>
/// <param name="Data">The event's data; the template's proactive rule maps keys of it to form fields.</param>
public sealed record RegisterEventRequest(
    string? EventId, string? Type, string? SubjectId, ApplicantKind? SubjectKind, string? SubjectName, Dictionary<string, JsonElement>? Data = null);

/// <summary>An application a register event started.</summary>
/// <param name="TemplateKey">The bundle.</param>
/// <param name="ApplicationId">The application.</param>
public sealed record ProactiveApplication(string TemplateKey, string ApplicationId);

/// <summary>What a register event started.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Applications">One application per bundle the event starts.</param>
/// <param name="Replayed">True when the event had been received before and nothing new started.</param>
public sealed record RegisterEventResponse(string EventId, IReadOnlyList<ProactiveApplication> Applications, bool Replayed);

/// <summary>
/// Callbacks from outside department systems (a bank's account system, a utility's billing system). No bearer
/// token: each system signs <c>{timestamp}.{body}</c> with HMAC-SHA256 under its own secret and sends
/// <c>X-Workflows-Timestamp</c> (Unix seconds) and <c>X-Workflows-Signature: sha256=HEX</c>. A timestamp outside the
/// window or a signature seen before is refused, so a captured callback cannot be played again.
/// </summary>
public sealed class SystemApi(
    IOptions<SystemsOptions> options, StorageTables tables, ApplicationStore applications, TemplateStore templates, ApplicationService service, TimeProvider time)
{
    /// <summary>The timestamp header.</summary>
    public const string TimestampHeader = "X-Workflows-Timestamp";

    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Workflows-Signature";

    /// <summary>The table of signatures already used.</summary>
    public const string ReplayTableName = "CallbackReplays";

    /// <summary>The table of the result each externally decided item took first, one row per item.</summary>
    public const string ClaimTableName = "CallbackClaims";

    /// <summary>The largest callback body.</summary>
    public const long MaxBytes = 64 * 1024;

    /// <summary>Signs a callback as a system must (also used by tests and the demo).</summary>
    /// <param name="secret">The system's secret.</param>
    /// <param name="timestamp">Unix seconds.</param>
    /// <param name="body">The exact body bytes.</param>
    /// <returns>The header value, <c>sha256=HEX</c>.</returns>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>
    /// Takes a signed callback and delivers it to the item, or refuses it saying why: a callback is never answered 202
    /// and then dropped by the engine (an item instance that has not started or has ended discards events).
    /// </summary>
    /// <param name="system">The system's code (from the route).</param>
    /// <param name="request">The HTTP request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// 202 delivered; 200 when the item already took this same result; 401 for a bad or stale signature; 409
    /// <c>callback.replayed</c>, <c>callback.itemNotStarted</c> (with Retry-After: send it again later),
    /// <c>callback.itemDecided</c> or <c>callback.itemEnded</c>; 400/404 for a bad body.
    /// </returns>
    public async Task<IResult> CallbackAsync(string system, HttpRequest request, CancellationToken cancellationToken)
    {
        var (callback, refused, use) = await VerifyAsync<CallbackRequest>(system, request, c => new Dictionary<string, object>
        {
            ["ApplicationId"] = c.ApplicationId,
            ["ItemKey"] = c.ItemKey,
        }, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (answer, outcome) = await DeliverAsync(system, callback!, cancellationToken);
        await use!.SettleAsync(outcome, cancellationToken);
        await PruneReplaysAsync(use.Table, system, cancellationToken);

        return answer;
    }

    async Task<(IResult Answer, SignatureOutcome Outcome)> DeliverAsync(string system, CallbackRequest callback, CancellationToken cancellationToken)
    {
        var record = await applications.GetAsync(callback.ApplicationId, cancellationToken);
        if (record is null)
        {
            // Accepted a moment ago and not saved yet is "not started", not "no such application".
            return (await service.GetItemProgressAsync(callback.ApplicationId, callback.ItemKey, cancellationToken)).ApplicationExists
                ? (NotStarted(callback.ItemKey), SignatureOutcome.Retry)
                : (ApiProblems.NotFound("item"), SignatureOutcome.Refused);
        }

        var pinned = await templates.GetAsync(record.TemplateKey, record.TemplateVersion, cancellationToken);
        var item = pinned?.Version.Definition.Items.FirstOrDefault(i => i.Key == callback.ItemKey);
        if (item is null)
        {
            return (ApiProblems.NotFound("item"), SignatureOutcome.Refused);
        }

        if (item.Decision is not ExternalDecision external || external.System != system)
        {
            return (ApiProblems.Conflict("callback.wrongSystem", "该事项不由您的系统作出结果。", "This item is not decided by your system."), SignatureOutcome.Refused);
        }

        if (CheckCallback(callback, item) is { Count: > 0 } errors)
        {
            return (ApiProblems.Invalid(errors), SignatureOutcome.Refused);
        }

        var progress = await service.GetItemProgressAsync(callback.ApplicationId, callback.ItemKey, cancellationToken);
        var by = $"system:{system}";
        switch (progress.Status)
        {
            case OrchestrationRuntimeStatus.Pending:
                // Scheduled but its first step not run: an event that reaches the provider before the start message is
                // discarded as for an instance that does not exist, so this one waits like a not-started item.
                return (NotStarted(callback.ItemKey), SignatureOutcome.Retry);
            case null:
                // No instance: either it has not started (prerequisites pending) or it never will (the read model says how it ended).
                var shown = record.Items.FirstOrDefault(i => i.Key == callback.ItemKey)?.State;
                var applicationRuns = record.Status is ApplicationStatus.InProgress or ApplicationStatus.AwaitingConfirmation;
                return shown is ItemState.Waiting or ItemState.Running or null && applicationRuns
                    ? (NotStarted(callback.ItemKey), SignatureOutcome.Retry)
                    : (Ended(callback.ItemKey, shown is ItemState.Waiting or ItemState.Running or null ? ItemState.Cancelled : shown.Value, null), SignatureOutcome.Refused);
            case OrchestrationRuntimeStatus.Completed when progress.Result is { } result:
                if (result.DecidedBy == by && (result.State == ItemState.Approved) == callback.Approved
                    && await ClaimedAsync(callback, cancellationToken) is null or true)
                {
                    // The item took this result before (the system's answer was lost, it sent it again): it is applied.
                    return (Results.Ok(new CallbackApplied(callback.ApplicationId, callback.ItemKey, result.State, result.DecidedBy)), SignatureOutcome.Delivered);
                }

                return (result.State is ItemState.Approved or ItemState.Rejected
                    ? Decided(callback.ItemKey, result.State, result.DecidedBy)
                    : Ended(callback.ItemKey, result.State, result.DecidedBy), SignatureOutcome.Refused);
            case OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated:
                return (Ended(callback.ItemKey, ItemState.Failed, null), SignatureOutcome.Refused);
        }

        // Running: the event waits in the instance's history until the item asks for it. Only one result per item:
        // of two different ones, the first claimed is delivered and the other refused, so neither is answered 202 and dropped.
        var claim = await ClaimAsync(system, callback, cancellationToken);
        if (claim is not null)
        {
            return (Decided(callback.ItemKey, claim.Value ? ItemState.Approved : ItemState.Rejected, by, pending: true), SignatureOutcome.Refused);
        }

        await service.CompleteExternalAsync(callback.ApplicationId, callback.ItemKey,
            new ExternalSystemDecided(system, callback.Approved, callback.Reason, callback.Outputs), cancellationToken);
        await BestEffortAsync(async () => await (await tables.TableAsync(ClaimTableName)).UpdateEntityAsync(
            new TableEntity(TableKeys.Escape(callback.ApplicationId), TableKeys.Escape(callback.ItemKey)) { ["DeliveredAt"] = time.GetUtcNow().UtcDateTime },
            ETag.All, TableUpdateMode.Merge, cancellationToken));
        return (Results.Accepted(), SignatureOutcome.Delivered);
    }

    /// <summary>How long a claimed result that was never delivered (its request failed) blocks a different one.</summary>
    public static readonly TimeSpan ClaimHold = TimeSpan.FromSeconds(30);

    // The first result for an item is written down before it is raised; the same result again (a retry, re-signed or
    // not) passes, a different one is refused while the first may still be on its way. Returns the claimed result's
    // approval when this one is refused, null when this one may be delivered.
    async Task<bool?> ClaimAsync(string system, CallbackRequest callback, CancellationToken cancellationToken)
    {
        var claims = await tables.TableAsync(ClaimTableName);
        var fingerprint = Fingerprint(callback);
        var row = new TableEntity(TableKeys.Escape(callback.ApplicationId), TableKeys.Escape(callback.ItemKey))
        {
            ["System"] = system,
            ["Approved"] = callback.Approved,
            ["Sha256"] = fingerprint,
            ["ClaimedAt"] = time.GetUtcNow().UtcDateTime,
        };
        try
        {
            await claims.AddEntityAsync(row, cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Claimed before; read below.
        }

        var existing = (await claims.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken)).Value;
        if (existing is null || existing.GetString("Sha256") == fingerprint)
        {
            return null;
        }

        // A claim whose request died before delivering (its system was told 503) does not bind the system for ever.
        if (existing.GetDateTime("DeliveredAt") is null && existing.GetDateTime("ClaimedAt") is { } claimedAt && time.GetUtcNow().UtcDateTime - claimedAt > ClaimHold)
        {
            try
            {
                await claims.UpdateEntityAsync(row, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return null;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another request took it over first; it is theirs.
            }
        }

        return existing.GetBoolean("Approved") ?? false;
    }

    // Whether the result the item took (as claimed) is this one, reason and outputs too; null when no claim was kept
    // (results delivered before claims were), when agreeing on approval and system is all there is to go on.
    async Task<bool?> ClaimedAsync(CallbackRequest callback, CancellationToken cancellationToken)
    {
        var claims = await tables.TableAsync(ClaimTableName);
        var claim = (await claims.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(callback.ApplicationId), TableKeys.Escape(callback.ItemKey), cancellationToken: cancellationToken)).Value;
        return claim is null ? null : claim.GetString("Sha256") == Fingerprint(callback);
    }

    static string Fingerprint(CallbackRequest callback)
    {
        var text = new StringBuilder().Append(callback.Approved).Append('\n').Append(callback.Reason).Append('\n');
        foreach (var (key, value) in (callback.Outputs ?? []).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    static WithHeader NotStarted(string itemKey) => new(
        ApiProblems.Problem(StatusCodes.Status409Conflict, "callback.itemNotStarted", new LocalText("事项尚未开始", "Item not started"),
            new LocalText($"事项 {itemKey} 尚未开始（仍在等待前置事项），结果未被接收；请在 {NotStartedRetrySeconds} 秒后重新签名发送。",
                $"Item {itemKey} has not started yet (it waits for its prerequisites); nothing was received. Sign and send the result again in {NotStartedRetrySeconds} s or later."),
            [new ApiError("itemKey", "item.notStarted", "该事项尚未开始办理；请稍后再发送。", "The item has not started; send again later.")]),
        "Retry-After",
        NotStartedRetrySeconds.ToString(CultureInfo.InvariantCulture));

    static IResult Decided(string itemKey, ItemState state, string decidedBy, bool pending = false) =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, "callback.itemDecided", new LocalText("事项已有结果", "Item already decided"),
            new LocalText($"事项 {itemKey} 已由 {decidedBy} 作出结果（{state}）{(pending ? "，正在送达" : string.Empty)}，本次结果未被接收。",
                $"Item {itemKey} was already decided by {decidedBy}: {state}{(pending ? " (being delivered)" : string.Empty)}; this result was not taken."),
            [new ApiError("approved", "item.decided", $"已由 {decidedBy} 作出结果（{state}）。", $"{state} by {decidedBy}.")]);

    static IResult Ended(string itemKey, ItemState state, string? by) =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, "callback.itemEnded", new LocalText("事项已结束", "Item ended"),
            new LocalText($"事项 {itemKey} 已结束（{state}{(by is null ? string.Empty : $"，{by}")}），不再接收结果。",
                $"Item {itemKey} has ended ({state}{(by is null ? string.Empty : $" by {by}")}); it takes no result any more."),
            [new ApiError("itemKey", "item.ended", $"已结束（{state}）。", $"{state}.")]);

    /// <summary>The seconds a system is asked to wait before sending a result for an item that has not started.</summary>
    public const int NotStartedRetrySeconds = 60;

    // Only the outputs the item declares, each a bounded line of text, and a bounded reason: a system cannot put
    // arbitrary keys or megabytes into the application.
    static List<ApiError> CheckCallback(CallbackRequest callback, ItemDefinition item)
    {
        var errors = new List<ApiError>();
        if (PersonText.Check("reason", callback.Reason, TextKind.Reason) is { } reason)
        {
            errors.Add(reason);
        }

        var declared = item.Outputs.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in callback.Outputs ?? [])
        {
            if (!declared.Contains(key))
            {
                errors.Add(new ApiError($"outputs.{PersonText.ForLog(key)}", "output.unknown",
                    declared.Count == 0 ? "该事项不出具任何结果。" : $"该事项只出具：{string.Join("、", declared.Order(StringComparer.Ordinal))}。",
                    declared.Count == 0 ? "This item issues no outputs." : $"This item issues only: {string.Join(", ", declared.Order(StringComparer.Ordinal))}."));
            }
            else if (PersonText.Check($"outputs.{key}", value, TextKind.Output) is { } bad)
            {
                errors.Add(bad);
            }
        }

        if ((callback.Outputs?.Values.Sum(v => v.Length) ?? 0) > PersonText.MaxOutputsTotal)
        {
            errors.Add(new ApiError("outputs", "text.tooLong", $"全部输出合计最多 {PersonText.MaxOutputsTotal} 个字符。", $"At most {PersonText.MaxOutputsTotal} characters of outputs in all."));
        }

        return errors;
    }

    /// <summary>
    /// Takes a signed register event (a birth recorded by the hospital) and starts, for each published template that is
    /// proactive on this system's event type, one pre-filled application for the event's subject. The application id
    /// is derived from the system, the event id and the template, so the same event sent again starts nothing new.
    /// </summary>
    /// <param name="system">The register system's code (from the route).</param>
    /// <param name="request">The HTTP request, signed as a callback is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202 when started, 200 when the same event was seen before; 401; 409 for a replayed signature or (<c>event.conflict</c>) an event id used with other content; 400; 422 when no bundle takes the event.</returns>
    public async Task<IResult> EventAsync(string system, HttpRequest request, CancellationToken cancellationToken)
    {
        var (registerEvent, refused, use) = await VerifyAsync<RegisterEventRequest>(system, request, e => new Dictionary<string, object>
        {
            ["EventId"] = e.EventId ?? string.Empty,
            ["EventType"] = e.Type ?? string.Empty,
        }, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (answer, outcome) = await StartAsync(system, registerEvent!, cancellationToken);
        await use!.SettleAsync(outcome, cancellationToken);
        await PruneReplaysAsync(use.Table, system, cancellationToken);

        return answer;
    }

    async Task<(IResult Answer, SignatureOutcome Outcome)> StartAsync(string system, RegisterEventRequest ev, CancellationToken cancellationToken)
    {
        var errors = new List<ApiError>();
        if (string.IsNullOrWhiteSpace(ev.EventId) || ev.EventId.Length > 100 || ev.EventId.Any(c => c is < '!' or > '~'))
        {
            errors.Add(new ApiError("eventId", "field.invalid", "1 到 100 个可打印 ASCII 字符。", "1 to 100 printable ASCII characters."));
        }

        if (string.IsNullOrWhiteSpace(ev.Type))
        {
            errors.Add(new ApiError("type", "field.required", "请指明事件类型。", "Name the event type."));
        }

        if (!Identifiers.IsSafe(ev.SubjectId))
        {
            errors.Add(new ApiError("subjectId", "field.invalid", $"事件所涉申请人的编号：{Identifiers.Rule}", $"The id of the applicant the event is about: {Identifiers.Rule}"));
        }

        if (string.IsNullOrWhiteSpace(ev.SubjectName))
        {
            errors.Add(new ApiError("subjectName", "field.required", "请给出申请人姓名。", "Give the applicant's name."));
        }
        else if (PersonText.Check("subjectName", ev.SubjectName, TextKind.Name) is { } badName)
        {
            errors.Add(badName);
        }

        if (errors.Count > 0)
        {
            return (ApiProblems.Invalid(errors), SignatureOutcome.Refused);
        }

        // Only templates naming this system take its events: a system cannot start another register's bundles.
        var started = new List<ProactiveApplication>();
        var any = false;
        foreach (var key in await templates.ListKeysAsync(cancellationToken))
        {
            if (await templates.GetPublishedAsync(key, cancellationToken) is not { Template.Proactive: { } rule } published || rule.System != system || rule.Event != ev.Type)
            {
                continue;
            }

            var subject = new Applicant(ev.SubjectId!, ev.SubjectKind ?? published.Template.ApplicantKind, ev.SubjectName!);
            var data = ev.Data ?? new Dictionary<string, JsonElement>();
            var (applicationId, isNew) = await service.StartProactiveAsync(system, ev.EventId!, subject, data, published, cancellationToken);
            if (!isNew && await service.ProactiveEventDiffersAsync(applicationId, subject, data, cancellationToken))
            {
                // The same event id with another subject or other data is a correction the application never took:
                // answering "seen before" would tell the register it counted.
                return (ApiProblems.Problem(StatusCodes.Status409Conflict, "event.conflict", new LocalText("事件编号已使用", "Event id already used"),
                    new LocalText($"事件 {ev.EventId} 已按不同内容启动申请 {applicationId}，本次内容未被接收；更正请使用新的事件编号。",
                        $"Event {ev.EventId} already started application {applicationId} with other content; this content was not taken. Send a correction under a new event id."),
                    [new ApiError("eventId", "event.conflict", $"已用于内容不同的申请 {applicationId}。", $"Used for application {applicationId} with other content.")]), SignatureOutcome.Refused);
            }

            started.Add(new ProactiveApplication(key, applicationId));
            any |= isNew;
        }

        if (started.Count == 0)
        {
            return (ApiProblems.Refused(ProblemCodes.EventUnhandled, new Workflows.Templates.LocalText("此事件未启动任何一件事。", "No bundle is started by this event."),
                [new ApiError("type", "event.unhandled", $"没有已发布的一件事对来自 {system} 的“{ev.Type}”事件主动办理。", $"No published bundle is proactive on '{ev.Type}' from {system}.")]), SignatureOutcome.Refused);
        }

        var response = new RegisterEventResponse(ev.EventId!, started, Replayed: !any);
        return (any ? Results.Accepted($"/api/applications/{started[0].ApplicationId}", response) : Results.Ok(response), SignatureOutcome.Delivered);
    }

    /// <summary>
    /// Everything a signed request from a system goes through before its content counts: a known system with a secret,
    /// the body within limits, a fresh timestamp, the right signature, a JSON body, and a signature never used before.
    /// </summary>
    async Task<(T? Body, IResult? Refused, SignatureUse? Use)> VerifyAsync<T>(string system, HttpRequest request, Func<T, Dictionary<string, object>> describe, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        // Unknown systems and systems without a secret look exactly like a bad signature.
        if (!options.Value.Secrets.TryGetValue(system, out var secret) || secret.Secret.Length < 32 || BuiltInTemplates.Catalog.FindSystem(system) is null)
        {
            return (null, BadSignature(), null);
        }

        var (body, tooLarge) = await ApiJson.ReadBodyAsync(request, MaxBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return (null, tooLarge, null);
        }

        if (!long.TryParse(request.Headers[TimestampHeader].FirstOrDefault(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timestamp))
        {
            return (null, BadSignature(), null);
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253402300799));
        if ((time.GetUtcNow() - sent).Duration() > options.Value.ReplayWindow)
        {
            return (null, BadSignature(), null);
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret.Secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(request.Headers[SignatureHeader].FirstOrDefault() ?? string.Empty);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return (null, BadSignature(), null);
        }

        // The body is authentic; only now is it read, and bad content gets the usual located errors.
        if (!(request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.UnsupportedMediaType("application/json"), null);
        }

        var (parsed, problem) = ApiJson.Parse<T>(body);
        if (problem is not null)
        {
            return (null, problem, null);
        }

        // One use per signature: the row is the proof it was used, and adding it twice fails. It is written before the
        // content is looked at and carries what became of the request: one refused for good (no such application, not
        // this system's item) stays refused when played again, not taken if it has meanwhile come to fit; one that
        // failed before its outcome was written (a storage fault, a lost connection) or was told to come back later
        // (the item had not started) is taken again when the system retries it. The same signature is the same body,
        // so a retry can deliver nothing but what was signed, and the item takes one result once.
        var replays = await tables.TableAsync(ReplayTableName);
        var row = new TableEntity(TableKeys.Escape(system), Encoding.ASCII.GetString(given)[7..])
        {
            ["SentAt"] = sent.UtcDateTime,
            ["Outcome"] = nameof(SignatureOutcome.Received),
        };
        foreach (var (key, value) in describe(parsed!))
        {
            row[key] = value;
        }

        try
        {
            await replays.AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var earlier = (await replays.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken)).Value;
            // A row without an outcome was written before outcomes were kept, when every row meant "received".
            if (earlier?.GetString("Outcome") is not (nameof(SignatureOutcome.Received) or nameof(SignatureOutcome.Retry)))
            {
                var refusedBefore = earlier?.GetString("Outcome") == nameof(SignatureOutcome.Refused);
                return (null, ApiProblems.Problem(StatusCodes.Status409Conflict, "callback.replayed", new LocalText(ApiProblems.StatusTitle(StatusCodes.Status409Conflict), "Conflict with the current state."),
                    refusedBefore
                        ? new LocalText("此签名请求已被拒绝过。", "This signed request was already received and refused.")
                        : new LocalText("此签名请求已被接收。", "This signed request was already received."), []), null);
            }
        }

        return (parsed, null, new SignatureUse(replays, row.PartitionKey, row.RowKey));
    }

    /// <summary>What became of a signed request, kept on its replay row.</summary>
    enum SignatureOutcome
    {
        /// <summary>Taken; its outcome not written yet (still running, or it failed on the way).</summary>
        Received,

        /// <summary>Acted on: delivered to the item, or the register event started its applications.</summary>
        Delivered,

        /// <summary>Refused for good.</summary>
        Refused,

        /// <summary>Refused for now (the item had not started); the same request may come again.</summary>
        Retry,
    }

    /// <summary>The replay row of one signed request, to write its outcome on.</summary>
    sealed class SignatureUse(TableClient table, string partitionKey, string rowKey)
    {
        public TableClient Table => table;

        // A storage fault here fails the request (503), and the system's retry finds the row still Received, so it is
        // looked at again: delivered twice at worst, which the item takes once. After a delivery the answer stands.
        public async Task SettleAsync(SignatureOutcome outcome, CancellationToken cancellationToken)
        {
            Task Update() => table.UpdateEntityAsync(new TableEntity(partitionKey, rowKey) { ["Outcome"] = outcome.ToString() }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            if (outcome == SignatureOutcome.Delivered)
            {
                await BestEffortAsync(Update);
            }
            else
            {
                await Update();
            }
        }
    }

    // Work after the outcome is decided that must not turn a delivery into a failure the system would retry.
    static async Task BestEffortAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (StorageFaults.IsStorageFault(ex))
        {
            // Left undone: a replay row pruned by a later request, a claim marked delivered never (it then binds only
            // for ClaimHold), an outcome still Received (a replay of the same request delivers the same result again).
        }
    }

    /// <summary>The most expired replay rows one accepted request deletes (bounded work per request; the next one goes on).</summary>
    public const int MaxPrunedPerRequest = 100;

    // A row outside the window proves nothing any more: a request with that timestamp is refused as stale before the
    // table is read. So each authentic request, once its outcome is written, deletes some of its system's expired rows, and the table stays as large
    // as the traffic of one window (twice it, to keep clear of clock skew between us and the system).
    Task PruneReplaysAsync(TableClient replays, string system, CancellationToken cancellationToken) =>
        BestEffortAsync(() => PruneAsync(replays, system, cancellationToken));

    async Task PruneAsync(TableClient replays, string system, CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().UtcDateTime - (2 * options.Value.ReplayWindow);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(system)} and SentAt lt {before}");
        var pruned = 0;
        await foreach (var row in replays.QueryAsync<TableEntity>(filter, maxPerPage: MaxPrunedPerRequest, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await replays.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Another request pruned it first.
            }

            if (++pruned >= MaxPrunedPerRequest)
            {
                break;
            }
        }
    }

    static IResult BadSignature() =>
        ApiProblems.Problem(StatusCodes.Status401Unauthorized, ProblemCodes.SignatureInvalid, "Callback not authenticated.",
            $"请用该系统的密钥以 HMAC-SHA256 对 '{{timestamp}}.{{body}}' 签名；发送 {TimestampHeader}（Unix 秒，在时间窗口内）和 {SignatureHeader}: sha256=HEX。",
            $"Sign '{{timestamp}}.{{body}}' with HMAC-SHA256 under the system's secret; send {TimestampHeader} (Unix seconds, within the window) and {SignatureHeader}: sha256=HEX.",
            [new ApiError($"header:{SignatureHeader}", "signature.invalid", "缺失、错误或已过期。", "Missing, wrong or too old.")]);
}
