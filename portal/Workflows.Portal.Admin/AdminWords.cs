using System.Globalization;
using Workflows.ApiClient;
using Workflows.Portal.Resources;

namespace Workflows.Portal.Admin;

/// <summary>The studio's codes (states, field types, changes) as people read them, in the page's language.</summary>
public static class AdminWords
{
    /// <summary>A template version's state.</summary>
    public static string Status(TemplateStatus status) => Text("TemplateStatus" + status, status.ToString());

    /// <summary>An application's status.</summary>
    public static string Status(ApplicationStatus status) => Text("Status" + status, status.ToString());

    /// <summary>A field's type.</summary>
    public static string FieldType(FieldType type) => Text("FieldType" + type, type.ToString());

    /// <summary>added, removed or changed.</summary>
    public static string Change(string change) =>
        Text("Change" + CultureInfo.InvariantCulture.TextInfo.ToTitleCase(change), change);

    /// <summary>What a simulated change is.</summary>
    public static string Kind(SimulatedChangeKind kind) => Text("SimKind" + kind, kind.ToString());

    /// <summary>A rule's outcome.</summary>
    public static string Outcome(RuleOutcome outcome) => Text("Outcome" + outcome, outcome.ToString());

    /// <summary>An audit action code (<c>item.supplement.requested</c>) in words (Audit + its parts capitalised), or the code.</summary>
    public static string Action(string action) =>
        Text("Audit" + string.Concat(action.Split('.').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..])), action);

    static string Text(string key, string fallback) => Texts.ResourceManager.GetString(key, Texts.Culture) ?? fallback;
}
