using Microsoft.DurableTask;

namespace Workflows.Orchestration;

/// <summary>
/// Decides one department item of an application: by rules at once (秒批), by an officer of the department
/// (approve, reject, or ask for a supplement and wait for it), or by an outside system's callback. Holds an
/// approval until deferred materials (容缺) arrive or their deadline passes, issues the item's outputs, and opens
/// the verification of a commitment (告知承诺) it was approved on. One instance per item: <c>{application}:{item}</c>.
/// </summary>
public sealed class ItemOrchestrator : TaskOrchestrator<ItemInput, ItemResult>
{
    /// <summary>
    /// Supplement rounds one item may go through. Each round adds to the instance's history; a bound keeps the
    /// history small, and no real matter needs more.
    /// </summary>
    public const int MaxSupplementRounds = 20;

    /// <summary>Results from the wrong outside system an item ignores before it gives up (bounds its history).</summary>
    public const int MaxForeignCallbacks = 20;

    /// <summary>Due-time extensions one item takes; later ones are audited and ignored (bounds its history).</summary>
    public const int MaxExtensions = 20;

    /// <summary>
    /// Wake-ups of one decision wait (events, reminders, escalations, timers aimed again): far more than the bounded
    /// supplements and extensions need, so only a flood of ignored events reaches it.
    /// </summary>
    public const int MaxOfficerWaits = 300;

    /// <summary>The most working days one extension may add.</summary>
    public const int MaxExtensionDays = 60;

    /// <summary>The instance id of an item of an application.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="itemKey">The item.</param>
    /// <returns>The id.</returns>
    public static string InstanceId(string applicationId, string itemKey) => $"{applicationId}:{itemKey}";

    /// <inheritdoc />
    public override async Task<ItemResult> RunAsync(TaskOrchestrationContext context, ItemInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var run = new ItemRun(context, input);
        return await run.ExecuteAsync();
    }
}
