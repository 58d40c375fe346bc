using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Workflows.Storage;

namespace Workflows.SelfCheck;

/// <summary>
/// One unit of side-effecting work: appends an attempt row, works for a while, then records the step's
/// result once. A re-run (the engine delivers at least once) finds the result and returns it unchanged.
/// </summary>
public sealed class RecordStepActivity(StepLedger ledger, ILogger<RecordStepActivity> logger) : TaskActivity<StepInput, string>
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(TaskActivityContext context, StepInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await ledger.RecordAttemptAsync(context.InstanceId, input.Step);
        if (input.DelayMs > 0)
        {
            await Task.Delay(input.DelayMs);
        }

        if (input.AlwaysFail)
        {
            logger.StepFailing(context.InstanceId, input.Step);
            throw new SelfCheckFailureException($"Step '{input.Step}' was asked to fail.");
        }

        var (result, written) = await ledger.RecordOnceAsync(context.InstanceId, input.Step, $"{input.Step}:{input.Payload}");
        logger.StepRecorded(context.InstanceId, input.Step, written);
        return result;
    }
}
