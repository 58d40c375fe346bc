using Microsoft.DurableTask;
using Workflows.Applications;
using Workflows.Orchestration;

namespace Workflows.Activities;

/// <summary>
/// The submission check an orchestration needs (reading the applicant's licences and uploads is I/O): the same check
/// a direct submission gets. Reads only, so a re-run answers the same for the same state.
/// </summary>
public sealed class CheckSubmissionActivity(SubmissionChecker checker) : TaskActivity<SubmissionCheck, SubmissionCheckResult>
{
    /// <inheritdoc />
    public override async Task<SubmissionCheckResult> RunAsync(TaskActivityContext context, SubmissionCheck input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (plan, held) = await checker.CheckAsync(input.Template, input.Request, input.Now, input.Clock);
        return new SubmissionCheckResult(plan.Problems, plan.Answers, held, plan.Ledger);
    }
}
