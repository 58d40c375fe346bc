using System.Text.Json.Serialization;

namespace Workflows.Templates;

/// <summary>One department's item within a bundle.</summary>
/// <param name="Key">Identifier within the template (lower-case letters, digits, '-').</param>
/// <param name="Name">The matter's name (e.g. 出生医学证明).</param>
/// <param name="Department">The deciding department's code, from the catalog.</param>
/// <param name="ServiceCode">The matter's code in the government service catalogue.</param>
/// <param name="StatutoryDays">The legal time limit in working days.</param>
/// <param name="CommittedDays">The promised time limit in working days (at most the statutory one).</param>
/// <param name="Decision">How the item is decided.</param>
/// <param name="DependsOn">Items that must be approved before this one starts; it may read their outputs.</param>
/// <param name="Fields">The shared form's fields this item uses.</param>
/// <param name="Outputs">What the item issues when approved.</param>
/// <param name="IncludeWhen">When the item is part of an application at all; null or absent means always.</param>
/// <param name="NameEn">The name in English; absent: people reading English see <paramref name="Name"/>.</param>
/// <param name="Revokes">Licence types of the applicant this item ends when approved (a deregistration revokes the
/// licence it closes): recorded in the licence registry with the item, the reason and the time; absent: none.</param>
/// <param name="Supersedes">A licence type of the applicant that a certificate this item issues replaces when it is
/// approved; absent: none.</param>
public sealed record ItemDefinition(
    string Key,
    string Name,
    string Department,
    string ServiceCode,
    int StatutoryDays,
    int CommittedDays,
    DecisionMode Decision,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<string> Fields,
    IReadOnlyList<OutputDefinition> Outputs,
    Condition? IncludeWhen = null,
    string? NameEn = null,
    IReadOnlyList<string>? Revokes = null,
    Supersession? Supersedes = null);

/// <summary>A licence an approved item replaces with one it issues (a new certificate supersedes the old one).</summary>
/// <param name="LicenceType">The licence type that is superseded (every one its holder holds, but the new one).</param>
/// <param name="By">The key of the item's certificate output that supersedes it.</param>
/// <param name="Party">The role of the party whose licence is superseded (the seller's title); absent: the applicant's.</param>
public sealed record Supersession(string LicenceType, string By, string? Party = null);

/// <summary>What an approved item issues.</summary>
/// <param name="Key">Identifier within the item.</param>
/// <param name="Name">What people see.</param>
/// <param name="Kind">A plain value, or an electronic certificate recorded in the licence registry.</param>
/// <param name="LicenceType">For a certificate: its licence type, from the catalog.</param>
/// <param name="NumberPrefix">Prefix of the number issued (e.g. BC for a birth certificate).</param>
/// <param name="NameEn">The name in English; absent: people reading English see <paramref name="Name"/>.</param>
/// <param name="Holder">For a certificate: the role of the party it is issued to (the buyer's new title); absent: the applicant.</param>
public sealed record OutputDefinition(string Key, string Name, OutputKind Kind, string? LicenceType = null, string? NumberPrefix = null, string? NameEn = null, string? Holder = null);

/// <summary>The kind of an item's output.</summary>
public enum OutputKind
{
    /// <summary>A value other items may read (a number, a date).</summary>
    Value,

    /// <summary>An electronic certificate: a stored document and an entry in the licence registry.</summary>
    Certificate,
}

/// <summary>How an item is decided.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "by")]
[JsonDerivedType(typeof(OfficerDecision), "officer")]
[JsonDerivedType(typeof(RuleDecision), "rules")]
[JsonDerivedType(typeof(ExternalDecision), "external")]
public abstract record DecisionMode;

/// <summary>An officer of the item's department decides: approve, reject or ask for a supplement.</summary>
public sealed record OfficerDecision : DecisionMode;

/// <summary>
/// Rules decide at once (秒批): the first rule whose condition holds gives the outcome, with its rationale;
/// when none holds, <see cref="Otherwise"/> applies.
/// </summary>
/// <param name="Rules">The rules, in order.</param>
/// <param name="Otherwise">The outcome when no rule holds: often referral to an officer.</param>
public sealed record RuleDecision(IReadOnlyList<DecisionRule> Rules, RuleOutcome Otherwise) : DecisionMode;

/// <summary>An outside department system decides and calls back with a signed result.</summary>
/// <param name="System">The system's code, from the catalog.</param>
public sealed record ExternalDecision(string System) : DecisionMode;

/// <summary>One rule of a rule-decided item.</summary>
/// <param name="Key">Identifier within the item, quoted in the rationale.</param>
/// <param name="When">The condition.</param>
/// <param name="Then">The outcome when it holds.</param>
/// <param name="Rationale">A readable reason, stored with the decision (e.g. "no outstanding tax"); Chinese.</param>
/// <param name="RationaleEn">The reason in English, for readers who ask for English; optional (they then read the Chinese).</param>
public sealed record DecisionRule(string Key, Condition When, RuleOutcome Then, string Rationale, string? RationaleEn = null);

/// <summary>The outcome of a rule.</summary>
public enum RuleOutcome
{
    /// <summary>Approved at once.</summary>
    Approve,

    /// <summary>Rejected at once, with the rule's rationale as the reason.</summary>
    Reject,

    /// <summary>Handed to an officer of the item's department.</summary>
    ReferToOfficer,
}
