using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Audit;
using Workflows.Cases;
using Workflows.Orchestration;
using Workflows.Ratings;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>One application as an administrator sees it, in one call.</summary>
/// <param name="Application">The application: applicant, items with states, due times and outcomes, the materials ledger.</param>
/// <param name="Tasks">The departments' tasks of its items (status, claim, due time, outcome), in item order.</param>
/// <param name="Audit">Its audit trail, oldest first.</param>
/// <param name="Ratings">The applicant's ratings of it.</param>
/// <param name="Stuck">The stuck case its applicant opened, if any.</param>
/// <param name="Labels">What people read for every code it mentions, from its own template version, in the request's language.</param>
public sealed record AdminApplicationView(
    ApplicationRecord Application, IReadOnlyList<TaskRecord> Tasks, IReadOnlyList<AuditEntry> Audit, IReadOnlyList<Rating> Ratings, StuckCase? Stuck,
    IReadOnlyDictionary<string, string>? Labels);

/// <summary>An administrator's application detail (<see cref="ApiRoutes.AdminApplication"/>).</summary>
/// <param name="applications">The applications' read model.</param>
/// <param name="tasks">The departments' tasks.</param>
/// <param name="audit">The audit trail.</param>
/// <param name="ratings">The ratings.</param>
/// <param name="cases">The stuck cases.</param>
/// <param name="templates">The template versions, for the labels of the application's own version.</param>
public sealed class AdminApplicationApi(ApplicationStore applications, TaskStore tasks, AuditTrail audit, RatingStore ratings, CaseStore cases, TemplateStore templates)
{
    /// <summary>One application with its tasks, audit trail, ratings and stuck case.</summary>
    /// <param name="caller">The caller (the route table lets administrators only).</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 or 404.</returns>
    public async Task<IResult> GetAsync(Caller caller, string applicationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Identifiers.IsSafe(applicationId) || await applications.GetAsync(applicationId, cancellationToken) is not { } record)
        {
            return ApiProblems.NotFound("application");
        }

        var itemTasks = new List<TaskRecord>();
        foreach (var item in record.Items.Where(i => i.State != ItemState.NotIncluded))
        {
            if (await tasks.GetAsync(item.Department, ItemOrchestrator.InstanceId(record.ApplicationId, item.Key), cancellationToken) is { } task)
            {
                itemTasks.Add(task);
            }
        }

        var version = await templates.GetAsync(record.TemplateKey, record.TemplateVersion, cancellationToken);
        return Results.Ok(new AdminApplicationView(
            record,
            itemTasks,
            await audit.ReadAsync(record.ApplicationId, cancellationToken),
            await ratings.ListAsync(record.ApplicationId, cancellationToken),
            (await cases.GetStoredAsync(StuckCase.IdFor(record.ApplicationId), cancellationToken))?.Case,
            version is null ? null : Labels.For(version.Version.Definition, BuiltInTemplates.Catalog, ratingTags: true)));
    }
}
