using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Workflows.Calendar;
using Workflows.Hosting;

namespace Workflows.Tests.Calendar;

public sealed class CalendarRegistrationTests
{
    static IConfiguration Configuration(Dictionary<string, string?>? extra = null) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" })
        .AddInMemoryCollection(extra ?? [])
        .Build();

    [Fact]
    public void AddWorkflows_Always_RegistersTheStoreAndBindsSlaOptions()
    {
        using var provider = new ServiceCollection().AddWorkflows(Configuration(new() { ["Sla:DayLength"] = "00:00:10" })).BuildServiceProvider();

        provider.GetRequiredService<CalendarStore>().ShouldBeSameAs(provider.GetRequiredService<CalendarStore>());
        provider.GetRequiredService<IOptions<SlaOptions>>().Value.DayLength.ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void AddWorkflows_ZeroDayLength_FailsValidation()
    {
        using var provider = new ServiceCollection().AddWorkflows(Configuration(new() { ["Sla:DayLength"] = "00:00:00" })).BuildServiceProvider();

        Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SlaOptions>>().Value);
    }

    [Fact]
    public void AddWorkflowsEngine_Always_SeedsCalendarsAtStartAfterTemplates()
    {
        var services = new ServiceCollection().AddWorkflowsEngine(Configuration());

        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType).ToList();
        hosted.ShouldContain(typeof(CalendarSeeder));
        hosted.IndexOf(typeof(CalendarSeeder)).ShouldBeGreaterThan(hosted.IndexOf(typeof(Workflows.Templates.TemplateSeeder)));
    }
}
