using Workflows.Api;
using Workflows.Calendar;
using Workflows.Licences;
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
    /// <param name="partyLicences">The licences each named party holds, by their id (held ones only); none when null.</param>
    /// <returns>The plan: problems, or answers and ledger.</returns>
    public static SubmissionPlan Plan(
        BundleTemplate template, SubmissionRequest request, IReadOnlySet<string> heldLicences, DateTime now, SlaClock? clock = null,
        IReadOnlyDictionary<string, IReadOnlyList<LicenceRecord>>? partyLicences = null)
    {
        clock ??= SlaClock.Real(WorkingCalendar.WeekendsOnly);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(heldLicences);
        var problems = new List<SubmissionProblem>();
        if (request.Applicant.Kind != template.ApplicantKind)
        {
            problems.Add(SubmissionProblem.Of("applicant.kind", "applicant.kind", $"这件事须由{KindZh(template.ApplicantKind)}办理，不能由{KindZh(request.Applicant.Kind)}办理。",
                $"This bundle is for a {template.ApplicantKind.ToString().ToLowerInvariant()}, not a {request.Applicant.Kind.ToString().ToLowerInvariant()}."));
        }

        var answers = CheckAnswers(template, request, problems, DateOnly.FromDateTime(now), heldLicences, clock.Calendar);
        partyLicences ??= new Dictionary<string, IReadOnlyList<LicenceRecord>>();
        var parties = ResolveParties(template, request, answers, partyLicences, problems);
        var context = new EvaluationContext(answers, heldLicences, new Dictionary<string, IReadOnlyDictionary<string, string>>(), DateOnly.FromDateTime(now), clock.Calendar);
        var included = IncludedItems(template, context);
        var ledger = BuildLedger(template, request, heldLicences, included, now, clock, problems, context, parties, partyLicences);
        return new SubmissionPlan(problems, answers, ledger, parties);
    }

    /// <summary>A role's English label inside a sentence ("the seller"): a capitalised word is lowered, an acronym kept.</summary>
    /// <param name="label">The label as the template gives it ("Seller").</param>
    /// <returns>The label for the middle of a sentence.</returns>
    public static string InSentence(string label) =>
        label is { Length: > 1 } && char.IsUpper(label[0]) && char.IsLower(label[1]) ? char.ToLowerInvariant(label[0]) + label[1..] : label;

    /// <summary>The longest name a party may be given.</summary>
    public const int MaxPartyNameLength = 100;

    // The licence types that carry a party's identity number, by the kind of party: a citizen's identity card, a
    // company's business licence (their numbers are the ID number and the unified social credit code).
    static string IdentityLicence(ApplicantKind kind) => kind == ApplicantKind.Company ? "business-licence" : "id-card";

    // Each declared party: named in the submission (id and name, checked as an applicant's are), stood in for by the
    // applicant when the template allows, or missing. The form's fields that carry the party's name and identity number
    // must agree with them: the name with the name given, the number with the one on the party's own identity licence
    // where they hold one whose number is a real one.
    static List<BundleParty> ResolveParties(
        BundleTemplate template, SubmissionRequest request, Dictionary<string, string> answers, IReadOnlyDictionary<string, IReadOnlyList<LicenceRecord>> partyLicences,
        List<SubmissionProblem> problems)
    {
        var declared = (template.Parties ?? []).ToDictionary(p => p.Role, StringComparer.Ordinal);
        var named = request.Parties ?? new Dictionary<string, PartyIdentity>();
        foreach (var role in named.Keys.Where(r => !declared.ContainsKey(r)).Order(StringComparer.Ordinal))
        {
            problems.Add(SubmissionProblem.Of($"parties.{role}", "party.unknown", $"这件事没有当事人角色“{role}”。", $"This bundle has no party role '{role}'."));
        }

        var parties = new List<BundleParty>();
        foreach (var party in template.Parties ?? [])
        {
            var label = new LocalText(party.Label, InSentence(party.LabelEn ?? party.Label));
            if (named.TryGetValue(party.Role, out var given) && given is not null)
            {
                var valid = true;
                if (!Identifiers.IsSafe(given.Id))
                {
                    problems.Add(SubmissionProblem.Of($"parties.{party.Role}.id", "party.id.invalid", $"{label.Zh}的身份标识无效：{Identifiers.Rule}", $"The {label.En}'s id is not valid: {Identifiers.Rule}"));
                    valid = false;
                }

                if (string.IsNullOrWhiteSpace(given.Name) || given.Name.Trim().Length > MaxPartyNameLength || given.Name.Any(char.IsControl))
                {
                    problems.Add(SubmissionProblem.Of($"parties.{party.Role}.name", "party.name.invalid", $"请写明{label.Zh}的姓名或名称（1 到 {MaxPartyNameLength} 个字符）。",
                        $"Give the {label.En}'s name (1 to {MaxPartyNameLength} characters)."));
                    valid = false;
                }

                if (!valid)
                {
                    continue;
                }

                if (parties.Find(p => p.Id == given.Id) is { } other)
                {
                    problems.Add(SubmissionProblem.Of($"parties.{party.Role}.id", "party.sameAsOther", $"{label.Zh}与“{other.Role}”是同一人；每个角色须由不同的人担任。",
                        $"The {label.En} is the same person as '{other.Role}'; each role needs a different person."));
                    continue;
                }

                var resolved = new BundleParty(party.Role, given.Id, given.Name.Trim(), party.Kind);
                parties.Add(resolved);
                if (party.NameField is { } nameField && answers.TryGetValue(nameField, out var answeredName) && answeredName.Trim() != resolved.Name)
                {
                    problems.Add(SubmissionProblem.Of($"answers.{nameField}", "party.name.mismatch", $"表单中{label.Zh}的姓名“{answeredName}”与所写当事人“{resolved.Name}”不一致。",
                        $"The {label.En}'s name on the form, '{answeredName}', is not the party's, '{resolved.Name}'."));
                }

                CheckIdentityNumber(party, resolved, label, answers, partyLicences, problems);
            }
            else if (party.MayBeApplicant)
            {
                var resolved = new BundleParty(party.Role, request.Applicant.Id, request.Applicant.Name, party.Kind);
                parties.Add(resolved);
                CheckIdentityNumber(party, resolved, label, answers, partyLicences, problems);
            }
            else if (party.Required)
            {
                problems.Add(SubmissionProblem.Of($"parties.{party.Role}", "party.required", $"请写明{label.Zh}（其身份标识和姓名）；这件事需要{label.Zh}。",
                    $"Name the {label.En} (their id and name); this bundle needs them."));
            }
        }

        return parties;
    }

    static void CheckIdentityNumber(
        PartyDefinition party, BundleParty resolved, LocalText label, Dictionary<string, string> answers, IReadOnlyDictionary<string, IReadOnlyList<LicenceRecord>> partyLicences,
        List<SubmissionProblem> problems)
    {
        if (party.IdNumberField is not { } field || !answers.TryGetValue(field, out var answered))
        {
            return;
        }

        var type = IdentityLicence(party.Kind);
        // Only a licence whose number is a real identity number says anything (registries may number otherwise).
        var numbers = partyLicences.GetValueOrDefault(resolved.Id, []).Where(l => l.LicenceType == type)
            .Select(l => l.Number.ToUpperInvariant())
            .Where(n => party.Kind == ApplicantKind.Company ? FieldRules.IsCreditCode(n) : FieldRules.IsIdNumber(n))
            .ToList();
        if (numbers.Count > 0 && !numbers.Contains(answered.ToUpperInvariant(), StringComparer.Ordinal))
        {
            problems.Add(SubmissionProblem.Of($"answers.{field}", "party.identity.mismatch", $"表单中{label.Zh}的证件号码与{label.Zh}本人持有的电子证照不一致。",
                $"The {label.En}'s identity number on the form is not the one on the {label.En}'s own licence."));
        }
    }

    static Dictionary<string, string> CheckAnswers(
        BundleTemplate template, SubmissionRequest request, List<SubmissionProblem> problems, DateOnly today, IReadOnlySet<string> licences, Calendar.WorkingCalendar calendar)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = template.Fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        foreach (var key in request.Answers.Keys.Where(k => !fields.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            problems.Add(SubmissionProblem.Of($"answers.{key}", "answer.unknown", $"表单中没有字段“{key}”。", $"The form has no field '{key}'."));
        }

        // One slot per field keeps the notice in the form's order although a conditional requirement is only told
        // once every other answer is read.
        var slots = new SubmissionProblem?[template.Fields.Count];
        var unanswered = new List<int>();
        for (var i = 0; i < template.Fields.Count; i++)
        {
            var field = template.Fields[i];
            var given = request.Answers.TryGetValue(field.Key, out var value) && value.ValueKind is not (System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined)
                && !(value.ValueKind == System.Text.Json.JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString()))
                && !(value.ValueKind == System.Text.Json.JsonValueKind.Array && value.GetArrayLength() == 0);
            if (!given)
            {
                unanswered.Add(i);
                continue;
            }

            if (FieldRules.Explain(field, value, out var normalised, today) is { } error)
            {
                slots[i] = SubmissionProblem.Of($"answers.{field.Key}", "answer.invalid", $"{field.Label}{error.Zh}。", $"{field.LabelEn ?? field.Label} {error.En}.");
            }
            else
            {
                answers[field.Key] = normalised;
            }
        }

        var context = new EvaluationContext(answers, licences, new Dictionary<string, IReadOnlyDictionary<string, string>>(), today, calendar);
        foreach (var i in unanswered)
        {
            var field = template.Fields[i];
            if (field.RequiredWhen is { } when ? ConditionEvaluator.Evaluate(when, context) : field.Required)
            {
                slots[i] = SubmissionProblem.Of($"answers.{field.Key}", "answer.required", $"{field.Label}为必填项。", $"{field.LabelEn ?? field.Label} is required.");
            }
        }

        problems.AddRange(slots.OfType<SubmissionProblem>());
        return answers;
    }

    // Items whose inclusion can be told now and is false are left out; items whose condition reads outputs of
    // earlier items are decided when they become ready, so their materials are asked for now.
    static HashSet<string> IncludedItems(BundleTemplate template, EvaluationContext context)
    {
        return template.Items
            .Where(i => i.IncludeWhen is null || ConditionEvaluator.ReadsOutputs(i.IncludeWhen) || ConditionEvaluator.Evaluate(i.IncludeWhen, context))
            .Select(i => i.Key)
            .ToHashSet(StringComparer.Ordinal);
    }

    static List<MaterialEntry> BuildLedger(
        BundleTemplate template, SubmissionRequest request, IReadOnlySet<string> licences, HashSet<string> included, DateTime now, SlaClock clock, List<SubmissionProblem> problems,
        EvaluationContext context, List<BundleParty> parties, IReadOnlyDictionary<string, IReadOnlyList<LicenceRecord>> partyLicences)
    {
        var declared = (template.Parties ?? []).ToDictionary(p => p.Role, StringComparer.Ordinal);
        var definitions = template.Materials.ToDictionary(m => m.Key, StringComparer.Ordinal);
        var offered = new Dictionary<string, MaterialProvision>(StringComparer.Ordinal);
        foreach (var provision in request.Materials)
        {
            if (!definitions.TryGetValue(provision.Key, out var definition))
            {
                problems.Add(SubmissionProblem.Of($"materials.{provision.Key}", "material.unknown", $"这件事不需要材料“{provision.Key}”。", $"This bundle asks for no material '{provision.Key}'."));
            }
            else if (!offered.TryAdd(provision.Key, provision))
            {
                problems.Add(SubmissionProblem.Of($"materials.{provision.Key}", "material.duplicate", $"{definition.Name}提供了不止一次。", $"{definition.NameEn ?? definition.Name} is offered more than once."));
            }
            else if (Refusal(definition, provision) is { } refusal)
            {
                problems.Add(SubmissionProblem.Of($"materials.{provision.Key}", "material.notAccepted", $"{definition.Name}：{refusal.Zh}", $"{definition.NameEn ?? definition.Name}: {refusal.En}"));
            }
        }

        var ledger = new List<MaterialEntry>();
        foreach (var material in template.Materials)
        {
            var needing = material.RequiredBy.Where(included.Contains).ToList();
            // A material required only under a condition that does not hold is not asked for, nor told as missing.
            if (needing.Count == 0 || (material.RequiredWhen is { } when && !ConditionEvaluator.Evaluate(when, context)))
            {
                continue;
            }

            // A material of a party: looked up in that party's licences. A required party not named is told once, as
            // the party, not once per material; an optional one not named holds nothing, so their material is asked
            // for in its other ways (an upload) when it is needed (requiredWhen says when it is not).
            BundleParty? owner = null;
            PartyDefinition? ownerDefinition = null;
            if (material.Party is { } role)
            {
                owner = parties.Find(p => p.Role == role);
                ownerDefinition = declared.GetValueOrDefault(role);
                if (owner is null && ownerDefinition is not { Required: false })
                {
                    continue;
                }
            }

            IReadOnlySet<string> held = material.Party is null || owner?.Id == request.Applicant.Id ? licences
                : owner is null ? new HashSet<string>()
                : partyLicences.GetValueOrDefault(owner.Id, []).Select(l => l.LicenceType).ToHashSet(StringComparer.Ordinal);
            offered.TryGetValue(material.Key, out var provision);
            MaterialEntry? entry = null;
            if (material.FromLicence is { } licence && held.Contains(licence))
            {
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.FromLicence, needing, licence, Party: material.Party);
            }
            else if (provision is { Kind: ProvisionKind.Upload } && material.Upload is not null)
            {
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.Uploaded, needing, provision.Reference);
            }
            else if (material.ProducedBy is { } produced && included.Contains(produced.Item))
            {
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.ProducedByItem, needing, $"{produced.Item}.{produced.Output}");
            }
            else if (provision is { Kind: ProvisionKind.Commitment } && material.Commitment is { } commitment)
            {
                // One verification for every item approved on it, by the item the template names (or the first needing it).
                var by = commitment.VerifiedBy is { } named && needing.Contains(named) ? named : needing[0];
                var verifier = template.Items.First(i => i.Key == by);
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.Committed, needing, Verifier: new CommitmentVerifier(by, verifier.Department, verifier.Name, verifier.NameEn));
            }
            else if (material.Deferral is { } deferral && provision is null or { Kind: ProvisionKind.Defer })
            {
                // Missing but deferrable: accepted with a deadline (容缺受理); the notice of acceptance says when.
                entry = new MaterialEntry(material.Key, material.Name, MaterialStatus.Deferred, needing, DueAt: clock.Due(now, deferral.WithinDays));
            }

            if (entry is not null)
            {
                ledger.Add(entry with { Party = material.Party });
                continue;
            }

            var departments = template.Items.Where(i => needing.Contains(i.Key)).Select(i => i.Department).Distinct(StringComparer.Ordinal).ToList();
            var needers = template.Items.Where(i => needing.Contains(i.Key)).ToList();
            var ways = Ways(material, ownerDefinition is null ? null : owner is null
                ? new LocalText(ownerDefinition.Label, InSentence(ownerDefinition.LabelEn ?? ownerDefinition.Label))
                : new LocalText($"{ownerDefinition.Label}（{owner.Name}）", InSentence(ownerDefinition.LabelEn ?? ownerDefinition.Label)));
            problems.Add(SubmissionProblem.Of($"materials.{material.Key}", "material.missing",
                $"{string.Join("、", needers.Select(i => i.Name))}需要{material.Name}：{ways.Zh}。",
                $"{material.NameEn ?? material.Name} is needed by {string.Join(", ", needers.Select(i => i.NameEn ?? i.Name))}: {ways.En}.", departments));
        }

        return ledger;
    }

    static LocalText? Refusal(MaterialDefinition definition, MaterialProvision provision) => provision.Kind switch
    {
        ProvisionKind.Upload when definition.Upload is null => new("这件事不接受上传此材料", "cannot be uploaded for this bundle"),
        ProvisionKind.Upload when string.IsNullOrWhiteSpace(provision.Reference) => new("缺少上传文件的引用；请先上传文件", "the upload's reference is missing; upload the file first"),
        ProvisionKind.Commitment when definition.Commitment is null => new("不能以承诺代替", "cannot be replaced by a commitment"),
        ProvisionKind.Defer when definition.Deferral is null => new("不能以后补交；现在就需要", "cannot be supplied later; it is needed now"),
        _ => null,
    };

    // The ways to supply a material; for a party's material, the licence is the party's to hold ("the seller (李强) holds ...").
    static LocalText Ways(MaterialDefinition material, LocalText? party = null)
    {
        var ways = new List<LocalText>();
        if (material.Upload is not null) { ways.Add(new("上传该材料", "upload it")); }
        if (material.FromLicence is { } licence)
        {
            ways.Add(party is { } who
                ? new($"{who.Zh}持有电子证照“{licence}”", $"the {who.En} holds the electronic licence '{licence}'")
                : new($"持有电子证照“{licence}”", $"hold the electronic licence '{licence}'"));
        }

        if (material.Commitment is not null) { ways.Add(new("签署承诺", "sign the commitment")); }
        return ways.Count == 0
            ? new("该材料无法在线提供，请联系部门", "it cannot be supplied online; contact the department")
            : new(string.Join("或", ways.Select(w => w.Zh)), string.Join(" or ", ways.Select(w => w.En)));
    }

    static string KindZh(ApplicantKind kind) => kind switch
    {
        ApplicantKind.Citizen => "个人",
        ApplicantKind.Company => "企业",
        _ => kind.ToString(),
    };
}
