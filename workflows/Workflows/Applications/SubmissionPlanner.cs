using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>
/// Turns a submission into the normalised form and the materials ledger, or into ONE notice listing everything
/// missing or wrong across all departments (一次告知). Pure: it reads nothing and writes nothing, so a refused
/// submission leaves no trace.
/// </summary>
public static class SubmissionPlanner
{
    /// <summary>Plans a submission.</summary>
    /// <param name="template">The template version the application will be pinned to.</param>
    /// <param name="request">The submission.</param>
    /// <param name="heldLicences">Licence types the applicant holds in the registry.</param>
    /// <param name="now">Acceptance time, for deferral deadlines.</param>
    /// <param name="clock">The application's pinned clock for deferral deadlines; weekends only when null.</param>
    /// <returns>The plan: problems, or answers and ledger.</returns>
    public static SubmissionPlan Plan(BundleTemplate template, SubmissionRequest request, IReadOnlySet<string> heldLicences, DateTime now, SlaClock? clock = null)
    {
        clock ??= SlaClock.Real(WorkingCalendar.WeekendsOnly);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(heldLicences);
        var problems = new List<SubmissionProblem>();
        if (request.Applicant.Kind != template.ApplicantKind)
        {
            problems.Add(new SubmissionProblem("applicant.kind", "applicant.kind", $"This bundle is for a {template.ApplicantKind.ToString().ToLowerInvariant()}, not a {request.Applicant.Kind.ToString().ToLowerInvariant()}."));
        }

        var answers = CheckAnswers(template, request, problems, DateOnly.FromDateTime(now));
        var included = IncludedItems(template, answers, heldLicences);
        var ledger = BuildLedger(template, request, heldLicences, included, now, clock, problems);
        return new SubmissionPlan(problems, answers, ledger);
    }

    static Dictionary<string, string> CheckAnswers(BundleTemplate template, SubmissionRequest request, List<SubmissionProblem> problems, DateOnly today)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = template.Fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        foreach (var key in request.Answers.Keys.Where(k => !fields.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            problems.Add(new SubmissionProblem($"answers.{key}", "answer.unknown", $"The form has no field '{key}'."));
        }

        foreach (var field in template.Fields)
        {
            var given = request.Answers.TryGetValue(field.Key, out var value) && value.ValueKind is not (System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined)
                && !(value.ValueKind == System.Text.Json.JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString()));
            if (!given)
            {
                if (field.Required)
                {
                    problems.Add(new SubmissionProblem($"answers.{field.Key}", "answer.required", $"{field.Label} is required."));
                }

                continue;
            }

            if (FieldRules.Check(field, value, out var normalised, today) is { } error)
            {
                problems.Add(new SubmissionProblem($"answers.{field.Key}", "answer.invalid", $"{field.Label} {error}."));
            }
            else
            {
                answers[field.Key] = normalised;
            }
        }

        return answers;
    }

    // Items whose inclusion can be told now and is false are left out; items whose condition reads outputs of
    // earlier items are decided when they become ready, so their materials are asked for now.
    static HashSet<string> IncludedItems(BundleTemplate template, IReadOnlyDictionary<string, string> answers, IReadOnlySet<string> licences)
    {
        var context = new EvaluationContext(answers, licences, new Dictionary<string, IReadOnlyDictionary<string, string>>());
        return template.Items
            .Where(i => i.IncludeWhen is null || ConditionEvaluator.ReadsOutputs(i.IncludeWhen) || ConditionEvaluator.Evaluate(i.IncludeWhen, context))
            .Select(i => i.Key)
            .ToHashSet(StringComparer.Ordinal);
    }

    static List<MaterialEntry> BuildLedger(
        BundleTemplate template, SubmissionRequest request, IReadOnlySet<string> licences, HashSet<string> included, DateTime now, SlaClock clock, List<SubmissionProblem> problems)
    {
        var definitions = template.Materials.ToDictionary(m => m.Key, StringComparer.Ordinal);
        var offered = new Dictionary<string, MaterialProvision>(StringComparer.Ordinal);
        foreach (var provision in request.Materials)
        {
            if (!definitions.TryGetValue(provision.Key, out var definition))
            {
                problems.Add(new SubmissionProblem($"materials.{provision.Key}", "material.unknown", $"This bundle asks for no material '{provision.Key}'."));
            }
            else if (!offered.TryAdd(provision.Key, provision))
            {
                problems.Add(new SubmissionProblem($"materials.{provision.Key}", "material.duplicate", $"{definition.Name} is offered more than once."));
            }
            else if (Refusal(definition, provision) is { } refusal)
            {
                problems.Add(new SubmissionProblem($"materials.{provision.Key}", "material.notAccepted", $"{definition.Name}: {refusal}"));
            }
        }

        var ledger = new List<MaterialEntry>();
        foreach (var material in template.Materials)
        {
            var needing = material.RequiredBy.Where(included.Contains).ToList();
            if (needing.Count == 0)
            {
                continue;
            }

            offered.TryGetValue(material.Key, out var provision);
            MaterialEntry? entry = null;
            if (material.FromLicence is { } licence && licences.Contains(licence))
            {
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.FromLicence, needing, licence);
            }
            else if (provision is { Kind: ProvisionKind.Upload } && material.Upload is not null)
            {
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.Uploaded, needing, provision.Reference);
            }
            else if (material.ProducedBy is { } produced && included.Contains(produced.Item))
            {
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.ProducedByItem, needing, $"{produced.Item}.{produced.Output}");
            }
            else if (provision is { Kind: ProvisionKind.Commitment } && material.Commitment is not null)
            {
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.Committed, needing);
            }
            else if (material.Deferral is { } deferral && provision is null or { Kind: ProvisionKind.Defer })
            {
                // Missing but deferrable: accepted with a deadline (容缺受理); the notice of acceptance says when.
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.Deferred, needing, DueAt: clock.Due(now, deferral.WithinDays));
            }

            if (entry is not null)
            {
                ledger.Add(entry);
                continue;
            }

            var departments = template.Items.Where(i => needing.Contains(i.Key)).Select(i => i.Department).Distinct(StringComparer.Ordinal).ToList();
            var items = string.Join(", ", template.Items.Where(i => needing.Contains(i.Key)).Select(i => i.Name));
            problems.Add(new SubmissionProblem($"materials.{material.Key}", "material.missing",
                $"{material.Name} is needed by {items}: {Ways(material)}.", departments));
        }

        return ledger;
    }

    static string? Refusal(MaterialDefinition definition, MaterialProvision provision) => provision.Kind switch
    {
        ProvisionKind.Upload when definition.Upload is null => "cannot be uploaded for this bundle",
        ProvisionKind.Upload when string.IsNullOrWhiteSpace(provision.Reference) => "the upload's reference is missing; upload the file first",
        ProvisionKind.Commitment when definition.Commitment is null => "cannot be replaced by a commitment",
        ProvisionKind.Defer when definition.Deferral is null => "cannot be supplied later; it is needed now",
        _ => null,
    };

    static string Ways(MaterialDefinition material)
    {
        var ways = new List<string>();
        if (material.Upload is not null) { ways.Add("upload it"); }
        if (material.FromLicence is { } licence) { ways.Add($"hold the electronic licence '{licence}'"); }
        if (material.Commitment is not null) { ways.Add("sign the commitment"); }
        return ways.Count == 0 ? "it cannot be supplied online; contact the department" : string.Join(" or ", ways);
    }
}
