using System.Globalization;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Benchmarks;

/// <summary>
/// A built-in bundle template turned into a workload the engine can run with nobody in the loop: every item's
/// decision (officer, outside system or the template's own rules) is replaced by one rule that always approves,
/// the answers make every item part of the application, and the materials ledger holds no deferral and no
/// commitment, so no item waits for anything but its prerequisites. The bench starts
/// <see cref="BundleOrchestrator"/> with it directly, without the submission planner. The officer-decided variant
/// (<see cref="AllOfficers"/>) is the same but for the decisions: an officer decides every item, and the bench's
/// scripted officers (ScriptedOfficers) approve each task as it appears.
/// </summary>
public sealed class BundleWorkload
{
    /// <summary>The key of the one rule every item is decided by.</summary>
    public const string RuleKey = "bench-always-approve";

    /// <summary>The prefix of <see cref="ItemResult.DecidedBy"/> of an item a scripted officer decided.</summary>
    public const string OfficerPrefix = "officer:bench-officer-";

    BundleWorkload(BundleTemplate template, IReadOnlyDictionary<string, string> answers, IReadOnlyList<string> licences, IReadOnlyList<MaterialEntry> materials, bool byOfficers)
    {
        ByOfficers = byOfficers;
        Template = template;
        Answers = answers;
        Licences = licences;
        Materials = materials;
    }

    /// <summary>Every item is decided by an officer (<see cref="AllOfficers"/>), not by the bench's rule.</summary>
    public bool ByOfficers { get; }

    /// <summary>The template: all rules, or all officers.</summary>
    public BundleTemplate Template { get; }

    /// <summary>The answers every application gives.</summary>
    public IReadOnlyDictionary<string, string> Answers { get; }

    /// <summary>Licence types every applicant holds: every one an item's inclusion condition asks for.</summary>
    public IReadOnlyList<string> Licences { get; }

    /// <summary>The materials ledger: from a licence, uploaded, or produced by an earlier item; never deferred or committed.</summary>
    public IReadOnlyList<MaterialEntry> Materials { get; }

    /// <summary>Items per bundle (all of them are included).</summary>
    public int Items => Template.Items.Count;

    /// <summary>Items with no prerequisite, which start at once, side by side.</summary>
    public int Independent => Template.Items.Count(i => i.DependsOn.Count == 0);

    /// <summary>Builds the all-rules workload from a built-in template.</summary>
    /// <param name="templateKey">The built-in template's key.</param>
    /// <returns>The workload.</returns>
    public static BundleWorkload AllRules(string templateKey) => Build(templateKey, byOfficers: false);

    /// <summary>Builds the officer-decided workload from a built-in template: every item waits for its department's officer.</summary>
    /// <param name="templateKey">The built-in template's key.</param>
    /// <returns>The workload.</returns>
    public static BundleWorkload AllOfficers(string templateKey) => Build(templateKey, byOfficers: true);

    /// <summary>Whether an item's outcome was decided as this workload means it to be (by the bench's rule, or by a scripted officer).</summary>
    /// <param name="decidedBy">The item's <see cref="ItemResult.DecidedBy"/>.</param>
    /// <returns>True when decided the expected way.</returns>
    public bool DecidedAsMeant(string? decidedBy) =>
        ByOfficers ? decidedBy?.StartsWith(OfficerPrefix, StringComparison.Ordinal) == true : decidedBy == $"rule:{RuleKey}";

    static BundleWorkload Build(string templateKey, bool byOfficers)
    {
        var original = BuiltInTemplates.Get(templateKey);
        var answers = original.Fields.ToDictionary(f => f.Key, Answer, StringComparer.Ordinal);
        var licences = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in original.Items.Where(i => i.IncludeWhen is not null))
        {
            Satisfy(item.IncludeWhen!, answers, licences);
        }

        var required = original.Fields.Where(f => f.Required).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var template = original with
        {
            Items = [.. original.Items.Select(item => item with
            {
                Decision = byOfficers ? new OfficerDecision() : AlwaysApprove(item.Fields.FirstOrDefault(required.Contains) ?? required.First()),
            })],
        };

        var materials = template.Materials.Select(m => m switch
        {
            { ProducedBy: { } produced } => new MaterialEntry(m.Key, m.Name, MaterialStatus.ProducedByItem, m.RequiredBy, $"{produced.Item}.{produced.Output}"),
            { FromLicence: { } licence } => new MaterialEntry(m.Key, m.Name, MaterialStatus.FromLicence, m.RequiredBy, licence),
            _ => new MaterialEntry(m.Key, m.Name, MaterialStatus.Uploaded, m.RequiredBy, $"uploads/{m.Key}.pdf"),
        }).ToList();

        var workload = new BundleWorkload(template, answers, [.. licences], materials, byOfficers);
        workload.Check();
        return workload;
    }

    /// <summary>The input of one bundle; the application id is also the instance id, and each has its own applicant.</summary>
    /// <param name="applicationId">The application and instance id.</param>
    /// <returns>The input.</returns>
    public BundleInput InputFor(string applicationId) => new(
        applicationId,
        new Applicant($"bench-{applicationId}", Template.ApplicantKind, "Bench applicant"),
        1,
        Template,
        Answers,
        Licences,
        Materials,
        DateTime.UtcNow);

    static RuleDecision AlwaysApprove(string field) => new(
        [new DecisionRule(RuleKey, new FieldPresent(field), RuleOutcome.Approve, $"Bench: approved by rule ({field} is present).")],
        // Should the rule ever not hold, the item is rejected (and the bench reports it) rather than left for an officer.
        RuleOutcome.Reject);

    static string Answer(FieldDefinition field) => field.Type switch
    {
        FieldType.Boolean => "true",
        FieldType.Number => (field.Min ?? 1).ToString(CultureInfo.InvariantCulture),
        FieldType.Date => "2024-03-01",
        FieldType.Choice => field.Options is { Count: > 0 } options ? options[0] : "bench",
        FieldType.IdNumber => "11010519900307001X",
        FieldType.CreditCode => "91110105MA01ABCD1X",
        FieldType.Phone => "13800000000",
        _ => "bench value",
    };

    // Makes an inclusion condition hold: holds every licence it names, answers every field it compares.
    static void Satisfy(Condition condition, Dictionary<string, string> answers, ISet<string> licences)
    {
        switch (condition)
        {
            case HasLicence licence:
                licences.Add(licence.LicenceType);
                break;
            case FieldEquals equals:
                answers[equals.Field] = equals.Value;
                break;
            case FieldIn fieldIn when fieldIn.Values.Count > 0:
                answers[fieldIn.Field] = fieldIn.Values[0];
                break;
            case AllOf all:
                foreach (var part in all.Conditions)
                {
                    Satisfy(part, answers, licences);
                }

                break;
            case AnyOf any:
                foreach (var part in any.Conditions)
                {
                    Satisfy(part, answers, licences);
                }

                break;
        }
    }

    // Fails at plan time, not after minutes of measuring, if an item would be left out or not approved by its rule.
    void Check()
    {
        var problems = TemplateValidator.Validate(Template, BuiltInTemplates.Catalog).Select(p => $"{p.Path}: {p.Message}").ToList();
        var context = new EvaluationContext(Answers, Licences.ToHashSet(StringComparer.Ordinal), new Dictionary<string, IReadOnlyDictionary<string, string>>());
        foreach (var item in Template.Items)
        {
            if (item.IncludeWhen is { } when && !ConditionEvaluator.Evaluate(when, context))
            {
                problems.Add($"{item.Key} would not be included");
            }

            if (ByOfficers ? item.Decision is not OfficerDecision : RuleEngine.Decide((RuleDecision)item.Decision, context).Outcome != RuleOutcome.Approve)
            {
                problems.Add(ByOfficers ? $"{item.Key} would not wait for an officer" : $"{item.Key} would not be approved by its rule");
            }
        }

        if (Materials.Any(m => m.Status is MaterialStatus.Deferred or MaterialStatus.Committed))
        {
            problems.Add("the ledger holds a deferral or a commitment");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"The {(ByOfficers ? "officer-decided" : "all-rules")} {Template.Key} workload is not what the bench needs: {string.Join("; ", problems)}");
        }
    }
}
