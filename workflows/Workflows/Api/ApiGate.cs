using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>
/// Reading a request's body once the caller is known. Who calls is settled before the body is read, at the edge of
/// both hosts from the route table (<see cref="ApiOperation.Refuse"/>): an anonymous caller gets 401 and a wrong role
/// 403, whatever they send. <see cref="Check"/> and the <c>JsonAsync</c> overload that takes a role remain only for
/// routes written in branches before the table carried roles; they check the role a second time.
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

    /// <summary>Reads a strict JSON body and hands it over with the caller the edge has already let in (<see cref="ApiOperation.Refuse"/>).</summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="caller">The caller.</param>
    /// <param name="handle">The handler.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The body's problem, or the handler's result.</returns>
    public static async Task<IResult> JsonAsync<T>(HttpRequest request, Caller caller, Func<Caller, T, Task<IResult>> handle, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(handle);
        var (body, problem) = await ApiJson.ReadAsync<T>(request, ApiJson.DefaultMaxBytes, cancellationToken);
        return problem ?? await handle(caller, body!);
    }

    /// <summary>Reads a template document and hands it over with the caller the edge has already let in.</summary>
    /// <param name="request">The request.</param>
    /// <param name="caller">The caller.</param>
    /// <param name="handle">The handler.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document's problem, or the handler's result.</returns>
    public static async Task<IResult> DocumentAsync(HttpRequest request, Caller caller, Func<Caller, string, Task<IResult>> handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var (document, problem) = await AdminApi.ReadDocumentAsync(request, cancellationToken);
        return problem ?? await handle(caller, document!);
    }
}
