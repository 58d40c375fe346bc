using Microsoft.DurableTask;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Api;
using Workflows.Calendar;
using Workflows.Functions;
using Workflows.Templates;

namespace Workflows.Tests.Functions;

/// <summary>What <see cref="AppServices.AddWorkflowsFunctionsApp"/> registers is enough for every activity and every API handler.</summary>
public class FunctionsAppServicesTests
{
    [Fact]
    public void AddWorkflowsFunctionsApp_EveryActivity_Resolves()
    {
        using var provider = Provider();
        var registry = new DurableTaskRegistry();
        WorkflowTasks.Register(registry);
        foreach (var activity in registry.GetActivities())
        {
            Should.NotThrow(() => activity.Value(provider), $"activity {activity.Key.Name} does not resolve").ShouldNotBeNull();
        }
    }

    [Fact]
    public async Task ApiHandlersCreate_WithGivenClient_ResolvesEveryHandler()
    {
        using var provider = Provider();
        await using var client = new GrpcDurableTaskClient("test", new GrpcDurableTaskClientOptions { Address = "http://localhost:1" }, NullLogger.Instance);
        var handlers = ApiHandlers.Create(provider, client);
        handlers.Citizens.ShouldNotBeNull();
        handlers.Officers.ShouldNotBeNull();
        handlers.Admin.ShouldNotBeNull();
        handlers.Systems.ShouldNotBeNull();
    }

    [Fact]
    public void AddWorkflowsFunctionsApp_Seeders_AreHostedServices()
    {
        using var provider = Provider();
        var hosted = provider.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        hosted.ShouldContain(typeof(TemplateSeeder));
        hosted.ShouldContain(typeof(CalendarSeeder));
    }

    private static ServiceProvider Provider()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflowsFunctionsApp(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }
}
