using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>
/// Who calls is settled before the body is read: an anonymous caller gets 401 and a wrong role 403, whatever they
/// send. Both hosts (the local server's endpoints and the Functions app's HTTP triggers) go through these.
/// </summary>
public static class ApiGate
{
    /// <summary>Refuses a missing caller (401) or one of another role (403).</summary>
    /// <param name="caller">The caller, or null.</param>
    /// <param name="role">The role the route needs.</param>
    /// <returns>The refusal, or null when the caller may go on.</returns>
    public static IResult? Check(Caller? caller, CallerRole role) =>
        caller is null ? ApiProblems.Unauthenticated() : caller.Role != role ? ApiProblems.Forbidden() : null;

    /// <summary>Checks the caller, then reads a strict JSON body and hands both over.</summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="caller">The caller, or null.</param>
    /// <param name="role">The role the route needs.</param>
    /// <param name="handle">The handler.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refusal, the body's problem, or the handler's result.</returns>
    public static async Task<IResult> JsonAsync<T>(HttpRequest request, Caller? caller, CallerRole role, Func<Caller, T, Task<IResult>> handle, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (Check(caller, role) is { } refused)
        {
            return refused;
        }

        var (body, problem) = await ApiJson.ReadAsync<T>(request, ApiJson.DefaultMaxBytes, cancellationToken);
        return problem ?? await handle(caller!, body!);
    }

    /// <summary>Checks the caller is an administrator, then reads a template document and hands both over.</summary>
    /// <param name="request">The request.</param>
    /// <param name="caller">The caller, or null.</param>
    /// <param name="handle">The handler.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refusal, the document's problem, or the handler's result.</returns>
    public static async Task<IResult> DocumentAsync(HttpRequest request, Caller? caller, Func<Caller, string, Task<IResult>> handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (Check(caller, CallerRole.Administrator) is { } refused)
        {
            return refused;
        }

        var (document, problem) = await AdminApi.ReadDocumentAsync(request, cancellationToken);
        return problem ?? await handle(caller!, document!);
    }
}
