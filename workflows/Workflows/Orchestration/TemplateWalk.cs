using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>What the walk does with a waiting item.</summary>
public enum WalkAction
{
    /// <summary>Its prerequisites are settled and nothing holds it: it starts.</summary>
    Start,

    /// <summary>The answers leave it out: its inclusion condition does not hold.</summary>
    NotIncluded,

    /// <summary>A prerequisite was rejected, cancelled or failed: it cannot be done.</summary>
    Cancelled,
}

/// <summary>One thing the walk does, in the order the bundle does them.</summary>
/// <param name="Item">The item.</param>
/// <param name="Action">Start it, or settle it.</param>
/// <param name="Result">For a settled item, its result as the bundle records it (the evidence of the condition, the
/// blocker's reason); null for a start.</param>
public sealed record WalkStep(ItemDefinition Item, WalkAction Action, ItemResult? Result = null);

/// <summary>
/// Which waiting items of a template start, which the answers leave out and which a prerequisite that was not
/// approved cancels: the walk of <see cref="BundleOrchestrator"/>, decided from its state and nothing else, so it is
/// tested without an engine. Pure and deterministic: the bundle acts on the steps in their order, and every item
/// starts (is scheduled) in the order it always did (ADR 0004).
/// </summary>
public static class TemplateWalk
{
    /// <summary>The reason of an item its inclusion condition leaves out, in Chinese.</summary>
    public const string NotIncludedZh = "纳入条件不成立。";

    /// <summary>The same reason in English.</summary>
    public const string NotIncludedEn = "Its inclusion condition does not hold.";

    /// <summary>
    /// What to do with the waiting items: passes over the template in its order, each waiting item decided on the
    /// states as the earlier steps left them, again and again until a pass changes nothing (an item left out or
    /// cancelled settles others; a start makes its dependants wait on it).
    /// </summary>
    /// <param name="items">The template's items, in its order.</param>
    /// <param name="states">Where every item stands.</param>
    /// <param name="results">How the ended items ended (a blocker's reason is quoted).</param>
    /// <param name="conditions">The answers, licences and approved items' outputs the conditions read.</param>
    /// <param name="awaited">The roles of the parties whose confirmation is still awaited.</param>
    /// <param name="materials">The materials ledger (an item needs a party whose material it needs).</param>
    /// <returns>The steps in order; an item not named stays waiting.</returns>
    public static IReadOnlyList<WalkStep> Next(
        IReadOnlyList<ItemDefinition> items,
        IReadOnlyDictionary<string, ItemState> states,
        IReadOnlyDictionary<string, ItemResult> results,
        EvaluationContext conditions,
        IReadOnlyCollection<string> awaited,
        IReadOnlyList<MaterialEntry> materials)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(awaited);
        ArgumentNullException.ThrowIfNull(materials);

        // The states and results as the steps so far leave them: a later item of the same pass reads them.
        var now = states.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var ended = results.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        var steps = new List<WalkStep>();
        bool changed;
        do
        {
            changed = false;
            foreach (var item in items)
            {
                if (now[item.Key] != ItemState.Waiting || Decide(item, now, ended, conditions, awaited, materials) is not { } step)
                {
                    continue;
                }

                now[item.Key] = step.Result?.State ?? ItemState.Running;
                if (step.Result is { } result)
                {
                    ended[item.Key] = result;
                }

                steps.Add(step);
                changed = true;
            }
        }
        while (changed);

        return steps;
    }

    /// <summary>
    /// The result of an item the answers leave out, told before its prerequisites end when its condition reads only
    /// answers and licences: such an item is left out whatever happens to its prerequisites.
    /// </summary>
    /// <param name="item">The item.</param>
    /// <param name="conditions">What the condition reads.</param>
    /// <returns>Its NotIncluded result with the evidence; null when it is included or its condition reads outputs.</returns>
    public static ItemResult? NotWanted(ItemDefinition item, EvaluationContext conditions)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.IncludeWhen is not { } when || ConditionEvaluator.ReadsOutputs(when))
        {
            return null;
        }

        var evidence = new List<string>();
        return ConditionEvaluator.Evaluate(when, conditions, evidence) ? null : LeftOut(item, evidence);
    }

    /// <summary>
    /// Whether an item needs a party: a material of theirs is in its part of the ledger, it issues them a certificate
    /// or it supersedes a licence of theirs. Such an item waits while their confirmation is awaited.
    /// </summary>
    /// <param name="item">The item.</param>
    /// <param name="role">The party's role.</param>
    /// <param name="materials">The materials ledger.</param>
    /// <returns>Whether it needs them.</returns>
    public static bool Needs(ItemDefinition item, string role, IReadOnlyList<MaterialEntry> materials)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(materials);
        return materials.Any(m => m.Party == role && m.RequiredBy.Contains(item.Key))
            || item.Supersedes?.Party == role
            || item.Outputs.Any(o => o.Holder == role);
    }

    // One waiting item: left out, cancelled by its first prerequisite that ended unapproved, started, or (null) still waiting.
    static WalkStep? Decide(
        ItemDefinition item,
        Dictionary<string, ItemState> states,
        Dictionary<string, ItemResult> results,
        EvaluationContext conditions,
        IReadOnlyCollection<string> awaited,
        IReadOnlyList<MaterialEntry> materials)
    {
        if (NotWanted(item, conditions) is { } notWanted)
        {
            return new WalkStep(item, WalkAction.NotIncluded, notWanted);
        }

        var blocker = item.DependsOn.FirstOrDefault(d => states[d] is ItemState.Rejected or ItemState.Cancelled or ItemState.Failed);
        if (blocker is not null)
        {
            var reason = $"前置事项“{blocker}”{EndedZh(states[blocker])}：{results[blocker].Reason}";
            var reasonEn = $"Prerequisite '{blocker}' was {states[blocker].ToString().ToLowerInvariant()}: {results[blocker].ReasonEn ?? results[blocker].Reason}";
            return new WalkStep(item, WalkAction.Cancelled, new ItemResult(item.Key, ItemState.Cancelled, "engine", reason, new Dictionary<string, string>(), [], ReasonEn: reasonEn));
        }

        if (!item.DependsOn.All(d => states[d] is ItemState.Approved or ItemState.NotIncluded))
        {
            return null;
        }

        // A condition that reads outputs is told here, once the prerequisites whose outputs it reads are settled.
        var evidence = new List<string>();
        if (item.IncludeWhen is { } when && !ConditionEvaluator.Evaluate(when, conditions, evidence))
        {
            return new WalkStep(item, WalkAction.NotIncluded, LeftOut(item, evidence));
        }

        // An item that needs a party who has not confirmed yet waits for them (2.4).
        return awaited.Any(role => Needs(item, role, materials)) ? null : new WalkStep(item, WalkAction.Start);
    }

    static ItemResult LeftOut(ItemDefinition item, List<string> evidence) =>
        new(item.Key, ItemState.NotIncluded, "engine", NotIncludedZh, new Dictionary<string, string>(), evidence, ReasonEn: NotIncludedEn);

    // How a prerequisite ended, in the Chinese reason of the items it stops.
    static string EndedZh(ItemState state) => state switch
    {
        ItemState.Rejected => "已驳回",
        ItemState.Cancelled => "已取消",
        _ => "未能办结",
    };
}
