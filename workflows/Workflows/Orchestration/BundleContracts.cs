using Workflows.Calendar;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>Who applied.</summary>
/// <param name="Id">The applicant's identity (a citizen's or a company's id).</param>
/// <param name="Kind">Citizen or company.</param>
/// <param name="Name">Display name.</param>
public sealed record Applicant(string Id, ApplicantKind Kind, string Name);

/// <summary>How one material of the application is satisfied (the materials ledger).</summary>
public enum MaterialStatus
{
    /// <summary>Taken from an electronic licence the applicant holds.</summary>
    FromLicence,

    /// <summary>Uploaded with the application.</summary>
    Uploaded,

    /// <summary>To be produced by an earlier item of the bundle.</summary>
    ProducedByItem,

    /// <summary>Replaced by the applicant's signed commitment (告知承诺).</summary>
    Committed,

    /// <summary>Missing, accepted with a deadline (容缺受理).</summary>
    Deferred,

    /// <summary>A deferred or requested material the applicant has since supplied.</summary>
    Supplied,
}

/// <summary>One line of the materials ledger.</summary>
/// <param name="Key">The material's key.</param>
/// <param name="Name">The material's name.</param>
/// <param name="Status">How it is satisfied.</param>
/// <param name="RequiredBy">The included items that need it.</param>
/// <param name="Reference">The upload's blob, the licence number, or the producing item's output.</param>
/// <param name="DueAt">For a deferred material, when it must be supplied.</param>
/// <param name="Party">The role of the party it belongs to (its licence is theirs); null for the applicant's.</param>
/// <param name="Verifier">For a commitment: the one item whose department verifies it for every item approved on it;
/// null in ledgers written before (each item approved on it then opened its own verification).</param>
public sealed record MaterialEntry(string Key, string Name, MaterialStatus Status, IReadOnlyList<string> RequiredBy, string? Reference = null, DateTime? DueAt = null, string? Party = null,
    CommitmentVerifier? Verifier = null);

/// <summary>Who verifies a commitment (告知承诺) once for all the items approved on it.</summary>
/// <param name="Item">The item whose department verifies; its instance id names the verification task.</param>
/// <param name="Department">That item's department.</param>
/// <param name="ItemName">That item's name, as the task shows it.</param>
/// <param name="ItemNameEn">That item's name in English, when the template gives one.</param>
public sealed record CommitmentVerifier(string Item, string Department, string ItemName, string? ItemNameEn = null);

/// <summary>A party of one application other than the applicant role (the seller, a parent), as the submission named it.</summary>
/// <param name="Role">The template's role key.</param>
/// <param name="Id">Their identity (the account they sign in with).</param>
/// <param name="Name">Their name.</param>
/// <param name="Kind">Citizen or company.</param>
public sealed record BundleParty(string Role, string Id, string Name, ApplicantKind Kind)
{
    /// <summary>The holder of a licence for a role: that party's id, or the applicant's for no role (or one not named).</summary>
    /// <param name="parties">The application's parties; null in inputs written before parties.</param>
    /// <param name="role">The role; null for the applicant.</param>
    /// <param name="applicantId">The applicant's id.</param>
    /// <returns>The holder's id.</returns>
    public static string HolderOf(IReadOnlyList<BundleParty>? parties, string? role, string applicantId) =>
        role is null ? applicantId : parties?.FirstOrDefault(p => p.Role == role)?.Id ?? applicantId;
}

/// <summary>Input of <see cref="BundleOrchestrator"/>: the whole application, pinned to one template version.</summary>
/// <param name="ApplicationId">The application's id; also the bundle instance id.</param>
/// <param name="Applicant">Who applied.</param>
/// <param name="TemplateVersion">The template version the application is pinned to.</param>
/// <param name="Template">A snapshot of that version, so publishing never changes an application in flight.</param>
/// <param name="Answers">The shared form's answers, normalised.</param>
/// <param name="Licences">Licence types the applicant held at submission.</param>
/// <param name="Materials">The materials ledger.</param>
/// <param name="SubmittedAt">When the application was accepted.</param>
/// <param name="Clock">
/// The working-day calendar version and day length pinned at submission, so replays compute the same due times;
/// null in inputs written before calendars were pinned, which keep the weekends-only arithmetic they started with.
/// </param>
/// <param name="DueSoonLead">How long before a deferred material's deadline the applicant is reminded; no reminder when null.</param>
/// <param name="Parties">The parties the application names besides the applicant; null in inputs written before parties.</param>
public sealed record BundleInput(
    string ApplicationId,
    Applicant Applicant,
    int TemplateVersion,
    BundleTemplate Template,
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlyList<string> Licences,
    IReadOnlyList<MaterialEntry> Materials,
    DateTime SubmittedAt,
    SlaClock? Clock = null,
    TimeSpan? DueSoonLead = null,
    IReadOnlyList<BundleParty>? Parties = null)
{
    /// <summary>The pinned clock, or the weekends-only one for inputs written before calendars were pinned.</summary>
    /// <returns>The clock.</returns>
    public SlaClock ClockOrDefault() => Clock ?? SlaClock.Real(WorkingCalendar.WeekendsOnly);
}

/// <summary>Where an item stands.</summary>
public enum ItemState
{
    /// <summary>Waiting for its prerequisites.</summary>
    Waiting,

    /// <summary>Started: being decided.</summary>
    Running,

    /// <summary>Approved; its outputs are issued.</summary>
    Approved,

    /// <summary>Rejected, with a reason.</summary>
    Rejected,

    /// <summary>Cancelled: withdrawn, a prerequisite not approved, or a deferral missed.</summary>
    Cancelled,

    /// <summary>Not part of this application: its inclusion condition did not hold.</summary>
    NotIncluded,

    /// <summary>Stopped by a technical failure; an administrator must look at it.</summary>
    Failed,
}

/// <summary>Input of <see cref="ItemOrchestrator"/>.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="Applicant">Who applied.</param>
/// <param name="TemplateKey">The template's key.</param>
/// <param name="Item">The item's definition.</param>
/// <param name="Answers">The form's answers.</param>
/// <param name="Licences">Licence types the applicant holds, including those issued by earlier items.</param>
/// <param name="PriorOutputs">Outputs of approved items: item key, output key, value.</param>
/// <param name="Materials">The ledger lines of materials this item needs.</param>
/// <param name="MaterialRules">The template's definitions of those materials (deferral and commitment rules).</param>
/// <param name="Clock">The application's pinned clock; null in inputs written before calendars were pinned (weekends only).</param>
/// <param name="SubmittedOn">The application's submission date, for rules that compare a date with it; null in inputs
/// written before, whose templates cannot hold such a rule.</param>
/// <param name="Parties">The application's parties, to whom certificates are issued and whose licences are superseded;
/// null in inputs written before parties (everything is the applicant's).</param>
public sealed record ItemInput(
    string ApplicationId,
    Applicant Applicant,
    string TemplateKey,
    ItemDefinition Item,
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlyList<string> Licences,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> PriorOutputs,
    IReadOnlyList<MaterialEntry> Materials,
    IReadOnlyList<MaterialDefinition> MaterialRules,
    SlaClock? Clock = null,
    DateOnly? SubmittedOn = null,
    IReadOnlyList<BundleParty>? Parties = null)
{
    /// <summary>The pinned clock, or the weekends-only one for inputs written before calendars were pinned.</summary>
    /// <returns>The clock.</returns>
    public SlaClock ClockOrDefault() => Clock ?? SlaClock.Real(WorkingCalendar.WeekendsOnly);
}

/// <summary>How an item ended.</summary>
/// <param name="ItemKey">The item.</param>
/// <param name="State">Approved, rejected, cancelled, not included or failed.</param>
/// <param name="DecidedBy">rule:KEY, rules:fallback, officer:ID, system:CODE, applicant, or engine.</param>
/// <param name="Reason">The rationale or reason, for people: in Chinese when the engine wrote it, else as a person
/// wrote it (or, before <paramref name="ReasonEn"/>, the one English text).</param>
/// <param name="Outputs">What the item issued, by output key.</param>
/// <param name="Evidence">For rule decisions: the values the rules looked at.</param>
/// <param name="HeldByApplicant">The times the item waited on the applicant (a supplement asked, a deferred material
/// outstanding): the clock stood still then, for the item and for the bundle.</param>
/// <param name="ReasonEn">The engine's reason in English; null when a person wrote the reason or the result is older
/// (then <paramref name="Reason"/> is read in either language).</param>
public sealed record ItemResult(
    string ItemKey,
    ItemState State,
    string DecidedBy,
    string? Reason,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<ApplicantHold>? HeldByApplicant = null,
    string? ReasonEn = null);

/// <summary>A time an item waited on the applicant, during which the committed time stood still.</summary>
/// <param name="From">When it began (orchestration time).</param>
/// <param name="To">When it ended.</param>
public sealed record ApplicantHold(DateTime From, DateTime To)
{
    /// <summary>
    /// A due time moved later by every hold, counted once where holds of several items overlap: while any item
    /// waits on the applicant the bundle's clock stands still, and two items waiting at once stop it once.
    /// </summary>
    /// <param name="clock">The pinned SLA clock.</param>
    /// <param name="due">The due time before the holds.</param>
    /// <param name="holds">The holds, in any order, overlapping or not.</param>
    /// <returns>The moved due time.</returns>
    public static DateTime Extend(SlaClock clock, DateTime due, IEnumerable<ApplicantHold> holds)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(holds);
        DateTime? from = null;
        var to = DateTime.MinValue;
        foreach (var hold in holds.Where(h => h.To > h.From).OrderBy(h => h.From))
        {
            if (from is { } start && hold.From > to)
            {
                due = clock.Extend(due, start, to);
                from = null;
            }

            if (from is null)
            {
                from = hold.From;
                to = hold.To;
            }
            else if (hold.To > to)
            {
                to = hold.To;
            }
        }

        return from is { } last ? clock.Extend(due, last, to) : due;
    }
}

/// <summary>How a bundle ended.</summary>
public enum BundleStatus
{
    /// <summary>Every included item approved.</summary>
    Completed,

    /// <summary>Some items approved, some not.</summary>
    PartiallyCompleted,

    /// <summary>No item approved.</summary>
    Rejected,

    /// <summary>Withdrawn by the applicant.</summary>
    Withdrawn,

    /// <summary>Cancelled by an administrator.</summary>
    Cancelled,
}

/// <summary>Output of <see cref="BundleOrchestrator"/>: each item's end.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="Status">The bundle's end.</param>
/// <param name="Items">Every item of the template, in template order.</param>
public sealed record BundleOutcome(string ApplicationId, BundleStatus Status, IReadOnlyList<ItemResult> Items);

/// <summary>The bundle instance's custom status: each item's state, for live tracking.</summary>
/// <param name="Items">Item key to state.</param>
/// <param name="Version">The instance's orchestration version (<c>context.Version</c>), so a client can tell what it can do
/// (a migration needs 2.5); null in statuses written before, which only older instances wrote.</param>
public sealed record BundleProgress(IReadOnlyDictionary<string, ItemState> Items, string? Version = null);
