using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Api;

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

    /// <summary>Takes a signed callback and delivers it to the item.</summary>
    /// <param name="system">The system's code (from the route).</param>
    /// <param name="request">The HTTP request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202; 401 for a bad or stale signature; 409 for a replay; 400/404 for a bad body.</returns>
    public async Task<IResult> CallbackAsync(string system, HttpRequest request, CancellationToken cancellationToken)
    {
        var (callback, refused) = await VerifyAsync<CallbackRequest>(system, request, c => new Dictionary<string, object>
        {
            ["ApplicationId"] = c.ApplicationId,
            ["ItemKey"] = c.ItemKey,
        }, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var record = await applications.GetAsync(callback!.ApplicationId, cancellationToken);
        var pinned = record is null ? null : await templates.GetAsync(record.TemplateKey, record.TemplateVersion, cancellationToken);
        var item = pinned?.Version.Definition.Items.FirstOrDefault(i => i.Key == callback.ItemKey);
        if (record is null || item is null)
        {
            return ApiProblems.NotFound("item");
        }

        if (item.Decision is not ExternalDecision external || external.System != system)
        {
            return ApiProblems.Conflict("callback.wrongSystem", "This item is not decided by your system.");
        }

        if (CheckCallback(callback, item) is { Count: > 0 } errors)
        {
            return ApiProblems.Invalid(errors);
        }

        await service.CompleteExternalAsync(callback!.ApplicationId, callback.ItemKey,
            new ExternalSystemDecided(system, callback.Approved, callback.Reason, callback.Outputs), cancellationToken);
        return Results.Accepted();
    }

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
                    declared.Count == 0 ? "This item issues no outputs." : $"This item issues only: {string.Join(", ", declared.Order(StringComparer.Ordinal))}."));
            }
            else if (PersonText.Check($"outputs.{key}", value, TextKind.Output) is { } bad)
            {
                errors.Add(bad);
            }
        }

        if ((callback.Outputs?.Values.Sum(v => v.Length) ?? 0) > PersonText.MaxOutputsTotal)
        {
            errors.Add(new ApiError("outputs", "text.tooLong", $"At most {PersonText.MaxOutputsTotal} characters of outputs in all."));
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
    /// <returns>202 when started, 200 when the event was seen before; 401, 409 for a replayed signature, 400, 422 when no bundle takes the event.</returns>
    public async Task<IResult> EventAsync(string system, HttpRequest request, CancellationToken cancellationToken)
    {
        var (registerEvent, refused) = await VerifyAsync<RegisterEventRequest>(system, request, e => new Dictionary<string, object>
        {
            ["EventId"] = e.EventId ?? string.Empty,
            ["EventType"] = e.Type ?? string.Empty,
        }, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var ev = registerEvent!;
        var errors = new List<ApiError>();
        if (string.IsNullOrWhiteSpace(ev.EventId) || ev.EventId.Length > 100 || ev.EventId.Any(c => c is < '!' or > '~'))
        {
            errors.Add(new ApiError("eventId", "field.invalid", "1 to 100 printable ASCII characters."));
        }

        if (string.IsNullOrWhiteSpace(ev.Type))
        {
            errors.Add(new ApiError("type", "field.required", "Name the event type."));
        }

        if (!Identifiers.IsSafe(ev.SubjectId))
        {
            errors.Add(new ApiError("subjectId", "field.invalid", $"The id of the applicant the event is about: {Identifiers.Rule}"));
        }

        if (string.IsNullOrWhiteSpace(ev.SubjectName))
        {
            errors.Add(new ApiError("subjectName", "field.required", "Give the applicant's name."));
        }
        else if (PersonText.Check("subjectName", ev.SubjectName, TextKind.Name) is { } badName)
        {
            errors.Add(badName);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
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
            var (applicationId, isNew) = await service.StartProactiveAsync(system, ev.EventId!, subject, ev.Data ?? new Dictionary<string, JsonElement>(), published, cancellationToken);
            started.Add(new ProactiveApplication(key, applicationId));
            any |= isNew;
        }

        if (started.Count == 0)
        {
            return ApiProblems.Refused("event-unhandled", "No bundle is started by this event.",
                [new ApiError("type", "event.unhandled", $"No published bundle is proactive on '{ev.Type}' from {system}.")]);
        }

        var response = new RegisterEventResponse(ev.EventId!, started, Replayed: !any);
        return any ? Results.Accepted($"/api/applications/{started[0].ApplicationId}", response) : Results.Ok(response);
    }

    /// <summary>
    /// Everything a signed request from a system goes through before its content counts: a known system with a secret,
    /// the body within limits, a fresh timestamp, the right signature, a JSON body, and a signature never used before.
    /// </summary>
    async Task<(T? Body, IResult? Refused)> VerifyAsync<T>(string system, HttpRequest request, Func<T, Dictionary<string, object>> describe, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        // Unknown systems and systems without a secret look exactly like a bad signature.
        if (!options.Value.Secrets.TryGetValue(system, out var secret) || secret.Secret.Length < 32 || BuiltInTemplates.Catalog.FindSystem(system) is null)
        {
            return (null, BadSignature());
        }

        var (body, tooLarge) = await ApiJson.ReadBodyAsync(request, MaxBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        if (!long.TryParse(request.Headers[TimestampHeader].FirstOrDefault(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timestamp))
        {
            return (null, BadSignature());
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253402300799));
        if ((time.GetUtcNow() - sent).Duration() > options.Value.ReplayWindow)
        {
            return (null, BadSignature());
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret.Secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(request.Headers[SignatureHeader].FirstOrDefault() ?? string.Empty);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return (null, BadSignature());
        }

        // The body is authentic; only now is it read, and bad content gets the usual located errors.
        if (!(request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.UnsupportedMediaType("application/json"));
        }

        var (parsed, problem) = ApiJson.Parse<T>(body);
        if (problem is not null)
        {
            return (null, problem);
        }

        // One use per signature: the row is the proof it was used, and adding it twice fails. It is written before the
        // content is looked at, so a signed request refused once (no such application, not this system's item) is
        // refused as a replay when played again, not taken if it has meanwhile come to fit.
        var replays = await tables.TableAsync(ReplayTableName);
        var row = new TableEntity(TableKeys.Escape(system), Encoding.ASCII.GetString(given)[7..]) { ["SentAt"] = sent.UtcDateTime };
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
            return (null, ApiProblems.Conflict("callback.replayed", "This signed request was already received."));
        }

        await PruneReplaysAsync(replays, system, cancellationToken);
        return (parsed, null);
    }

    /// <summary>The most expired replay rows one accepted request deletes (bounded work per request; the next one goes on).</summary>
    public const int MaxPrunedPerRequest = 100;

    // A row outside the window proves nothing any more: a request with that timestamp is refused as stale before the
    // table is read. So each accepted request deletes some of its system's expired rows, and the table stays as large
    // as the traffic of one window (twice it, to keep clear of clock skew between us and the system).
    async Task PruneReplaysAsync(TableClient replays, string system, CancellationToken cancellationToken)
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
        ApiProblems.Problem(StatusCodes.Status401Unauthorized, "bad-signature", "Callback not authenticated.",
            $"Sign '{{timestamp}}.{{body}}' with HMAC-SHA256 under the system's secret; send {TimestampHeader} (Unix seconds, within the window) and {SignatureHeader}: sha256=HEX.",
            [new ApiError($"header:{SignatureHeader}", "signature.invalid", "Missing, wrong or too old.")]);
}
