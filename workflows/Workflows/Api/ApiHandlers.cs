using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;

namespace Workflows.Api;

/// <summary>
/// The API's handlers built around one <see cref="DurableTaskClient"/>. The Functions app gets its client from the
/// <c>[DurableClient]</c> binding of each invocation rather than from DI, so it builds the handlers with this; every
/// other dependency comes from the services <see cref="DependencyInjection.AddWorkflows"/> and
/// <see cref="DependencyInjection.AddWorkflowsApi"/> registered. The local server resolves the handlers from DI.
/// </summary>
public sealed class ApiHandlers
{
    ApiHandlers(CitizenApi citizens, OfficerApi officers, AdminApi admin, SystemApi systems)
    {
        Citizens = citizens;
        Officers = officers;
        Admin = admin;
        Systems = systems;
    }

    /// <summary>Citizens and companies.</summary>
    public CitizenApi Citizens { get; }

    /// <summary>Department officers.</summary>
    public OfficerApi Officers { get; }

    /// <summary>Administrators.</summary>
    public AdminApi Admin { get; }

    /// <summary>Outside systems' callbacks.</summary>
    public SystemApi Systems { get; }

    /// <summary>Builds the handlers so that <paramref name="client"/> is the one they (and their <see cref="ApplicationService"/>) use.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <returns>The handlers.</returns>
    public static ApiHandlers Create(IServiceProvider services, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(client);
        var application = ActivatorUtilities.CreateInstance<ApplicationService>(services, client);
        return new ApiHandlers(
            ActivatorUtilities.CreateInstance<CitizenApi>(services, application, client),
            ActivatorUtilities.CreateInstance<OfficerApi>(services, application, client),
            ActivatorUtilities.CreateInstance<AdminApi>(services, application),
            ActivatorUtilities.CreateInstance<SystemApi>(services, application));
    }
}
