using System.Text.RegularExpressions;
using Workflows.Templates;
using static Workflows.Tests.Templates.TemplateSamples;

namespace Workflows.Tests.Templates;

public sealed partial class TemplateValidatorTests
{
    /// <summary>One way to break one rule of the valid sample, and what the validator must say about it.</summary>
    /// <param name="Mutate">Turns the valid sample into a template that breaks the rule.</param>
    /// <param name="Code">The code that must be reported.</param>
    /// <param name="Path">Where it must be reported.</param>
    /// <param name="Message">Text the message must contain (e.g. the unknown key it names).</param>
    /// <param name="Also">Other codes the same mistake legitimately causes; anything else reported fails the test.</param>
    public sealed record Break(Func<BundleTemplate, BundleTemplate> Mutate, string Code, string Path, IReadOnlyList<string> Message, IReadOnlyList<string>? Also = null);

    const string RegisteredWhen = "$.items[insurance].decision.rules[registered].when";

    static readonly Condition RegisteredOutput = new OutputEquals(Hukou, "status", "registered");
    static readonly Condition FamilyAtLeastOne = new FieldCompare("familySize", Comparison.AtLeast, 1);
    static readonly Condition FamilyAtLeastThree = new FieldCompare("familySize", Comparison.AtLeast, 3);

    // Rows are keyed by name so the theory's data stays serializable and every row shows as its own test.
    static readonly Dictionary<string, Break> Breaks = new(StringComparer.Ordinal)
    {
        // The template itself.
        ["template key with capitals"] = new(t => t with { Key = "Newborn!" }, "template.key", "$.key", ["lower-case"]),
        ["template key of one letter"] = new(t => t with { Key = "n" }, "template.key", "$.key", ["2-64"]),
        ["template name blank"] = new(t => t with { Name = "  " }, "template.name", "$.name", ["name"]),
        ["template committed days zero"] = new(t => t with { CommittedDays = 0 }, "template.committedDays", "$.committedDays", ["at least 1"]),
        ["template without items"] = new(
            t => t with { Items = [] },
            "template.items.empty",
            "$.items",
            ["at least one item"],
            ["field.unused", "material.requiredBy.unknown", "material.producedBy.item.unknown"]),

        // English for people reading English (optional, but not blank; option labels name options, in both languages).
        ["template nameEn blank"] = new(t => t with { NameEn = " " }, "template.nameEn", "$.nameEn", ["English"]),
        ["template descriptionEn blank"] = new(t => t with { DescriptionEn = "" }, "template.descriptionEn", "$.descriptionEn", ["English"]),
        ["field labelEn blank"] = new(t => t.WithField("childName", f => f with { LabelEn = "" }), "field.labelEn", "$.fields[childName].labelEn", ["English"]),
        ["item nameEn blank"] = new(t => t.WithItem(BirthCert, i => i with { NameEn = " " }), "item.nameEn", $"$.items[{BirthCert}].nameEn", ["English"]),
        ["output nameEn blank"] = new(
            t => t.WithItem(BirthCert, i => i with { Outputs = [i.Outputs[0] with { NameEn = "" }, .. i.Outputs.Skip(1)] }),
            "output.nameEn",
            $"$.items[{BirthCert}].outputs[birthCertificate].nameEn",
            ["English"]),
        ["material nameEn blank"] = new(t => t.WithMaterial("hospitalRecord", m => m with { NameEn = "\t" }), "material.nameEn", "$.materials[hospitalRecord].nameEn", ["English"]),
        ["option label for an unknown option"] = new(
            t => t.WithField("hospital", f => f with { OptionLabels = new Dictionary<string, LocalText> { ["military"] = new("军队", "Military") } }),
            "field.optionLabels.unknown",
            "$.fields[hospital].optionLabels[military]",
            ["'military'"]),
        ["option labels on a text field"] = new(
            t => t.WithField("childName", f => f with { OptionLabels = new Dictionary<string, LocalText> { ["public"] = new("公立", "Public") } }),
            "field.optionLabels.unexpected",
            "$.fields[childName].optionLabels",
            ["Only choice fields"]),
        ["option label without English"] = new(
            t => t.WithField("hospital", f => f with { OptionLabels = new Dictionary<string, LocalText> { ["public"] = new("公立", " ") } }),
            "field.optionLabels.blank",
            "$.fields[hospital].optionLabels[public]",
            ["English"]),

        // What an approved item ends, and what the applicant must still hold (a bundle whose purpose is done).
        ["item revokes a licence type not in the catalog"] = new(
            t => t.WithItem(Allowance, i => i with { Revokes = ["nowhere"] }), "item.revokes.unknown", "$.items[allowance].revokes[nowhere]", ["'nowhere'"]),
        ["item revokes what no applicant of the bundle holds"] = new(
            t => t.WithItem(Allowance, i => i with { Revokes = ["business-licence"] }), "item.revokes.holder", "$.items[allowance].revokes[business-licence]", ["'business-licence'", "company"]),
        ["item revokes a licence type twice"] = new(
            t => t.WithItem(Allowance, i => i with { Revokes = ["id-card", "id-card"] }), "item.revokes.duplicate", "$.items[allowance].revokes[id-card]", ["more than once"]),
        ["item revokes what it issues"] = new(
            t => t.WithItem(BirthCert, i => i with { Revokes = ["birth-medical-certificate"] }), "item.revokes.issued", "$.items[birth-cert].revokes[birth-medical-certificate]", ["supersedes"]),
        ["null inside revokes"] = new(t => t.WithItem(Allowance, i => i with { Revokes = ["id-card", null!] }), "template.null", "$.items[3].revokes[1]", ["null"]),
        ["item supersedes a licence type not in the catalog"] = new(
            t => t.WithItem(BirthCert, i => i with { Supersedes = new Supersession("nowhere", "birthCertificate") }),
            "item.supersedes.unknown", "$.items[birth-cert].supersedes.licenceType", ["'nowhere'"]),
        ["item supersedes what no applicant of the bundle holds"] = new(
            t => t.WithItem(BirthCert, i => i with { Supersedes = new Supersession("business-licence", "birthCertificate") }),
            "item.supersedes.holder", "$.items[birth-cert].supersedes.licenceType", ["'business-licence'"]),
        ["item supersedes by an output that is no certificate of it"] = new(
            t => t.WithItem(Hukou, i => i with { Supersedes = new Supersession("household-register", "status") }),
            "item.supersedes.by", "$.items[hukou].supersedes.by", ["'status'"]),
        ["item supersedes what it revokes"] = new(
            t => t.WithItem(BirthCert, i => i with { Revokes = ["id-card"], Supersedes = new Supersession("id-card", "birthCertificate") }),
            "item.supersedes.revoked", "$.items[birth-cert].supersedes.licenceType", ["revoked"]),
        ["bundle requires a licence type not in the catalog"] = new(
            t => t with { RequiresLicences = ["nowhere"] }, "template.requiresLicences.unknown", "$.requiresLicences[nowhere]", ["'nowhere'"]),
        ["bundle requires what no applicant of it holds"] = new(
            t => t with { RequiresLicences = ["business-licence"] }, "template.requiresLicences.holder", "$.requiresLicences[business-licence]", ["company"]),
        ["bundle requires a licence type twice"] = new(
            t => t with { RequiresLicences = ["id-card", "id-card"] }, "template.requiresLicences.duplicate", "$.requiresLicences[id-card]", ["more than once"]),
        ["bundle refuses a licence type not in the catalog"] = new(
            t => t with { RefusesLicences = ["nowhere"] }, "template.refusesLicences.unknown", "$.refusesLicences[nowhere]", ["'nowhere'"]),
        ["bundle refuses what no applicant of it holds"] = new(
            t => t with { RefusesLicences = ["business-licence"] }, "template.refusesLicences.holder", "$.refusesLicences[business-licence]", ["company"]),
        ["bundle refuses a licence type twice"] = new(
            t => t with { RefusesLicences = ["id-card", "id-card"] }, "template.refusesLicences.duplicate", "$.refusesLicences[id-card]", ["more than once"]),
        ["bundle refuses the licence it requires"] = new(
            t => t with { RequiresLicences = ["id-card"], RefusesLicences = ["id-card"] }, "template.refusesLicences.required", "$.refusesLicences[id-card]", ["nobody could apply"]),

        // Parties: declared by role, named by materials, certificates and supersessions (issue 18).
        ["party role reserved"] = new(t => t.WithParties(Party("applicant")), "party.role.reserved", "$.parties[0].role", ["'applicant'"]),
        ["party role not camelCase"] = new(t => t.WithParties(Party("Seller!")), "party.role", "$.parties[0].role", ["'Seller!'"]),
        ["party declared twice"] = new(t => t.WithParties(Party("father"), Party("father")), "party.duplicate", "$.parties[father]", ["more than once"]),
        ["party label blank"] = new(t => t.WithParties(Party("father") with { Label = " " }), "party.label", "$.parties[father].label", ["label"]),
        ["party labelEn blank"] = new(t => t.WithParties(Party("father") with { LabelEn = "" }), "party.labelEn", "$.parties[father].labelEn", ["English"]),
        ["null inside parties"] = new(t => t.WithParties(Party("father"), null!), "template.null", "$.parties[1]", ["null"]),
        ["confirming party without deadline"] = new(
            t => t.WithParties(Party("father") with { Confirmation = new PartyConfirmationRule(null, ConfirmationMissed.EndBundle) }),
            "party.confirmation.deadline", "$.parties[father].confirmation.withinDays", ["deadline"]),
        ["confirming party with a deadline of 61 working days"] = new(
            t => t.WithParties(Party("father") with { Confirmation = new PartyConfirmationRule(61, ConfirmationMissed.EndBundle) }),
            "party.confirmation.deadline", "$.parties[father].confirmation.withinDays", ["1 to 60"]),
        ["confirming party without what a miss does"] = new(
            t => t.WithParties(Party("father") with { Confirmation = new PartyConfirmationRule(5) }),
            "party.confirmation.onMissed", "$.parties[father].confirmation.onMissed", ["endBundle"]),
        ["party name field unknown"] = new(t => t.WithParties(Party("father") with { NameField = "fatherName" }), "party.nameField.unknown", "$.parties[father].nameField", ["'fatherName'"]),
        ["party name field not text"] = new(t => t.WithParties(Party("father") with { NameField = "familySize" }), "party.nameField.type", "$.parties[father].nameField", ["'familySize'", "Text"]),
        ["party id number field unknown"] = new(t => t.WithParties(Party("father") with { IdNumberField = "fatherId" }), "party.idNumberField.unknown", "$.parties[father].idNumberField", ["'fatherId'"]),
        ["party id number field not an id number"] = new(
            t => t.WithParties(Party("father") with { IdNumberField = "childName" }), "party.idNumberField.type", "$.parties[father].idNumberField", ["'childName'", "IdNumber"]),
        ["company party the citizen applicant may stand in for"] = new(
            t => t.WithParties(Party("employer") with { Kind = ApplicantKind.Company, MayBeApplicant = true }),
            "party.mayBeApplicant.kind", "$.parties[employer].mayBeApplicant", ["company"]),
        ["material of an undeclared party"] = new(
            t => t.WithMaterial("parentIdCard", m => m with { Party = "father" }), "material.party.unknown", "$.materials[parentIdCard].party", ["'father'", "parties"]),
        ["material from a licence its party never holds"] = new(
            t => t.WithParties(Party("employer") with { Kind = ApplicantKind.Company }).WithMaterial("parentIdCard", m => m with { Party = "employer" }),
            "material.licence.holder", "$.materials[parentIdCard].fromLicence", ["'id-card'", "'employer'"]),
        ["certificate issued to an undeclared party"] = new(
            t => t.WithItem(BirthCert, i => i with { Outputs = [i.Outputs[0] with { Holder = "child" }, .. i.Outputs.Skip(1)] }),
            "output.holder.unknown", $"$.items[{BirthCert}].outputs[birthCertificate].holder", ["'child'"]),
        ["certificate issued to a party of the other kind"] = new(
            t => t.WithParties(Party("employer") with { Kind = ApplicantKind.Company })
                .WithItem(BirthCert, i => i with { Outputs = [i.Outputs[0] with { Holder = "employer" }, .. i.Outputs.Skip(1)] }),
            "output.holder.kind", $"$.items[{BirthCert}].outputs[birthCertificate].holder", ["'employer'", "citizen"]),
        ["value output with a holder"] = new(
            t => t.WithParties(Party("father")).WithItem(Hukou, i => i with { Outputs = [.. i.Outputs.Select(o => o.Kind == OutputKind.Value ? o with { Holder = "father" } : o)] }),
            "output.holder.unexpected", "$.items[hukou].outputs[status].holder", ["value"]),
        ["supersession of an undeclared party's licence"] = new(
            t => t.WithItem(Hukou, i => i with { Supersedes = new Supersession("household-register", "householdEntry", "father") }),
            "item.supersedes.party.unknown", "$.items[hukou].supersedes.party", ["'father'"]),
        ["supersession of a licence its party never holds"] = new(
            t => t.WithParties(Party("employer") with { Kind = ApplicantKind.Company })
                .WithItem(Hukou, i => i with { Supersedes = new Supersession("household-register", "householdEntry", "employer") }),
            "item.supersedes.holder", "$.items[hukou].supersedes.licenceType", ["'employer'"]),

        // Fields.
        ["field key not camelCase"] = new(t => t.AddField(new FieldDefinition("Bad Key", "x", FieldType.Text)), "field.key", "$.fields[4].key", ["'Bad Key'"]),
        ["field declared twice"] = new(t => t.AddField(new FieldDefinition("childName", "again", FieldType.Text)), "field.duplicate", "$.fields[childName]", ["'childName'"]),
        ["field label blank"] = new(t => t.WithField("childName", f => f with { Label = "" }), "field.label", "$.fields[childName].label", ["label"]),
        ["choice without options"] = new(t => t.WithField("hospital", f => f with { Options = null }), "field.options.missing", "$.fields[hospital].options", ["options"]),
        ["choice with empty options"] = new(
            t => t.WithField("hospital", f => f with { Options = [] }),
            "field.options.missing",
            "$.fields[hospital].options",
            ["options"],
            ["condition.value.notAnOption", "item.unreachable"]), // allowance's includeWhen reads hospital = public
        ["choice options repeat"] = new(t => t.WithField("hospital", f => f with { Options = ["public", "private", "public"] }), "field.options.duplicate", "$.fields[hospital].options", ["repeat"]),
        ["number field with options"] = new(t => t.WithField("familySize", f => f with { Options = ["1", "2"] }), "field.options.unexpected", "$.fields[familySize].options", ["Number"]),
        ["number field with pattern"] = new(t => t.WithField("familySize", f => f with { Pattern = "^[0-9]+$" }), "field.pattern.unexpected", "$.fields[familySize].pattern", ["Only text fields"]),
        ["text pattern not a regex"] = new(t => t.WithField("childName", f => f with { Pattern = "([a-z" }), "field.pattern.invalid", "$.fields[childName].pattern", ["not a valid regular expression"]),
        ["min above max"] = new(t => t.WithField("familySize", f => f with { Min = 10, Max = 1 }), "field.range", "$.fields[familySize].min", ["Min 10 is greater than max 1"]),
        ["field nobody uses"] = new(t => t.AddField(new FieldDefinition("nickname", "小名", FieldType.Text, Required: false)), "field.unused", "$.fields[nickname]", ["'nickname'"]),

        // Items.
        ["item key with underscore"] = new(t => t.AddItem(Item("Bad_Key")), "item.key", "$.items[4].key", ["'Bad_Key'"]),
        ["item key of one letter"] = new(t => t.AddItem(Item("x")), "item.key", "$.items[4].key", ["'x'"]),
        // Keys the engine's own ids use: the bundle's audit steps and rating target, the proactive parent, admins' steps.
        ["item key bundle"] = new(t => t.AddItem(Item("bundle")), "item.key.reserved", "$.items[4].key", ["'bundle'", "reserved"]),
        ["item key proactive"] = new(t => t.AddItem(Item("proactive")), "item.key.reserved", "$.items[4].key", ["'proactive'"]),
        ["item key admin"] = new(t => t.AddItem(Item("admin")), "item.key.reserved", "$.items[4].key", ["'admin'"]),
        ["item declared twice"] = new(t => t.AddItem(Item(BirthCert)), "item.duplicate", "$.items[birth-cert]", ["'birth-cert'"]),
        ["item name blank"] = new(t => t.WithItem(BirthCert, i => i with { Name = " " }), "item.name", "$.items[birth-cert].name", ["name"]),
        ["item service code blank"] = new(t => t.WithItem(BirthCert, i => i with { ServiceCode = "" }), "item.serviceCode", "$.items[birth-cert].serviceCode", ["service code"]),
        ["item department not in catalog"] = new(t => t.WithItem(BirthCert, i => i with { Department = "nowhere" }), "item.department.unknown", "$.items[birth-cert].department", ["'nowhere'"]),
        ["item statutory days zero"] = new(
            t => t.WithItem(BirthCert, i => i with { StatutoryDays = 0 }),
            "item.statutoryDays",
            "$.items[birth-cert].statutoryDays",
            ["at least 1"],
            ["item.committedDays"]),
        ["item committed days zero"] = new(t => t.WithItem(BirthCert, i => i with { CommittedDays = 0 }), "item.committedDays", "$.items[birth-cert].committedDays", ["1 to 10"]),
        ["item committed days above statutory"] = new(t => t.WithItem(BirthCert, i => i with { CommittedDays = 11 }), "item.committedDays", "$.items[birth-cert].committedDays", ["1 to 10"]),
        ["item without decision"] = new(
            t => t.WithItem(BirthCert, i => i with { Decision = null! }),
            "item.decision.missing",
            "$.items[birth-cert].decision",
            ["officer, rules or an outside system"]),
        ["external system not in catalog"] = new(
            t => t.WithItem(Hukou, i => i with { Decision = new ExternalDecision("nowhere") }),
            "item.decision.system.unknown",
            "$.items[hukou].decision.system",
            ["'nowhere'"]),
        ["external system of another department"] = new(
            t => t.WithItem(Hukou, i => i with { Department = "health" }),
            "item.decision.system.department",
            "$.items[hukou].decision.system",
            ["'police-hukou'", "'police'", "'health'"]),
        ["rule-decided item without rules"] = new(t => t.WithRules(Insurance, d => d with { Rules = [] }), "item.rules.empty", "$.items[insurance].decision.rules", ["at least one rule"]),
        ["rule key with spaces"] = new(t => t.WithRule(Insurance, "registered", r => r with { Key = "bad key!" }), "rule.key", "$.items[insurance].decision.rules", ["'bad key!'"]),
        ["rule declared twice"] = new(
            t => t.WithRule(Insurance, "notRegistered", r => r with { Key = "registered" }),
            "rule.duplicate",
            "$.items[insurance].decision.rules[registered]",
            ["'registered'"]),
        ["rule without rationale"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { Rationale = "" }),
            "rule.rationale",
            "$.items[insurance].decision.rules[registered].rationale",
            ["rationale"]),
        ["rule without condition"] = new(t => t.WithRule(Insurance, "registered", r => r with { When = null! }), "rule.when.missing", RegisteredWhen, ["no condition"]),
        ["null inside a list"] = new(
            t => t.WithItem(Hukou, i => i with { DependsOn = [BirthCert, null!] }),
            "template.null",
            "$.items[1].dependsOn[1]",
            ["null"]),
        ["item depends on itself"] = new(
            t => t.WithItem(Hukou, i => i with { DependsOn = [BirthCert, Hukou] }),
            "item.dependsOn.self",
            "$.items[hukou].dependsOn[1]",
            ["itself"],
            ["item.cycle"]),
        ["item depends on unknown item"] = new(
            t => t.WithItem(Hukou, i => i with { DependsOn = [BirthCert, "nowhere"] }),
            "item.dependsOn.unknown",
            "$.items[hukou].dependsOn[1]",
            ["'nowhere'"]),
        ["item depends on an item twice"] = new(
            t => t.WithItem(Hukou, i => i with { DependsOn = [BirthCert, BirthCert] }),
            "item.dependsOn.duplicate",
            "$.items[hukou].dependsOn[1]",
            ["'birth-cert'"]),
        ["items in a circle"] = new(
            t => t.WithItem(BirthCert, i => i with { DependsOn = [Insurance] }),
            "item.cycle",
            "$.items[birth-cert].dependsOn",
            ["birth-cert -> insurance -> hukou -> birth-cert"]),
        ["item uses undeclared field"] = new(
            t => t.WithItem(BirthCert, i => i with { Fields = ["childName", "hospital", "nowhere"] }),
            "item.field.unknown",
            "$.items[birth-cert].fields[2]",
            ["'nowhere'"]),
        ["inclusion never holds (boolean)"] = new(
            t => t.WithItem(Insurance, i => i with { IncludeWhen = new FieldEquals("wantsInsurance", "yes") }),
            "item.unreachable",
            "$.items[insurance].includeWhen",
            ["never hold"],
            ["condition.value.notBoolean"]),
        ["inclusion never holds (all of, impossible choice)"] = new(
            t => t.WithItem(Allowance, i => i with { IncludeWhen = new AllOf([FamilyAtLeastThree, new FieldIn("hospital", ["abroad"])]) }),
            "item.unreachable",
            "$.items[allowance].includeWhen",
            ["never hold"],
            ["condition.value.notAnOption"]),
        ["inclusion never holds (empty any)"] = new(
            t => t.WithItem(Insurance, i => i with { IncludeWhen = new AnyOf([]) }),
            "item.unreachable",
            "$.items[insurance].includeWhen",
            ["never hold"],
            ["condition.empty"]),
        ["item depends on never-included item"] = new(
            t => t.WithItem(BirthCert, i => i with { IncludeWhen = new FieldEquals("hospital", "abroad") }),
            "item.unreachable",
            "$.items[hukou].dependsOn",
            ["'birth-cert'"],
            ["condition.value.notAnOption"]),
        ["item depends on never-approved item"] = new(
            t => t.WithItem(BirthCert, i => i with
            {
                Decision = new RuleDecision([new DecisionRule("always", new FieldPresent("childName"), RuleOutcome.Reject, "不予办理")], RuleOutcome.Reject),
            }),
            "item.unreachable",
            "$.items[hukou].dependsOn",
            ["'birth-cert'"],
            ["item.neverApproved"]),
        ["rules only reject"] = new(
            t => t.WithRules(Insurance, d => d with { Rules = [.. d.Rules.Select(r => r with { Then = RuleOutcome.Reject })], Otherwise = RuleOutcome.Reject }),
            "item.neverApproved",
            "$.items[insurance].decision",
            ["never be approved"]),

        // Outputs.
        ["output key not camelCase"] = new(
            t => t.AddOutput(BirthCert, new OutputDefinition("Bad Key", "x", OutputKind.Value)),
            "output.key",
            "$.items[birth-cert].outputs",
            ["'Bad Key'"]),
        ["output declared twice"] = new(
            t => t.AddOutput(Hukou, new OutputDefinition("status", "again", OutputKind.Value)),
            "output.duplicate",
            "$.items[hukou].outputs[status]",
            ["'status'"]),
        ["certificate without licence type"] = new(
            t => t.AddOutput(BirthCert, new OutputDefinition("extraCert", "x", OutputKind.Certificate)),
            "output.licenceType.missing",
            "$.items[birth-cert].outputs[extraCert].licenceType",
            ["licence type"]),
        ["certificate of unknown licence type"] = new(
            t => t.AddOutput(BirthCert, new OutputDefinition("extraCert", "x", OutputKind.Certificate, "nowhere")),
            "output.licenceType.unknown",
            "$.items[birth-cert].outputs[extraCert].licenceType",
            ["'nowhere'"]),
        ["value output with licence type"] = new(
            t => t.AddOutput(BirthCert, new OutputDefinition("extraValue", "x", OutputKind.Value, "id-card")),
            "output.licenceType.unexpected",
            "$.items[birth-cert].outputs[extraValue].licenceType",
            ["Only certificate outputs"]),

        // Conditions.
        ["fieldIn without values"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new FieldIn("hospital", []) }),
            "condition.values.empty",
            RegisteredWhen,
            ["at least one value"]),
        ["compare a text field"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new AllOf([RegisteredOutput, new FieldCompare("childName", Comparison.AtLeast, 1)]) }),
            "condition.compare.notNumber",
            RegisteredWhen + ".conditions[1].field",
            ["'childName'", "Text"]),
        ["condition on undeclared field"] = new(
            t => t.WithItem(Insurance, i => i with { IncludeWhen = new FieldPresent("nowhere") }),
            "condition.field.unknown",
            "$.items[insurance].includeWhen.field",
            ["'nowhere'"]),
        ["condition on undeclared field under not"] = new(
            t => t.WithItem(Insurance, i => i with { IncludeWhen = new NotCondition(new FieldPresent("nowhere")) }),
            "condition.field.unknown",
            "$.items[insurance].includeWhen.condition.field",
            ["'nowhere'"]),
        ["comparison on undeclared field"] = new(
            t => t.WithItem(Allowance, i => i with { IncludeWhen = new AllOf([new FieldCompare("nowhere", Comparison.AtLeast, 3), new FieldIn("hospital", ["public"])]) }),
            "condition.field.unknown",
            "$.items[allowance].includeWhen.conditions[0].field",
            ["'nowhere'"]),
        ["condition on unknown licence type"] = new(
            t => t.WithItem(Insurance, i => i with { IncludeWhen = new HasLicence("nowhere") }),
            "condition.licenceType.unknown",
            "$.items[insurance].includeWhen.licenceType",
            ["'nowhere'"]),
        ["condition reads output of unknown item"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new AllOf([new OutputEquals("nowhere", "status", "registered"), FamilyAtLeastOne]) }),
            "condition.output.item.unknown",
            RegisteredWhen + ".conditions[0].item",
            ["'nowhere'"]),
        ["condition reads unknown output"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new AllOf([new OutputEquals(Hukou, "nothing", "registered"), FamilyAtLeastOne]) }),
            "condition.output.unknown",
            RegisteredWhen + ".conditions[0].output",
            ["'hukou'", "'nothing'"]),
        ["condition reads output of non-prerequisite"] = new(
            t => t.WithItem(BirthCert, i => i with { IncludeWhen = RegisteredOutput }),
            "condition.output.notPrerequisite",
            "$.items[birth-cert].includeWhen.item",
            ["'birth-cert'", "'hukou'"]),
        ["empty all"] = new(
            t => t.WithItem(Insurance, i => i with { IncludeWhen = new AllOf([]) }),
            "condition.empty",
            "$.items[insurance].includeWhen",
            ["at least one condition"]),
        ["empty group nested in rule"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new AllOf([RegisteredOutput, new AnyOf([])]) }),
            "condition.empty",
            RegisteredWhen + ".conditions[1]",
            ["at least one condition"]),
        ["fieldEquals value not an option"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new FieldEquals("hospital", "abroad") }),
            "condition.value.notAnOption",
            RegisteredWhen + ".value",
            ["'abroad'", "'hospital'"]),
        ["fieldIn value not an option"] = new(
            t => t.WithItem(Allowance, i => i with { IncludeWhen = new AllOf([FamilyAtLeastThree, new FieldIn("hospital", ["public", "abroad"])]) }),
            "condition.value.notAnOption",
            "$.items[allowance].includeWhen.conditions[1].values[1]",
            ["'abroad'", "'hospital'"]),
        ["fieldEquals value not boolean"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new FieldEquals("wantsInsurance", "yes") }),
            "condition.value.notBoolean",
            RegisteredWhen + ".value",
            ["'yes'", "'wantsInsurance'"]),
        ["fieldIn value not boolean"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new FieldIn("wantsInsurance", ["true", "yes"]) }),
            "condition.value.notBoolean",
            RegisteredWhen + ".values[1]",
            ["'yes'", "'wantsInsurance'"]),

        // Materials.
        ["material key not camelCase"] = new(
            t => t.AddMaterial(new MaterialDefinition("Bad Key", "x", [BirthCert], FromLicence: "id-card")),
            "material.key",
            "$.materials[5].key",
            ["'Bad Key'"]),
        ["material declared twice"] = new(
            t => t.AddMaterial(new MaterialDefinition("hospitalRecord", "again", [Hukou], FromLicence: "id-card")),
            "material.duplicate",
            "$.materials[hospitalRecord]",
            ["'hospitalRecord'"]),
        ["material name blank"] = new(t => t.WithMaterial("hospitalRecord", m => m with { Name = "" }), "material.name", "$.materials[hospitalRecord].name", ["name"]),
        ["material needed by nobody"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { RequiredBy = [] }),
            "material.requiredBy.empty",
            "$.materials[hospitalRecord].requiredBy",
            ["No item needs"]),
        ["material needed by unknown item"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { RequiredBy = [BirthCert, "nowhere"] }),
            "material.requiredBy.unknown",
            "$.materials[hospitalRecord].requiredBy[1]",
            ["'nowhere'"]),
        ["material with no way to satisfy it"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { Upload = null }),
            "material.unsatisfiable",
            "$.materials[hospitalRecord]",
            ["cannot be satisfied"]),
        ["upload without media types"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { Upload = new UploadRule([], 1024) }),
            "material.upload.contentTypes",
            "$.materials[hospitalRecord].upload.contentTypes",
            ["media types"]),
        ["upload with malformed media type"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { Upload = new UploadRule(["application/pdf", "PDF"], 1024) }),
            "material.upload.contentTypes",
            "$.materials[hospitalRecord].upload.contentTypes",
            ["media types"]),
        ["upload of zero bytes"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { Upload = new UploadRule(["application/pdf"], 0) }),
            "material.upload.maxBytes",
            "$.materials[hospitalRecord].upload.maxBytes",
            ["1 to 52428800"]),
        ["upload above the largest allowed"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { Upload = new UploadRule(["application/pdf"], TemplateValidator.MaxUploadBytes + 1) }),
            "material.upload.maxBytes",
            "$.materials[hospitalRecord].upload.maxBytes",
            ["1 to 52428800"]),
        ["material from unknown licence"] = new(
            t => t.WithMaterial("parentIdCard", m => m with { FromLicence = "nowhere" }),
            "material.licence.unknown",
            "$.materials[parentIdCard].fromLicence",
            ["'nowhere'"]),
        ["material produced by unknown item"] = new(
            t => t.WithMaterial("birthCertificate", m => m with { ProducedBy = new OutputReference("nowhere", "birthCertificate") }),
            "material.producedBy.item.unknown",
            "$.materials[birthCertificate].producedBy.item",
            ["'nowhere'"]),
        ["material produced by unknown output"] = new(
            t => t.WithMaterial("birthCertificate", m => m with { ProducedBy = new OutputReference(BirthCert, "nothing") }),
            "material.producedBy.output.unknown",
            "$.materials[birthCertificate].producedBy.output",
            ["'birth-cert'", "'nothing'"]),
        ["material produced by a value output"] = new(
            t => t.WithMaterial("birthCertificate", m => m with { RequiredBy = [Insurance], ProducedBy = new OutputReference(Hukou, "status") }),
            "material.producedBy.notCertificate",
            "$.materials[birthCertificate].producedBy.output",
            ["'status'"]),
        ["material produced by non-prerequisite"] = new(
            t => t.WithMaterial("birthCertificate", m => m with { RequiredBy = [Hukou, Insurance, Allowance] }),
            "material.producedBy.notPrerequisite",
            "$.materials[birthCertificate].producedBy.item",
            ["'allowance'", "'birth-cert'"]),
        ["commitment without text"] = new(
            t => t.WithMaterial("residenceCommitment", m => m with { Commitment = new CommitmentRule(" ", 20) }),
            "material.commitment.text",
            "$.materials[residenceCommitment].commitment.text",
            ["statement"]),
        ["commitment verified within zero days"] = new(
            t => t.WithMaterial("residenceCommitment", m => m with { Commitment = new CommitmentRule("承诺", 0) }),
            "material.commitment.verifyWithinDays",
            "$.materials[residenceCommitment].commitment.verifyWithinDays",
            ["at least 1"]),
        ["commitment failing in a way that does not exist"] = new(
            t => t.WithMaterial("residenceCommitment", m => m with { Commitment = new CommitmentRule("承诺", 5, (CommitmentFailure)7) }),
            "material.commitment.onFailed",
            "$.materials[residenceCommitment].commitment.onFailed",
            ["notify", "revokeItem"]),
        ["commitment verified by an item that does not need it"] = new(
            t => t.WithMaterial("residenceCommitment", m => m with { Commitment = new CommitmentRule("承诺", 5, VerifiedBy: "birth-cert") }),
            "material.commitment.verifiedBy",
            "$.materials[residenceCommitment].commitment.verifiedBy",
            ["'birth-cert'", "must be one of the items"]),
        ["deferral of zero days"] = new(
            t => t.WithMaterial("marriageCertificate", m => m with { Deferral = new DeferralRule(0, DeferralOutcome.CancelItem) }),
            "material.deferral.withinDays",
            "$.materials[marriageCertificate].deferral.withinDays",
            ["at least 1"]),

        // Proactive start.
        ["proactive from an unknown system"] = new(
            t => t with { Proactive = ValidProactive with { System = "nowhere-system" } },
            "proactive.system.unknown",
            "$.proactive.system",
            ["'nowhere-system'"]),
        ["proactive event not kebab"] = new(t => t with { Proactive = ValidProactive with { Event = "Birth Recorded" } }, "proactive.event", "$.proactive.event", ["lower-case"]),
        ["proactive confirm within zero days"] = new(
            t => t with { Proactive = ValidProactive with { ConfirmWithinDays = 0 } },
            "proactive.confirmWithinDays",
            "$.proactive.confirmWithinDays",
            ["at least 1"]),
        ["proactive fills an unknown field"] = new(
            t => t with { Proactive = ValidProactive with { AnswersFrom = new Dictionary<string, string> { ["babyWeight"] = "weight" } } },
            "proactive.answersFrom.field",
            "$.proactive.answersFrom[babyWeight]",
            ["'babyWeight'"]),
        ["proactive fills from a blank data key"] = new(
            t => t with { Proactive = ValidProactive with { AnswersFrom = new Dictionary<string, string> { ["childName"] = " " } } },
            "proactive.answersFrom.dataKey",
            "$.proactive.answersFrom[childName]",
            ["data key"]),

        // Issue 18's template language: dates, ranges, multi-choice, conditional requirements, reserved keys.
        ["field key submission"] = new(t => t.AddField(new FieldDefinition("submission", "提交日期", FieldType.Date)), "field.key.reserved", "$.fields[4].key", ["'submission'", "reserved"]),
        ["multi-choice counts a negative min"] = new(t => t.WithNewParts().WithField("services", f => f with { Min = -1 }), "field.multiChoice.count", "$.fields[services].min", ["count the options"]),
        ["multi-choice counts half an option"] = new(t => t.WithNewParts().WithField("services", f => f with { Max = 1.5m }), "field.multiChoice.count", "$.fields[services].min", ["whole number"]),
        ["multi-choice without options"] = new(
            t => t.WithNewParts().WithField("services", f => f with { Options = [] }),
            "field.options.missing",
            "$.fields[services].options",
            ["options"],
            ["field.optionLabels.unknown", "condition.value.notAnOption", "item.unreachable"]), // its labels and the allowance's includes name options it lost
        ["multi-choice option label for an unknown option"] = new(
            t => t.WithNewParts().WithField("services", f => f with { OptionLabels = new Dictionary<string, LocalText> { ["dentist"] = new("牙科", "Dentist") } }),
            "field.optionLabels.unknown",
            "$.fields[services].optionLabels[dentist]",
            ["'dentist'"]),
        ["field required on its own answer"] = new(
            t => t.WithField("childName", f => f with { RequiredWhen = new NotCondition(new FieldPresent("childName")) }),
            "field.requiredWhen.self",
            "$.fields[childName].requiredWhen",
            ["its own answer"]),
        ["field required on an item's output"] = new(
            t => t.WithField("childName", f => f with { RequiredWhen = RegisteredOutput }),
            "condition.output.atSubmission",
            "$.fields[childName].requiredWhen",
            ["at submission"]),
        ["material required on an item's output"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { RequiredWhen = new AllOf([FamilyAtLeastOne, RegisteredOutput]) }),
            "condition.output.atSubmission",
            "$.materials[hospitalRecord].requiredWhen.conditions[1]",
            ["at submission"]),
        ["material required on an unknown field"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { RequiredWhen = new FieldEquals("twins", "true") }),
            "condition.field.unknown",
            "$.materials[hospitalRecord].requiredWhen.field",
            ["'twins'"]),
        ["field required on an option the field does not have"] = new(
            t => t.WithField("childName", f => f with { RequiredWhen = new FieldEquals("hospital", "military") }),
            "condition.value.notAnOption",
            "$.fields[childName].requiredWhen.value",
            ["'military'"]),
        ["null in a field's requirement"] = new(
            t => t.WithField("childName", f => f with { RequiredWhen = new AnyOf([FamilyAtLeastOne, null!]) }),
            "template.null",
            "$.fields[0].requiredWhen.conditions[1]",
            ["null"]),
        ["null in a material's requirement"] = new(
            t => t.WithMaterial("hospitalRecord", m => m with { RequiredWhen = new AllOf([null!]) }),
            "template.null",
            "$.materials[0].requiredWhen.conditions[0]",
            ["null"]),
        ["deferral the only source"] = new(
            t => t.WithMaterial("marriageCertificate", m => m with { Upload = null }),
            "material.deferral.notUploadable",
            "$.materials[marriageCertificate].deferral",
            ["allow an upload"]),
        ["deferral with a licence but no upload"] = new(
            t => t.WithMaterial("marriageCertificate", m => m with { Upload = null, FromLicence = "id-card" }),
            "material.deferral.notUploadable",
            "$.materials[marriageCertificate].deferral",
            ["allow an upload"]),
        ["a date compared with a number"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new FieldCompare("birthDate", Comparison.AtLeast, 3) }),
            "condition.compare.notNumber",
            $"{RegisteredWhen}.field",
            ["'birthDate'", "Date"]),
        ["a range on a text field"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new FieldBetween("childName", 1, 5) }),
            "condition.compare.notNumber",
            $"{RegisteredWhen}.field",
            ["'childName'", "Text"]),
        ["a range without ends"] = new(t => t.WithRule(Insurance, "registered", r => r with { When = new FieldBetween("familySize") }), "condition.between.empty", RegisteredWhen, ["min or max"]),
        ["a range upside down"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new FieldBetween("familySize", 5, 2) }),
            "condition.between.range",
            $"{RegisteredWhen}.min",
            ["never holds"]),
        ["a range upside down leaves an item out for ever"] = new(
            t => t.WithItem(Allowance, i => i with { IncludeWhen = new FieldBetween("familySize", 5, 2) }),
            "item.unreachable",
            $"$.items[{Allowance}].includeWhen",
            ["never hold"],
            ["condition.between.range", "field.unused"]), // hospital was read only by the old condition
        ["includes on a single choice"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new FieldIncludes("hospital", "public") }),
            "condition.includes.notMultiChoice",
            $"{RegisteredWhen}.field",
            ["'hospital'", "fieldEquals"]),
        ["includes an option the field does not have"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new FieldIncludes("services", "dentist") }),
            "condition.value.notAnOption",
            $"{RegisteredWhen}.value",
            ["'dentist'", "vaccine, photo"]),
        ["equals on a multi-choice"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new FieldEquals("services", "photo") }),
            "condition.value.multiChoice",
            $"{RegisteredWhen}.field",
            ["fieldIncludes"]),
        ["a number field equal to a word"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new FieldEquals("familySize", "three") }),
            "condition.value.notNumber",
            $"{RegisteredWhen}.value",
            ["'three'"]),
        ["a date field equal to a word"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new FieldIn("birthDate", ["2026-10-01", "yesterday"]) }),
            "condition.value.notDate",
            $"{RegisteredWhen}.values[1]",
            ["'yesterday'"]),
        ["a date compared as a date on a number field"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { When = new DateCompare("familySize", DateRelation.Before, "submission") }),
            "condition.date.notDate",
            $"{RegisteredWhen}.field",
            ["'familySize'", "Number"]),
        ["a date compared with a text field"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new DateCompare("birthDate", DateRelation.Before, "childName") }),
            "condition.date.notDate",
            $"{RegisteredWhen}.of",
            ["'childName'", "Text"]),
        ["a date compared with an unknown field"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new DateCompare("birthDate", DateRelation.After, "weddingDate") }),
            "condition.field.unknown",
            $"{RegisteredWhen}.of",
            ["'weddingDate'"]),
        ["a date compared with itself"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new DateCompare("birthDate", DateRelation.Within, "birthDate", 3) }),
            "condition.date.self",
            $"{RegisteredWhen}.of",
            ["itself"]),
        ["a date within negative days"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new DateCompare("birthDate", DateRelation.Within, "submission", -1) }),
            "condition.date.days",
            $"{RegisteredWhen}.days",
            ["0 to 3660"]),
        ["a date within more than ten years"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new DateCompare("birthDate", DateRelation.Within, "submission", 4000, DayCount.WorkingDays) }),
            "condition.date.days",
            $"{RegisteredWhen}.days",
            ["0 to 3660"]),
        ["a date moved by more than 120 years"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new DateCompare("birthDate", DateRelation.Before, "submission", Years: 121) }),
            "condition.date.years",
            $"{RegisteredWhen}.years",
            ["0 to 120"]),
        ["a date moved by negative months"] = new(
            t => t.WithNewParts().WithRule(Insurance, "registered", r => r with { When = new DateCompare("birthDate", DateRelation.Before, "submission", Months: -3) }),
            "condition.date.months",
            $"{RegisteredWhen}.months",
            ["0 to 1440"]),
    };

    [Fact]
    public void Validate_SampleWithTheNewParts_HasNoProblems()
    {
        var problems = TemplateValidator.Validate(Newborn().WithNewParts(), Catalog());
        problems.ShouldBeEmpty("The sample with the new parts has problems:" + Environment.NewLine + Describe(problems));
    }

    static ProactiveRule ValidProactive => new("police-hukou", "birth-recorded", 5, AnswersFrom: new Dictionary<string, string> { ["childName"] = "babyName" });

    [Fact]
    public void Validate_ValidProactiveSection_HasNoProblems() =>
        TemplateValidator.Validate(Newborn() with { Proactive = ValidProactive }, Catalog()).ShouldBeEmpty();

    public static TheoryData<string> BreakNames => new(Breaks.Keys);

    [Fact]
    public void Validate_ItemsThatRevokeAndSupersede_AndARequiredLicence_HaveNoProblems() =>
        TemplateValidator.Validate(
            (Newborn() with { RequiresLicences = ["id-card"] })
                .WithItem(Allowance, i => i with { Revokes = ["id-card", "household-register"] })
                .WithItem(Hukou, i => i with { Supersedes = new Supersession("household-register", "householdEntry") }),
            Catalog()).ShouldBeEmpty();

    static PartyDefinition Party(string role) => new(role, ApplicantKind.Citizen, "当事人 " + role, "Party " + role);

    [Fact]
    public void Validate_PartiesThatConfirmAndHoldCertificates_HaveNoProblems()
    {
        var problems = TemplateValidator.Validate(
            Newborn()
                .AddField(new FieldDefinition("fatherName", "父亲姓名", FieldType.Text, Required: false))
                .AddField(new FieldDefinition("fatherId", "父亲身份号码", FieldType.IdNumber, Required: false))
                .WithParties(Party("father") with
                {
                    NameField = "fatherName", IdNumberField = "fatherId", Required = false,
                    Confirmation = new PartyConfirmationRule(5, ConfirmationMissed.CancelItems),
                })
                .WithMaterial("parentIdCard", m => m with { Party = "father" })
                .WithItem(Hukou, i => i with { Supersedes = new Supersession("household-register", "householdEntry", "father"), Outputs = [.. i.Outputs.Select(o => o.Kind == OutputKind.Certificate ? o with { Holder = "father" } : o)] }),
            Catalog());
        problems.ShouldBeEmpty("Parties used as documented have problems:" + Environment.NewLine + Describe(problems));
    }

    [Fact]
    public void Validate_ValidSample_HasNoProblems()
    {
        var problems = TemplateValidator.Validate(Newborn(), Catalog());
        problems.ShouldBeEmpty("The valid sample has problems:" + Environment.NewLine + Describe(problems));
    }

    [Theory]
    [MemberData(nameof(BreakNames))]
    public void Validate_BrokenRule_ReportsLocatedProblem(string name)
    {
        var broken = Breaks[name];
        var problems = TemplateValidator.Validate(broken.Mutate(Newborn()), Catalog());
        var all = Environment.NewLine + Describe(problems);

        var located = problems.Where(p => p.Code == broken.Code && p.Path == broken.Path).ToList();
        located.ShouldNotBeEmpty($"Expected {broken.Code} at {broken.Path}; got:{all}");
        located.ShouldContain(
            p => broken.Message.All(m => p.Message.Contains(m, StringComparison.Ordinal)),
            $"No {broken.Code} message at {broken.Path} contains {string.Join(" and ", broken.Message)}; got:{all}");
        problems.Where(p => p.Code != broken.Code && !(broken.Also ?? []).Contains(p.Code))
            .ShouldBeEmpty($"Breaking one rule reported unrelated problems:{all}");
    }

    [Fact]
    public void Validate_EveryCodeOfTheValidator_HasABreakingRow()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "workflows", "Workflows", "Templates", "TemplateValidator.cs"));
        var codes = CodeArgument().Matches(source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        codes.Count.ShouldBeGreaterThan(60, "The code scan found too few codes; has the validator's shape changed?");
        var covered = Breaks.Values.Select(b => b.Code).ToHashSet(StringComparer.Ordinal);
        codes.Except(covered).Order(StringComparer.Ordinal).ShouldBeEmpty("Codes the validator emits that no test breaks");
    }

    [Fact]
    public void Validate_ItemDependsOnUnknownItem_ReportsLocatedProblemNamingIt()
    {
        var problems = TemplateValidator.Validate(Newborn().WithItem(Insurance, i => i with { DependsOn = [Hukou, "tax"] }), Catalog());
        var problem = problems.ShouldHaveSingleItem();
        problem.Path.ShouldBe("$.items[insurance].dependsOn[1]");
        problem.Code.ShouldBe("item.dependsOn.unknown");
        problem.Message.ShouldContain("'tax'");
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var template = Newborn() with { Name = "", CommittedDays = 0 };
        template = template
            .WithItem(Hukou, i => i with { DependsOn = [BirthCert, "nowhere"] })
            .WithField("hospital", f => f with { Options = null })
            .WithMaterial("hospitalRecord", m => m with { Upload = new UploadRule([], 0) });

        var problems = TemplateValidator.Validate(template, Catalog());

        problems.Select(p => (p.Path, p.Code)).ShouldBe(
            [
                ("$.name", "template.name"),
                ("$.committedDays", "template.committedDays"),
                ("$.fields[hospital].options", "field.options.missing"),
                ("$.items[hukou].dependsOn[1]", "item.dependsOn.unknown"),
                ("$.materials[hospitalRecord].upload.contentTypes", "material.upload.contentTypes"),
                ("$.materials[hospitalRecord].upload.maxBytes", "material.upload.maxBytes"),
            ],
            ignoreOrder: true,
            Describe(problems));
    }

    [Fact]
    public void Validate_ThreeItemCycle_IsReportedOnceWithTheCircle()
    {
        var template = Newborn().AddItem(Item("item-a") with { DependsOn = ["item-b"] })
            .AddItem(Item("item-b") with { DependsOn = ["item-c"] })
            .AddItem(Item("item-c") with { DependsOn = ["item-a"] })
            .AddItem(Item("item-d") with { DependsOn = ["item-b"] });

        var problems = TemplateValidator.Validate(template, Catalog());

        var cycle = problems.ShouldHaveSingleItem(Describe(problems));
        cycle.Code.ShouldBe("item.cycle");
        cycle.Path.ShouldBe("$.items[item-a].dependsOn");
        cycle.Message.ShouldContain("item-a -> item-b -> item-c -> item-a");
    }

    [Fact]
    public void Validate_TwoSeparateCycles_ReportsEach()
    {
        var template = Newborn().AddItem(Item("item-a") with { DependsOn = ["item-b"] })
            .AddItem(Item("item-b") with { DependsOn = ["item-a"] })
            .AddItem(Item("item-c") with { DependsOn = ["item-d"] })
            .AddItem(Item("item-d") with { DependsOn = ["item-c"] });

        var problems = TemplateValidator.Validate(template, Catalog());

        problems.Count(p => p.Code == "item.cycle").ShouldBe(2, Describe(problems));
        problems.ShouldAllBe(p => p.Code == "item.cycle");
    }

    [Fact]
    public void Validate_DeadItem_MakesEveryItemAfterItUnreachable()
    {
        var template = Newborn().WithItem(BirthCert, i => i with { IncludeWhen = new FieldEquals("hospital", "abroad") });

        var problems = TemplateValidator.Validate(template, Catalog());

        var unreachable = problems.Where(p => p.Code == "item.unreachable").ToList();
        unreachable.Select(p => p.Path).ShouldBe(
            ["$.items[birth-cert].includeWhen", "$.items[hukou].dependsOn", "$.items[insurance].dependsOn"],
            ignoreOrder: true,
            Describe(problems));
        unreachable.Single(p => p.Path == "$.items[insurance].dependsOn").Message.ShouldContain("'hukou'");
    }

    [Fact]
    public void Validate_RulesThatCanReferToOfficer_AreNotNeverApproved()
    {
        var template = Newborn().WithRules(Insurance, d => d with { Rules = [.. d.Rules.Select(r => r with { Then = RuleOutcome.Reject })] });

        TemplateValidator.Validate(template, Catalog()).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_OutputOfTransitivePrerequisite_IsAccepted()
    {
        // insurance depends on hukou, which depends on birth-cert: birth-cert's output exists before insurance starts.
        var template = Newborn().WithItem(Insurance, i => i with
        {
            IncludeWhen = new AllOf([new FieldEquals("wantsInsurance", "true"), new OutputEquals(BirthCert, "birthCertificate", "BC1")]),
        });

        TemplateValidator.Validate(template, Catalog()).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_ConditionReadingAField_CountsAsUsingIt()
    {
        var template = Newborn().WithItem(Insurance, i => i with { Fields = ["familySize"] });

        TemplateValidator.Validate(template, Catalog()).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_NullArguments_Throw()
    {
        Should.Throw<ArgumentNullException>(() => TemplateValidator.Validate(null!, Catalog()));
        Should.Throw<ArgumentNullException>(() => TemplateValidator.Validate(Newborn(), null!));
    }

    [GeneratedRegex("""Add\([^;]*?, "([a-z]+(?:\.[A-Za-z]+)+)",""")]
    private static partial Regex CodeArgument();

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Workflows.sln not found above " + AppContext.BaseDirectory);
    }
}
