using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>Who may call a route. The roles combine; <see cref="System"/> stands alone.</summary>
[Flags]
public enum ApiAccess
{
    /// <summary>A citizen or a company.</summary>
    Applicant = 1,

    /// <summary>An officer of one department.</summary>
    Officer = 2,

    /// <summary>An administrator.</summary>
    Administrator = 4,

    /// <summary>Anyone signed in, whatever their role.</summary>
    SignedIn = Applicant | Officer | Administrator,

    /// <summary>An outside system that signs its request: no caller; the handler checks the signature.</summary>
    System = 8,

    /// <summary>Anyone, signed in or not: the handler answers only what needs no caller (a certificate's public check, demo sign-in).</summary>
    Public = 16,
}

/// <summary>One response a route can answer.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The JSON body's type; null for no body (a problem's body is <see cref="IsProblem"/>).</param>
/// <param name="IsProblem">An RFC 9457 problem body (<c>application/problem+json</c>).</param>
/// <param name="Headers">The response headers it always carries (ETag, Location, Retry-After).</param>
public sealed record ApiResponse(int Status, Type? Body, bool IsProblem, IReadOnlyList<string> Headers)
{
    /// <summary>The <c>ETag</c> header.</summary>
    public const string ETag = "ETag";

    /// <summary>The <c>Location</c> header.</summary>
    public const string Location = "Location";

    /// <summary>The <c>Retry-After</c> header.</summary>
    public const string RetryAfter = "Retry-After";

    /// <summary>The <c>Content-Disposition</c> header of a file.</summary>
    public const string ContentDisposition = "Content-Disposition";

    /// <summary>The <c>Content-Range</c> header of a part of a file.</summary>
    public const string ContentRange = "Content-Range";

    /// <summary>The body is a file of its own media type (an upload's, or a certificate's PDF), not JSON.</summary>
    public bool IsFile { get; init; }

    /// <summary>200 with a JSON body.</summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <returns>The response.</returns>
    public static ApiResponse Ok<T>() => new(StatusCodes.Status200OK, typeof(T), false, []);

    /// <summary>A status with a JSON body and headers.</summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <param name="status">The status.</param>
    /// <param name="headers">Its headers.</param>
    /// <returns>The response.</returns>
    public static ApiResponse Of<T>(int status, params string[] headers) => new(status, typeof(T), false, headers);

    /// <summary>A status without a body.</summary>
    /// <param name="status">The status.</param>
    /// <param name="headers">Its headers.</param>
    /// <returns>The response.</returns>
    public static ApiResponse Empty(int status, params string[] headers) => new(status, null, false, headers);

    /// <summary>A status whose body is a file of its stored media type.</summary>
    /// <param name="status">The status.</param>
    /// <param name="headers">Its headers.</param>
    /// <returns>The response.</returns>
    public static ApiResponse File(int status, params string[] headers) => new(status, null, false, headers) { IsFile = true };

    /// <summary>A problem.</summary>
    /// <param name="status">The status.</param>
    /// <param name="headers">Its headers.</param>
    /// <returns>The response.</returns>
    public static ApiResponse Problem(int status, params string[] headers) => new(status, null, true, headers);
}

/// <summary>What one route is: see <see cref="ApiRoutes"/>.</summary>
/// <param name="Method">The HTTP method in upper case.</param>
/// <param name="Template">The route template after <c>/api/</c>.</param>
/// <param name="OperationId">The OpenAPI operationId; the Functions trigger is named <c>Api</c> + it.</param>
/// <param name="Access">Who may call it; the hosts refuse everyone else at the edge (401 or 403).</param>
/// <param name="Tag">The OpenAPI tag.</param>
/// <param name="Summary">One line for the OpenAPI document.</param>
public sealed record ApiOperation(string Method, string Template, string OperationId, ApiAccess Access, string Tag, string Summary)
{
    /// <summary>The JSON request body's type, or null.</summary>
    public Type? Request { get; init; }

    /// <summary>The body is a template document (JSON read as text by the handler).</summary>
    public bool Document { get; init; }

    /// <summary>The body is raw bytes of a declared media type (an upload).</summary>
    public bool RawBody { get; init; }

    /// <summary>Mapped by the local server only (demo sign-in): the Functions app has no trigger for it.</summary>
    public bool LocalOnly { get; init; }

    /// <summary>The rate-limit policy, or null.</summary>
    public string? RateLimit { get; init; }

    /// <summary>
    /// A read that pages poll (<see cref="ConditionalGet"/>): its 200 carries an ETag and an <c>If-None-Match</c> naming it
    /// is answered 304 without a body; <see cref="AllResponses"/> documents both.
    /// </summary>
    public bool Conditional { get; init; }

    /// <summary>The responses particular to this route; <see cref="AllResponses"/> adds those every route of its kind answers.</summary>
    public IReadOnlyList<ApiResponse> Responses { get; init; } = [];

    /// <summary>The route's method and template.</summary>
    public ApiRoute Route => new(Method, Template);

    /// <summary>The Functions trigger's name.</summary>
    public string FunctionName => "Api" + OperationId;

    /// <summary>
    /// Every response the route can answer: its own (a conditional read's 200 with an ETag, and its 304), plus 401/403 from the edge, 400/413/415 from reading a body,
    /// 429 from its rate limit and 503 when storage cannot be reached.
    /// </summary>
    public IReadOnlyList<ApiResponse> AllResponses
    {
        get
        {
            var all = new List<ApiResponse>(Responses);
            if (Conditional)
            {
                all = [.. all.Select(r => r.Status == StatusCodes.Status200OK && !r.Headers.Contains(ApiResponse.ETag) ? r with { Headers = [.. r.Headers, ApiResponse.ETag] } : r)];
                all.Add(ApiResponse.Empty(StatusCodes.Status304NotModified, ApiResponse.ETag));
            }

            void Add(int status, params string[] headers)
            {
                if (!all.Exists(r => r.Status == status))
                {
                    all.Add(ApiResponse.Problem(status, headers));
                }
            }

            if (Access is not (ApiAccess.System or ApiAccess.Public))
            {
                Add(StatusCodes.Status401Unauthorized);
                if (Access != ApiAccess.SignedIn)
                {
                    Add(StatusCodes.Status403Forbidden);
                }
            }

            if (Request is not null || Document || RawBody)
            {
                Add(StatusCodes.Status400BadRequest);
                Add(StatusCodes.Status413PayloadTooLarge);
                Add(StatusCodes.Status415UnsupportedMediaType);
            }

            if (RateLimit is not null)
            {
                Add(StatusCodes.Status429TooManyRequests, ApiResponse.RetryAfter);
            }

            Add(StatusCodes.Status503ServiceUnavailable, ApiResponse.RetryAfter);
            return [.. all.OrderBy(r => r.Status)];
        }
    }

    /// <summary>The edge's check: 401 without a caller, 403 for a role the route does not allow; null to go on.</summary>
    /// <param name="caller">The caller, or null.</param>
    /// <returns>The refusal, or null.</returns>
    public IResult? Refuse(Caller? caller)
    {
        if (Access is ApiAccess.System or ApiAccess.Public)
        {
            // No caller: the handler verifies the system's signature before anything else, or needs none.
            return null;
        }

        if (caller is null)
        {
            return ApiProblems.Unauthenticated();
        }

        var role = caller.Role switch
        {
            CallerRole.Applicant => ApiAccess.Applicant,
            CallerRole.Officer => ApiAccess.Officer,
            CallerRole.Administrator => ApiAccess.Administrator,
            _ => (ApiAccess)0,
        };
        // Deny by default: a role the table does not name for this route gets nothing.
        return role != 0 && Access.HasFlag(role) ? null : ApiProblems.Forbidden();
    }
}
