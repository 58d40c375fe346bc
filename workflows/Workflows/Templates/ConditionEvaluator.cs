using System.Globalization;
using System.Text.Json;
using Workflows.Calendar;

namespace Workflows.Templates;

/// <summary>What a condition is evaluated against: the form's answers, the applicant's licences, approved items' outputs.</summary>
/// <param name="Answers">Form answers by field key, normalised to invariant text (numbers, true/false, yyyy-MM-dd).</param>
/// <param name="Licences">Licence types the applicant holds.</param>
/// <param name="Outputs">Outputs of approved items: item key, then output key, to value.</param>
/// <param name="SubmittedOn">The date the application was submitted, for <see cref="DateCompare"/> of the submission;
/// unknown when null (such a comparison then does not hold).</param>
/// <param name="Calendar">The application's pinned working calendar, for working days; weekends only when null.</param>
public sealed record EvaluationContext(
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlySet<string> Licences,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Outputs,
    DateOnly? SubmittedOn = null,
    WorkingCalendar? Calendar = null);

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
            case FieldBetween between:
                if (!decimal.TryParse(Answer(between.Field, context, evidence), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
                {
                    return false;
                }

                return (between.Min is not { } low || amount >= low) && (between.Max is not { } high || amount <= high);
            case FieldIncludes includes:
                return Choices(Answer(includes.Field, context, evidence)).Contains(includes.Value, StringComparer.Ordinal);
            case DateCompare date:
                return CompareDates(date, context, evidence);
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

    /// <summary>The options of a normalised multi-choice answer (a JSON list of text); none when absent or not such a list.</summary>
    /// <param name="normalised">The answer as stored.</param>
    /// <returns>The options chosen.</returns>
    public static IReadOnlyList<string> Choices(string? normalised)
    {
        if (string.IsNullOrEmpty(normalised) || normalised[0] != '[')
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<string[]>(normalised) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The longest distance a <see cref="DateCompare"/> may give, in days (ten years), so evaluation stays bounded.</summary>
    public const int MaxDateDays = 3660;

    /// <summary>The most years a <see cref="DateCompare"/> may move by (an age or a span of a working life).</summary>
    public const int MaxDateYears = 120;

    /// <summary>The most months a <see cref="DateCompare"/> may move by besides its years.</summary>
    public const int MaxDateMonths = 1440;

    static bool CompareDates(DateCompare compare, EvaluationContext context, ICollection<string>? evidence)
    {
        var date = Date(Answer(compare.Field, context, evidence));
        DateOnly? reference;
        if (compare.Of == DateCompare.Submission)
        {
            reference = context.SubmittedOn;
            evidence?.Add($"submission date = {(reference is { } on ? $"'{on:yyyy-MM-dd}'" : "(none)")}");
        }
        else
        {
            reference = Date(Answer(compare.Of, context, evidence));
        }

        if (date is not { } d || reference is not { } r || compare.Days is < 0 or > MaxDateDays
            || compare.Years is < 0 or > MaxDateYears || compare.Months is < 0 or > MaxDateMonths)
        {
            return false;
        }

        var calendar = context.Calendar ?? WorkingCalendar.WeekendsOnly;
        return compare.Relation switch
        {
            DateRelation.Before => d < Move(r, -1, compare, calendar),
            DateRelation.After => d > Move(r, 1, compare, calendar),
            DateRelation.Within => Move(r, -1, compare, calendar) <= d && d <= Move(r, 1, compare, calendar),
            _ => false,
        };
    }

    // Years and months first (29 February moved by whole years lands on the 28th in a common year), then the days.
    static DateOnly Move(DateOnly date, int sign, DateCompare compare, WorkingCalendar calendar)
    {
        var moved = date.AddYears(sign * compare.Years).AddMonths(sign * compare.Months);
        return Move(moved, sign * compare.Days, compare.Count, calendar);
    }

    // Calendar days move by the date; working days step one day at a time and count only working days, so 1 working
    // day after a Friday is the Monday (or the day after a holiday). 0 leaves the date where it is.
    static DateOnly Move(DateOnly date, int days, DayCount count, WorkingCalendar calendar)
    {
        if (count == DayCount.CalendarDays || days == 0)
        {
            return date.AddDays(days);
        }

        var step = Math.Sign(days);
        // A calendar with no working day at all would never end; a year of days off per working day is the bound.
        for (int left = Math.Abs(days), guard = 0; left > 0 && guard < (Math.Abs(days) + 1) * 366; guard++)
        {
            date = date.AddDays(step);
            if (calendar.IsWorkingDay(date))
            {
                left--;
            }
        }

        return date;
    }

    static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    static string? Answer(string field, EvaluationContext context, ICollection<string>? evidence)
    {
        var value = context.Answers.TryGetValue(field, out var v) ? v : null;
        evidence?.Add($"field {field} = {Show(value)}");
        return value;
    }

    static string Show(string? value) => value is null ? "(none)" : $"'{value}'";
}
