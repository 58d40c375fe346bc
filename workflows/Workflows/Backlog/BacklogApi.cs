using Microsoft.AspNetCore.Http;

namespace Workflows.Backlog;

/// <summary>
/// The backlog's health: how many accepted applications wait to start against the bound, and whether a submit is taken
/// now. Public, as a load balancer's or an operator's probe needs no sign-in; it holds counts only, never an id.
/// </summary>
public sealed class BacklogApi(EngineBacklog backlog)
{
    /// <summary>The reading.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the reading.</returns>
    public async Task<IResult> GetAsync(CancellationToken cancellationToken) => Results.Ok(await backlog.ReadAsync(cancellationToken));
}
