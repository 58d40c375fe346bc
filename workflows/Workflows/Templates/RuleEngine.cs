namespace Workflows.Templates;

/// <summary>The result of deciding an item by rules (秒批), with everything needed to explain it.</summary>
/// <param name="Outcome">Approve, reject or refer to an officer.</param>
/// <param name="RuleKey">The rule that decided; null when none held and the fallback applied.</param>
/// <param name="Rationale">The rule's readable rationale, or the fallback's.</param>
/// <param name="Evidence">The values the rules looked at.</param>
/// <param name="RationaleEn">The rationale in English, when the template or the engine has it.</param>
public sealed record RuleVerdict(RuleOutcome Outcome, string? RuleKey, string Rationale, IReadOnlyList<string> Evidence, string? RationaleEn = null);

/// <summary>Decides a rule-decided item: the first rule that holds wins; otherwise the fallback.</summary>
public static class RuleEngine
{
    /// <summary>The rationale recorded when no rule holds.</summary>
    public const string NoRuleHeld = "No rule held; the item's fallback applies.";

    /// <summary>The rationale recorded when no rule holds, in Chinese.</summary>
    public const string NoRuleHeldZh = "没有规则成立，按该事项的兜底方式处理。";

    /// <summary>Decides.</summary>
    /// <param name="decision">The item's rules.</param>
    /// <param name="context">The application's values.</param>
    /// <returns>The verdict with its rationale and evidence.</returns>
    public static RuleVerdict Decide(RuleDecision decision, EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var evidence = new List<string>();
        foreach (var rule in decision.Rules)
        {
            var seen = new List<string>();
            var holds = ConditionEvaluator.Evaluate(rule.When, context, seen);
            evidence.AddRange(seen.Select(s => $"{rule.Key}: {s}"));
            if (holds)
            {
                return new RuleVerdict(rule.Then, rule.Key, rule.Rationale, evidence, rule.RationaleEn);
            }
        }

        return new RuleVerdict(decision.Otherwise, null, NoRuleHeldZh, evidence, NoRuleHeld);
    }
}
