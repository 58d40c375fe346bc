using Microsoft.DurableTask;
using Workflows.Licences;

namespace Workflows.Activities;

/// <summary>
/// Records in the licence registry what an approved item ends in its applicant's licences (the template's
/// <c>revokes</c> and <c>supersedes</c>): each licence is marked on its own row with the item, the reason and the time.
/// Idempotent: a licence already ended stays as it ended, so a re-run or a repeat writes nothing twice and returns
/// only what it ended itself. Scheduled only by items of <see cref="Orchestration.OrchestrationVersions.LicencesEnd"/> on.
/// </summary>
public sealed class EndLicencesActivity(LicenceRegistry registry) : TaskActivity<LicenceEnding, IReadOnlyList<EndedLicence>>
{
    /// <inheritdoc />
    public override async Task<IReadOnlyList<EndedLicence>> RunAsync(TaskActivityContext context, LicenceEnding input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return await registry.EndAsync(input);
    }
}
