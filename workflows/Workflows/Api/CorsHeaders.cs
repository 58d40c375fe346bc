namespace Workflows.Api;

/// <summary>The headers of cross-origin calls from the portal's pages, the same in both hosts.</summary>
public static class CorsHeaders
{
    /// <summary>The headers a page may send: the token, the body's type, the ETag read, the retry key, the upload's hash, a range.</summary>
    public static readonly string[] Allowed = ["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Content-SHA256", "Range", "Accept-Language"];

    /// <summary>The answer's headers a page may read besides the safelisted ones.</summary>
    public static readonly string[] Exposed = ["ETag", "Location", "Retry-After", "Content-Disposition", "Content-Range", "Accept-Ranges"];
}
