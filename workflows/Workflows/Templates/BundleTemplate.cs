namespace Workflows.Templates;

/// <summary>
/// A bundle template: the data that one orchestrator walks to turn ONE application for a life event into every
/// department item it needs. Administrators write it as JSON; nothing about a bundle is code.
/// </summary>
/// <param name="Key">Stable identifier, lower-case letters, digits and '-' (e.g. <c>newborn</c>).</param>
/// <param name="Name">The name citizens see (e.g. 新生儿出生一件事).</param>
/// <param name="Description">What the bundle does for the applicant.</param>
/// <param name="ApplicantKind">Who applies: a citizen or a company.</param>
/// <param name="CommittedDays">The bundle's committed time limit in working days (承诺时限).</param>
/// <param name="Fields">The one shared form (一表申请): each field once, used by every item that names it.</param>
/// <param name="Materials">The one set of materials (一套材料): each once, with the items that need it.</param>
/// <param name="Items">The department items, a DAG through <see cref="ItemDefinition.DependsOn"/>.</param>
/// <param name="Proactive">When set, an event from a register starts applications of this bundle (无感申办 / 免申即办).</param>
/// <param name="NameEn">The name in English; absent: people reading English see <paramref name="Name"/>.</param>
/// <param name="DescriptionEn">The description in English; absent: people reading English see <paramref name="Description"/>.</param>
/// <param name="RequiresLicences">Licence types the applicant must still hold to apply: when one is not held (a company
/// already deregistered no longer holds its business licence), the submission is refused with the reason in its one
/// notice. Absent: none.</param>
/// <param name="RefusesLicences">Licence types whose holder has had this bundle's purpose done already (a retiree holds
/// the pension approval a retirement issues): an applicant holding one is refused with the reason in the one notice.
/// Absent: none.</param>
/// <param name="Parties">The people or companies other than the applicant the event involves (a seller, the parents, a
/// legal representative), by role; materials and certificates name the party they belong to. Absent: the applicant alone.</param>
public sealed record BundleTemplate(
    string Key,
    string Name,
    string Description,
    ApplicantKind ApplicantKind,
    int CommittedDays,
    IReadOnlyList<FieldDefinition> Fields,
    IReadOnlyList<MaterialDefinition> Materials,
    IReadOnlyList<ItemDefinition> Items,
    ProactiveRule? Proactive = null,
    string? NameEn = null,
    string? DescriptionEn = null,
    IReadOnlyList<string>? RequiresLicences = null,
    IReadOnlyList<string>? RefusesLicences = null,
    IReadOnlyList<PartyDefinition>? Parties = null);

/// <summary>
/// A party to the event other than the applicant (the seller of a house, a newborn's father, a company's legal
/// representative), declared by role. The submission names who it is (id and name); materials taken from licences are
/// looked up in the party's own licences, and certificates may be issued to it.
/// </summary>
/// <param name="Role">The role's key (camelCase), e.g. <c>seller</c>; <c>applicant</c> is reserved (the applicant is implicit).</param>
/// <param name="Kind">A citizen or a company.</param>
/// <param name="Label">What people see, in Chinese (卖方).</param>
/// <param name="LabelEn">The label in English; absent: people reading English see <paramref name="Label"/>.</param>
/// <param name="Required">Whether the submission must name it (default true).</param>
/// <param name="MayBeApplicant">When the submission does not name it, the applicant is this party (a newborn's mother
/// filing for her child need not name herself again).</param>
/// <param name="NameField">A text field of the form that must hold the party's name as the submission gives it.</param>
/// <param name="IdNumberField">An ID-number or credit-code field of the form holding the party's identity number; it is
/// checked against the number on the party's own identity card or business licence where the party holds one.</param>
/// <param name="Confirmation">When set, the party confirms in their own session before the items that need them start.</param>
public sealed record PartyDefinition(
    string Role,
    ApplicantKind Kind,
    string Label,
    string? LabelEn = null,
    bool Required = true,
    bool MayBeApplicant = false,
    string? NameField = null,
    string? IdNumberField = null,
    PartyConfirmationRule? Confirmation = null);

/// <summary>A party's confirmation: within how many working days of the submission, and what a missed one does.</summary>
/// <param name="WithinDays">Working days, from the submission, the party has to confirm (1 or more); the validator refuses
/// a confirmation without it (nullable so it is told as a located problem, not unreadable JSON).</param>
/// <param name="OnMissed">What happens when the party declines or does not confirm in time; required as WithinDays is.</param>
public sealed record PartyConfirmationRule(int? WithinDays = null, ConfirmationMissed? OnMissed = null);

/// <summary>What a party's missed or declined confirmation does.</summary>
public enum ConfirmationMissed
{
    /// <summary>The bundle ends: every item not decided yet is cancelled.</summary>
    EndBundle,

    /// <summary>Only the items that need the party are cancelled (and those after them); the others go on.</summary>
    CancelItems,
}

/// <summary>Who files an application of a template.</summary>
public enum ApplicantKind
{
    /// <summary>A natural person.</summary>
    Citizen,

    /// <summary>A company or other organisation.</summary>
    Company,
}

/// <summary>One field of the shared form.</summary>
/// <param name="Key">Identifier used by items, conditions and rules (camelCase letters and digits).</param>
/// <param name="Label">What the form shows.</param>
/// <param name="Type">The value's type.</param>
/// <param name="Required">Whether an answer must be given.</param>
/// <param name="Options">The allowed values of a <see cref="FieldType.Choice"/> field.</param>
/// <param name="Pattern">A regular expression a text answer must match in full.</param>
/// <param name="Min">The smallest number, or for text the fewest characters.</param>
/// <param name="Max">The largest number, or for text the most characters.</param>
/// <param name="LabelEn">The label in English; absent: people reading English see <paramref name="Label"/>.</param>
/// <param name="OptionLabels">What people see for each option of a choice field, in Chinese and English; an option
/// without one shows its value.</param>
/// <param name="RequiredWhen">When set, the field is required only when this condition holds on the other answers and
/// the applicant's licences (<paramref name="Required"/> is then not consulted).</param>
public sealed record FieldDefinition(
    string Key,
    string Label,
    FieldType Type,
    bool Required = true,
    IReadOnlyList<string>? Options = null,
    string? Pattern = null,
    decimal? Min = null,
    decimal? Max = null,
    string? LabelEn = null,
    IReadOnlyDictionary<string, LocalText>? OptionLabels = null,
    Condition? RequiredWhen = null);

/// <summary>The type of a form field's value.</summary>
public enum FieldType
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>A decimal number.</summary>
    Number,

    /// <summary>A calendar date, yyyy-MM-dd.</summary>
    Date,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>One of <see cref="FieldDefinition.Options"/>.</summary>
    Choice,

    /// <summary>A resident identity number (18 characters, checksum verified).</summary>
    IdNumber,

    /// <summary>A unified social credit code of an organisation (18 characters).</summary>
    CreditCode,

    /// <summary>A mobile phone number.</summary>
    Phone,

    /// <summary>A whole number, written as a JSON integer (1.5 and "3" are refused); compared like a number.</summary>
    WholeNumber,

    /// <summary>Any of <see cref="FieldDefinition.Options"/>, written as a JSON list of distinct options;
    /// <see cref="FieldDefinition.Min"/> and <see cref="FieldDefinition.Max"/> bound how many. Conditions test it with
    /// <see cref="FieldIncludes"/>.</summary>
    MultiChoice,
}

/// <summary>
/// One material, declared once and shared by every item in <see cref="RequiredBy"/> (一套材料). The ways it may
/// be satisfied are tried in the applicant's favour: an electronic licence already held, an output of an earlier
/// item, an upload, a signed commitment, or a deferral with a deadline.
/// </summary>
/// <param name="Key">Identifier (camelCase).</param>
/// <param name="Name">What the applicant sees.</param>
/// <param name="RequiredBy">Keys of the items that need it.</param>
/// <param name="Upload">Whether the applicant may upload it, and the limits on the file; null when not.</param>
/// <param name="FromLicence">An electronic licence type that satisfies it without an upload (zero-material).</param>
/// <param name="ProducedBy">An earlier item of the bundle whose certificate output satisfies it.</param>
/// <param name="Commitment">A written commitment that may replace it (告知承诺制); null when not allowed.</param>
/// <param name="Deferral">Acceptance while it is missing, with a deadline (容缺受理); null when not allowed.</param>
/// <param name="NameEn">The name in English; absent: people reading English see <paramref name="Name"/>.</param>
/// <param name="RequiredWhen">When set, the material is needed only when this condition holds on the answers and the
/// applicant's licences at submission (and only by its items that are included).</param>
/// <param name="Party">The role of the party the material belongs to (the seller's title certificate): its licence is
/// looked up in that party's licences. Absent: the applicant's.</param>
public sealed record MaterialDefinition(
    string Key,
    string Name,
    IReadOnlyList<string> RequiredBy,
    UploadRule? Upload = null,
    string? FromLicence = null,
    OutputReference? ProducedBy = null,
    CommitmentRule? Commitment = null,
    DeferralRule? Deferral = null,
    string? NameEn = null,
    Condition? RequiredWhen = null,
    string? Party = null);

/// <summary>Limits on an uploaded file.</summary>
/// <param name="ContentTypes">Accepted media types, e.g. application/pdf, image/jpeg.</param>
/// <param name="MaxBytes">The largest accepted file.</param>
public sealed record UploadRule(IReadOnlyList<string> ContentTypes, long MaxBytes);

/// <summary>A commitment that replaces a material; the item is approved on it and verified later.</summary>
/// <param name="Text">The statement the applicant signs.</param>
/// <param name="VerifyWithinDays">Working days within which the department verifies the commitment.</param>
/// <param name="OnFailed">What a failed verification does beyond telling the applicant; absent: it tells them only
/// (<see cref="CommitmentFailure.Notify"/>).</param>
/// <param name="VerifiedBy">The item (one of the material's <c>requiredBy</c>) whose department verifies the commitment,
/// once for every item approved on it; absent or not part of the application: the first of <c>requiredBy</c> that is.</param>
public sealed record CommitmentRule(string Text, int VerifyWithinDays, CommitmentFailure? OnFailed = null, string? VerifiedBy = null);

/// <summary>What a failed verification of a commitment (告知承诺 核查不实) does to the item approved on it.</summary>
public enum CommitmentFailure
{
    /// <summary>The applicant is told; the item's result stands until the department acts on it outside the engine.</summary>
    Notify,

    /// <summary>The applicant is told and the item's result is revoked: the application shows it revoked and the
    /// certificates it issued leave the licence registry, so no later application counts them.</summary>
    RevokeItem,
}

/// <summary>Acceptance with a material missing (容缺受理).</summary>
/// <param name="WithinDays">Working days the applicant has to supply it.</param>
/// <param name="OnMissed">What happens to the items that need it when the deadline passes.</param>
public sealed record DeferralRule(int WithinDays, DeferralOutcome OnMissed);

/// <summary>What a missed deferral deadline does to the items that need the material.</summary>
public enum DeferralOutcome
{
    /// <summary>The items are rejected.</summary>
    RejectItem,

    /// <summary>The items are cancelled (as if withdrawn).</summary>
    CancelItem,
}

/// <summary>Points at one output of one item.</summary>
/// <param name="Item">The item's key.</param>
/// <param name="Output">The output's key.</param>
public sealed record OutputReference(string Item, string Output);
