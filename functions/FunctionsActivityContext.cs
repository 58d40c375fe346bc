using Microsoft.DurableTask;

namespace Workflows.Functions;

/// <summary>
/// The <see cref="TaskActivityContext"/> an activity trigger hands to a class-based activity: the activity's name
/// and the instance id the Durable Functions host binds from the trigger's metadata.
/// </summary>
/// <param name="name">The activity's name, the same as its function's name.</param>
/// <param name="instanceId">The id of the orchestration instance that scheduled the activity.</param>
internal sealed class FunctionsActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    /// <inheritdoc />
    public override TaskName Name { get; } = name;

    /// <inheritdoc />
    public override string InstanceId { get; } = instanceId;
}
