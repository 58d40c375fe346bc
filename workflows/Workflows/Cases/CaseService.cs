using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Workflows.Applications;
using Workflows.Calendar;

namespace Workflows.Cases;

/// <summary>
/// Opens and resolves stuck cases: one <see cref="StuckCaseOrchestrator"/> per application (instance id
/// <c>case:{applicationId}</c>), so a second report cannot start a second case, and a resolution is delivered once.
/// </summary>
public sealed class CaseService(DurableTaskClient client, CaseStore cases, SlaClockSource clocks, IOptions<CaseOptions> options)
{
    /// <summary>Opens a case for an application.</summary>
    /// <param name="application">The application reported.</param>
    /// <param name="description">What is stuck.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The case id.</returns>
    /// <exception cref="CaseAlreadyReportedException">The application has a case already.</exception>
    public async Task<string> OpenAsync(ApplicationRecord application, string description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        var caseId = StuckCase.IdFor(application.ApplicationId);
        await EnsureNoneAsync(caseId, cancellationToken);
        var input = new StuckCaseInput(caseId, application.ApplicationId, application.Applicant.Id, application.Applicant.Name, description,
            await clocks.CurrentAsync(cancellationToken), options.Value.LimitDays, options.Value.ReminderBeforeDays);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(StuckCaseOrchestrator), input, new StartOrchestrationOptions(caseId), cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Two reports at once: the one that lost finds the other's instance; anything else is a real failure.
            await EnsureNoneAsync(caseId, cancellationToken);
            throw;
        }

        return caseId;
    }

    /// <summary>Delivers an administrator's resolution to an open case, once.</summary>
    /// <param name="caseId">The case.</param>
    /// <param name="by">Who (admin:ID).</param>
    /// <param name="resolution">What was done.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when delivered.</returns>
    /// <exception cref="KeyNotFoundException">No such case.</exception>
    /// <exception cref="CaseAlreadyResolvedException">It is resolved, or another resolution is being delivered.</exception>
    public async Task ResolveAsync(string caseId, string by, string resolution, CancellationToken cancellationToken = default)
    {
        var stored = await cases.GetStoredAsync(caseId, cancellationToken) ?? throw new KeyNotFoundException($"No case {caseId}.");
        if (stored.Case.Status == CaseStatus.Resolved || stored.ResolvingBy is not null
            || await cases.TryMarkResolvingAsync(caseId, stored.ETag, by, cancellationToken) is not { } marked)
        {
            throw new CaseAlreadyResolvedException(caseId);
        }

        try
        {
            await client.RaiseEventAsync(caseId, nameof(CaseResolved), new CaseResolved(by, resolution), cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not delivered: lift the mark, or the case could never be resolved by anyone again.
            await cases.TryUnmarkResolvingAsync(caseId, marked, CancellationToken.None);
            throw;
        }
    }

    async Task EnsureNoneAsync(string caseId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(caseId, getInputsAndOutputs: false, cancellationToken);
        // A failed instance (its save ran out of retries) holds no case anyone can resolve: a new report starts it again.
        if (instance is not null && instance.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            throw new CaseAlreadyReportedException(caseId, instance.RuntimeStatus is not (OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated));
        }
    }
}
