using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Workflows.Backlog;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>The outcome of a submission.</summary>
/// <param name="ApplicationId">The application's id (also when it was already accepted before).</param>
/// <param name="Accepted">Whether the application started.</param>
/// <param name="Problems">The one notice when refused.</param>
/// <param name="Ledger">The materials ledger when accepted.</param>
/// <param name="AlreadyAccepted">True when this id had been accepted by an earlier call (a retried submit).</param>
/// <param name="IdempotencyConflict">True when this id was accepted for another body: the key was reused, nothing started.</param>
/// <param name="Backlogged">The backlog that refused it (503): nothing was filed; null when the engine took it.</param>
public sealed record SubmissionResult(
    string ApplicationId,
    bool Accepted,
    IReadOnlyList<SubmissionProblem> Problems,
    IReadOnlyList<MaterialEntry> Ledger,
    bool AlreadyAccepted = false,
    bool IdempotencyConflict = false,
    BacklogReading? Backlogged = null);

/// <summary>
/// Starts and steers applications. A submission is checked as a whole and either refused with one notice, writing
/// nothing, or started as one bundle instance whose id is the application id; everything it writes afterwards
/// is written by the instance's activities, so there is no half-written application.
/// </summary>
/// <param name="client">The Durable Task client.</param>
/// <param name="templates">Published templates.</param>
/// <param name="checker">The whole check of a submission (planner rules, licences, uploads).</param>
/// <param name="time">The clock.</param>
/// <param name="outbox">Where the applicant's notice of a refusal is recorded (the bundle tells the rest).</param>
/// <param name="notificationOptions">The reminder lead for deferred materials.</param>
/// <param name="clocks">The SLA clock in force, pinned into every application it starts.</param>
/// <param name="sla">The SLA settings: the length of a working day (which also scales the lead).</param>
/// <param name="tables">Where the start claims (<see cref="StartsTableName"/>) are kept.</param>
/// <param name="backlog">The count of applications accepted but not started, and the bound past which a submit waits.</param>
public sealed class ApplicationService(
    DurableTaskClient client, ITemplateSource templates, SubmissionChecker checker, TimeProvider time,
    SlaClockSource clocks, IOptions<SlaOptions> sla, NotificationOutbox outbox, IOptions<NotificationOptions> notificationOptions,
    StorageTables tables, EngineBacklog backlog)
{
    /// <summary>
    /// One row per application id, inserted before its bundle starts: the body's SHA-256 (a reused key with another
    /// body is refused) and the starter's claim, so of two submits racing with one key only one starts.
    /// </summary>
    public const string StartsTableName = "ApplicationStarts";

    // How long a starter holds its claim; a starter that died before starting is taken over after it.
    static readonly TimeSpan StartClaim = TimeSpan.FromSeconds(15);

    // The statuses in which an instance of the same id is never started again.
    static readonly OrchestrationRuntimeStatus[] Started =
    [
        OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended,
        OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated,
    ];

    /// <summary>Submits an application.</summary>
    /// <param name="request">The submission.</param>
    /// <param name="applicationId">The id to give it; the same id again returns the earlier acceptance.</param>
    /// <param name="cancellationToken">Cancels the call (not the application).</param>
    /// <returns>Accepted with its ledger, or refused with every problem.</returns>
    public async Task<SubmissionResult> SubmitAsync(SubmissionRequest request, string applicationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // More accepted than the engine has started: the caller is told to come back instead of waiting unseen. First,
        // so an overloaded engine is not read either (one count serves every submit for a second); a retry of an
        // application accepted before is told the same and gets its 200 when it comes back.
        if (await backlog.ReadAsync(cancellationToken) is { Accepting: false } full)
        {
            return new SubmissionResult(applicationId, false, [], [], Backlogged: full);
        }

        var fingerprint = Fingerprint(request);
        if (await client.GetInstanceAsync(applicationId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            var claim = await GetClaimAsync(applicationId, cancellationToken);
            // No claim: started before claims were kept; the id alone answers as it did then.
            return claim is not null && claim.GetString("Sha256") != fingerprint
                ? Conflict(applicationId)
                : new SubmissionResult(applicationId, true, [], LedgerOf(claim), AlreadyAccepted: true);
        }

        var published = await templates.GetPublishedAsync(request.TemplateKey, cancellationToken);
        if (published is null)
        {
            return new SubmissionResult(applicationId, false,
                [SubmissionProblem.Of("templateKey", "template.unknown", $"没有开放申请的“{request.TemplateKey}”。", $"No bundle '{request.TemplateKey}' is open for applications.")], []);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var clock = await PinClockAsync(cancellationToken);
        var (plan, held) = await checker.CheckAsync(published.Template, request, now, clock, cancellationToken);
        var problems = plan.Problems;
        if (problems.Count > 0)
        {
            await NotifyRefusedAsync(applicationId, request, new LocalText(published.Template.Name, published.Template.NameEn ?? published.Template.Name), problems, now, cancellationToken);
            return new SubmissionResult(applicationId, false, problems, []);
        }

        var lead = sla.Value.DayLength * notificationOptions.Value.DeferredDueSoonLeadDays;
        var input = new BundleInput(applicationId, request.Applicant, published.Version, published.Template, plan.Answers, [.. held], plan.Ledger, now, clock, lead,
            plan.Parties is { Count: > 0 } parties ? parties : null);
        switch (await ClaimStartAsync(applicationId, fingerprint, plan.Ledger, cancellationToken))
        {
            case StartClaimOutcome.Conflict:
                return Conflict(applicationId);
            case StartClaimOutcome.StartedByAnother:
                return new SubmissionResult(applicationId, true, [], plan.Ledger, AlreadyAccepted: true);
        }

        await backlog.MarkAsync(applicationId, cancellationToken);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input,
                new StartOrchestrationOptions(applicationId).WithDedupeStatuses(Started), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Refused by the dedupe statuses (the exception's type depends on the client's transport): a starter whose
            // claim ran out started it meanwhile. Anything else is thrown on.
            if (await client.GetInstanceAsync(applicationId, getInputsAndOutputs: false, cancellationToken) is null)
            {
                // Not started, by us or another: nothing waits, so nothing is counted.
                await backlog.RemoveAsync(applicationId, CancellationToken.None);
                throw;
            }

            return new SubmissionResult(applicationId, true, [], plan.Ledger, AlreadyAccepted: true);
        }

        return new SubmissionResult(applicationId, true, [], plan.Ledger);
    }

    /// <summary>
    /// Checks a submission as <see cref="SubmitAsync"/> would, writing nothing and starting nothing (an assisted filing
    /// is checked when the helper files it and again when the applicant confirms it).
    /// </summary>
    /// <param name="request">The submission.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Every problem (<c>template.unknown</c> for a bundle not open); empty when it would be accepted.</returns>
    public async Task<IReadOnlyList<SubmissionProblem>> CheckAsync(SubmissionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var published = await templates.GetPublishedAsync(request.TemplateKey, cancellationToken);
        if (published is null)
        {
            return [SubmissionProblem.Of("templateKey", "template.unknown", $"没有开放申请的“{request.TemplateKey}”。", $"No bundle '{request.TemplateKey}' is open for applications.")];
        }

        var (plan, _) = await checker.CheckAsync(published.Template, request, time.GetUtcNow().UtcDateTime, await PinClockAsync(cancellationToken), cancellationToken);
        return plan.Problems;
    }

    enum StartClaimOutcome
    {
        Start,
        StartedByAnother,
        Conflict,
    }

    static SubmissionResult Conflict(string applicationId) => new(applicationId, false, [], [], IdempotencyConflict: true);

    // The body as the key's holder sent it (template, applicant, answers, materials), hashed: the same key is a replay
    // only for the same body.
    // A request naming no parties is hashed as before parties existed, so a retry across the deploy still matches.
    static string Fingerprint(SubmissionRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(request.Parties is null
            ? JsonSerializer.SerializeToUtf8Bytes(new { request.TemplateKey, request.Applicant, request.Answers, request.Materials }, FingerprintJson)
            : JsonSerializer.SerializeToUtf8Bytes(request, FingerprintJson)));

    static readonly JsonSerializerOptions FingerprintJson = new(JsonSerializerDefaults.Web);

    static List<MaterialEntry> LedgerOf(TableEntity? claim) =>
        claim?.GetString("Ledger") is { } json ? JsonSerializer.Deserialize<List<MaterialEntry>>(json, FingerprintJson) ?? [] : [];

    async Task<TableEntity?> GetClaimAsync(string applicationId, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(StartsTableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(applicationId), string.Empty, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    // Inserts the claim, or finds whose it is: another body's (conflict), a starter that started (replay), a starter
    // still within its claim (wait for it), or one whose claim ran out before it started (taken over under the ETag).
    // The wall clock, not the application clock: the claim measures a real process that may have died.
    async Task<StartClaimOutcome> ClaimStartAsync(string applicationId, string fingerprint, IReadOnlyList<MaterialEntry> ledger, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(StartsTableName);
        var key = TableKeys.Escape(applicationId);
        try
        {
            await table.AddEntityAsync(new TableEntity(key, string.Empty)
            {
                ["Sha256"] = fingerprint,
                ["ClaimedUntil"] = DateTimeOffset.UtcNow + StartClaim,
                // The first answer's ledger, so a replay answers the same before the read model is written.
                ["Ledger"] = JsonSerializer.Serialize(ledger, FingerprintJson),
            }, cancellationToken);
            return StartClaimOutcome.Start;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Someone claimed this id first.
        }

        var giveUpAt = DateTimeOffset.UtcNow + StartClaim + StartClaim;
        while (true)
        {
            var claim = await GetClaimAsync(applicationId, cancellationToken) ?? throw new InvalidOperationException($"The start claim of {applicationId} vanished.");
            if (claim.GetString("Sha256") != fingerprint)
            {
                return StartClaimOutcome.Conflict;
            }

            if (await client.GetInstanceAsync(applicationId, getInputsAndOutputs: false, cancellationToken) is not null)
            {
                return StartClaimOutcome.StartedByAnother;
            }

            if (claim.GetDateTimeOffset("ClaimedUntil") is not { } until || until < DateTimeOffset.UtcNow)
            {
                try
                {
                    await table.UpdateEntityAsync(new TableEntity(key, string.Empty) { ["ClaimedUntil"] = DateTimeOffset.UtcNow + StartClaim },
                        claim.ETag, TableUpdateMode.Merge, cancellationToken);
                    return StartClaimOutcome.Start;
                }
                catch (RequestFailedException ex) when (ex.Status == 412)
                {
                    // Another retry took it over first; look again.
                }
            }

            if (DateTimeOffset.UtcNow > giveUpAt)
            {
                throw new TimeoutException($"Application {applicationId} is being started by another request; try again.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    // The clock in force, copied into the input: the orchestrations never read the store, so a calendar version
    // published later changes no due time of an application already started.
    Task<SlaClock> PinClockAsync(CancellationToken cancellationToken) => clocks.CurrentAsync(cancellationToken);

    /// <summary>Moves a running officer item's due time later; the item audits it and re-arms its reminder and escalation.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <param name="extension">Working days, reason and who.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when delivered.</returns>
    public Task ExtendAsync(string applicationId, string itemKey, DueExtended extension, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(ItemOrchestrator.InstanceId(applicationId, itemKey), nameof(DueExtended), extension, cancellationToken);

    // The one notice goes to the applicant's notifications too. No orchestration runs for a refusal, so it is
    // recorded here, and only recorded: the sweeper delivers it, so a slow or down gateway neither slows nor breaks
    // the answer, which carries every problem anyway. The outbox knows a notification by its time and id, and a
    // retried submit comes at another time: so it looks for the id among the applicant's latest first (one
    // partition read, on a refusal only).
    async Task NotifyRefusedAsync(string applicationId, SubmissionRequest request, LocalText bundleName, IReadOnlyList<SubmissionProblem> problems, DateTime now, CancellationToken cancellationToken)
    {
        var id = $"{applicationId}:refused";
        if ((await outbox.ListAsync(RecipientKind.Applicant, request.Applicant.Id, 20, cancellationToken)).Any(n => n.Notification.Id == id))
        {
            return;
        }

        var body = new LocalText(
            $"您的“{bundleName.Zh}”申请未予受理。需要补正的全部问题，一次告知："
                + string.Join("；", problems.Select(p => $"{p.Path}：{p.Message}")),
            $"Your application for {bundleName.En} was not accepted. Everything to put right, at once: "
                + string.Join("; ", problems.Select(p => $"{p.Path}: {p.MessageEn ?? p.Message}")));
        await outbox.AddAsync(
            [Notification.Of(id, RecipientKind.Applicant, request.Applicant.Id, NotificationTopics.Refused, new("未予受理", "Not accepted"), body, now, applicationId)],
            cancellationToken);
    }

    /// <summary>A running bundle's input and the orchestration version its last turn reported (null from instances older
    /// than 2.5, whose statuses carry none); null when no bundle of that id is running.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The input and version, or null.</returns>
    public async Task<(BundleInput Input, string? Version)?> GetRunningBundleAsync(string applicationId, CancellationToken cancellationToken = default)
    {
        var instance = await client.GetInstanceAsync(applicationId, getInputsAndOutputs: true, cancellationToken);
        if (instance is not { Name: nameof(BundleOrchestrator), RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending }
            || instance.ReadInputAs<BundleInput>() is not { } input)
        {
            return null;
        }

        return (input, instance.ReadCustomStatusAs<BundleProgress>()?.Version);
    }

    /// <summary>Sends a running bundle an administrator's move to another version of its template; the bundle checks it again and audits what it did.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="request">The move.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the event is raised.</returns>
    public Task MigrateAsync(string applicationId, TemplateMigrationRequested request, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(applicationId, nameof(TemplateMigrationRequested), request, cancellationToken);

    /// <summary>Tells the bundle a party's answer to its confirmation (the bundle checks it is the party it awaits).</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="answer">The answer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the event is raised.</returns>
    public Task AnswerAsPartyAsync(string applicationId, PartyConfirmationGiven answer, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(applicationId, nameof(PartyConfirmationGiven), answer, cancellationToken);

    /// <summary>Withdraws an application: every item still pending is cancelled.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="reason">The applicant's reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the request is delivered.</returns>
    public Task WithdrawAsync(string applicationId, string reason, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(applicationId, nameof(WithdrawalRequested), new WithdrawalRequested(reason), cancellationToken);

    /// <summary>Cancels an application as an administrator: every item still pending is cancelled, shown as their doing.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="administratorId">The administrator.</param>
    /// <param name="reason">Why (shown to the applicant).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the request is delivered.</returns>
    public Task CancelAsync(string applicationId, string administratorId, string reason, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(applicationId, nameof(WithdrawalRequested), new WithdrawalRequested(reason, $"admin:{administratorId}"), cancellationToken);

    /// <summary>Delivers an officer's decision to an item.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <param name="decision">The decision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when delivered.</returns>
    public Task DecideAsync(string applicationId, string itemKey, OfficerDecided decision, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(ItemOrchestrator.InstanceId(applicationId, itemKey), nameof(OfficerDecided), decision, cancellationToken);

    /// <summary>Delivers materials the applicant supplied on request to an item.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <param name="supplement">What was supplied.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when delivered.</returns>
    public Task SupplyAsync(string applicationId, string itemKey, SupplementProvided supplement, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(ItemOrchestrator.InstanceId(applicationId, itemKey), nameof(SupplementProvided), supplement, cancellationToken);

    /// <summary>
    /// Delivers a deferred material to the application; the bundle records it in the ledger and passes it to every
    /// item that needs it, running or not yet started.
    /// </summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="supplied">The material and its upload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when delivered.</returns>
    public Task SupplyDeferredAsync(string applicationId, DeferredMaterialSupplied supplied, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(applicationId, nameof(DeferredMaterialSupplied), supplied, cancellationToken);

    /// <summary>Delivers an outside system's verified result to an item.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <param name="result">The result.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when delivered.</returns>
    public Task CompleteExternalAsync(string applicationId, string itemKey, ExternalSystemDecided result, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(ItemOrchestrator.InstanceId(applicationId, itemKey), nameof(ExternalSystemDecided), result, cancellationToken);

    /// <summary>
    /// Where an item's instance is, for a caller that must not raise an event the engine would drop (an instance that
    /// does not exist yet or has ended discards it).
    /// </summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The item's progress.</returns>
    public async Task<ItemProgress> GetItemProgressAsync(string applicationId, string itemKey, CancellationToken cancellationToken = default)
    {
        var item = await client.GetInstanceAsync(ItemOrchestrator.InstanceId(applicationId, itemKey), getInputsAndOutputs: true, cancellationToken);
        if (item is null)
        {
            // Accepted but not saved yet also counts as "not started": the bundle instance exists.
            var bundle = await client.GetInstanceAsync(applicationId, getInputsAndOutputs: false, cancellationToken);
            return new ItemProgress(bundle is not null, null, null);
        }

        return new ItemProgress(true, item.RuntimeStatus, item.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? item.ReadOutputAs<ItemResult>() : null);
    }

    /// <summary>The application id of a register event for a template: the same event twice is the same application.</summary>
    /// <param name="system">The register system.</param>
    /// <param name="eventId">The system's event id.</param>
    /// <param name="templateKey">The template the event starts.</param>
    /// <returns>The id.</returns>
    public static string ProactiveId(string system, string eventId, string templateKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{system}\n{eventId}\n{templateKey}"));
        return $"pro-{Convert.ToHexStringLower(hash, 0, 16)}";
    }

    /// <summary>
    /// Starts a proactive application of a template for a register event, pre-filled from the event's data, unless
    /// the same event started it before.
    /// </summary>
    /// <param name="system">The register system that sent the event.</param>
    /// <param name="eventId">The system's event id.</param>
    /// <param name="subject">The event's subject: the applicant.</param>
    /// <param name="data">The event's data.</param>
    /// <param name="published">The template in force (its proactive rule is set).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The application id and whether it started now (false: the event was seen before).</returns>
    public async Task<(string ApplicationId, bool Started)> StartProactiveAsync(
        string system, string eventId, Applicant subject, IReadOnlyDictionary<string, JsonElement> data, PublishedTemplate published, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(published);
        var rule = published.Template.Proactive ?? throw new ArgumentException($"Template {published.Template.Key} is not proactive.", nameof(published));
        var applicationId = ProactiveId(system, eventId, published.Template.Key);
        var instanceId = ProactiveApplicationOrchestrator.InstanceId(applicationId);
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return (applicationId, false);
        }

        var prefilled = Prefill(rule, data);
        var clock = await PinClockAsync(cancellationToken);
        var input = new ProactiveInput(applicationId, subject, published.Version, published.Template, prefilled, system, eventId,
            time.GetUtcNow().UtcDateTime, clock);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(ProactiveApplicationOrchestrator), input, new StartOrchestrationOptions(instanceId), cancellationToken);
        return (applicationId, true);
    }

    /// <summary>
    /// Whether a register event sent again under an id that already started an application says something else (another
    /// subject, other data the form takes): a correction the application never took, which the system must be told.
    /// </summary>
    /// <param name="applicationId">The application the event id started.</param>
    /// <param name="subject">The subject of the event sent now.</param>
    /// <param name="data">Its data.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>True when it differs from the event that started the application.</returns>
    public async Task<bool> ProactiveEventDiffersAsync(string applicationId, Applicant subject, IReadOnlyDictionary<string, JsonElement> data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(data);
        if (await GetProactiveAsync(applicationId, cancellationToken) is not { Template.Proactive: { } rule } started)
        {
            return false;
        }

        var prefilled = Prefill(rule, data);
        return started.Applicant != subject
            || started.Prefilled.Count != prefilled.Count
            || started.Prefilled.Any(p => !prefilled.TryGetValue(p.Key, out var now) || !JsonElement.DeepEquals(p.Value, now));
    }

    // The form's answers a register event fills in, by the template's proactive rule.
    static Dictionary<string, JsonElement> Prefill(ProactiveRule rule, IReadOnlyDictionary<string, JsonElement> data)
    {
        var prefilled = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (field, key) in rule.AnswersFrom ?? new Dictionary<string, string>())
        {
            if (data.TryGetValue(key, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                prefilled[field] = value.Clone();
            }
        }

        return prefilled;
    }

    /// <summary>The proactive input of an application, or null when it was not started by a register event.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The input.</returns>
    public async Task<ProactiveInput?> GetProactiveAsync(string applicationId, CancellationToken cancellationToken = default)
    {
        var instance = await client.GetInstanceAsync(ProactiveApplicationOrchestrator.InstanceId(applicationId), getInputsAndOutputs: true, cancellationToken);
        return instance?.Name == nameof(ProactiveApplicationOrchestrator) ? instance.ReadInputAs<ProactiveInput>() : null;
    }

    /// <summary>
    /// Confirms a proactive application: the pre-filled answers with the applicant's corrections and materials get the
    /// whole submission check now, so the applicant hears at once what is missing (once); when nothing is, the
    /// confirmation goes to the instance, which checks again and starts the bundle.
    /// </summary>
    /// <param name="proactive">The application's proactive input.</param>
    /// <param name="confirmation">The corrections and materials.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Every problem; empty when the confirmation was delivered.</returns>
    public async Task<IReadOnlyList<SubmissionProblem>> ConfirmProactiveAsync(ProactiveInput proactive, ProactiveConfirmed confirmation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proactive);
        ArgumentNullException.ThrowIfNull(confirmation);
        var answers = new Dictionary<string, JsonElement>(proactive.Prefilled, StringComparer.Ordinal);
        foreach (var (key, value) in confirmation.Answers ?? new Dictionary<string, JsonElement>())
        {
            answers[key] = value;
        }

        var request = new SubmissionRequest(proactive.Template.Key, proactive.Applicant, answers, confirmation.Materials ?? []);
        var (plan, _) = await checker.CheckAsync(proactive.Template, request, time.GetUtcNow().UtcDateTime, proactive.Clock, cancellationToken);
        if (!plan.Accepted)
        {
            return plan.Problems;
        }

        await client.RaiseEventAsync(ProactiveApplicationOrchestrator.InstanceId(proactive.ApplicationId), nameof(ProactiveConfirmed), confirmation, cancellationToken);
        return [];
    }

    /// <summary>Declines a proactive application.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="reason">The applicant's reason.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when delivered.</returns>
    public Task DeclineProactiveAsync(string applicationId, string reason, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(ProactiveApplicationOrchestrator.InstanceId(applicationId), nameof(ProactiveDeclined), new ProactiveDeclined(reason), cancellationToken);
}

/// <summary>Where an item's instance is.</summary>
/// <param name="ApplicationExists">Whether the application's bundle exists (accepted), whatever its read model says.</param>
/// <param name="Status">The item instance's status; null when it has not started.</param>
/// <param name="Result">The item's result once its instance completed.</param>
public sealed record ItemProgress(bool ApplicationExists, OrchestrationRuntimeStatus? Status, ItemResult? Result);
