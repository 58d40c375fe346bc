using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>
/// Reading a request's body once the caller is known. Who calls is settled before the body is read, at the edge of
/// both hosts from the route table (<see cref="ApiOperation.Refuse"/>): an anonymous caller gets 401 and a wrong role
/// 403, whatever they send. Nothing here checks a role again: handlers check only ownership.
/// </summary>
public static class ApiGate
{
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
