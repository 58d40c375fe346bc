using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Cases;
using Workflows.Ratings;
using Workflows.Systems;
using Workflows.Tasks;

namespace Workflows.Api;

/// <summary>
/// The API's handlers built around one <see cref="DurableTaskClient"/>. The Functions app gets its client from the
/// <c>[DurableClient]</c> binding of each invocation rather than from DI, so it builds the handlers with this; every
/// other dependency comes from the services <see cref="DependencyInjection.AddWorkflows"/> and
/// <see cref="DependencyInjection.AddWorkflowsApi"/> registered. The local server resolves the handlers from DI.
/// </summary>
public sealed class ApiHandlers
{
    ApiHandlers(CitizenApi citizens, OfficerApi officers, AdminApi admin, SystemApi systems, RatingApi ratings, CaseApi cases, AssistedApi assisted)
    {
        Citizens = citizens;
        Officers = officers;
        Admin = admin;
        Systems = systems;
        Ratings = ratings;
        Cases = cases;
        Assisted = assisted;
    }

    /// <summary>Citizens and companies.</summary>
    public CitizenApi Citizens { get; }

    /// <summary>Department officers.</summary>
    public OfficerApi Officers { get; }

    /// <summary>Administrators.</summary>
    public AdminApi Admin { get; }

    /// <summary>Outside systems' callbacks.</summary>
    public SystemApi Systems { get; }

    /// <summary>Ratings and their follow-ups (好差评).</summary>
    public RatingApi Ratings { get; }

    /// <summary>Stuck cases (办不成事).</summary>
    public CaseApi Cases { get; }

    /// <summary>Assisted filing (帮办代办).</summary>
    public AssistedApi Assisted { get; }

    /// <summary>Builds the handlers so that <paramref name="client"/> is the one they (and their <see cref="ApplicationService"/>) use.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <returns>The handlers.</returns>
    public static ApiHandlers Create(IServiceProvider services, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(client);
        var application = ActivatorUtilities.CreateInstance<ApplicationService>(services, client);
        var mine = ActivatorUtilities.CreateInstance<ApplicantApplications>(services, client);
        return new ApiHandlers(
            ActivatorUtilities.CreateInstance<CitizenApi>(services, application, mine),
            ActivatorUtilities.CreateInstance<OfficerApi>(services, application, client),
            ActivatorUtilities.CreateInstance<AdminApi>(services, application),
            ActivatorUtilities.CreateInstance<SystemApi>(services, application),
            ActivatorUtilities.CreateInstance<RatingApi>(services, mine),
            ActivatorUtilities.CreateInstance<CaseApi>(services, ActivatorUtilities.CreateInstance<CaseService>(services, client), mine),
            ActivatorUtilities.CreateInstance<AssistedApi>(services, application));
    }
}
