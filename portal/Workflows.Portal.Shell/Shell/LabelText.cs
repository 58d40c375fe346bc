namespace Workflows.Portal.Shell;

/// <summary>Reads the labels a view carries (KIND:CODE, already in the page's language; see the API's labels).</summary>
public static class LabelText
{
    /// <summary>The label of <paramref name="kind"/>:<paramref name="code"/>, or the code when the view has none.</summary>
    /// <param name="labels">The view's labels.</param>
    /// <param name="kind">department, item, material, field, option, licence, output, tag...</param>
    /// <param name="code">The code.</param>
    /// <returns>What people read.</returns>
    public static string Of(this IDictionary<string, string>? labels, string kind, string code) =>
        labels is not null && labels.TryGetValue($"{kind}:{code}", out var text) ? text : code;

    /// <summary>A role's label inside an English sentence ("the seller"), lower-cased as the engine's own sentences have it;
    /// Chinese, and labels that are names or acronyms, unchanged.</summary>
    /// <param name="label">The label as the template gives it (Seller).</param>
    /// <param name="english">Whether the page is in English.</param>
    /// <returns>The label to put in a sentence.</returns>
    public static string InSentence(string label, bool english) =>
        english && label is { Length: > 1 } && char.IsUpper(label[0]) && char.IsLower(label[1]) ? char.ToLowerInvariant(label[0]) + label[1..] : label;
}
