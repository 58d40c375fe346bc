using System.Reflection;

namespace Workflows.Api;

/// <summary>
/// The problem codes that are not one area's rule: every problem <c>code</c> (and the <c>type</c> URN that repeats it)
/// is <c>area.rule</c> lowerCamel, these and the areas' own (<c>task.notOpen</c>, <c>storage.unavailable</c>) alike;
/// see docs/decisions/0016-language-labels-and-etags.md.
/// </summary>
public static class ProblemCodes
{
    /// <summary>400: the request is malformed or a value is invalid.</summary>
    public const string RequestInvalid = "request.invalid";

    /// <summary>401: no valid bearer token.</summary>
    public const string AuthRequired = "auth.required";

    /// <summary>401: a system's request is not signed right.</summary>
    public const string SignatureInvalid = "signature.invalid";

    /// <summary>403: the caller's role may not use the route.</summary>
    public const string AuthForbidden = "auth.forbidden";

    /// <summary>404: nothing of that id the caller may see.</summary>
    public const string ResourceNotFound = "resource.notFound";

    /// <summary>404: no route at that path (routing's own answer).</summary>
    public const string RouteNotFound = "route.notFound";

    /// <summary>405: the path exists but not with that method (routing's own answer).</summary>
    public const string MethodNotAllowed = "route.methodNotAllowed";

    /// <summary>412: the resource changed since the caller read it.</summary>
    public const string PreconditionFailed = "precondition.failed";

    /// <summary>428: a write needs If-Match.</summary>
    public const string PreconditionRequired = "precondition.required";

    /// <summary>413: the body is larger than the route accepts.</summary>
    public const string BodyTooLarge = "body.tooLarge";

    /// <summary>415: the body's media type is not accepted.</summary>
    public const string BodyMediaType = "body.mediaType";

    /// <summary>429: too many requests from one user.</summary>
    public const string RateLimited = "rate.limited";

    /// <summary>422: an application missing something (the one notice).</summary>
    public const string SubmissionRefused = "submission.refused";

    /// <summary>422: a proactive application that cannot start yet.</summary>
    public const string ConfirmationRefused = "confirmation.refused";

    /// <summary>422: a template that breaks rules.</summary>
    public const string TemplateInvalid = "template.invalid";

    /// <summary>422: an outside event that starts no bundle.</summary>
    public const string EventUnhandled = "event.unhandled";

    /// <summary>422: an Idempotency-Key used before for another body.</summary>
    public const string IdempotencyConflict = "idempotency.conflict";

    /// <summary>503: more applications accepted than the engine has started; the submit is to be sent again after Retry-After.</summary>
    public const string EngineBacklog = "engine.backlog";

    /// <summary>500: the server failed (the exception handler's answer).</summary>
    public const string ServerFailed = "server.failed";

    /// <summary>The shape of every code: <c>area.rule</c>, both lowerCamel.</summary>
    public static string Shape => @"^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$";

    /// <summary>Every code above.</summary>
    public static IReadOnlyList<string> All { get; } = [.. typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];

    /// <summary>The code for a status that routing or the framework answered without one of ours.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <returns>The code.</returns>
    public static string ForStatus(int status) => status switch
    {
        400 => RequestInvalid,
        401 => AuthRequired,
        403 => AuthForbidden,
        404 => RouteNotFound,
        405 => MethodNotAllowed,
        412 => PreconditionFailed,
        413 => BodyTooLarge,
        415 => BodyMediaType,
        428 => PreconditionRequired,
        429 => RateLimited,
        _ => ServerFailed,
    };
}
