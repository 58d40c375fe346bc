using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Workflows.Applications;

namespace Workflows.Api;

/// <summary>
/// Reasons the engine writes are stored in Chinese with the English beside them (<see cref="ItemView.ReasonEn"/>) and
/// answered in one language: <c>reason</c> in the request's (<see cref="ApiLanguage"/>), the English member never.
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

    /// <summary>The JSON contract modifier that answers <c>reason</c> in the request's language.</summary>
    /// <param name="type">A type's contract.</param>
    public static void Choose(JsonTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.Type != typeof(ItemView))
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            switch (Name(property))
            {
                case nameof(ItemView.Reason):
                    property.Get = o => Pick(((ItemView)o).Reason, ((ItemView)o).ReasonEn, ApiLanguage.English);
                    break;
                case nameof(ItemView.ReasonEn):
                    // Never written, still bound on reading (a client reading answers with these options constructs
                    // the record), so the member stays in the contract without a getter.
                    property.Get = null;
                    break;
            }
        }
    }

    static string? Name(JsonPropertyInfo property) => (property.AttributeProvider as MemberInfo)?.Name;
}
