using Azure;
using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>A 200 JSON response carrying the resource's ETag, for the If-Match of the next write.</summary>
/// <param name="value">The body.</param>
/// <param name="etag">The ETag.</param>
/// <param name="status">The status code.</param>
public sealed class WithETag(object value, ETag etag, int status = StatusCodes.Status200OK) : IResult, IStatusCodeHttpResult, IValueHttpResult
{
    /// <inheritdoc />
    public int? StatusCode => status;

    /// <inheritdoc />
    public object? Value => value;

    /// <summary>The ETag sent.</summary>
    public ETag ETag => etag;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.ETag = ApiETags.ToHeader(etag);
        httpContext.Response.StatusCode = status;
        return httpContext.Response.WriteAsJsonAsync(value, value.GetType(), ApiJson.ResponseOptions, contentType: "application/json", httpContext.RequestAborted);
    }
}
