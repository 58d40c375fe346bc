using Microsoft.Extensions.Hosting;

namespace Workflows.Templates;

/// <summary>At start-up, publishes the built-in templates that the store does not have yet, so a fresh deployment can take applications.</summary>
public sealed class TemplateSeeder(TemplateStore store) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => store.SeedBuiltInsAsync(BuiltInTemplates.Catalog, cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
