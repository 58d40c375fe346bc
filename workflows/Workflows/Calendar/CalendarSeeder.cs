using Microsoft.Extensions.Hosting;

namespace Workflows.Calendar;

/// <summary>At start-up, saves the built-in calendar versions the store does not have yet, so due times have holidays from the first application.</summary>
public sealed class CalendarSeeder(CalendarStore store) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => store.SeedBuiltInsAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
