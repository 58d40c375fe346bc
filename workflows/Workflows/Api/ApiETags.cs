using Azure;

namespace Workflows.Api;

/// <summary>
/// ETags as the API speaks them. Storage's row versions are weak (<c>W/"datetime'…'"</c>) but change with every write of
/// the row a view is made of, so the API sends them strong (<c>"datetime'…'"</c>, RFC 9110 §8.8.3) for If-Match, which
/// compares strongly. Reading If-Match: <c>*</c> is the version just read (any current version), a listed tag matches
/// with or without <c>W/</c> (clients that kept an older weak ETag go on working).
/// </summary>
public static class ApiETags
{
    /// <summary>The strong form of a stored version, for the ETag header and bodies.</summary>
    /// <param name="etag">The stored version.</param>
    /// <returns>The tag without <c>W/</c>.</returns>
    public static string ToHeader(ETag etag)
    {
        var text = etag.ToString();
        return text.StartsWith("W/", StringComparison.Ordinal) ? text[2..] : text;
    }

    /// <summary>The version an If-Match header expects, given the version just read.</summary>
    /// <param name="ifMatch">The header; null or blank when absent.</param>
    /// <param name="current">The version just read.</param>
    /// <returns>Null when absent (428); <paramref name="current"/> for <c>*</c> or a tag naming it; else the tag as sent,
    /// which differs from every stored version (412).</returns>
    public static ETag? Expected(string? ifMatch, ETag current)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return null;
        }

        var header = ifMatch.Trim();
        var now = Opaque(current.ToString());
        return header == "*" || header.Split(',').Any(tag => Opaque(tag) == now) ? current : new ETag(header);
    }

    static string Opaque(string tag)
    {
        var t = tag.Trim();
        return t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t;
    }
}
