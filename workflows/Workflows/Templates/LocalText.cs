namespace Workflows.Templates;

/// <summary>A text people read, in Chinese and English; each language whole, never the two mixed in one string.</summary>
/// <param name="Zh">The Chinese text (the default).</param>
/// <param name="En">The English text.</param>
public sealed record LocalText(string Zh, string En)
{
    /// <summary>The text in a language.</summary>
    /// <param name="english">Whether the reader asked for English.</param>
    /// <returns><see cref="En"/> for English when it is not blank, else <see cref="Zh"/>.</returns>
    public string In(bool english) => english && !string.IsNullOrWhiteSpace(En) ? En : Zh;
}

/// <summary>
/// An exception whose message people read (a 409's detail): its text in both languages, picked when answered; the
/// exception's <see cref="Exception.Message"/> is the English, for logs.
/// </summary>
public interface ILocalMessage
{
    /// <summary>What people read, in Chinese and English.</summary>
    LocalText Text { get; }
}
