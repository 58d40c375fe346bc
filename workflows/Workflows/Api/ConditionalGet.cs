using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>
/// A polled read (<see cref="ApiOperation.Conditional"/>): its 200 answers an ETag, a hash of the body as written, and a
/// request whose <c>If-None-Match</c> names it is answered <c>304 Not Modified</c> without a body. A list or a view is made
/// of many rows (and labels), so no one row version stands for it; the body's hash changes exactly when what the reader
/// would see changes, in either language (the language is part of the body, and <c>Vary: Accept-Language</c> says so).
/// Both hosts apply it at the edge to whatever the shared handler answered; problems and other statuses pass untouched.
/// </summary>
public static class ConditionalGet
{
    /// <summary>The handler's result, answered conditionally when it is a 200 with a JSON body.</summary>
    /// <param name="result">What the handler answered.</param>
    /// <returns>The result to execute.</returns>
    public static IResult Apply(IResult result) =>
        result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK or null } and IValueHttpResult { Value: { } value }
            && result is not WithETag
            ? new Answer(value)
            : result;

    /// <summary>The ETag of a JSON body: strong, quoted, the first 16 bytes of its SHA-256 in base64url.</summary>
    /// <param name="body">The body's bytes.</param>
    /// <returns>The tag.</returns>
    public static string TagOf(ReadOnlySpan<byte> body) =>
        "\"" + Convert.ToBase64String(SHA256.HashData(body)[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";

    /// <summary>Whether an If-None-Match header names the tag (weak comparison, RFC 9110 §13.1.2; <c>*</c> names any).</summary>
    /// <param name="ifNoneMatch">The header's value.</param>
    /// <param name="tag">The current tag.</param>
    /// <returns>True when the reader already has it.</returns>
    public static bool Names(string? ifNoneMatch, string tag)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            return false;
        }

        var opaque = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
        return ifNoneMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || (t.StartsWith("W/", StringComparison.Ordinal) ? t[2..] : t) == opaque);
    }

    sealed class Answer(object value) : IResult, IStatusCodeHttpResult, IValueHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public object? Value => value;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            // Serialized here, in the request's ambient language, exactly as the 200 would write it.
            var body = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), ApiJson.ResponseOptions);
            var tag = TagOf(body);
            var response = httpContext.Response;
            response.Headers.ETag = tag;
            // The reader's own data behind a token: a browser may keep it but must ask again each time.
            response.Headers.CacheControl = "private, no-cache";
            if (Names(httpContext.Request.Headers.IfNoneMatch.ToString(), tag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
