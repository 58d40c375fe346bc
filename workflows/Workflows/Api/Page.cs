using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Workflows.Api;

/// <summary>
/// Every collection the API answers: the items of one page, and how to get the next. A list that cannot grow
/// (the bundles, a template's versions) is one page with neither.
/// </summary>
/// <typeparam name="T">The item's type.</typeparam>
/// <param name="Items">This page's items, in the list's order.</param>
/// <param name="Continuation">Pass back as <c>continuation</c> for the next page; null on the last page.</param>
/// <param name="Next">The relative URL of the next page with the same filters; null on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Continuation, string? Next);

/// <summary>
/// Paging for the lists: the page size and continuation read from the query (400 naming the parameter), the next
/// link, and the continuation of lists the service orders itself (a partition read whole, or several merged): the
/// last item's sort key, encoded with the list it belongs to, so a token of another list or order is refused.
/// </summary>
public static class Paging
{
    /// <summary>The default page size of the lists.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The most a page of these lists may hold.</summary>
    public const int MaxPageSize = 200;

    /// <summary>The longest continuation accepted.</summary>
    public const int MaxContinuation = 2048;

    const string Version = "p1";

    /// <summary>A whole list as one page.</summary>
    /// <typeparam name="T">The item's type.</typeparam>
    /// <param name="items">The items.</param>
    /// <returns>The page.</returns>
    public static Page<T> Whole<T>(IReadOnlyList<T> items) => new(items, null, null);

    /// <summary>Reads <c>pageSize</c>: a whole number from 1 to <paramref name="max"/>, <paramref name="fallback"/> when absent.</summary>
    /// <param name="query">The query.</param>
    /// <param name="errors">Where a bad value is reported (<c>query:pageSize</c>).</param>
    /// <param name="fallback">The size when absent.</param>
    /// <param name="max">The largest size.</param>
    /// <returns>The size.</returns>
    public static int Size(IQueryCollection query, List<ApiError> errors, int fallback = DefaultPageSize, int max = MaxPageSize)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        if (Text(query, "pageSize") is not { } text)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > max)
        {
            errors.Add(new ApiError("query:pageSize", "query.invalid", $"1 到 {max} 之间的整数。", $"A whole number from 1 to {max}."));
            return fallback;
        }

        return size;
    }

    /// <summary>A query parameter's value, or null when absent or empty.</summary>
    /// <param name="query">The query.</param>
    /// <param name="name">The parameter.</param>
    /// <returns>The value.</returns>
    public static string? Text(IQueryCollection query, string name)
    {
        ArgumentNullException.ThrowIfNull(query);
        var value = query[name].ToString();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>Reads an enum parameter by name (case-insensitive); a number or an unknown name is reported.</summary>
    /// <typeparam name="T">The enum.</typeparam>
    /// <param name="query">The query.</param>
    /// <param name="name">The parameter.</param>
    /// <param name="errors">Where a bad value is reported (<c>query:NAME</c>).</param>
    /// <returns>The value, or null when absent or bad.</returns>
    public static T? Named<T>(IQueryCollection query, string name, List<ApiError> errors)
        where T : struct, System.Enum
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        // Names only: Enum.TryParse also takes numbers ("1", "+1"), which name nothing a client should rely on.
        if (char.IsAsciiLetter(text[0]) && System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value))
        {
            return value;
        }

        errors.Add(new ApiError($"query:{name}", "query.invalid", $"须为以下之一：{string.Join("、", System.Enum.GetNames<T>())}。", $"One of {string.Join(", ", System.Enum.GetNames<T>())}."));
        return null;
    }

    /// <summary>Reads an ISO 8601 date or date and time (UTC when it names no offset).</summary>
    /// <param name="query">The query.</param>
    /// <param name="name">The parameter.</param>
    /// <param name="errors">Where a bad value is reported (<c>query:NAME</c>).</param>
    /// <returns>The time in UTC, or null when absent or bad.</returns>
    public static DateTime? Date(IQueryCollection query, string name, List<ApiError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.UtcDateTime;
        }

        errors.Add(new ApiError($"query:{name}", "query.invalid", "ISO 8601 日期或日期时间。", "An ISO 8601 date or date and time."));
        return null;
    }

    /// <summary>Reads a choice among fixed words (exact, case-sensitive).</summary>
    /// <param name="query">The query.</param>
    /// <param name="name">The parameter.</param>
    /// <param name="errors">Where a bad value is reported (<c>query:NAME</c>).</param>
    /// <param name="choices">The words; the first is the default.</param>
    /// <returns>The word chosen, or the default.</returns>
    public static string Choice(IQueryCollection query, string name, List<ApiError> errors, params string[] choices)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(choices);
        if (Text(query, name) is not { } text)
        {
            return choices[0];
        }

        if (Array.IndexOf(choices, text) >= 0)
        {
            return text;
        }

        errors.Add(new ApiError($"query:{name}", "query.invalid", $"须为以下之一：{string.Join("、", choices)}。", $"One of {string.Join(", ", choices)}."));
        return choices[0];
    }

    /// <summary>The refusal of a continuation that is not one this list gave out.</summary>
    public static ApiError BadContinuation => new("query:continuation", "query.invalid", "请原样传回上一页的 continuation。", "Pass back the continuation of the previous page unchanged.");

    /// <summary>The continuation of a page that ended at <paramref name="key"/> in the list <paramref name="list"/>.</summary>
    /// <param name="list">The list and its order, e.g. <c>applications:-submittedAt</c>.</param>
    /// <param name="key">The last item's sort key.</param>
    /// <returns>The opaque token.</returns>
    public static string Encode(string list, string key)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(key);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}\n{list}\n{key}"));
    }

    /// <summary>The sort key a continuation of <paramref name="list"/> holds.</summary>
    /// <param name="list">The list it must belong to.</param>
    /// <param name="token">The token; null or empty for the first page.</param>
    /// <param name="key">The key after which the page starts; null for the first page.</param>
    /// <returns>False for a token this list did not give out (tampered, another list's or order's).</returns>
    public static bool TryDecode(string list, string? token, out string? key)
    {
        ArgumentNullException.ThrowIfNull(list);
        key = null;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        if (token.Length > MaxContinuation || !Base64Url.IsValid(token))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }

        var parts = text.Split('\n', 3);
        if (parts is not [Version, var of, var last] || of != list || last.Length == 0)
        {
            return false;
        }

        key = last;
        return true;
    }

    /// <summary>
    /// One page of a list the service holds whole: the items whose key comes after <paramref name="after"/> in ordinal
    /// order, at most <paramref name="size"/>, and the next page's continuation and link when more follow. Keys are
    /// unique and ordinal order is the list's order, so a page starts where the last ended even when items were added
    /// or removed in between.
    /// </summary>
    /// <typeparam name="T">The item's type.</typeparam>
    /// <param name="items">The whole list, filtered.</param>
    /// <param name="key">An item's sort key.</param>
    /// <param name="list">The list and its order (bound into the continuation).</param>
    /// <param name="after">The key the previous page ended at; null for the first page.</param>
    /// <param name="size">The page size.</param>
    /// <param name="request">The request, for the next link.</param>
    /// <returns>The page.</returns>
    public static Page<T> Slice<T>(IEnumerable<T> items, Func<T, string> key, string list, string? after, int size, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(key);
        var rest = items.Select(i => (Key: key(i), Item: i))
            .Where(p => after is null || string.CompareOrdinal(p.Key, after) > 0)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Take(size + 1)
            .ToList();
        if (rest.Count <= size)
        {
            return new Page<T>([.. rest.Select(p => p.Item)], null, null);
        }

        var continuation = Encode(list, rest[size - 1].Key);
        return new Page<T>([.. rest.Take(size).Select(p => p.Item)], continuation, NextLink(request, continuation));
    }

    /// <summary>
    /// A page whose continuation came from storage (or is null at the end), with its next link. The storage token is
    /// wrapped like the service's own (<see cref="Encode"/>), so a token this list did not give out is refused before
    /// storage sees it: the table service takes any text as a position.
    /// </summary>
    /// <typeparam name="T">The item's type.</typeparam>
    /// <param name="items">The page's items.</param>
    /// <param name="list">The list (bound into the continuation).</param>
    /// <param name="continuation">Storage's continuation for the next page, or null.</param>
    /// <param name="request">The request, for the next link.</param>
    /// <returns>The page.</returns>
    public static Page<T> Of<T>(IReadOnlyList<T> items, string list, string? continuation, HttpRequest request)
    {
        if (continuation is null)
        {
            return new(items, null, null);
        }

        var token = Encode(list, continuation);
        return new(items, token, NextLink(request, token));
    }

    /// <summary>The request's own path and query with <c>continuation</c> set to the next page's.</summary>
    /// <param name="request">The request.</param>
    /// <param name="continuation">The next page's continuation.</param>
    /// <returns>The relative URL.</returns>
    public static string NextLink(HttpRequest request, string continuation)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new QueryBuilder();
        foreach (var (name, values) in request.Query)
        {
            if (!string.Equals(name, "continuation", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var value in values)
                {
                    query.Add(name, value ?? string.Empty);
                }
            }
        }

        query.Add("continuation", continuation);
        return (request.PathBase + request.Path).ToUriComponent() + query.ToQueryString().ToUriComponent();
    }

    /// <summary>A time as a sort key, oldest first: ticks in 19 digits.</summary>
    /// <param name="at">The time.</param>
    /// <returns>The key part.</returns>
    public static string Oldest(DateTime at) => at.Ticks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>A time as a sort key, newest first: inverted ticks in 19 digits.</summary>
    /// <param name="at">The time.</param>
    /// <returns>The key part.</returns>
    public static string Newest(DateTime at) => (DateTime.MaxValue.Ticks - at.Ticks).ToString("D19", CultureInfo.InvariantCulture);
}
