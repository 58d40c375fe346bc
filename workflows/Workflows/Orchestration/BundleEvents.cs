namespace Workflows.Orchestration;

/// <summary>What an officer decided.</summary>
public enum DecisionKind
{
    /// <summary>Approve the item.</summary>
    Approve,

    /// <summary>Reject the item; a reason is required.</summary>
    Reject,

    /// <summary>Ask the applicant for more materials; the item waits for them.</summary>
    RequestSupplement,
}

/// <summary>An officer's decision on an item's task, raised on the item instance.</summary>
/// <param name="Kind">Approve, reject or ask for a supplement.</param>
/// <param name="OfficerId">Who decided.</param>
/// <param name="Reason">Required for a rejection and a supplement request.</param>
/// <param name="Materials">For a supplement request: the materials asked for.</param>
/// <param name="DecisionId">The decision's id: the same decision delivered again (after a crash between taking it and
/// delivering it) is recognised by the item and not acted on twice.</param>
public sealed record OfficerDecided(DecisionKind Kind, string OfficerId, string? Reason = null, IReadOnlyList<string>? Materials = null, string? DecisionId = null);

/// <summary>The applicant supplied what was asked, or a deferred material; raised on the item instance.</summary>
/// <param name="Materials">The material keys supplied.</param>
/// <param name="References">The uploads' blob names, by material key.</param>
/// <param name="RequestId">The supplement request answered (the request decision's id): the item takes it for that request
/// only. Null from callers before request ids, taken for whatever is asked.</param>
public sealed record SupplementProvided(IReadOnlyList<string> Materials, IReadOnlyDictionary<string, string> References, string? RequestId = null);

/// <summary>An outside department system's signed result, raised on the item instance.</summary>
/// <param name="System">The system's code.</param>
/// <param name="Approved">Whether it approved.</param>
/// <param name="Reason">Its reason.</param>
/// <param name="Outputs">Values it issued (e.g. an account number), by output key.</param>
public sealed record ExternalSystemDecided(string System, bool Approved, string? Reason = null, IReadOnlyDictionary<string, string>? Outputs = null);

/// <summary>The applicant withdraws the application, or an administrator cancels it; raised on the bundle instance.</summary>
/// <param name="Reason">Why, in the applicant's (or the administrator's) words.</param>
/// <param name="CancelledBy">The administrator who cancelled it (their audit name, <c>admin:ID</c>); null when the applicant withdrew.</param>
public sealed record WithdrawalRequested(string Reason, string? CancelledBy = null);

/// <summary>The bundle cancels an item that is still being decided; raised on the item instance.</summary>
/// <param name="Reason">Why, in Chinese (or, from an instance before English was kept, the one text).</param>
/// <param name="ReasonEn">Why, in English; null from older instances.</param>
public sealed record ItemCancellationRequested(string Reason, string? ReasonEn = null);

/// <summary>The applicant supplied a material that was accepted as deferred (容缺); raised on each item instance that needs it.</summary>
/// <param name="Material">The material's key.</param>
/// <param name="Reference">The upload's blob name.</param>
/// <param name="ForItem">Set when the item of that key took the material in a supplement and tells the bundle (raised on the
/// bundle): the ledger takes the new file whatever the material's status, and a deferred one is supplied everywhere.</param>
public sealed record DeferredMaterialSupplied(string Material, string Reference, string? ForItem = null);

/// <summary>An administrator moved an item's due time later; raised on the item instance, which moves its reminder and escalation with it.</summary>
/// <param name="WorkingDays">Working days added to the current due time, 1 to 60.</param>
/// <param name="Reason">Why (audited).</param>
/// <param name="By">Who extended it, as the audit names them.</param>
public sealed record DueExtended(int WorkingDays, string Reason, string By);

/// <summary>A party of the application (not the applicant) confirms or declines it in their own session; raised on the bundle instance.</summary>
/// <param name="Role">The party's role.</param>
/// <param name="By">Who answered (the signed-in party's id); the bundle takes it only from the party it names.</param>
/// <param name="Confirmed">True to confirm, false to decline.</param>
/// <param name="Reason">For a declination: why, in the party's words.</param>
/// <param name="At">When the party answered (the API's clock), kept in the audit with the orchestration's time.</param>
public sealed record PartyConfirmationGiven(string Role, string By, bool Confirmed, string? Reason, DateTime At);

/// <summary>An administrator moves the application to another version of its template; raised on the bundle instance,
/// which checks the move again itself (<see cref="Templates.TemplateMigration"/>) and takes it or refuses it, audited.</summary>
/// <param name="FromVersion">The version the administrator saw it on; a bundle on another version refuses.</param>
/// <param name="ToVersion">The version it moves to.</param>
/// <param name="Template">That version's snapshot.</param>
/// <param name="By">Who moved it, as the audit names them.</param>
/// <param name="Reason">Why (audited).</param>
public sealed record TemplateMigrationRequested(int FromVersion, int ToVersion, Templates.BundleTemplate Template, string By, string? Reason = null);
