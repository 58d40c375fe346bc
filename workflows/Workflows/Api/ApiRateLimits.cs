using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>Limits on submissions and uploads per user, bound from <c>RateLimits</c> by both hosts.</summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>Submissions one user may make per minute.</summary>
    public int SubmitsPerMinute { get; set; } = 30;

    /// <summary>Uploads one user may make per minute.</summary>
    public int UploadsPerMinute { get; set; } = 120;

    /// <summary>The permits a minute of a route table policy (<see cref="ApiRoutes.SubmitPolicy"/>, <see cref="ApiRoutes.UploadPolicy"/>).</summary>
    /// <param name="policy">The policy's name.</param>
    /// <returns>At least one.</returns>
    public int PerMinute(string policy) => Math.Max(1, policy switch
    {
        ApiRoutes.SubmitPolicy => SubmitsPerMinute,
        ApiRoutes.UploadPolicy => UploadsPerMinute,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "No such rate limit policy."),
    });

    /// <summary>The fixed window of one user under one policy, as both hosts build it.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <returns>The limiter's options.</returns>
    public FixedWindowRateLimiterOptions Window(string policy) =>
        new() { PermitLimit = PerMinute(policy), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
}

/// <summary>
/// The route table's rate limits for a host without ASP.NET Core's rate limiting middleware (the Functions app): one
/// partitioned limiter for the process, a fixed window per policy and user, the same limits as the local server.
/// </summary>
public sealed class ApiRateLimiter : IDisposable
{
    readonly PartitionedRateLimiter<(string Policy, string User)> limiter;

    /// <summary>A limiter with these limits.</summary>
    /// <param name="options">The limits.</param>
    public ApiRateLimiter(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        limiter = PartitionedRateLimiter.Create<(string Policy, string User), (string Policy, string User)>(
            key => RateLimitPartition.GetFixedWindowLimiter(key, k => options.Window(k.Policy)));
    }

    /// <summary>Takes a permit for a user under a policy: null when there was one, else the 429 to answer.</summary>
    /// <param name="policy">The route's policy.</param>
    /// <param name="user">The caller's id.</param>
    /// <returns>Null, or the problem with Retry-After.</returns>
    public IResult? Refuse(string policy, string user)
    {
        using var lease = limiter.AttemptAcquire((policy, user));
        if (lease.IsAcquired)
        {
            return null;
        }

        return ApiProblems.TooManyRequests(lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1));
    }

    /// <inheritdoc />
    public void Dispose() => limiter.Dispose();
}
