namespace Workflows.Orchestration;

/// <summary>
/// The version of the orchestration code, stamped on every instance it starts. A deploy that changes what an
/// orchestrator schedules (a timer, an activity, a sub-orchestration, in another order) raises <see cref="Current"/>
/// and keeps the old steps behind a check of the instance's version, so instances started before the deploy replay
/// the history they wrote. Workers run their version or older ones and leave newer ones to a newer worker, so during
/// a rolling deploy an old host never picks up an instance a new one started. See docs/decisions/0004.
/// </summary>
public static class OrchestrationVersions
{
    /// <summary>
    /// Instances started before versioning carry no version. Their outside-system items wait for the callback alone.
    /// </summary>
    public const string Unversioned = "";

    /// <summary>2.0: an outside system's item keeps time (reminder and escalation timers beside the callback wait).</summary>
    public const string OutsideSystemsKeepTime = "2.0";

    /// <summary>
    /// 2.1: a bundle whose read-model save fails after its retries records the fault, alerts the administrators and
    /// tries again on a durable timer instead of failing.
    /// </summary>
    public const string SavesOutliveFaults = "2.1";

    /// <summary>
    /// 2.3: an item tells its bundle of each material supplied in a supplement (an event to the bundle), so the ledger
    /// shows the file supplied and a deferred material (容缺) supplied that way counts as supplied everywhere.
    /// </summary>
    public const string SupplementsReachTheBundle = "2.3";

    /// <summary>
    /// 2.4: a party other than the applicant who must confirm (the seller) is waited for, on a deadline timer and an
    /// event, before the items that need them start; a missed or declined confirmation ends what the template says.
    /// </summary>
    public const string PartiesConfirm = "2.4";

    /// <summary>
    /// 2.5: a bundle takes an administrator's move to a newer version of its template (an event), checks it again itself
    /// and walks the items not started by the newer version; older instances refuse the move (ADR 0025).
    /// </summary>
    public const string MigrationsPossible = "2.5";

    /// <summary>
    /// 2.6: a rule item that decides at once (秒批, approved with nothing deferred, or rejected) is decided by its bundle
    /// itself, with no sub-orchestration, and its writes go with the bundle's next save (ADR 0028).
    /// </summary>
    public const string RulesDecidedInBundle = "2.6";

    /// <summary>The version this code starts instances at.</summary>
    public const string Current = RulesDecidedInBundle;

    /// <summary>Whether an instance of <paramref name="version"/> runs the steps introduced at <paramref name="introduced"/>.</summary>
    /// <param name="version">The instance's version (<c>context.Version</c>); empty for an instance started before versioning.</param>
    /// <param name="introduced">The version that introduced the steps.</param>
    /// <returns>True when the instance is that version or newer.</returns>
    public static bool AtLeast(string? version, string introduced) =>
        Version.TryParse(version, out var v) && Version.TryParse(introduced, out var since) && v >= since;
}
