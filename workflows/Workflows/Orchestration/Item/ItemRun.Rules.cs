using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>Rules (秒批): decided at once, or referred to an officer with the rules' note.</summary>
sealed partial class ItemRun
{
    async Task<ItemResult> DecideByRulesAsync(RuleDecision rules)
    {
        var verdict = RuleEngine.Decide(rules, new EvaluationContext(input.Answers, input.Licences.ToHashSet(StringComparer.Ordinal), input.PriorOutputs, input.SubmittedOn, input.ClockOrDefault().Calendar));
        var decidedBy = verdict.RuleKey is null ? "rules:fallback" : $"rule:{verdict.RuleKey}";
        writes.Audit(decidedBy, "item.rules.evaluated", null, verdict.Outcome.ToString(),
            $"{verdict.Rationale} | {string.Join("; ", verdict.Evidence)}", verdict.RationaleEn is { } en ? $"{en} | {string.Join("; ", verdict.Evidence)}" : null);
        return verdict.Outcome switch
        {
            RuleOutcome.Approve => new ItemResult(item.Key, ItemState.Approved, decidedBy, verdict.Rationale, NoOutputs, verdict.Evidence, ReasonEn: verdict.RationaleEn),
            RuleOutcome.Reject => new ItemResult(item.Key, ItemState.Rejected, decidedBy, verdict.Rationale, NoOutputs, verdict.Evidence, ReasonEn: verdict.RationaleEn),
            // The rationale is template data in each language (ADR 0016); the note says it in both.
            _ => await DecideByOfficerAsync(note: $"规则转人工审核：{verdict.Rationale}", noteEn: $"Referred by rules: {verdict.RationaleEn ?? verdict.Rationale}"),
        };
    }
}
