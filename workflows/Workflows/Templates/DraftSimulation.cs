using Workflows.Calendar;

namespace Workflows.Templates;

/// <summary>One past application's inputs as they were at submission: what a simulation evaluates a template against.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="SubmittedAt">When it was accepted.</param>
/// <param name="Answers">The form's answers, normalised as the bundle received them.</param>
/// <param name="Licences">Licence types the applicant held at submission.</param>
/// <param name="Materials">The materials ledger at submission (material key to how it was satisfied).</param>
/// <param name="Calendar">The working calendar pinned at submission; weekends only when null.</param>
/// <param name="Outputs">Outputs of items the application had approved (item, then output, to value), for conditions
/// that read them; empty when unknown (such conditions then do not hold, in both versions alike).</param>
public sealed record PastApplication(
    string ApplicationId,
    DateTime SubmittedAt,
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlySet<string> Licences,
    IReadOnlyDictionary<string, string> Materials,
    WorkingCalendar? Calendar = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Outputs = null);

/// <summary>What a change to one item is.</summary>
public enum SimulatedChangeKind
{
    /// <summary>Left out under the published version, included under the draft (or new in the draft and included).</summary>
    NewlyIncluded,

    /// <summary>Included under the published version, left out under the draft (or removed from it).</summary>
    Dropped,

    /// <summary>Decided by rules in both, with another outcome (approve, reject, refer to an officer).</summary>
    DecisionFlipped,

    /// <summary>Included in both; the committed working days differ.</summary>
    TimeLimitMoved,
}

/// <summary>A rule decision as it would be made, with its rationale in both languages.</summary>
/// <param name="Outcome">Approve, reject or refer to an officer.</param>
/// <param name="Rule">The rule that held; null for the fallback.</param>
/// <param name="Rationale">Why, in Chinese.</param>
/// <param name="RationaleEn">Why, in English (the Chinese when the template has none).</param>
public sealed record SimulatedVerdict(RuleOutcome Outcome, string? Rule, string Rationale, string RationaleEn)
{
    /// <summary>The verdict of the rule engine, as shown.</summary>
    /// <param name="verdict">The engine's verdict.</param>
    /// <returns>The shown verdict.</returns>
    public static SimulatedVerdict Of(RuleVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new(verdict.Outcome, verdict.RuleKey, verdict.Rationale, verdict.RationaleEn ?? verdict.Rationale);
    }
}

/// <summary>One thing the draft would have done differently for one item of one past application.</summary>
/// <param name="Item">The item's key; null for the bundle's own time limit.</param>
/// <param name="Kind">What changed.</param>
/// <param name="Name">The item's name (the draft's when it has the item), in Chinese.</param>
/// <param name="NameEn">The item's name in English.</param>
/// <param name="Before">For a flipped decision: the published version's verdict.</param>
/// <param name="After">For a flipped decision: the draft's verdict.</param>
/// <param name="DaysBefore">For a moved time limit: the published version's committed working days.</param>
/// <param name="DaysAfter">For a moved time limit: the draft's committed working days.</param>
public sealed record SimulatedChange(
    string? Item, SimulatedChangeKind Kind, string Name, string NameEn,
    SimulatedVerdict? Before = null, SimulatedVerdict? After = null, int? DaysBefore = null, int? DaysAfter = null);

/// <summary>What the draft would have changed for one past application.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="Changes">Every change, in the draft's item order (items only the published version has last).</param>
public sealed record SimulatedApplication(string ApplicationId, DateTime SubmittedAt, IReadOnlyList<SimulatedChange> Changes);

/// <summary>Counts over many applications: how many each kind of change touches.</summary>
/// <param name="Applications">Applications simulated.</param>
/// <param name="Changed">Applications with any change.</param>
/// <param name="NewlyIncluded">Items newly included, summed over applications.</param>
/// <param name="Dropped">Items dropped, summed.</param>
/// <param name="DecisionsFlipped">Rule decisions that flip, summed.</param>
/// <param name="TimeLimitsMoved">Time limits that move, summed (the bundle's counts once per application).</param>
public sealed record SimulationCounts(int Applications, int Changed, int NewlyIncluded, int Dropped, int DecisionsFlipped, int TimeLimitsMoved)
{
    /// <summary>No application yet.</summary>
    public static SimulationCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>These counts with one more application's changes.</summary>
    /// <param name="application">The application's simulation.</param>
    /// <returns>The new counts.</returns>
    public SimulationCounts Add(SimulatedApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        var c = application.Changes;
        return new(
            Applications + 1,
            Changed + (c.Count > 0 ? 1 : 0),
            NewlyIncluded + c.Count(x => x.Kind == SimulatedChangeKind.NewlyIncluded),
            Dropped + c.Count(x => x.Kind == SimulatedChangeKind.Dropped),
            DecisionsFlipped + c.Count(x => x.Kind == SimulatedChangeKind.DecisionFlipped),
            TimeLimitsMoved + c.Count(x => x.Kind == SimulatedChangeKind.TimeLimitMoved));
    }

    /// <summary>Whether the draft would change any rule decision or inclusion (what publishing asks to confirm).</summary>
    public bool ChangesDecisions => NewlyIncluded + Dropped + DecisionsFlipped > 0;
}

/// <summary>
/// Runs a draft's inclusion conditions and rules against one past application's inputs beside the published version's,
/// starting nothing: pure and deterministic. It calls the evaluator and rule engine the orchestrators call
/// (<see cref="ConditionEvaluator"/>, <see cref="RuleEngine"/>) with the context they build, so what it says is what
/// the engine would have decided; counts over many applications are a fold with <see cref="SimulationCounts.Add"/>.
/// </summary>
public static class DraftSimulation
{
    /// <summary>What the draft would change for one application.</summary>
    /// <param name="published">The version the application ran on.</param>
    /// <param name="draft">The draft.</param>
    /// <param name="application">The application's inputs at submission.</param>
    /// <returns>The changes; none when the draft decides it as the published version did.</returns>
    public static SimulatedApplication Simulate(BundleTemplate published, BundleTemplate draft, PastApplication application)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(application);
        var before = published.Items.ToDictionary(i => i.Key, StringComparer.Ordinal);
        var after = draft.Items.ToDictionary(i => i.Key, StringComparer.Ordinal);
        var changes = new List<SimulatedChange>();
        foreach (var item in draft.Items)
        {
            before.TryGetValue(item.Key, out var old);
            Compare(old, item, application, changes);
        }

        foreach (var old in published.Items.Where(i => !after.ContainsKey(i.Key)))
        {
            Compare(old, null, application, changes);
        }

        if (published.CommittedDays != draft.CommittedDays)
        {
            changes.Add(new SimulatedChange(null, SimulatedChangeKind.TimeLimitMoved, draft.Name, draft.NameEn ?? draft.Name,
                DaysBefore: published.CommittedDays, DaysAfter: draft.CommittedDays));
        }

        return new SimulatedApplication(application.ApplicationId, application.SubmittedAt, changes);
    }

    static void Compare(ItemDefinition? old, ItemDefinition? now, PastApplication application, List<SimulatedChange> changes)
    {
        var shown = (now ?? old)!;
        var name = shown.Name;
        var nameEn = shown.NameEn ?? shown.Name;
        var wasIn = old is not null && Included(old, application);
        var isIn = now is not null && Included(now, application);
        if (wasIn != isIn)
        {
            changes.Add(new SimulatedChange(shown.Key, isIn ? SimulatedChangeKind.NewlyIncluded : SimulatedChangeKind.Dropped, name, nameEn));
            return;
        }

        if (!wasIn)
        {
            return;
        }

        if (old!.Decision is RuleDecision oldRules && now!.Decision is RuleDecision newRules)
        {
            var was = RuleEngine.Decide(oldRules, ItemContext(old, application));
            var will = RuleEngine.Decide(newRules, ItemContext(now, application));
            if (was.Outcome != will.Outcome)
            {
                changes.Add(new SimulatedChange(shown.Key, SimulatedChangeKind.DecisionFlipped, name, nameEn, SimulatedVerdict.Of(was), SimulatedVerdict.Of(will)));
            }
        }

        if (old.CommittedDays != now!.CommittedDays)
        {
            changes.Add(new SimulatedChange(shown.Key, SimulatedChangeKind.TimeLimitMoved, name, nameEn, DaysBefore: old.CommittedDays, DaysAfter: now.CommittedDays));
        }
    }

    // As the bundle decides inclusion: every approved item's outputs, the licences held at submission.
    static bool Included(ItemDefinition item, PastApplication application) =>
        item.IncludeWhen is not { } when || ConditionEvaluator.Evaluate(when, BundleContext(application));

    static EvaluationContext BundleContext(PastApplication application) =>
        new(application.Answers, application.Licences, application.Outputs ?? Empty, DateOnly.FromDateTime(application.SubmittedAt), application.Calendar);

    // As the item orchestrator decides by rules: the outputs of its prerequisites only.
    static EvaluationContext ItemContext(ItemDefinition item, PastApplication application)
    {
        var outputs = application.Outputs ?? Empty;
        var prior = item.DependsOn.Where(outputs.ContainsKey).ToDictionary(d => d, d => outputs[d], StringComparer.Ordinal);
        return new(application.Answers, application.Licences, prior, DateOnly.FromDateTime(application.SubmittedAt), application.Calendar);
    }

    static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Empty = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
}
