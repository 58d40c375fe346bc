using Microsoft.AspNetCore.Http;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>One thing wrong with a request, located by the field (a JSON path, header or query parameter) at fault.</summary>
/// <param name="Field">Where: <c>answers.babyName</c>, <c>materials[2].kind</c>, <c>header:If-Match</c>, <c>query:status</c>.</param>
/// <param name="Code">A stable code clients can switch on.</param>
/// <param name="Message">What is wrong and how to put it right.</param>
/// <param name="Departments">For a missing material: the departments whose items need it.</param>
public sealed record ApiError(string Field, string Code, string Message, IReadOnlyList<string>? Departments = null)
{
    /// <summary>A located problem said in Chinese and English; the request's language (<see cref="ApiLanguage"/>) picks the message.</summary>
    /// <param name="field">Where.</param>
    /// <param name="code">A stable code clients can switch on.</param>
    /// <param name="zh">What is wrong, in Chinese (the default).</param>
    /// <param name="en">What is wrong, in English.</param>
    /// <param name="departments">For a missing material: the departments whose items need it.</param>
    public ApiError(string field, string code, string zh, string en, IReadOnlyList<string>? departments = null)
        : this(field, code, ApiLanguage.Pick(zh, en), departments)
    {
    }
}

/// <summary>
/// Every error the API returns, as RFC 9457 problem+json. The <c>type</c> is a stable URN per kind of problem,
/// <c>code</c> a stable code, <c>errors</c> the located problems. Not-found is also what a caller gets for
/// something that exists but is not theirs, so a response never tells whether another person's application exists.
/// <c>title</c> and <c>detail</c> are in the request's language (<see cref="ApiLanguage"/>, Chinese by default): the
/// problems here say both; a caller's problem given only in English reads with the status's Chinese title and the
/// English detail whole, never the two mixed in one string.
/// </summary>
public static class ApiProblems
{
    /// <summary>The prefix of every problem type.</summary>
    public const string TypePrefix = "urn:workflows:problem:";

    /// <summary>The request is malformed or a value is invalid (400).</summary>
    /// <param name="errors">Every problem found.</param>
    /// <returns>The response.</returns>
    public static IResult Invalid(params IReadOnlyList<ApiError> errors) =>
        Problem(StatusCodes.Status400BadRequest, ProblemCodes.RequestInvalid, new LocalText("请求无效", "The request is not valid."), Summary(errors), errors);

    /// <summary>The request is well formed but refused by the rules (422), e.g. a submission missing materials.</summary>
    /// <param name="code">The refusal's code.</param>
    /// <param name="title">A short title.</param>
    /// <param name="errors">Every problem found (the one notice, 一次告知).</param>
    /// <returns>The response.</returns>
    public static IResult Refused(string code, string title, IReadOnlyList<ApiError> errors) =>
        Problem(StatusCodes.Status422UnprocessableEntity, code, new LocalText(StatusTitle(StatusCodes.Status422UnprocessableEntity), title), Summary(errors), errors);

    /// <summary>The request is well formed but refused by the rules (422), its title said in both languages.</summary>
    /// <param name="code">The refusal's code.</param>
    /// <param name="title">A short title in Chinese and English.</param>
    /// <param name="errors">Every problem found (the one notice, 一次告知).</param>
    /// <returns>The response.</returns>
    public static IResult Refused(string code, LocalText title, IReadOnlyList<ApiError> errors) =>
        Problem(StatusCodes.Status422UnprocessableEntity, code, title, Summary(errors), errors);

    /// <summary>The Idempotency-Key was used before for another body (422); nothing was started.</summary>
    /// <returns>The response.</returns>
    public static IResult IdempotencyConflict() =>
        Refused(ProblemCodes.IdempotencyConflict, new LocalText("Idempotency-Key 已被使用", "Idempotency-Key reused."),
            [new ApiError("header:Idempotency-Key", "idempotency.conflict", "此键已用于另一份申请；新申请请发送新键，重试请发送相同的请求体。",
                "This key was used for another application; send a new key for a new application, or the same body to retry.")]);

    /// <summary>No valid credentials (401).</summary>
    /// <returns>The response.</returns>
    public static IResult Unauthenticated() =>
        new WithHeader(
            Problem(StatusCodes.Status401Unauthorized, ProblemCodes.AuthRequired, new LocalText("请先登录", "Sign in first."),
                new LocalText("此接口需要有效的持有者令牌（Bearer）。", "This route needs a valid bearer token."), []),
            "WWW-Authenticate",
            "Bearer"); // RFC 6750: a 401 names the scheme the client should use.

    /// <summary>The caller's role may not use this route (403). Never used for someone else's data: that is 404.</summary>
    /// <returns>The response.</returns>
    public static IResult Forbidden() =>
        Problem(StatusCodes.Status403Forbidden, ProblemCodes.AuthForbidden, new LocalText("无权操作", "Not allowed."), new LocalText("您的角色不能使用此接口。", "Your role may not use this route."), []);

    /// <summary>Nothing of that id that the caller may see (404).</summary>
    /// <param name="what">What was looked for, e.g. "application".</param>
    /// <returns>The response.</returns>
    public static IResult NotFound(string what) =>
        Problem(StatusCodes.Status404NotFound, ProblemCodes.ResourceNotFound, new LocalText("未找到", "Not found."),
            new LocalText($"没有您可查看的该编号的{Thing(what)}。", $"No {what} with that id is visible to you."), []);

    // The Chinese for what NotFound names; a word not listed reads as it is (a code, not a sentence).
    static string Thing(string what) => what switch
    {
        "application" => "申请",
        "bundle" => "一件事",
        "template" => "模板",
        "task" => "任务",
        "file" => "文件",
        "upload" => "上传文件",
        "certificate" => "证照",
        "consent" => "确认请求",
        "consent request" => "确认请求",
        "case" => "案件",
        "rating" => "评价",
        "calendar" => "日历",
        "item" => "事项",
        "notification" => "通知",
        "licence" => "证照",
        "material" => "材料",
        "version" => "版本",
        "department" => "部门",
        _ => $" {what} ",
    };

    /// <summary>The request conflicts with the current state (409).</summary>
    /// <param name="code">A stable code.</param>
    /// <param name="detail">What the state is and what to do.</param>
    /// <returns>The response.</returns>
    public static IResult Conflict(string code, string detail) =>
        Problem(StatusCodes.Status409Conflict, code, new LocalText(StatusTitle(StatusCodes.Status409Conflict), "Conflict with the current state."), new LocalText(detail, detail), []);

    /// <summary>The request conflicts with the current state (409), said in Chinese and English.</summary>
    /// <param name="code">A stable code.</param>
    /// <param name="zh">What the state is and what to do, in Chinese.</param>
    /// <param name="en">The same in English.</param>
    /// <returns>The response.</returns>
    public static IResult Conflict(string code, string zh, string en) =>
        Problem(StatusCodes.Status409Conflict, code, new LocalText(StatusTitle(StatusCodes.Status409Conflict), "Conflict with the current state."), new LocalText(zh, en), []);

    /// <summary>The resource changed since the caller read it (412).</summary>
    /// <param name="detail">What to do.</param>
    /// <returns>The response.</returns>
    public static IResult Changed(string detail) =>
        Problem(StatusCodes.Status412PreconditionFailed, ProblemCodes.PreconditionFailed, new LocalText(StatusTitle(StatusCodes.Status412PreconditionFailed), "Changed by someone else."), new LocalText(detail, detail), []);

    /// <summary>The resource changed since the caller read it (412), said in Chinese and English.</summary>
    /// <param name="zh">What to do, in Chinese.</param>
    /// <param name="en">The same in English.</param>
    /// <returns>The response.</returns>
    public static IResult Changed(string zh, string en) =>
        Problem(StatusCodes.Status412PreconditionFailed, ProblemCodes.PreconditionFailed, new LocalText(StatusTitle(StatusCodes.Status412PreconditionFailed), "Changed by someone else."), new LocalText(zh, en), []);

    /// <summary>A write needs <c>If-Match</c> with the ETag the caller read (428).</summary>
    /// <returns>The response.</returns>
    public static IResult NeedsIfMatch() =>
        Problem(StatusCodes.Status428PreconditionRequired, ProblemCodes.PreconditionRequired, new LocalText("需要 If-Match", "If-Match required."),
            new LocalText("请在 If-Match 请求头中发送您读取到的 ETag，以免两人互相覆盖。", "Send the ETag you read in an If-Match header, so two people cannot overwrite each other."),
            [new ApiError("header:If-Match", "header.required", "请发送上次读取时得到的 ETag。", "Send the ETag from the last read.")]);

    /// <summary>The body is larger than the route accepts (413).</summary>
    /// <param name="limit">The limit in bytes.</param>
    /// <returns>The response.</returns>
    public static IResult TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.BodyTooLarge, new LocalText("请求过大", "Request too large."),
            new LocalText($"此接口最多接受 {limit} 字节。", $"This route accepts at most {limit} bytes."),
            [new ApiError("body", "body.tooLarge", $"最多 {limit} 字节。", $"At most {limit} bytes.")]);

    /// <summary>The body's media type is not accepted (415).</summary>
    /// <param name="expected">What is accepted.</param>
    /// <returns>The response.</returns>
    public static IResult UnsupportedMediaType(string expected) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.BodyMediaType, new LocalText("不支持的媒体类型", "Unsupported media type."),
            new LocalText($"请发送 {expected}。", $"Send {expected}."),
            [new ApiError("header:Content-Type", "header.contentType", $"请发送 {expected}。", $"Send {expected}.")]);

    /// <summary>Too many requests from one user (429), with Retry-After in whole seconds.</summary>
    /// <param name="retryAfter">When the caller may try again.</param>
    /// <returns>The response.</returns>
    public static IResult TooManyRequests(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return new WithHeader(
            Problem(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, new LocalText("请求过多", "Too many requests."),
                new LocalText($"请等待 {seconds} 秒后重试。", $"Wait {seconds} seconds and try again."), []),
            "Retry-After",
            seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The engine has more accepted applications waiting to start than its bound (503), with Retry-After: nothing was
    /// filed, and the same request (the same Idempotency-Key) sent again later files it once.
    /// </summary>
    /// <param name="reading">The backlog that refused it.</param>
    /// <returns>The response.</returns>
    public static IResult Backlogged(Backlog.BacklogReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var seconds = Math.Max(1, reading.RetryAfterSeconds);
        return new WithHeader(
            Problem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.EngineBacklog, new LocalText("申请过多，暂缓受理", "Too many applications waiting to start."),
                new LocalText($"已受理的申请中有 {reading.Pending} 件尚未开始办理；本申请未提交，请在 {seconds} 秒后重新提交。",
                    $"{reading.Pending} accepted applications have not started yet; this one was not filed. Send it again in {seconds} s."),
                [new ApiError("engine", ProblemCodes.EngineBacklog, $"等待开始的申请超过 {reading.MaxPending} 件。", $"More than {reading.MaxPending} applications are waiting to start.")]),
            "Retry-After",
            seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A problem response.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The stable code (also the last part of the type URN).</param>
    /// <param name="title">A short title.</param>
    /// <param name="detail">The explanation.</param>
    /// <param name="errors">The located problems.</param>
    /// <returns>The response.</returns>
    public static IResult Problem(int status, string code, string title, string detail, IReadOnlyList<ApiError> errors) =>
        Problem(status, code, new LocalText(StatusTitle(status), title), new LocalText(detail, detail), errors);

    /// <summary>A problem response whose detail is said in Chinese and English; the title is the status's.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The stable code (also the last part of the type URN).</param>
    /// <param name="title">A short title in English (Chinese readers get the status's Chinese title).</param>
    /// <param name="zh">The explanation in Chinese.</param>
    /// <param name="en">The explanation in English.</param>
    /// <param name="errors">The located problems.</param>
    /// <returns>The response.</returns>
    public static IResult Problem(int status, string code, string title, string zh, string en, IReadOnlyList<ApiError> errors) =>
        Problem(status, code, new LocalText(StatusTitle(status), title), new LocalText(zh, en), errors);

    /// <summary>A problem response whose title and detail are said in Chinese and English; the request's language picks.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The stable code (also the last part of the type URN).</param>
    /// <param name="title">A short title in both languages.</param>
    /// <param name="detail">The explanation in both languages.</param>
    /// <param name="errors">The located problems.</param>
    /// <returns>The response.</returns>
    public static IResult Problem(int status, string code, LocalText title, LocalText detail, IReadOnlyList<ApiError> errors)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(detail);
        return Results.Problem(detail: ApiLanguage.Pick(detail), statusCode: status, title: ApiLanguage.Pick(title), type: TypePrefix + code,
            extensions: new Dictionary<string, object?> { ["code"] = code, ["errors"] = errors });
    }

    /// <summary>A problem response with members of its own beside the standard ones (a 409 that says the counts it is about).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The stable code.</param>
    /// <param name="title">A short title in both languages.</param>
    /// <param name="detail">The explanation in both languages.</param>
    /// <param name="members">The extra members, by name.</param>
    /// <returns>The response.</returns>
    public static IResult Problem(int status, string code, LocalText title, LocalText detail, IReadOnlyDictionary<string, object?> members)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentNullException.ThrowIfNull(members);
        var extensions = new Dictionary<string, object?>(members) { ["code"] = code, ["errors"] = Array.Empty<ApiError>() };
        return Results.Problem(detail: ApiLanguage.Pick(detail), statusCode: status, title: ApiLanguage.Pick(title), type: TypePrefix + code, extensions: extensions);
    }

    /// <summary>The Chinese title of a status, for a problem whose caller gave its title in English only.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <returns>The title.</returns>
    public static string StatusTitle(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "请求无效",
        StatusCodes.Status401Unauthorized => "请先登录",
        StatusCodes.Status403Forbidden => "无权操作",
        StatusCodes.Status404NotFound => "未找到",
        StatusCodes.Status409Conflict => "与当前状态冲突",
        StatusCodes.Status410Gone => "已失效",
        StatusCodes.Status412PreconditionFailed => "已被他人修改",
        StatusCodes.Status413PayloadTooLarge => "请求过大",
        StatusCodes.Status415UnsupportedMediaType => "不支持的媒体类型",
        StatusCodes.Status422UnprocessableEntity => "未予受理",
        StatusCodes.Status428PreconditionRequired => "需要 If-Match",
        StatusCodes.Status429TooManyRequests => "请求过于频繁",
        StatusCodes.Status503ServiceUnavailable => "服务暂不可用",
        _ => "请求未完成",
    };

    static LocalText Summary(IReadOnlyList<ApiError> errors) => errors.Count == 1
        ? new LocalText($"{errors[0].Field} 有误，详见 errors。", $"{errors[0].Field}: {errors[0].Message}")
        : new LocalText($"共 {errors.Count} 处问题，详见 errors。", $"{errors.Count} problems; see errors.");
}

/// <summary>Another result with one response header added.</summary>
/// <param name="inner">The result.</param>
/// <param name="name">The header's name.</param>
/// <param name="value">Its value.</param>
public sealed class WithHeader(IResult inner, string name, string value) : IResult, IStatusCodeHttpResult
{
    /// <summary>The result the header is added to.</summary>
    public IResult Inner => inner;

    /// <inheritdoc />
    public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers[name] = value;
        return inner.ExecuteAsync(httpContext);
    }
}
