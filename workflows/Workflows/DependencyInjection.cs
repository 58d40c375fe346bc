using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Audit;
using Workflows.Auth;
using Workflows.Backlog;
using Workflows.Calendar;
using Workflows.Cases;
using Workflows.Figures;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Notifications;
using Workflows.Ratings;
using Workflows.Storage;
using Workflows.Systems;
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
        services.AddOptions<BacklogOptions>()
            .Bind(configuration.GetSection(BacklogOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Backlog options are invalid: MaxPending 0 or more, RetryAfter 1 s to 1 h, CountFor at most 1 min, Forget at least 1 min.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageOperationCounter>();
        services.TryAddSingleton<StorageClients>();
        services.TryAddSingleton<StorageTables>();
        services.TryAddSingleton<StepLedger>();
        services.TryAddSingleton<ApplicationStore>();
        services.TryAddSingleton<Orchestration.ItemResultStore>();
        services.TryAddSingleton<DraftSimulator>();
        services.TryAddSingleton<TaskStore>();
        services.TryAddSingleton<Activities.ItemEndWrites>();
        services.TryAddSingleton<LicenceRegistry>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<MaterialUploads>();
        services.TryAddSingleton<TemplateStore>();
        services.TryAddSingleton<ITemplateSource>(sp => sp.GetRequiredService<TemplateStore>());
        services.TryAddSingleton<CalendarStore>();
        services.TryAddSingleton<SlaClockSource>();
        services.TryAddSingleton<TaskDeadlines>();
        services.TryAddSingleton<NotificationOutbox>();
        services.TryAddSingleton<Notifier>();
        services.AddWorkflowsNotifications(configuration);
        services.TryAddSingleton<EngineBacklog>();
        services.TryAddSingleton<BacklogApi>();
        services.TryAddSingleton<ApplicationService>();
        services.AddOptions<RatingOptions>()
            .Bind(configuration.GetSection(RatingOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Ratings options are invalid: BadScoreAtMost 0 to 4, FollowUpDays 1 to 60.")
            .ValidateOnStart();
        services.AddOptions<CaseOptions>()
            .Bind(configuration.GetSection(CaseOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Cases options are invalid: LimitDays 1 to 60, ReminderBeforeDays more than 0 and less than LimitDays.")
            .ValidateOnStart();
        services.TryAddSingleton<RatingStore>();
        services.TryAddSingleton<ConsentStore>();
        services.TryAddSingleton<RatingService>();
        services.TryAddSingleton<CaseStore>();
        services.TryAddSingleton<CaseService>();
        services.TryAddSingleton<SubmissionChecker>();
        services.TryAddSingleton<FiguresStore>();
        services.TryAddSingleton<IRatingFigures, StoredRatingFigures>();
        return services;
    }

    /// <summary>
    /// Adds the HTTP API's handlers (citizens, officers, administrators, outside systems) and their settings; both
    /// the local server and the Functions app call them. Needs <see cref="AddWorkflows"/> and a <c>DurableTaskClient</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Configuration holding the <c>Auth</c> and <c>Systems</c> sections.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddWorkflowsApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Not validated at start: without a key or authority no token validates, so every API call gets 401 (deny by
        // default) while the engine still runs; the server logs a warning saying so.
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName));
        services.AddOptions<SystemsOptions>().Bind(configuration.GetSection(SystemsOptions.SectionName));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value);
        services.TryAddSingleton<TokenMinter>();
        services.TryAddSingleton<ApplicantApplications>();
        services.TryAddSingleton<CitizenApi>();
        services.TryAddSingleton<OfficerApi>();
        services.TryAddSingleton<AdminApi>();
        services.TryAddSingleton<SystemApi>();
        services.TryAddSingleton<NotificationApi>();
        services.TryAddSingleton<RatingApi>();
        services.TryAddSingleton<CaseApi>();
        services.TryAddSingleton<AssistedApi>();
        services.TryAddSingleton<FiguresApi>();
        services.TryAddSingleton<AdminApplicationApi>();
        services.TryAddSingleton<SimulationApi>();
        // Certificates as PDF with their verification codes.
        services.AddOptions<CertificateOptions>().Bind(configuration.GetSection(CertificateOptions.SectionName));
        services.TryAddSingleton(sp => new CertificatePdf(sp.GetRequiredService<IOptions<CertificateOptions>>().Value));
        services.TryAddSingleton<CertificateCodes>();
        return services;
    }
}
