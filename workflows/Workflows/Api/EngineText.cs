using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Tasks;

namespace Workflows.Api;

/// <summary>
/// Texts the engine writes are stored in Chinese with the English beside them (<see cref="ItemView.ReasonEn"/>,
/// <see cref="TaskRecord.NoteEn"/>, <see cref="AuditEntry.DetailEn"/>) and answered in one language: <c>reason</c>,
/// <c>note</c>, <c>detail</c> in the request's (<see cref="ApiLanguage"/>), the English member never.
/// A JSON contract modifier in both hosts' response options, like <see cref="ApiEnumText"/>, so every view that shows
/// an item picks at once; see docs/decisions/0016-language-labels-and-etags.md.
/// </summary>
public static class EngineText
{
    /// <summary>The text a reader of a language sees: the English when asked for and stored, else the text as stored.</summary>
    /// <param name="text">The stored text (Chinese, a person's words, or an older row's one text).</param>
    /// <param name="english">The stored English, or null.</param>
    /// <param name="inEnglish">Whether the reader asked for English.</param>
    /// <returns>The text to show.</returns>
    public static string? Pick(string? text, string? english, bool inEnglish) =>
        inEnglish && !string.IsNullOrWhiteSpace(english) ? english : text;

    /// <summary>
    /// The stored texts answered by language: per type, the member answered and the English member beside it, which is
    /// never written (an item's reason, a task's note, an audit entry's detail).
    /// </summary>
    public static readonly IReadOnlyDictionary<Type, (string Text, string English)> Members = new Dictionary<Type, (string, string)>
    {
        [typeof(ItemView)] = (nameof(ItemView.Reason), nameof(ItemView.ReasonEn)),
        [typeof(TaskRecord)] = (nameof(TaskRecord.Note), nameof(TaskRecord.NoteEn)),
        [typeof(AuditEntry)] = (nameof(AuditEntry.Detail), nameof(AuditEntry.DetailEn)),
    };

    /// <summary>The JSON contract modifier that answers <c>reason</c>, <c>note</c> and <c>detail</c> in the request's language.</summary>
    /// <param name="type">A type's contract.</param>
    public static void Choose(JsonTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!Members.TryGetValue(type.Type, out var members))
        {
            return;
        }

        var text = type.Properties.SingleOrDefault(p => Name(p) == members.Text);
        var english = type.Properties.SingleOrDefault(p => Name(p) == members.English);
        if (text?.Get is not { } getText || english?.Get is not { } getEnglish)
        {
            return;
        }

        text.Get = o => Pick((string?)getText(o), (string?)getEnglish(o), ApiLanguage.English);
        // Never written, still bound on reading (a client reading answers with these options constructs the record),
        // so the member stays in the contract without a getter.
        english.Get = null;
    }

    static string? Name(JsonPropertyInfo property) => (property.AttributeProvider as MemberInfo)?.Name;
}
