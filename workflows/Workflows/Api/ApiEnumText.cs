using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Workflows.Audit;
using Workflows.Tasks;

namespace Workflows.Api;

/// <summary>
/// Enum values the API answers are camelCase (<c>inProgress</c>, <c>approved</c>). Some stored strings are enum names
/// written PascalCase by orchestrators (a task's <c>outcome</c> from <c>nameof(ItemState.Approved)</c>, audit
/// <c>before</c>/<c>after</c> from state names) and must stay so (ADR 0004: a replay writes what it wrote), so the
/// responses normalise them as they are written out; see docs/decisions/0016-language-labels-and-etags.md.
/// </summary>
public static partial class ApiEnumText
{
    /// <summary>Every outcome a closed task may have, as the API answers it.</summary>
    public static IReadOnlyList<string> TaskOutcomes { get; } = ["approved", "rejected", "cancelled", "failed", "verified", "revoked", "answered"];

    /// <summary>A PascalCase name (<c>AwaitingApplicant</c>) in camelCase; any other text as it is.</summary>
    /// <param name="value">The stored value.</param>
    /// <returns>The value the API answers.</returns>
    public static string? CamelCase(string? value) =>
        value is { Length: > 0 } && PascalName().IsMatch(value) ? string.Concat(char.ToLowerInvariant(value[0]).ToString(), value.AsSpan(1)) : value;

    /// <summary>The JSON contract modifier that writes those members camelCase; both hosts' response options have it.</summary>
    /// <param name="type">A type's contract.</param>
    public static void Normalise(JsonTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        string[] members = type.Type == typeof(TaskRecord) ? [nameof(TaskRecord.Outcome)]
            : type.Type == typeof(AuditEntry) ? [nameof(AuditEntry.Before), nameof(AuditEntry.After)]
            : [];
        foreach (var property in type.Properties)
        {
            if (property.Get is { } get && property.PropertyType == typeof(string)
                && (property.AttributeProvider as MemberInfo)?.Name is { } name && members.Contains(name, StringComparer.Ordinal))
            {
                property.Get = o => CamelCase((string?)get(o));
            }
        }
    }

    // Words of a capital and small letters only: enum names, not ids, times or people's names in Chinese.
    [GeneratedRegex("^[A-Z][a-z]+(?:[A-Z][a-z]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PascalName();
}
