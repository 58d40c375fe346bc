using Workflows.Auth;
using Workflows.Licences;
using Workflows.Templates;

namespace Workflows.Server;

/// <summary>
/// With <c>Auth:DemoUsers</c> on (never in production), gives the demo users the electronic licences they held
/// before (an ID card, a household register...), so the walkthrough shows materials taken from licences.
/// Idempotent: the same numbers every time, and the registry ignores a number it has.
/// </summary>
internal sealed partial class DemoUserSeeder(AuthOptions auth, LicenceRegistry licences, ILogger<DemoUserSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (auth.Validate() is { Count: > 0 } problems)
        {
            LogNoAuth(logger, string.Join(" ", problems));
        }

        if (!auth.DemoUsers)
        {
            return;
        }

        var issued = 0;
        foreach (var user in DemoUsers.All(BuiltInTemplates.Catalog))
        {
            foreach (var type in user.Licences ?? [])
            {
                var number = $"DEMO-{type.ToUpperInvariant()}-{user.Id.ToUpperInvariant()}";
                var record = new LicenceRecord(user.Id, type, number, type, "demo", null, null, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), $"{user.Id}/{type}/{number}.json");
                if (await licences.IssueAsync(record, new { type, holder = user.Name, number }, cancellationToken))
                {
                    issued++;
                }
            }
        }

        LogSeeded(logger, issued);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Demo users ready ({Issued} licences issued now).")]
    static partial void LogSeeded(ILogger logger, int issued);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "No token can be validated, so every API call will get 401: {Problems}")]
    static partial void LogNoAuth(ILogger logger, string problems);
}
