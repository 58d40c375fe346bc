using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Storage;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows;

/// <summary>Registers the engine's services; every host calls <see cref="AddWorkflows"/> once.</summary>
public static class DependencyInjection
{
    /// <summary>Adds storage access, the step ledger, the clock the activities use, the stores and the SLA options.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Configuration holding the <c>Storage</c> section and, optionally, <c>Sla</c>.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Storage options are incomplete: set Storage:ConnectionString or the three service URIs.")
            .ValidateOnStart();
        services.AddOptions<SlaOptions>()
            .Bind(configuration.GetSection(SlaOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Sla options are invalid: DayLength must be more than zero and at most a day; Region a code such as CN.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageOperationCounter>();
        services.TryAddSingleton<StorageClients>();
        services.TryAddSingleton<StorageTables>();
        services.TryAddSingleton<StepLedger>();
        services.TryAddSingleton<ApplicationStore>();
        services.TryAddSingleton<TaskStore>();
        services.TryAddSingleton<LicenceRegistry>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<MaterialUploads>();
        services.TryAddSingleton<TemplateStore>();
        services.TryAddSingleton<ITemplateSource>(sp => sp.GetRequiredService<TemplateStore>());
        services.TryAddSingleton<CalendarStore>();
        services.TryAddSingleton<ApplicationService>();
        return services;
    }
}
