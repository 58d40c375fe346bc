namespace Workflows.Api;

/// <summary>
/// The one pattern an id from outside must match before it names anything (a token's subject, an assisted
/// filing's applicant, a register event's subject) or becomes part of a storage path: an ASCII letter or digit,
/// then up to 127 letters, digits, '.', '_', ':' or '-', and never "..". No '/', '\', '%', space or control
/// character can get in, so an id is one path segment and one table key as it stands.
/// </summary>
public static class Identifiers
{
    /// <summary>The longest id.</summary>
    public const int MaxLength = 128;

    /// <summary>What a person is told when an id is refused.</summary>
    public const string Rule = "1 to 128 characters: an ASCII letter or digit first, then letters, digits, '.', '_', ':' or '-'; never '..'.";

    /// <summary>Whether a value is a safe id.</summary>
    /// <param name="value">The value.</param>
    /// <returns>True when it matches the pattern.</returns>
    public static bool IsSafe([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return !value.Contains("..", StringComparison.Ordinal);
    }

    /// <summary>
    /// Joins checked segments into a blob path. Every segment must be a safe id, so the path cannot leave the folder
    /// it is built in, whatever the caller passes.
    /// </summary>
    /// <param name="segments">The folder names and the file's name (an extension may follow the last one).</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentException">A segment is not a safe id.</exception>
    public static string BlobPath(params string[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Length == 0)
        {
            throw new ArgumentException("A path needs at least one segment.", nameof(segments));
        }

        foreach (var segment in segments)
        {
            if (!IsSafe(segment))
            {
                throw new ArgumentException($"Not a safe path segment (length {segment?.Length ?? 0}).", nameof(segments));
            }
        }

        return string.Join('/', segments);
    }
}
