using System.Text.Json;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>A bundle open for applications.</summary>
/// <param name="Key">The template key.</param>
/// <param name="Version">The version new applications use.</param>
/// <param name="Name">The bundle's name, in the request's language.</param>
/// <param name="Description">What it does for the applicant, in the request's language.</param>
/// <param name="ApplicantKind">Who applies.</param>
/// <param name="CommittedDays">The committed time limit in working days.</param>
/// <param name="Items">How many department items it may include.</param>
/// <param name="Departments">The departments involved (codes; their names are in <paramref name="Labels"/>).</param>
/// <param name="Labels">What people read for the bundle and its departments (<c>bundle</c>, <c>department:CODE</c>), in the request's language.</param>
public sealed record BundleSummary(string Key, int Version, string Name, string Description, ApplicantKind ApplicantKind, int CommittedDays, int Items, IReadOnlyList<string> Departments,
    IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>A material as the form shows it to one applicant.</summary>
/// <param name="Key">The material key.</param>
/// <param name="Name">Its name.</param>
/// <param name="RequiredBy">The items that need it.</param>
/// <param name="SatisfiedBy">How it is already in hand for this applicant (<c>licence:TYPE</c>, <c>item:KEY</c>), or null when the applicant must act.</param>
/// <param name="Upload">Upload limits when it may be uploaded.</param>
/// <param name="Commitment">The commitment text when a commitment may replace it.</param>
/// <param name="DeferralDays">Working days allowed when it may be deferred.</param>
/// <param name="RequiredWhen">When set, the material is needed only when this condition holds on the answers (the form shows it so a
/// client asks for it only then); absent: always.</param>
/// <param name="Party">The role of the party the material belongs to (their licence satisfies it); null for the applicant's.</param>
public sealed record FormMaterial(string Key, string Name, IReadOnlyList<string> RequiredBy, string? SatisfiedBy, UploadRule? Upload, string? Commitment, int? DeferralDays,
    Condition? RequiredWhen = null, string? Party = null);

/// <summary>A bundle's one form and one material list.</summary>
/// <param name="Key">The template key.</param>
/// <param name="Version">The version.</param>
/// <param name="Name">The bundle's name.</param>
/// <param name="Description">What it does.</param>
/// <param name="Fields">The shared form.</param>
/// <param name="Materials">The materials, with what this applicant already has.</param>
/// <param name="Items">The items, with departments and committed days.</param>
/// <param name="Labels">What people read for every code the form mentions, in the request's language (<see cref="Api.Labels"/>).</param>
/// <param name="Parties">The parties besides the applicant the submission names by role (<c>parties</c>); null when none.</param>
public sealed record BundleForm(
    string Key, int Version, string Name, string Description, IReadOnlyList<FieldDefinition> Fields, IReadOnlyList<FormMaterial> Materials, IReadOnlyList<FormItem> Items,
    IReadOnlyDictionary<string, string>? Labels = null, IReadOnlyList<PartyDefinition>? Parties = null);

/// <summary>An item as the form describes it.</summary>
/// <param name="Key">The item key.</param>
/// <param name="Name">Its name.</param>
/// <param name="Department">The deciding department.</param>
/// <param name="CommittedDays">Committed working days.</param>
/// <param name="DependsOn">Items it waits for.</param>
/// <param name="Instant">Whether rules decide it at once (秒批).</param>
public sealed record FormItem(string Key, string Name, string Department, int CommittedDays, IReadOnlyList<string> DependsOn, bool Instant);

/// <summary>The body of a submission; the applicant comes from the token.</summary>
/// <param name="TemplateKey">Which bundle.</param>
/// <param name="Answers">The form's answers by field key.</param>
/// <param name="Materials">Materials offered (uploads, commitments, deferrals); licences and item outputs need no entry.</param>
/// <param name="Parties">The bundle's other parties by role (the seller, the father): each one's id and name; a party the
/// applicant may stand in for is the applicant when left out.</param>
public sealed record SubmitRequest(string TemplateKey, Dictionary<string, JsonElement> Answers, List<MaterialProvision>? Materials = null, Dictionary<string, PartyIdentity>? Parties = null);

/// <summary>An accepted submission.</summary>
/// <param name="ApplicationId">The application id.</param>
/// <param name="Ledger">How every material is satisfied.</param>
/// <param name="Replayed">True when this answers a retried submit with the same Idempotency-Key.</param>
public sealed record SubmitResponse(string ApplicationId, IReadOnlyList<MaterialEntry> Ledger, bool Replayed);

/// <summary>A stored upload.</summary>
/// <param name="Reference">Cite this in a submission or supplement.</param>
/// <param name="Material">The material.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, hex.</param>
public sealed record UploadResponse(string Reference, string Material, string ContentType, long Size, string Sha256);

/// <summary>One of my applications in a list.</summary>
/// <param name="ApplicationId">The id.</param>
/// <param name="TemplateKey">The bundle.</param>
/// <param name="TemplateName">Its name.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="SubmittedAt">When accepted.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Approved">Items approved so far.</param>
/// <param name="Included">Items included.</param>
public sealed record ApplicationSummary(string ApplicationId, string TemplateKey, string TemplateName, ApplicationStatus Status, DateTime SubmittedAt, DateTime UpdatedAt, int Approved, int Included);

/// <summary>Something the applicant must do.</summary>
/// <param name="Kind"><c>supplement</c> (an officer asked for materials), <c>deferred</c> (a material accepted as missing is due) or
/// <c>confirmation</c> (a proactive application waits for the applicant's confirmation).</param>
/// <param name="Item">The item, for a supplement.</param>
/// <param name="Materials">The materials to supply.</param>
/// <param name="Message">Why: for a supplement the officer's reason as written, for a deferred material or a confirmation what to do, in the request's language.</param>
/// <param name="DueAt">By when, for a deferred material or a confirmation.</param>
/// <param name="RequestId">For a supplement: the officer's request, which the supplement names (<see cref="SupplyRequest.RequestId"/>).</param>
public sealed record AskedOfYou(string Kind, string? Item, IReadOnlyList<string> Materials, string Message, DateTime? DueAt, string? RequestId = null);

/// <summary>One of my applications in full.</summary>
/// <param name="ApplicationId">The id.</param>
/// <param name="TemplateKey">The bundle.</param>
/// <param name="TemplateVersion">The pinned version.</param>
/// <param name="TemplateName">Its name.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="SubmittedAt">When accepted.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Items">Every item with its state, due time and outcome.</param>
/// <param name="Materials">The materials ledger.</param>
/// <param name="Asked">What is asked of the applicant now.</param>
/// <param name="DueAt">When the whole bundle is due: its committed working days from submission on the pinned calendar.</param>
/// <param name="Countdowns">While it runs: the bundle's countdown (item <c>null</c>) and each running item's.</param>
/// <param name="Prefilled">For a proactive application awaiting confirmation: the answers the register's event filled in.</param>
/// <param name="ConfirmBy">For a proactive application awaiting confirmation: when it expires unless confirmed.</param>
/// <param name="Assisted">For an application staff filed with the applicant's consent (帮办代办): who filed it, the consent and when.</param>
/// <param name="Labels">What people read for every code the application mentions (departments, items, materials, fields, options,
/// rating tags), in the request's language (<see cref="Api.Labels"/>).</param>
/// <param name="Rateable">What the applicant can still rate (好差评): ended items' keys and <c>bundle</c> once the application ended, less
/// what they rated already.</param>
/// <param name="Stuck">The case the applicant opened by reporting the application stuck (办不成事), with where it stands; null when none.</param>
/// <param name="Parties">The other parties the application names and where each one's confirmation stands (the seller's: awaited
/// by a due time, then confirmed or declined with when and why); null when it names none.</param>
public sealed record ApplicationDetail(
    string ApplicationId, string TemplateKey, int TemplateVersion, string TemplateName, ApplicationStatus Status, DateTime SubmittedAt, DateTime UpdatedAt,
    IReadOnlyList<ItemView> Items, IReadOnlyList<MaterialEntry> Materials, IReadOnlyList<AskedOfYou> Asked, DateTime? DueAt = null,
    IReadOnlyList<Countdown>? Countdowns = null, IReadOnlyDictionary<string, JsonElement>? Prefilled = null, DateTime? ConfirmBy = null,
    Workflows.Assisted.AssistedFilingView? Assisted = null, IReadOnlyDictionary<string, string>? Labels = null, IReadOnlyList<string>? Rateable = null,
    Workflows.Cases.StuckCase? Stuck = null, IReadOnlyList<PartyStanding>? Parties = null);

/// <summary>Materials supplied on an officer's request.</summary>
/// <param name="References">The uploads, by material key.</param>
/// <param name="RequestId">The request answered, as the application shows it (<see cref="AskedOfYou.RequestId"/>): a supplement
/// answers that request only, never a later one.</param>
public sealed record SupplyRequest(Dictionary<string, string> References, string? RequestId = null);

/// <summary>A deferred material supplied.</summary>
/// <param name="Reference">The upload.</param>
public sealed record DeferredSupplyRequest(string Reference);

/// <summary>A withdrawal.</summary>
/// <param name="Reason">Why.</param>
public sealed record WithdrawRequest(string Reason);

/// <summary>The confirmation of a proactive application: corrections to the pre-filled answers and the materials offered.</summary>
/// <param name="Answers">Answers that replace or add to the pre-filled ones.</param>
/// <param name="Materials">Materials offered, as in a submission.</param>
public sealed record ConfirmationRequest(Dictionary<string, JsonElement>? Answers = null, List<MaterialProvision>? Materials = null);

/// <summary>The declination of a proactive application.</summary>
/// <param name="Reason">Why.</param>
public sealed record DeclinationRequest(string Reason);

