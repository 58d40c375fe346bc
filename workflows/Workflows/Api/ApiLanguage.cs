using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>
/// The language a request is answered in: Chinese unless <c>Accept-Language</c> prefers English. Set once per request at
/// the edge (<see cref="Use"/>: the local server's endpoint filter, the Functions trigger's runner) and read by the
/// handlers and <see cref="ApiProblems"/> that build what people read, so no handler signature carries it. Code that is
/// not a request (tests calling handlers, the engine) reads Chinese, the default.
/// </summary>
public static class ApiLanguage
{
    /// <summary>Chinese, the default.</summary>
    public const string Zh = "zh";

    /// <summary>English.</summary>
    public const string En = "en";

    static readonly AsyncLocal<string?> Current = new();

    /// <summary>The current request's language: <see cref="Zh"/> or <see cref="En"/>.</summary>
    public static string Language => Current.Value ?? Zh;

    /// <summary>Whether the current request reads English.</summary>
    public static bool English => Language == En;

    /// <summary>Picks the language of a request from its <c>Accept-Language</c> and says so in <c>Content-Language</c>.</summary>
    /// <param name="context">The request.</param>
    public static void Use(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Current.Value = From(context.Request.Headers.AcceptLanguage.ToString());
        context.Response.Headers.ContentLanguage = Current.Value;
        context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptLanguage);
    }

    /// <summary>The language an <c>Accept-Language</c> value asks for: the first of zh and en by quality; zh when neither.</summary>
    /// <param name="acceptLanguage">The header's value.</param>
    /// <returns><see cref="Zh"/> or <see cref="En"/>.</returns>
    public static string From(string? acceptLanguage)
    {
        if (string.IsNullOrWhiteSpace(acceptLanguage)
            || !StringWithQualityHeaderValue.TryParseList(acceptLanguage.Split(','), out var ranges))
        {
            return Zh;
        }

        // Highest quality first; among equals the order the client wrote. "*" says nothing about which, so Chinese.
        foreach (var range in ranges.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Quality ?? 1).ThenBy(x => x.i).Select(x => x.r))
        {
            if ((range.Quality ?? 1) <= 0)
            {
                continue;
            }

            var tag = range.Value.Value ?? string.Empty;
            if (tag.Equals(Zh, StringComparison.OrdinalIgnoreCase) || tag.StartsWith("zh-", StringComparison.OrdinalIgnoreCase))
            {
                return Zh;
            }

            if (tag.Equals(En, StringComparison.OrdinalIgnoreCase) || tag.StartsWith("en-", StringComparison.OrdinalIgnoreCase))
            {
                return En;
            }
        }

        return Zh;
    }

    /// <summary>A text in the request's language.</summary>
    /// <param name="zh">The Chinese text.</param>
    /// <param name="en">The English text, or null when there is none (then the Chinese is shown).</param>
    /// <returns>The text.</returns>
    public static string Pick(string zh, string? en) => English && !string.IsNullOrWhiteSpace(en) ? en : zh;

    /// <summary>A bilingual text in the request's language.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text.</returns>
    public static string Pick(LocalText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.In(English);
    }

    /// <summary>Sets the language for the rest of the current flow (a test's, or a request's at the edge).</summary>
    /// <param name="language"><see cref="Zh"/> or <see cref="En"/>.</param>
    public static void Set(string language) => Current.Value = language == En ? En : Zh;
}
