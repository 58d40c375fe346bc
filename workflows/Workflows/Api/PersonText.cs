using System.Globalization;

namespace Workflows.Api;

/// <summary>The kinds of text a person writes and another person reads, each with its own limits.</summary>
public enum TextKind
{
    /// <summary>A name (of a person, a company, a baby): one line, at most <see cref="PersonText.MaxName"/> characters.</summary>
    Name,

    /// <summary>A reason, a note or a comment: line breaks allowed, at most <see cref="PersonText.MaxReason"/> characters.</summary>
    Reason,

    /// <summary>One value an outside system issues (an account number): one line, at most <see cref="PersonText.MaxOutput"/> characters.</summary>
    Output,
}

/// <summary>
/// The rule for text a person writes and others read (names, reasons, outputs). Refused: C0 and C1 control
/// characters (a reason may keep line breaks and tabs), bidirectional overrides and isolates (U+202A-U+202E,
/// U+2066-U+2069, which make text read differently from how it is stored), lone UTF-16 surrogates, and text over the
/// kind's length. The limits keep a row well under Azure Tables' 64 KiB per property (2,000 characters are at most
/// 8 KB in UTF-8, and a callback's outputs together at most <see cref="MaxOutputsTotal"/>).
/// </summary>
public static class PersonText
{
    /// <summary>The longest name.</summary>
    public const int MaxName = 100;

    /// <summary>The longest reason.</summary>
    public const int MaxReason = 2000;

    /// <summary>The longest output value.</summary>
    public const int MaxOutput = 200;

    /// <summary>The most characters of all outputs of one callback together.</summary>
    public const int MaxOutputsTotal = 4000;

    /// <summary>Checks a text of a kind.</summary>
    /// <param name="field">The field named in the error, e.g. <c>reason</c> or <c>outputs.accountNumber</c>.</param>
    /// <param name="value">The text.</param>
    /// <param name="kind">Its kind.</param>
    /// <returns>Null when acceptable, else the error naming the field.</returns>
    public static ApiError? Check(string field, string? value, TextKind kind)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (value is null)
        {
            return null;
        }

        var max = kind switch { TextKind.Name => MaxName, TextKind.Output => MaxOutput, _ => MaxReason };
        if (value.Length > max)
        {
            return new ApiError(field, "text.tooLong", $"最多 {max} 个字符。", $"At most {max} characters.");
        }

        return FindUnsafe(value, allowLineBreaks: kind == TextKind.Reason) is { } at ? InvalidCharacter(field, at) : null;
    }

    /// <summary>The error for a refused character found by <see cref="FindUnsafe"/>.</summary>
    /// <param name="field">The field named in the error.</param>
    /// <param name="at">The character's index.</param>
    /// <returns>The error.</returns>
    public static ApiError InvalidCharacter(string field, int at) => new(field, "text.invalidCharacter",
        $"第 {(at + 1).ToString(CultureInfo.InvariantCulture)} 个字符不允许使用（控制字符、双向覆盖字符或无效字符）。",
        $"Character {(at + 1).ToString(CultureInfo.InvariantCulture)} is not allowed (a control character, a bidirectional override or an invalid character).");

    /// <summary>The position of the first character the rule refuses, or null.</summary>
    /// <param name="value">The text.</param>
    /// <param name="allowLineBreaks">Whether CR, LF and TAB are allowed.</param>
    /// <returns>The index, or null when every character is acceptable.</returns>
    public static int? FindUnsafe(string value, bool allowLineBreaks)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c) || IsBidiControl(c) || (char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t')))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// A form of a caller's text safe to write into a log: control (line breaks too, so no line can be forged), bidi and
    /// surrogate characters become '?', and it is cut at <paramref name="max"/> characters.
    /// </summary>
    /// <param name="value">The text.</param>
    /// <param name="max">The most characters kept.</param>
    /// <returns>The sanitized text.</returns>
    public static string ForLog(string? value, int max = 64)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var chars = value.Length > max ? value[..max].ToCharArray() : value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (char.IsControl(c) || IsBidiControl(c) || char.IsSurrogate(c))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }

    // Embeddings, overrides and isolates, plus the implicit marks, which reorder text on screen.
    static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';
}
