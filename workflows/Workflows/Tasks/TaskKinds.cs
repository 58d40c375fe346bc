using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tasks;

/// <summary>How a task of a kind is answered, and so where the answer goes.</summary>
public enum TaskAnswer
{
    /// <summary>A decision (approve, reject, ask for a supplement) sent to the item's instance, which acts on it and writes the task's next state.</summary>
    DecisionToItem,

    /// <summary>A decision (approve: verified, reject: failed) that closes the task where it is taken (<see cref="DecisionDelivery"/>).</summary>
    DecisionClosesTask,

    /// <summary>A written response the applicant reads (<c>POST tasks/{id}/response</c>); never a decision.</summary>
    WrittenResponse,
}

/// <summary>
/// What each kind of task takes and what taking it does, in one place (issue 19): the task routes, the delivery of a
/// decision and the deadline sweep ask here instead of each testing kinds of their own.
/// </summary>
public static class TaskKinds
{
    /// <summary>How a task of <paramref name="kind"/> is answered.</summary>
    /// <param name="kind">The task's kind.</param>
    /// <returns>Its answer.</returns>
    public static TaskAnswer AnswerOf(TaskKind kind) => kind switch
    {
        TaskKind.Decision => TaskAnswer.DecisionToItem,
        TaskKind.Verification => TaskAnswer.DecisionClosesTask,
        TaskKind.FollowUp => TaskAnswer.WrittenResponse,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A task kind nobody has said how to answer."),
    };

    /// <summary>Whether a task of <paramref name="kind"/> takes <paramref name="decision"/>: a verification is verified or failed, never sent back for a supplement; a follow-up takes no decision at all.</summary>
    /// <param name="kind">The task's kind.</param>
    /// <param name="decision">The decision asked for.</param>
    /// <returns>True when the decision applies.</returns>
    public static bool Takes(TaskKind kind, DecisionKind decision) => AnswerOf(kind) switch
    {
        TaskAnswer.DecisionToItem => true,
        TaskAnswer.DecisionClosesTask => decision is DecisionKind.Approve or DecisionKind.Reject,
        _ => false,
    };

    /// <summary>
    /// Whether the engine's deadline sweep (<see cref="TaskDeadlines"/>) reminds and escalates a task of <paramref name="kind"/>.
    /// A decision's due clock is its item's (the item orchestrator's reminder and escalation timers, paused while the
    /// applicant is asked); the other kinds have no orchestrator waiting on them.
    /// </summary>
    /// <param name="kind">The task's kind.</param>
    /// <returns>True when the sweep keeps its time.</returns>
    public static bool SweptForDeadlines(TaskKind kind) => AnswerOf(kind) != TaskAnswer.DecisionToItem;

    /// <summary>Whether a task of <paramref name="kind"/> is written once when created and never over: one an officer closes where it is (a verification) must not be reopened by its creator's write run again.</summary>
    /// <param name="kind">The task's kind.</param>
    /// <returns>True when its creation never overwrites.</returns>
    public static bool CreatedOnce(TaskKind kind) => AnswerOf(kind) == TaskAnswer.DecisionClosesTask;

    /// <summary>What a person reads for the work a task of <paramref name="kind"/> asks, in a reminder or an escalation.</summary>
    /// <param name="kind">The task's kind.</param>
    /// <returns>The words, in Chinese and English.</returns>
    public static LocalText Describe(TaskKind kind) => kind switch
    {
        TaskKind.Decision => new("事项审批", "The decision on an item"),
        TaskKind.Verification => new("承诺核查", "The verification of a commitment"),
        TaskKind.FollowUp => new("差评整改答复", "The answer to a bad rating"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A task kind nobody has described."),
    };
}
