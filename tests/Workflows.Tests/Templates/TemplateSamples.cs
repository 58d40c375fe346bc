using Workflows.Templates;

namespace Workflows.Tests.Templates;

/// <summary>
/// A small valid bundle built in code, a catalog it fits, and helpers that change one part of it so a test can break
/// exactly one rule. Every call builds a fresh template; nothing is shared between tests.
/// </summary>
public static class TemplateSamples
{
    public const string BirthCert = "birth-cert";
    public const string Hukou = "hukou";
    public const string Insurance = "insurance";
    public const string Allowance = "allowance";

    /// <summary>Departments health, police, social, civil; licences birth-medical-certificate, household-register, id-card (a citizen's), business-licence (a company's); system police-hukou.</summary>
    public static ServiceCatalog Catalog() => new(
        [
            new Department("health", "卫生健康委员会"),
            new Department("police", "公安局"),
            new Department("social", "人力资源和社会保障局"),
            new Department("civil", "民政局"),
        ],
        [
            new LicenceType("birth-medical-certificate", "出生医学证明", ApplicantKind.Citizen),
            new LicenceType("household-register", "户口登记", ApplicantKind.Citizen),
            new LicenceType("id-card", "居民身份证", ApplicantKind.Citizen),
            new LicenceType("business-licence", "营业执照", ApplicantKind.Company),
        ],
        [new ExternalSystem("police-hukou", "户籍管理系统", "police")]);

    /// <summary>
    /// Four items: birth-cert (officer, issues a certificate), hukou (external system, depends on birth-cert),
    /// insurance (rules reading hukou's output, included when wantsInsurance is true), allowance (officer, included
    /// by a number comparison and a choice). Five materials, one per source kind.
    /// </summary>
    public static BundleTemplate Newborn() => new(
        Key: "newborn",
        Name: "新生儿出生一件事",
        Description: "出生医学证明、户口登记、医保参保、生育津贴一次办理。",
        ApplicantKind: ApplicantKind.Citizen,
        CommittedDays: 20,
        Fields:
        [
            new FieldDefinition("childName", "婴儿姓名", FieldType.Text, Pattern: @"^\S.{0,19}$", Min: 1, Max: 20),
            new FieldDefinition("hospital", "出生医院类型", FieldType.Choice, Options: ["public", "private"]),
            new FieldDefinition("familySize", "家庭人口", FieldType.Number, Min: 1, Max: 20),
            new FieldDefinition("wantsInsurance", "是否参加居民医保", FieldType.Boolean),
        ],
        Materials:
        [
            new MaterialDefinition("hospitalRecord", "分娩记录", [BirthCert], Upload: new UploadRule(["application/pdf", "image/jpeg"], 5L * 1024 * 1024)),
            new MaterialDefinition("parentIdCard", "父母身份证", [BirthCert, Hukou], FromLicence: "id-card"),
            new MaterialDefinition("birthCertificate", "出生医学证明", [Hukou, Insurance], ProducedBy: new OutputReference(BirthCert, "birthCertificate")),
            new MaterialDefinition("residenceCommitment", "共同居住承诺", [Hukou], Commitment: new CommitmentRule("本人承诺与新生儿父母共同居住。", 20)),
            new MaterialDefinition(
                "marriageCertificate",
                "结婚证",
                [Hukou],
                Upload: new UploadRule(["application/pdf"], 10L * 1024 * 1024),
                Deferral: new DeferralRule(10, DeferralOutcome.RejectItem)),
        ],
        Items:
        [
            new ItemDefinition(
                BirthCert,
                "出生医学证明",
                "health",
                "000172003000",
                StatutoryDays: 10,
                CommittedDays: 5,
                new OfficerDecision(),
                DependsOn: [],
                IncludeWhen: null,
                Fields: ["childName", "hospital"],
                Outputs: [new OutputDefinition("birthCertificate", "出生医学证明", OutputKind.Certificate, "birth-medical-certificate", "BC")]),
            new ItemDefinition(
                Hukou,
                "出生登记",
                "police",
                "000106001000",
                StatutoryDays: 20,
                CommittedDays: 10,
                new ExternalDecision("police-hukou"),
                DependsOn: [BirthCert],
                IncludeWhen: null,
                Fields: ["childName"],
                Outputs:
                [
                    new OutputDefinition("status", "登记状态", OutputKind.Value),
                    new OutputDefinition("householdEntry", "户口页", OutputKind.Certificate, "household-register", "HR"),
                ]),
            new ItemDefinition(
                Insurance,
                "城乡居民医保参保登记",
                "social",
                "000112009000",
                StatutoryDays: 15,
                CommittedDays: 3,
                new RuleDecision(
                    [
                        new DecisionRule(
                            "registered",
                            new AllOf([new OutputEquals(Hukou, "status", "registered"), new FieldCompare("familySize", Comparison.AtLeast, 1)]),
                            RuleOutcome.Approve,
                            "已落户的新生儿直接参保"),
                        new DecisionRule(
                            "notRegistered",
                            new NotCondition(new OutputEquals(Hukou, "status", "registered")),
                            RuleOutcome.Reject,
                            "未完成户口登记"),
                    ],
                    RuleOutcome.ReferToOfficer),
                DependsOn: [Hukou],
                IncludeWhen: new FieldEquals("wantsInsurance", "true"),
                Fields: ["wantsInsurance", "familySize"],
                Outputs: [new OutputDefinition("insuranceNumber", "参保号", OutputKind.Value)]),
            new ItemDefinition(
                Allowance,
                "生育津贴",
                "civil",
                "000114002000",
                StatutoryDays: 20,
                CommittedDays: 15,
                new OfficerDecision(),
                DependsOn: [],
                IncludeWhen: new AllOf([new FieldCompare("familySize", Comparison.AtLeast, 3), new FieldIn("hospital", ["public"])]),
                Fields: ["familySize"],
                Outputs: []),
        ]);

    /// <summary>A plain officer item of the health department with nothing else: for adding to a template.</summary>
    /// <param name="key">The item's key.</param>
    /// <returns>The item.</returns>
    public static ItemDefinition Item(string key) =>
        new(key, "事项 " + key, "health", "svc-" + key, 10, 5, new OfficerDecision(), [], [], []);

    /// <summary>
    /// The sample with issue 18's parts, valid: a multi-choice <c>services</c> (vaccine, photo, labelled) and two dates,
    /// <c>birthDate</c> required only for a public hospital and <c>dischargeDate</c>, all used by birth-cert; the
    /// hospital record required only when the birth was within 30 working days of submission; the allowance included
    /// for a family of 3 to 10 choosing the photo, discharged after the birth.
    /// </summary>
    public static BundleTemplate WithNewParts(this BundleTemplate template) => template
        .AddField(new FieldDefinition("services", "所需服务", FieldType.MultiChoice, Required: false, Options: ["vaccine", "photo"], Min: 0, Max: 2,
            OptionLabels: new Dictionary<string, LocalText> { ["vaccine"] = new("疫苗接种", "Vaccination"), ["photo"] = new("证件照", "ID photo") }))
        .AddField(new FieldDefinition("birthDate", "出生日期", FieldType.Date, RequiredWhen: new FieldEquals("hospital", "public")))
        .AddField(new FieldDefinition("dischargeDate", "出院日期", FieldType.Date, Required: false))
        .WithItem(BirthCert, i => i with { Fields = [.. i.Fields, "services", "birthDate", "dischargeDate"] })
        .WithMaterial("hospitalRecord", m => m with { RequiredWhen = new DateCompare("birthDate", DateRelation.Within, DateCompare.Submission, 30, DayCount.WorkingDays) })
        .WithItem(Allowance, i => i with
        {
            IncludeWhen = new AllOf(
            [
                new FieldBetween("familySize", 3, 10),
                new FieldIncludes("services", "photo"),
                new DateCompare("dischargeDate", DateRelation.After, "birthDate"),
                new FieldIn("hospital", ["public"]),
            ]),
        });

    /// <summary>Changes one field.</summary>
    public static BundleTemplate WithField(this BundleTemplate template, string key, Func<FieldDefinition, FieldDefinition> change) =>
        template with { Fields = Replace(template.Fields, f => f.Key == key, change, key) };

    /// <summary>Changes one item.</summary>
    public static BundleTemplate WithItem(this BundleTemplate template, string key, Func<ItemDefinition, ItemDefinition> change) =>
        template with { Items = Replace(template.Items, i => i.Key == key, change, key) };

    /// <summary>Changes one material.</summary>
    public static BundleTemplate WithMaterial(this BundleTemplate template, string key, Func<MaterialDefinition, MaterialDefinition> change) =>
        template with { Materials = Replace(template.Materials, m => m.Key == key, change, key) };

    /// <summary>Changes the rules of a rule-decided item.</summary>
    public static BundleTemplate WithRules(this BundleTemplate template, string itemKey, Func<RuleDecision, RuleDecision> change) =>
        template.WithItem(itemKey, i => i with
        {
            Decision = change(i.Decision as RuleDecision ?? throw new InvalidOperationException($"Item '{itemKey}' is not rule-decided.")),
        });

    /// <summary>Changes one rule of a rule-decided item.</summary>
    public static BundleTemplate WithRule(this BundleTemplate template, string itemKey, string ruleKey, Func<DecisionRule, DecisionRule> change) =>
        template.WithRules(itemKey, d => d with { Rules = Replace(d.Rules, r => r.Key == ruleKey, change, ruleKey) });

    /// <summary>Adds a field at the end.</summary>
    /// <summary>The template with these parties (replacing any).</summary>
    public static BundleTemplate WithParties(this BundleTemplate template, params PartyDefinition[] parties) =>
        template with { Parties = parties };

    /// <summary>The template with one more field.</summary>
    public static BundleTemplate AddField(this BundleTemplate template, FieldDefinition field) =>
        template with { Fields = [.. template.Fields, field] };

    /// <summary>Adds an item at the end.</summary>
    public static BundleTemplate AddItem(this BundleTemplate template, ItemDefinition item) =>
        template with { Items = [.. template.Items, item] };

    /// <summary>Adds a material at the end.</summary>
    public static BundleTemplate AddMaterial(this BundleTemplate template, MaterialDefinition material) =>
        template with { Materials = [.. template.Materials, material] };

    /// <summary>Adds an output to an item.</summary>
    public static BundleTemplate AddOutput(this BundleTemplate template, string itemKey, OutputDefinition output) =>
        template.WithItem(itemKey, i => i with { Outputs = [.. i.Outputs, output] });

    /// <summary>One line per problem, for failure messages.</summary>
    public static string Describe(IEnumerable<TemplateProblem> problems) =>
        string.Join(Environment.NewLine, problems.Select(p => $"  {p.Path}  {p.Code}: {p.Message}"));

    // Fails loudly when the key is absent, so a mutation can never silently change nothing.
    static T[] Replace<T>(IReadOnlyList<T> list, Func<T, bool> match, Func<T, T> change, string key)
    {
        if (!list.Any(match))
        {
            throw new InvalidOperationException($"The sample has no '{key}' to change.");
        }

        return [.. list.Select(x => match(x) ? change(x) : x)];
    }
}
