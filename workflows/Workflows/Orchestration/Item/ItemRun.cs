using Microsoft.DurableTask;
using Workflows.Activities;
using Workflows.Calendar;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>
/// The state of one execution and the item's story: decide (by rules, an officer or an outside system), hold an
/// approval for deferred materials, then finish with the outputs. All time and ids come from the context, so
/// replays match. The other parts of this class hold one concern each (Item/ItemRun.*.cs); splitting them moved no
/// await, so instances in flight replay unchanged (ADR 0029).
/// </summary>
sealed partial class ItemRun(TaskOrchestrationContext context, ItemInput input)
{
    static readonly IReadOnlyDictionary<string, string> NoOutputs = new Dictionary<string, string>();

    readonly ItemDefinition item = input.Item;

    // The item's name in English notifications: its own English name, or the Chinese one when it has none.
    string NameEn => item.NameEn ?? item.Name;
    readonly Task<ItemCancellationRequested> cancellation = context.WaitForExternalEvent<ItemCancellationRequested>(nameof(ItemCancellationRequested));
    // Writes made but not done yet (audit entries, notifications, the latest state of the decision task): they go
    // together, before each wait and when the item ends (Item/ItemRun.Writes.cs).
    readonly WriteBuffer writes = WriteBuffer.ForItem(input.ApplicationId, input.Item.Key, context.InstanceId, () => context.CurrentUtcDateTime);
    readonly SlaClock clock = input.ClockOrDefault();
    // Decisions acted on, by id: the same decision delivered again (the API re-sends one that seemed lost) is not
    // a second decision. Rebuilt by replay like the rest of this state.
    readonly HashSet<string> decided = new(StringComparer.Ordinal);
    // The times the item waited on the applicant, for the bundle's clock (the item's own due time moves at once).
    readonly List<ApplicantHold> holds = [];
    // Materials the applicant supplied in this item's supplements (2.3 on): a deferred one among them is not awaited.
    readonly HashSet<string> suppliedHere = new(StringComparer.Ordinal);
    // The decision task as last set (written or not), so a reminder or an extension changes only what it changes.
    TaskRecord? current;
    Task<DueExtended>? extension;
    DateTime due;
    // The due time each timer last fired for: each fires once per due time, and an extension arms both again.
    DateTime? remindedFor;
    DateTime? escalatedFor;
    int extensions;
    // Wake-ups of the item's waits so far (events, reminders, escalations, timers aimed again).
    int wakes;

    string TaskId => context.InstanceId;

    public async Task<ItemResult> ExecuteAsync()
    {
        try
        {
            return await DecideAndFinishAsync();
        }
        catch (TaskFailedException) when (!writes.IsEmpty)
        {
            // An activity ran out of retries and the item fails. The trail and the task list still get what
            // happened before; the outcome entry is never in the buffer, so it cannot claim an end not reached.
            try
            {
                await FlushAsync();
            }
            catch (TaskFailedException)
            {
                // Storage is still failing; the first failure is the one to report.
            }

            throw;
        }
    }

    async Task<ItemResult> DecideAndFinishAsync()
    {
        due = clock.Due(context.CurrentUtcDateTime, item.CommittedDays);
        var log = context.CreateReplaySafeLogger<ItemOrchestrator>();
        OrchestrationLog.ItemStarted(log, input.ApplicationId, item.Key, item.Decision.GetType().Name);
        writes.Audit("engine", "item.started", null, nameof(ItemState.Running), $"截止 {due:o}", $"due {due:o}");

        var result = item.Decision switch
        {
            RuleDecision rules => await DecideByRulesAsync(rules),
            ExternalDecision external => await DecideExternallyAsync(external),
            _ => await DecideByOfficerAsync(note: null),
        };

        if (result.State == ItemState.Approved)
        {
            result = await AwaitDeferredMaterialsAsync(result);
        }

        IssueCertificatesInput? certificates = null;
        IReadOnlyList<TaskRecord> verifications = [];
        if (result.State == ItemState.Approved)
        {
            (var outputs, certificates) = ItemOutputs.Of(input, result.Outputs, context.InstanceId, context.CurrentUtcDateTime);
            result = result with { Outputs = outputs };
            verifications = ItemEffects.Verifications(input, context.CurrentUtcDateTime);
            ItemEffects.NotifyVerifiers(input, verifications, writes, context.CurrentUtcDateTime);
        }

        if (holds.Count > 0)
        {
            result = result with { HeldByApplicant = [.. holds] };
        }

        await FinishAsync(result, certificates, verifications);
        OrchestrationLog.ItemEnded(log, input.ApplicationId, item.Key, result.State, result.DecidedBy);
        return result;
    }
}
