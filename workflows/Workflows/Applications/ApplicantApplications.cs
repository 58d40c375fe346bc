using Microsoft.DurableTask.Client;
using Workflows.Orchestration;

namespace Workflows.Applications;

/// <summary>
/// Finds an application for the applicant it belongs to. The read model is written by the bundle's first step, a
/// moment after the submit was accepted; until then the bundle instance's own input (whose id is the application id)
/// says whose it is. Anyone else's application, and one that does not exist, are the same: null.
/// </summary>
/// <param name="store">The read model.</param>
/// <param name="client">The Durable Task client whose task hub runs the bundles.</param>
public sealed class ApplicantApplications(ApplicationStore store, DurableTaskClient client)
{
    /// <summary>The applicant's application: the read model, or, before it is written, one made from the accepted bundle's input.</summary>
    /// <param name="applicantId">The caller's applicant id.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The application, or null when it is not theirs or does not exist.</returns>
    public async Task<ApplicationRecord?> FindAsync(string applicantId, string applicationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(applicantId);
        ArgumentNullException.ThrowIfNull(applicationId);
        var record = await store.GetAsync(applicationId, cancellationToken);
        if (record is not null)
        {
            return record.Applicant.Id == applicantId ? record : null;
        }

        var input = await EngineInputs.ReadAsync<BundleInput>(client, applicationId, nameof(BundleOrchestrator), cancellationToken);
        if (input is null || input.Applicant.Id != applicantId)
        {
            return null;
        }

        // Accepted and not yet written: in progress, every item still to start.
        return new ApplicationRecord(input.ApplicationId, input.Applicant, input.Template.Key, input.TemplateVersion, input.Template.Name,
            ApplicationStatus.InProgress, input.SubmittedAt, input.SubmittedAt,
            [.. input.Template.Items.Select(i => new ItemView(i.Key, i.Name, i.Department, ItemState.Waiting))], input.Materials);
    }
}
