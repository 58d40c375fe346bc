using DurableTask.AzureStorage;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Hosting;

/// <summary>Registers the local host of the engine: sidecar, worker and client.</summary>
public static class EngineHostingExtensions
{
    /// <summary>
    /// Adds Microsoft's Durable Task engine over Azure Storage, hosted in this process: the sidecar, then
    /// (unless <see cref="EngineOptions.RunWorker"/> is false) the worker running <see cref="WorkflowTasks"/>,
    /// and a <see cref="DurableTaskClient"/>. Calls <see cref="DependencyInjection.AddWorkflows"/> too.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Configuration with the <c>Storage</c> and <c>Engine</c> sections.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddWorkflowsEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddWorkflows(configuration);
        services.AddOptions<EngineOptions>()
            .Bind(configuration.GetSection(EngineOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Engine options are invalid; see the Engine section's rules.")
            .ValidateOnStart();

        services.AddSingleton<SidecarEndpoint>();
        services.AddSingleton(sp => EngineSettings.Create(
            sp.GetRequiredService<IOptions<EngineOptions>>().Value,
            sp.GetRequiredService<StorageClients>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new AzureStorageOrchestrationService(sp.GetRequiredService<AzureStorageOrchestrationServiceSettings>()));

        // Order matters: hosted services start in this order and stop in reverse, so the sidecar is up
        // before the worker connects and outlives it while in-flight work completes.
        services.AddSingleton(sp => new DrainingOrchestrationService(
            sp.GetRequiredService<AzureStorageOrchestrationService>(),
            EngineSettings.RenewEvery(sp.GetRequiredService<AzureStorageOrchestrationServiceSettings>())));
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SidecarServer>(sp));

        var runWorker = configuration.GetSection(EngineOptions.SectionName).GetValue(nameof(EngineOptions.RunWorker), true);
        if (runWorker)
        {
            services.AddDurableTaskWorker(builder =>
            {
                builder.UseGrpc();
                builder.AddTasks(WorkflowTasks.Register);
                builder.UseVersioning(OrchestrationVersioning());
            });
            services.AddOptions<Microsoft.DurableTask.Worker.Grpc.GrpcDurableTaskWorkerOptions>(Options.DefaultName)
                .Configure<SidecarEndpoint>((o, endpoint) => o.Channel = endpoint.Channel);

            // Last registered, first stopped: drains work in flight before the worker goes away.
            services.AddHostedService<WorkerDrain>();
            // Where activities run, leftovers of their notification deliveries are swept too.
            services.AddHostedService<NotificationSweeper>();
            // And the deadlines of the tasks no orchestration keeps time for (verifications, follow-ups).
            services.AddHostedService<TaskDeadlineSweeper>();
            // And the officers' decisions marked on tasks and not acted on yet (a kill dropped their event).
            services.AddHostedService<DecisionDeliverySweeper>();
            services.AddOptions<HostOptions>().Configure<IOptions<EngineOptions>>((host, engine) =>
                host.ShutdownTimeout = engine.Value.ShutdownTimeout + TimeSpan.FromSeconds(15));
        }

        // Built-in templates and calendars are saved before the host takes applications.
        services.AddHostedService<TemplateSeeder>();
        services.AddHostedService<CalendarSeeder>();
        // Every instance this host starts is stamped with the code's version (sub-orchestrations take the worker's default).
        services.AddDurableTaskClient(builder => builder.UseGrpc().UseDefaultVersion(OrchestrationVersions.Current));
        services.AddOptions<Microsoft.DurableTask.Client.Grpc.GrpcDurableTaskClientOptions>(Options.DefaultName)
            .Configure<SidecarEndpoint>((o, endpoint) => o.Channel = endpoint.Channel);
        return services;
    }

    /// <summary>
    /// How a worker treats instance versions: it runs this code's version and older ones (whose old steps the
    /// orchestrators keep behind version checks) and leaves a newer one untouched for a newer worker (a rolling deploy).
    /// </summary>
    /// <returns>The options.</returns>
    public static DurableTaskWorkerOptions.VersioningOptions OrchestrationVersioning() => new()
    {
        Version = OrchestrationVersions.Current,
        DefaultVersion = OrchestrationVersions.Current,
        MatchStrategy = DurableTaskWorkerOptions.VersionMatchStrategy.CurrentOrOlder,
        FailureStrategy = DurableTaskWorkerOptions.VersionFailureStrategy.Reject,
    };
}
