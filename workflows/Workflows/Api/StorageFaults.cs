using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Workflows.Api;

/// <summary>
/// Storage that cannot be reached answers 503 with <c>Retry-After</c>, not a generic 500: the request was fine, the
/// store was not there (unreachable, 5xx, or no answer in time), and the same request may be sent again. Both hosts
/// run every API handler through <see cref="GuardAsync"/> (the local server as an endpoint filter on <c>/api</c>).
/// </summary>
public static partial class StorageFaults
{
    /// <summary>The seconds a client is asked to wait before trying again.</summary>
    public const int RetryAfterSeconds = 10;

    /// <summary>
    /// Whether an exception means the storage was not available: a storage call that got no answer (status 0) or a
    /// server error (5xx), the SDK's "retry failed" made of those, or a timeout. A 4xx is an answer, not a fault.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>True for a storage fault.</returns>
    public static bool IsStorageFault(Exception? exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or >= 500,
        // The SDK's retries give up as one aggregate; the last attempt may have been cut by a deadline (cancelled).
        AggregateException all => all.InnerExceptions.Any(IsStorageFault) && all.InnerExceptions.All(e => e is OperationCanceledException || IsStorageFault(e)),
        TimeoutException => true,
        _ => false,
    };

    /// <summary>Runs a handler; a storage fault becomes 503 <c>storage.unavailable</c> with <c>Retry-After</c>.</summary>
    /// <param name="handler">The handler.</param>
    /// <param name="logger">Where the fault is logged, if anywhere.</param>
    /// <returns>The handler's result, or the 503.</returns>
    public static async Task<IResult> GuardAsync(Func<Task<IResult>> handler, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            return await handler();
        }
        catch (Exception ex) when (IsStorageFault(ex))
        {
            if (logger is not null)
            {
                LogUnavailable(logger, ex);
            }

            return Problem();
        }
    }

    /// <summary>The 503 answer.</summary>
    /// <returns>The response.</returns>
    public static IResult Problem() => new WithHeader(
        ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "storage.unavailable", new Workflows.Templates.LocalText("存储暂不可用", "Storage unavailable"),
            new Workflows.Templates.LocalText($"暂时无法访问存储，请在 {RetryAfterSeconds} 秒后重试。", $"The storage cannot be reached just now; send the same request again in {RetryAfterSeconds} s."),
            [new ApiError("storage", "storage.unavailable", "无法连接存储。", "The storage cannot be reached.")]),
        "Retry-After",
        RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Logs a storage fault answered with 503.</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="exception">The fault.</param>
    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Storage unavailable; answered 503")]
    public static partial void LogUnavailable(ILogger logger, Exception exception);
}
