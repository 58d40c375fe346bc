using System.Globalization;

namespace Workflows.Templates;

/// <summary>What a condition is evaluated against: the form's answers, the applicant's licences, approved items' outputs.</summary>
/// <param name="Answers">Form answers by field key, normalised to invariant text (numbers, true/false, yyyy-MM-dd).</param>
/// <param name="Licences">Licence types the applicant holds.</param>
/// <param name="Outputs">Outputs of approved items: item key, then output key, to value.</param>
public sealed record EvaluationContext(
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlySet<string> Licences,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Outputs);

/// <summary>
/// Evaluates conditions, recording the values it looked at as evidence, so every automatic decision can say
/// which values led to it. Pure and deterministic: safe inside an orchestrator.
/// </summary>
public static class ConditionEvaluator
{
    /// <summary>Evaluates a condition.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="context">The values.</param>
    /// <param name="evidence">Receives one line per value consulted, e.g. <c>field hasSeal = true</c>.</param>
    /// <returns>Whether it holds.</returns>
    public static bool Evaluate(Condition condition, EvaluationContext context, ICollection<string>? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(context);
        switch (condition)
        {
            case FieldEquals eq:
                return string.Equals(Answer(eq.Field, context, evidence), eq.Value, StringComparison.Ordinal);
            case FieldIn fieldIn:
                var answer = Answer(fieldIn.Field, context, evidence);
                return answer is not null && fieldIn.Values.Contains(answer, StringComparer.Ordinal);
            case FieldCompare compare:
                var text = Answer(compare.Field, context, evidence);
                if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }

                return compare.Comparison switch
                {
                    Comparison.LessThan => number < compare.Value,
                    Comparison.AtMost => number <= compare.Value,
                    Comparison.GreaterThan => number > compare.Value,
                    Comparison.AtLeast => number >= compare.Value,
                    _ => false,
                };
            case FieldPresent present:
                return !string.IsNullOrEmpty(Answer(present.Field, context, evidence));
            case HasLicence licence:
                var holds = context.Licences.Contains(licence.LicenceType);
                evidence?.Add($"licence {licence.LicenceType}: {(holds ? "held" : "not held")}");
                return holds;
            case OutputEquals output:
                var value = context.Outputs.TryGetValue(output.Item, out var outputs) && outputs.TryGetValue(output.Output, out var v) ? v : null;
                evidence?.Add($"output {output.Item}.{output.Output} = {Show(value)}");
                return string.Equals(value, output.Value, StringComparison.Ordinal);
            case AllOf all:
                // Evaluate every part (no short circuit) so the evidence shows all values considered.
                return all.Conditions.Select(c => Evaluate(c, context, evidence)).ToList().TrueForAll(b => b);
            case AnyOf any:
                return any.Conditions.Select(c => Evaluate(c, context, evidence)).ToList().Exists(b => b);
            case NotCondition not:
                return !Evaluate(not.Condition, context, evidence);
            default:
                throw new NotSupportedException($"Condition {condition.GetType().Name} has no evaluation.");
        }
    }

    /// <summary>Whether a condition reads an item's output, and so can only be evaluated once that item is approved.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>True when it reads an output anywhere.</returns>
    public static bool ReadsOutputs(Condition condition) => condition switch
    {
        OutputEquals => true,
        AllOf all => all.Conditions.Any(ReadsOutputs),
        AnyOf any => any.Conditions.Any(ReadsOutputs),
        NotCondition not => ReadsOutputs(not.Condition),
        _ => false,
    };

    static string? Answer(string field, EvaluationContext context, ICollection<string>? evidence)
    {
        var value = context.Answers.TryGetValue(field, out var v) ? v : null;
        evidence?.Add($"field {field} = {Show(value)}");
        return value;
    }

    static string Show(string? value) => value is null ? "(none)" : $"'{value}'";
}
