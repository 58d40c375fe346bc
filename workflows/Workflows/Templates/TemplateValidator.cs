using System.Text.RegularExpressions;

namespace Workflows.Templates;

/// <summary>
/// Checks a template against every rule a bundle must keep and reports all problems at once, each located by
/// path and named by a stable code. A template with any problem is never saved as published nor run.
/// </summary>
public static partial class TemplateValidator
{
    /// <summary>Longest time a template's regular expression may take on one answer.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest upload a template may allow: 50 MiB.</summary>
    public const long MaxUploadBytes = 50L * 1024 * 1024;

    /// <summary>Validates a template.</summary>
    /// <param name="template">The template.</param>
    /// <param name="catalog">Departments, licence types and outside systems it may refer to.</param>
    /// <returns>Every problem found; empty when the template is valid.</returns>
    public static IReadOnlyList<TemplateProblem> Validate(BundleTemplate template, ServiceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(catalog);
        var run = new Run(template, catalog);
        run.Check();
        return run.Problems;
    }

    /// <summary>
    /// Item keys the engine uses for its own ids next to items' ones: <c>bundle</c> (the bundle's audit steps and
    /// rating target), <c>proactive</c> (the proactive parent's instance <c>{application}:proactive</c> and its audit
    /// steps) and <c>admin</c> (administrators' audit steps). An item with one of them would share those ids.
    /// </summary>
    public static IReadOnlySet<string> ReservedItemKeys { get; } = new HashSet<string>(["bundle", "proactive", "admin"], StringComparer.Ordinal);

    /// <summary>
    /// Field keys conditions use for their own meaning: <c>submission</c> (a <see cref="DateCompare"/> of the
    /// submission's date). A field so called could not be told from it.
    /// </summary>
    public static IReadOnlySet<string> ReservedFieldKeys { get; } = new HashSet<string>([DateCompare.Submission], StringComparer.Ordinal);

    /// <summary>
    /// Role keys the engine gives a meaning: <c>applicant</c> (who files; always a party, never declared).
    /// </summary>
    public static IReadOnlySet<string> ReservedPartyRoles { get; } = new HashSet<string>(["applicant"], StringComparer.Ordinal);

    /// <summary>The most working days a party may be given to confirm.</summary>
    public const int MaxConfirmationDays = 60;

    static bool IsChoice(FieldType type) => type is FieldType.Choice or FieldType.MultiChoice;

    [GeneratedRegex("^[a-z][a-z0-9-]{1,63}$")]
    private static partial Regex KebabKey();

    [GeneratedRegex("^[a-z][A-Za-z0-9]{0,63}$")]
    private static partial Regex CamelKey();

    [GeneratedRegex("^[a-z]+/[a-z0-9.+-]+$")]
    private static partial Regex MediaType();

    sealed class Run(BundleTemplate template, ServiceCatalog catalog)
    {
        readonly Dictionary<string, FieldDefinition> fields = new(StringComparer.Ordinal);
        readonly Dictionary<string, ItemDefinition> items = new(StringComparer.Ordinal);
        readonly Dictionary<string, HashSet<string>> prerequisites = new(StringComparer.Ordinal);
        readonly HashSet<string> usedFields = new(StringComparer.Ordinal);
        readonly Dictionary<string, PartyDefinition> parties = new(StringComparer.Ordinal);

        public List<TemplateProblem> Problems { get; } = [];

        public void Check()
        {
            if (!CheckNoNulls())
            {
                return;
            }

            CheckTemplate();
            CheckFields();
            CheckParties();
            CheckItems();
            CheckCycles();
            ComputePrerequisites();
            foreach (var item in items.Values)
            {
                CheckItemReferences(item);
            }

            CheckRequiredWhen();
            CheckMaterials();
            CheckUnusedFields();
            CheckReachability();
            CheckProactive();
        }

        void Add(string path, string code, string zh, string en) => Problems.Add(new TemplateProblem(path, code, en, zh));

        // JSON can put null inside a list ("dependsOn": ["a", null]); nothing else here expects one, so such a
        // template is refused with the places, before any other rule looks at it.
        bool CheckNoNulls()
        {
            var before = Problems.Count;
            void Nulls<T>(IReadOnlyList<T?>? list, string path)
            {
                for (var i = 0; list is not null && i < list.Count; i++)
                {
                    if (list[i] is null)
                    {
                        Add($"{path}[{i}]", "template.null", "此列表含有 null；请删除或给出值。", "A list holds null here; remove it or give a value.");
                    }
                }
            }

            void ConditionNulls(Condition? condition, string path)
            {
                switch (condition)
                {
                    case AllOf all:
                        Nulls(all.Conditions, $"{path}.conditions");
                        for (var i = 0; i < all.Conditions.Count; i++) { ConditionNulls(all.Conditions[i], $"{path}.conditions[{i}]"); }
                        break;
                    case AnyOf any:
                        Nulls(any.Conditions, $"{path}.conditions");
                        for (var i = 0; i < any.Conditions.Count; i++) { ConditionNulls(any.Conditions[i], $"{path}.conditions[{i}]"); }
                        break;
                    case NotCondition not:
                        ConditionNulls(not.Condition, $"{path}.condition");
                        break;
                    case FieldIn fieldIn:
                        Nulls(fieldIn.Values, $"{path}.values");
                        break;
                }
            }

            Nulls(template.Fields, "$.fields");
            Nulls(template.Materials, "$.materials");
            Nulls(template.Items, "$.items");
            Nulls(template.RequiresLicences, "$.requiresLicences");
            Nulls(template.RefusesLicences, "$.refusesLicences");
            Nulls(template.Parties, "$.parties");
            for (var i = 0; i < template.Fields.Count; i++)
            {
                Nulls(template.Fields[i]?.Options, $"$.fields[{i}].options");
                ConditionNulls(template.Fields[i]?.RequiredWhen, $"$.fields[{i}].requiredWhen");
            }

            for (var i = 0; i < template.Materials.Count; i++)
            {
                if (template.Materials[i] is not { } material) { continue; }
                Nulls(material.RequiredBy, $"$.materials[{i}].requiredBy");
                Nulls(material.Upload?.ContentTypes, $"$.materials[{i}].upload.contentTypes");
                ConditionNulls(material.RequiredWhen, $"$.materials[{i}].requiredWhen");
            }

            for (var i = 0; i < template.Items.Count; i++)
            {
                if (template.Items[i] is not { } item) { continue; }
                var path = $"$.items[{i}]";
                Nulls(item.DependsOn, $"{path}.dependsOn");
                Nulls(item.Fields, $"{path}.fields");
                Nulls(item.Outputs, $"{path}.outputs");
                Nulls(item.Revokes, $"{path}.revokes");
                ConditionNulls(item.IncludeWhen, $"{path}.includeWhen");
                if (item.Decision is RuleDecision rules)
                {
                    Nulls(rules.Rules, $"{path}.decision.rules");
                    for (var r = 0; r < rules.Rules.Count; r++)
                    {
                        ConditionNulls(rules.Rules[r]?.When, $"{path}.decision.rules[{r}].when");
                    }
                }
            }

            return Problems.Count == before;
        }

        static string ItemPath(string key) => $"$.items[{key}]";

        void CheckTemplate()
        {
            if (string.IsNullOrEmpty(template.Key) || !KebabKey().IsMatch(template.Key))
            {
                Add("$.key", "template.key", "键须为 2 到 64 个小写字母、数字或“-”，以字母开头。", "The key must be 2-64 lower-case letters, digits or '-', starting with a letter.");
            }

            if (string.IsNullOrWhiteSpace(template.Name))
            {
                Add("$.name", "template.name", "模板需要名称。", "The template needs a name.");
            }

            CheckEnglish("$.nameEn", "template.nameEn", template.NameEn);
            CheckEnglish("$.descriptionEn", "template.descriptionEn", template.DescriptionEn);

            if (template.CommittedDays < 1)
            {
                Add("$.committedDays", "template.committedDays", "承诺时限至少为 1 个工作日。", "The committed time limit must be at least 1 working day.");
            }

            if (template.Items.Count == 0)
            {
                Add("$.items", "template.items.empty", "一件事至少需要一个事项。", "A bundle needs at least one item.");
            }

            var required = new HashSet<string>(StringComparer.Ordinal);
            foreach (var type in template.RequiresLicences ?? [])
            {
                if (!required.Add(type))
                {
                    Add($"$.requiresLicences[{type}]", "template.requiresLicences.duplicate", $"证照类型“{type}”列出了不止一次。", $"Licence type '{type}' is listed more than once.");
                }
                else if (NotHoldable(type) is { Unknown: true } unknown)
                {
                    Add($"$.requiresLicences[{type}]", "template.requiresLicences.unknown", unknown.Zh, unknown.En);
                }
                else if (NotHoldable(type) is { } other)
                {
                    Add($"$.requiresLicences[{type}]", "template.requiresLicences.holder", other.Zh, other.En);
                }
            }

            var refused = new HashSet<string>(StringComparer.Ordinal);
            foreach (var type in template.RefusesLicences ?? [])
            {
                var at = $"$.refusesLicences[{type}]";
                if (!refused.Add(type))
                {
                    Add(at, "template.refusesLicences.duplicate", $"证照类型“{type}”列出了不止一次。", $"Licence type '{type}' is listed more than once.");
                }
                else if (NotHoldable(type) is { Unknown: true } unknown)
                {
                    Add(at, "template.refusesLicences.unknown", unknown.Zh, unknown.En);
                }
                else if (NotHoldable(type) is { } other)
                {
                    Add(at, "template.refusesLicences.holder", other.Zh, other.En);
                }
                else if (required.Contains(type))
                {
                    Add(at, "template.refusesLicences.required", $"证照类型“{type}”既是申请所需，又是拒绝申请的理由，没有人能申请。",
                        $"Licence type '{type}' is both required to apply and a reason to refuse: nobody could apply.");
                }
            }
        }

        // An English name is optional (people reading English then see the Chinese one) but, when given, is a name.
        void CheckEnglish(string path, string code, string? value)
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                Add(path, code, "英文文本若给出则不能为空；不给出则显示中文。", "The English text, when given, must not be blank; leave it out to show the Chinese one.");
            }
        }

        // A choice field's option labels name its options only, each in both languages.
        void CheckOptionLabels(FieldDefinition field, string path)
        {
            if (field.OptionLabels is not { } labels)
            {
                return;
            }

            if (!IsChoice(field.Type))
            {
                Add($"{path}.optionLabels", "field.optionLabels.unexpected", $"只有选择字段有选项标签；此字段为 {field.Type}。", $"Only choice fields have option labels; this one is {field.Type}.");
                return;
            }

            foreach (var (option, text) in labels)
            {
                if (field.Options?.Contains(option, StringComparer.Ordinal) != true)
                {
                    Add($"{path}.optionLabels[{option}]", "field.optionLabels.unknown", $"“{option}”不是该字段的选项。", $"'{option}' is not one of the field's options.");
                }
                else if (text is null || string.IsNullOrWhiteSpace(text.Zh) || string.IsNullOrWhiteSpace(text.En))
                {
                    Add($"{path}.optionLabels[{option}]", "field.optionLabels.blank", "请给出选项的中文（zh）和英文（en）标签。", "Give the option's label in Chinese (zh) and English (en).");
                }
            }
        }

        void CheckFields()
        {
            for (var i = 0; i < template.Fields.Count; i++)
            {
                var field = template.Fields[i];
                var path = $"$.fields[{field.Key}]";
                if (!CamelKey().IsMatch(field.Key))
                {
                    Add($"$.fields[{i}].key", "field.key", $"字段键“{field.Key}”须为 camelCase 字母和数字，以小写字母开头。", $"Field key '{field.Key}' must be camelCase letters and digits, starting with a lower-case letter.");
                    continue;
                }

                if (ReservedFieldKeys.Contains(field.Key))
                {
                    Add($"$.fields[{i}].key", "field.key.reserved", $"字段键“{field.Key}”为条件保留（dateCompare 的 of 用它指提交日期）；请另选。",
                        $"Field key '{field.Key}' is reserved for conditions (dateCompare's of uses it for the submission date); choose another.");
                    continue;
                }

                if (!fields.TryAdd(field.Key, field))
                {
                    Add(path, "field.duplicate", $"字段“{field.Key}”声明了不止一次；每个字段只声明一次，供各事项共用。", $"Field '{field.Key}' is declared more than once; declare each field once and let every item use it.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(field.Label))
                {
                    Add($"{path}.label", "field.label", "字段需要标签。", "The field needs a label.");
                }

                CheckEnglish($"{path}.labelEn", "field.labelEn", field.LabelEn);
                CheckOptionLabels(field, path);

                if (IsChoice(field.Type))
                {
                    if (field.Options is null || field.Options.Count == 0)
                    {
                        Add($"{path}.options", "field.options.missing", "选择字段需要选项。", "A choice field needs its options.");
                    }
                    else if (field.Options.Distinct(StringComparer.Ordinal).Count() != field.Options.Count)
                    {
                        Add($"{path}.options", "field.options.duplicate", "选项中有重复的值。", "The options repeat a value.");
                    }
                }
                else if (field.Options is not null)
                {
                    Add($"{path}.options", "field.options.unexpected", $"只有选择字段有选项；此字段为 {field.Type}。", $"Only choice fields have options; this one is {field.Type}.");
                }

                if (field.Pattern is not null)
                {
                    if (field.Type != FieldType.Text)
                    {
                        Add($"{path}.pattern", "field.pattern.unexpected", "只有文本字段可设格式；其他类型按类型校验。", "Only text fields take a pattern; the other types are checked by type.");
                    }

                    try
                    {
                        _ = new Regex(field.Pattern, RegexOptions.None, PatternTimeout);
                    }
                    catch (ArgumentException ex)
                    {
                        Add($"{path}.pattern", "field.pattern.invalid", $"格式不是有效的正则表达式：{ex.Message}", $"The pattern is not a valid regular expression: {ex.Message}");
                    }
                }

                if (field.Min is { } min && field.Max is { } max && min > max)
                {
                    Add($"{path}.min", "field.range", $"最小值 {min} 大于最大值 {max}。", $"Min {min} is greater than max {max}.");
                }

                if (field.Type == FieldType.MultiChoice && ((field.Min is { } fewest && (fewest < 0 || fewest != decimal.Truncate(fewest))) || (field.Max is { } most && (most < 1 || most != decimal.Truncate(most)))))
                {
                    Add($"{path}.min", "field.multiChoice.count", "多选字段的 min 和 max 是选择项数：min 为 0 或更大的整数，max 为 1 或更大的整数。", "A multi-choice field's min and max count the options chosen: min a whole number of 0 or more, max of 1 or more.");
                }
            }
        }

        void CheckItems()
        {
            for (var i = 0; i < template.Items.Count; i++)
            {
                var item = template.Items[i];
                if (!KebabKey().IsMatch(item.Key))
                {
                    Add($"$.items[{i}].key", "item.key", $"事项键“{item.Key}”须为 2 到 64 个小写字母、数字或“-”。", $"Item key '{item.Key}' must be 2-64 lower-case letters, digits or '-'.");
                    continue;
                }

                if (ReservedItemKeys.Contains(item.Key))
                {
                    Add($"$.items[{i}].key", "item.key.reserved", $"事项键“{item.Key}”为引擎自用编号保留（{string.Join("、", ReservedItemKeys.Order(StringComparer.Ordinal))}）；请另选。",
                        $"Item key '{item.Key}' is reserved for the engine's own ids ({string.Join(", ", ReservedItemKeys.Order(StringComparer.Ordinal))}); choose another.");
                    continue;
                }

                var path = ItemPath(item.Key);
                if (!items.TryAdd(item.Key, item))
                {
                    Add(path, "item.duplicate", $"事项“{item.Key}”声明了不止一次。", $"Item '{item.Key}' is declared more than once.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(item.Name))
                {
                    Add($"{path}.name", "item.name", "事项需要名称。", "The item needs a name.");
                }

                CheckEnglish($"{path}.nameEn", "item.nameEn", item.NameEn);

                if (string.IsNullOrWhiteSpace(item.ServiceCode))
                {
                    Add($"{path}.serviceCode", "item.serviceCode", "事项需要政务服务事项目录中的事项编码。", "The item needs its service code from the government service catalogue.");
                }

                if (catalog.FindDepartment(item.Department) is null)
                {
                    Add($"{path}.department", "item.department.unknown", $"部门“{item.Department}”不在目录中。", $"Department '{item.Department}' is not in the catalog.");
                }

                if (item.StatutoryDays < 1)
                {
                    Add($"{path}.statutoryDays", "item.statutoryDays", "法定时限至少为 1 个工作日。", "The statutory time limit must be at least 1 working day.");
                }

                if (item.CommittedDays < 1 || item.CommittedDays > item.StatutoryDays)
                {
                    Add($"{path}.committedDays", "item.committedDays", $"承诺时限须为 1 到 {Math.Max(1, item.StatutoryDays)} 个工作日（不超过法定时限）。", $"The committed time limit must be 1 to {Math.Max(1, item.StatutoryDays)} working days (at most the statutory limit).");
                }

                CheckDecisionShape(item, path);
                CheckOutputs(item, path);
                CheckLicenceEnds(item, path);
            }
        }

        // Why the applicant of this bundle can never hold a licence type (not in the catalog, or another holder kind); null when they can.
        (bool Unknown, string Zh, string En)? NotHoldable(string type, string? party = null)
        {
            var licence = catalog.FindLicenceType(type);
            if (licence is null)
            {
                return (true, $"证照类型“{type}”不在目录中。", $"Licence type '{type}' is not in the catalog.");
            }

            // A party not declared is reported where it is named; its kind is then unknown and nothing more is said.
            var kind = party is null ? template.ApplicantKind : parties.TryGetValue(party, out var declared) ? declared.Kind : licence.Holder;
            var who = party is null ? ("本事的申请人", "the applicant of this bundle") : ($"当事人“{party}”", $"party '{party}'");
            return licence.Holder == kind ? null : (false,
                $"证照类型“{type}”由{(licence.Holder == ApplicantKind.Company ? "企业" : "个人")}持有，{who.Item1}不会持有它。",
                $"Licence type '{type}' is held by a {licence.Holder.ToString().ToLowerInvariant()}; {who.Item2} never holds it.");
        }

        // A role named by a material, an output or a supersession must be declared in parties.
        bool UnknownParty(string? role, string path, string code)
        {
            if (role is null || parties.ContainsKey(role))
            {
                return false;
            }

            Add(path, code, $"模板没有声明当事人“{role}”；请在 parties 中声明它（申请人不必声明，省略即指申请人）。",
                $"The template declares no party '{role}'; declare it in parties (the applicant is implicit: leave the role out to mean the applicant).");
            return true;
        }

        void CheckParties()
        {
            var list = template.Parties ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                var party = list[i];
                if (!CamelKey().IsMatch(party.Role))
                {
                    Add($"$.parties[{i}].role", "party.role", $"角色键“{party.Role}”须为 camelCase 字母和数字，以小写字母开头。", $"Role key '{party.Role}' must be camelCase letters and digits, starting with a lower-case letter.");
                    continue;
                }

                if (ReservedPartyRoles.Contains(party.Role))
                {
                    Add($"$.parties[{i}].role", "party.role.reserved", "“applicant”指申请人本人，总是当事人，不必也不能声明；请另选角色键。",
                        "'applicant' means the applicant, who is always a party and is never declared; choose another role key.");
                    continue;
                }

                var path = $"$.parties[{party.Role}]";
                if (!parties.TryAdd(party.Role, party))
                {
                    Add(path, "party.duplicate", $"当事人“{party.Role}”声明了不止一次。", $"Party '{party.Role}' is declared more than once.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(party.Label))
                {
                    Add($"{path}.label", "party.label", "当事人需要标签（如“卖方”）。", "The party needs a label (e.g. 'Seller').");
                }

                CheckEnglish($"{path}.labelEn", "party.labelEn", party.LabelEn);
                if (party.MayBeApplicant && party.Kind != template.ApplicantKind)
                {
                    Add($"{path}.mayBeApplicant", "party.mayBeApplicant.kind", $"申请人是{KindZh(template.ApplicantKind)}，不能充当{KindZh(party.Kind)}当事人。",
                        $"The applicant is a {template.ApplicantKind.ToString().ToLowerInvariant()} and cannot stand in for a {party.Kind.ToString().ToLowerInvariant()} party.");
                }

                CheckPartyField(party.NameField, $"{path}.nameField", [FieldType.Text], ("party.nameField.unknown", "party.nameField.type"));
                CheckPartyField(party.IdNumberField, $"{path}.idNumberField", party.Kind == ApplicantKind.Citizen ? [FieldType.IdNumber] : [FieldType.CreditCode],
                    ("party.idNumberField.unknown", "party.idNumberField.type"));
                if (party.Confirmation is { } confirmation)
                {
                    if (confirmation.WithinDays is not { } days)
                    {
                        Add($"{path}.confirmation.withinDays", "party.confirmation.deadline", "须确认的当事人需要确认期限（工作日）。", "A party who confirms needs a deadline in working days.");
                    }
                    else if (days < 1 || days > MaxConfirmationDays)
                    {
                        Add($"{path}.confirmation.withinDays", "party.confirmation.deadline", $"确认期限须为 1 到 {MaxConfirmationDays} 个工作日。", $"The deadline must be 1 to {MaxConfirmationDays} working days.");
                    }

                    if (confirmation.OnMissed is null)
                    {
                        Add($"{path}.confirmation.onMissed", "party.confirmation.onMissed", "请说明当事人未按期确认或拒绝时怎么办：endBundle（整件事终止）或 cancelItems（取消需要其确认的事项）。",
                            "Say what a missed or declined confirmation does: endBundle (the bundle ends) or cancelItems (the items that need the party are cancelled).");
                    }
                }
            }
        }

        void CheckPartyField(string? key, string path, FieldType[] types, (string Unknown, string Type) codes)
        {
            if (key is null)
            {
                return;
            }

            if (!fields.TryGetValue(key, out var field))
            {
                Add(path, codes.Unknown, $"表单中没有字段“{key}”。", $"The form has no field '{key}'.");
            }
            else if (!types.Contains(field.Type))
            {
                Add(path, codes.Type, $"字段“{key}”是 {field.Type}，此处需要 {string.Join("/", types)}。", $"Field '{key}' is {field.Type}; {string.Join("/", types)} is needed here.");
            }
            else
            {
                usedFields.Add(key);
            }
        }

        static string KindZh(ApplicantKind kind) => kind == ApplicantKind.Company ? "企业" : "个人";

        // What an approved item ends: licence types of the applicant it revokes, and one it supersedes with a certificate it issues.
        void CheckLicenceEnds(ItemDefinition item, string path)
        {
            var revoked = new HashSet<string>(StringComparer.Ordinal);
            var issued = item.Outputs.Where(o => o.Kind == OutputKind.Certificate && o.LicenceType is not null).Select(o => o.LicenceType!).ToHashSet(StringComparer.Ordinal);
            foreach (var type in item.Revokes ?? [])
            {
                var at = $"{path}.revokes[{type}]";
                if (!revoked.Add(type))
                {
                    Add(at, "item.revokes.duplicate", $"证照类型“{type}”被注销了不止一次。", $"Licence type '{type}' is revoked more than once.");
                }
                else if (NotHoldable(type) is { } no)
                {
                    if (no.Unknown)
                    {
                        Add(at, "item.revokes.unknown", no.Zh, no.En);
                    }
                    else
                    {
                        Add(at, "item.revokes.holder", no.Zh, no.En);
                    }
                }
                else if (issued.Contains(type))
                {
                    Add(at, "item.revokes.issued", $"此事项签发“{type}”又注销它；以新证替换旧证请用 supersedes。", $"The item issues '{type}' and revokes it; to replace an old licence with the new one use supersedes.");
                }
            }

            if (item.Supersedes is not { } supersedes)
            {
                return;
            }

            if (UnknownParty(supersedes.Party, $"{path}.supersedes.party", "item.supersedes.party.unknown"))
            {
                // Reported: whose licence it is cannot be told.
            }
            else if (NotHoldable(supersedes.LicenceType, supersedes.Party) is { } cannot)
            {
                if (cannot.Unknown)
                {
                    Add($"{path}.supersedes.licenceType", "item.supersedes.unknown", cannot.Zh, cannot.En);
                }
                else
                {
                    Add($"{path}.supersedes.licenceType", "item.supersedes.holder", cannot.Zh, cannot.En);
                }
            }
            else if (revoked.Contains(supersedes.LicenceType))
            {
                Add($"{path}.supersedes.licenceType", "item.supersedes.revoked", $"证照类型“{supersedes.LicenceType}”已被此事项注销，不能再被替换。", $"Licence type '{supersedes.LicenceType}' is revoked by this item too; it cannot also be superseded.");
            }

            if (!item.Outputs.Any(o => o.Key == supersedes.By && o.Kind == OutputKind.Certificate && o.LicenceType is not null))
            {
                Add($"{path}.supersedes.by", "item.supersedes.by", $"“{supersedes.By}”不是此事项签发的证照输出。", $"'{supersedes.By}' is not a certificate output of this item.");
            }
        }

        void CheckDecisionShape(ItemDefinition item, string path)
        {
            switch (item.Decision)
            {
                case null:
                    Add($"{path}.decision", "item.decision.missing", "没有人能对此事项作出决定：请说明由工作人员、规则还是外部系统决定。", "Nobody can decide this item: say whether an officer, rules or an outside system decides it.");
                    break;
                case ExternalDecision external:
                    var system = catalog.FindSystem(external.System);
                    if (system is null)
                    {
                        Add($"{path}.decision.system", "item.decision.system.unknown", $"外部系统“{external.System}”不在目录中，因此没有人能对此事项作出决定。", $"Outside system '{external.System}' is not in the catalog, so nobody can decide this item.");
                    }
                    else if (system.Department != item.Department)
                    {
                        Add($"{path}.decision.system", "item.decision.system.department", $"系统“{system.Code}”属于部门“{system.Department}”，不属于“{item.Department}”。", $"System '{system.Code}' belongs to department '{system.Department}', not to '{item.Department}'.");
                    }

                    break;
                case RuleDecision rules:
                    if (rules.Rules.Count == 0)
                    {
                        Add($"{path}.decision.rules", "item.rules.empty", "由规则决定的事项至少需要一条规则。", "A rule-decided item needs at least one rule.");
                    }

                    var ruleKeys = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var rule in rules.Rules)
                    {
                        if (!CamelKey().IsMatch(rule.Key) && !KebabKey().IsMatch(rule.Key))
                        {
                            Add($"{path}.decision.rules", "rule.key", $"规则键“{rule.Key}”须为字母、数字或“-”。", $"Rule key '{rule.Key}' must be letters, digits or '-'.");
                        }
                        else if (!ruleKeys.Add(rule.Key))
                        {
                            Add($"{path}.decision.rules[{rule.Key}]", "rule.duplicate", $"规则“{rule.Key}”声明了不止一次。", $"Rule '{rule.Key}' is declared more than once.");
                        }

                        if (string.IsNullOrWhiteSpace(rule.Rationale))
                        {
                            Add($"{path}.decision.rules[{rule.Key}].rationale", "rule.rationale", "每条规则都需要可读的依据；它随每个决定一起保存。", "Every rule needs a readable rationale; it is stored with each decision.");
                        }

                        CheckEnglish($"{path}.decision.rules[{rule.Key}].rationaleEn", "rule.rationaleEn", rule.RationaleEn);
                    }

                    break;
            }
        }

        void CheckOutputs(ItemDefinition item, string path)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var output in item.Outputs)
            {
                var outputPath = $"{path}.outputs[{output.Key}]";
                if (!CamelKey().IsMatch(output.Key))
                {
                    Add($"{path}.outputs", "output.key", $"输出键“{output.Key}”须为 camelCase。", $"Output key '{output.Key}' must be camelCase.");
                    continue;
                }

                if (!keys.Add(output.Key))
                {
                    Add(outputPath, "output.duplicate", $"输出“{output.Key}”声明了不止一次。", $"Output '{output.Key}' is declared more than once.");
                }

                CheckEnglish($"{outputPath}.nameEn", "output.nameEn", output.NameEn);

                if (output.Kind == OutputKind.Certificate)
                {
                    if (output.LicenceType is null)
                    {
                        Add($"{outputPath}.licenceType", "output.licenceType.missing", "证照输出需要证照类型。", "A certificate output needs its licence type.");
                    }
                    else if (catalog.FindLicenceType(output.LicenceType) is null)
                    {
                        Add($"{outputPath}.licenceType", "output.licenceType.unknown", $"证照类型“{output.LicenceType}”不在目录中。", $"Licence type '{output.LicenceType}' is not in the catalog.");
                    }
                    else if (!UnknownParty(output.Holder, $"{outputPath}.holder", "output.holder.unknown") && output.Holder is not null
                        && NotHoldable(output.LicenceType, output.Holder) is { } cannot)
                    {
                        Add($"{outputPath}.holder", "output.holder.kind", cannot.Zh, cannot.En);
                    }
                }
                else if (output.Holder is not null)
                {
                    Add($"{outputPath}.holder", "output.holder.unexpected", "只有证照输出有持证当事人；值输出不签发给任何人。", "Only certificate outputs have a holder party; a value is issued to nobody.");
                }
                else if (output.LicenceType is not null)
                {
                    Add($"{outputPath}.licenceType", "output.licenceType.unexpected", "只有证照输出有证照类型。", "Only certificate outputs have a licence type.");
                }
            }
        }

        void CheckCycles()
        {
            var state = new Dictionary<string, int>(StringComparer.Ordinal); // 0 new, 1 on the path, 2 done
            var path = new List<string>();
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in items.Keys)
            {
                Visit(key);
            }

            void Visit(string key)
            {
                if (state.GetValueOrDefault(key) == 2)
                {
                    return;
                }

                if (state.GetValueOrDefault(key) == 1)
                {
                    var cycle = path.Skip(path.IndexOf(key)).Append(key).ToList();
                    var id = string.Join(",", cycle.Skip(1).Order(StringComparer.Ordinal));
                    if (reported.Add(id))
                    {
                        Add($"{ItemPath(key)}.dependsOn", "item.cycle", $"事项之间循环依赖：{string.Join(" -> ", cycle)}。", $"Items depend on each other in a circle: {string.Join(" -> ", cycle)}.");
                    }

                    return;
                }

                state[key] = 1;
                path.Add(key);
                // A self-dependency is reported on its own (item.dependsOn.self), not as a cycle too.
                foreach (var next in items[key].DependsOn.Where(d => d != key && items.ContainsKey(d)))
                {
                    Visit(next);
                }

                path.RemoveAt(path.Count - 1);
                state[key] = 2;
            }
        }

        void ComputePrerequisites()
        {
            foreach (var key in items.Keys)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var stack = new Stack<string>(items[key].DependsOn.Where(items.ContainsKey));
                while (stack.TryPop(out var next))
                {
                    if (seen.Add(next))
                    {
                        foreach (var further in items[next].DependsOn.Where(items.ContainsKey))
                        {
                            stack.Push(further);
                        }
                    }
                }

                prerequisites[key] = seen;
            }
        }

        void CheckItemReferences(ItemDefinition item)
        {
            var path = ItemPath(item.Key);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < item.DependsOn.Count; i++)
            {
                var dependency = item.DependsOn[i];
                if (dependency == item.Key)
                {
                    Add($"{path}.dependsOn[{i}]", "item.dependsOn.self", "事项不能依赖自身。", "An item cannot depend on itself.");
                }
                else if (!items.ContainsKey(dependency))
                {
                    Add($"{path}.dependsOn[{i}]", "item.dependsOn.unknown", $"本模板中没有事项“{dependency}”。", $"Item '{dependency}' does not exist in this template.");
                }
                else if (!seen.Add(dependency))
                {
                    Add($"{path}.dependsOn[{i}]", "item.dependsOn.duplicate", $"事项“{dependency}”列出了两次。", $"Item '{dependency}' is listed twice.");
                }
            }

            for (var i = 0; i < item.Fields.Count; i++)
            {
                if (!fields.ContainsKey(item.Fields[i]))
                {
                    Add($"{path}.fields[{i}]", "item.field.unknown", $"表单中没有声明字段“{item.Fields[i]}”。", $"Field '{item.Fields[i]}' is not declared in the form.");
                }
                else
                {
                    usedFields.Add(item.Fields[i]);
                }
            }

            if (item.IncludeWhen is not null)
            {
                CheckCondition(item.IncludeWhen, item, $"{path}.includeWhen");
            }

            if (item.Decision is RuleDecision rules)
            {
                foreach (var rule in rules.Rules)
                {
                    if (rule.When is null)
                    {
                        Add($"{path}.decision.rules[{rule.Key}].when", "rule.when.missing", "该规则没有条件。", "The rule has no condition.");
                    }
                    else
                    {
                        CheckCondition(rule.When, item, $"{path}.decision.rules[{rule.Key}].when");
                    }
                }
            }
        }

        void CheckCondition(Condition condition, ItemDefinition? owner, string path)
        {
            switch (condition)
            {
                case FieldEquals eq:
                    CheckFieldValue(eq.Field, [(eq.Value, $"{path}.value")], path);
                    break;
                case FieldIn fieldIn:
                    if (fieldIn.Values.Count == 0)
                    {
                        Add(path, "condition.values.empty", "fieldIn 至少需要一个值。", "fieldIn needs at least one value.");
                    }

                    CheckFieldValue(fieldIn.Field, [.. fieldIn.Values.Select((v, i) => (v, $"{path}.values[{i}]"))], path);
                    break;
                case FieldCompare compare:
                    if (Field(compare.Field, path) is { } numeric && numeric.Type is not (FieldType.Number or FieldType.WholeNumber))
                    {
                        Add($"{path}.field", "condition.compare.notNumber", $"字段“{compare.Field}”为 {numeric.Type}；只有数字字段可以比较。", $"Field '{compare.Field}' is {numeric.Type}; only number fields can be compared.");
                    }

                    break;
                case FieldPresent present:
                    _ = Field(present.Field, path);
                    break;
                case FieldBetween between:
                    if (Field(between.Field, path) is { } ranged && ranged.Type is not (FieldType.Number or FieldType.WholeNumber))
                    {
                        Add($"{path}.field", "condition.compare.notNumber", $"字段“{between.Field}”为 {ranged.Type}；只有数字字段可以比较。", $"Field '{between.Field}' is {ranged.Type}; only number fields can be compared.");
                    }

                    if (between.Min is null && between.Max is null)
                    {
                        Add(path, "condition.between.empty", "fieldBetween 至少需要 min 或 max。", "fieldBetween needs min or max.");
                    }
                    else if (between.Min > between.Max)
                    {
                        Add($"{path}.min", "condition.between.range", $"最小值 {between.Min} 大于最大值 {between.Max}，条件永远不成立。", $"Min {between.Min} is greater than max {between.Max}, so the condition never holds.");
                    }

                    break;
                case FieldIncludes includes:
                    if (Field(includes.Field, path) is { } multi)
                    {
                        if (multi.Type != FieldType.MultiChoice)
                        {
                            Add($"{path}.field", "condition.includes.notMultiChoice", $"字段“{includes.Field}”为 {multi.Type}；fieldIncludes 只用于多选字段（单选用 fieldEquals）。",
                                $"Field '{includes.Field}' is {multi.Type}; fieldIncludes is for multi-choice fields (fieldEquals for the others).");
                        }
                        else if (multi.Options is { } options && !options.Contains(includes.Value))
                        {
                            Add($"{path}.value", "condition.value.notAnOption", $"“{includes.Value}”不是字段“{includes.Field}”的选项（{string.Join("、", options)}）。",
                                $"'{includes.Value}' is not an option of field '{includes.Field}' ({string.Join(", ", options)}).");
                        }
                    }

                    break;
                case DateCompare date:
                    CheckDate(date.Field, $"{path}.field", path);
                    if (date.Of == date.Field)
                    {
                        Add($"{path}.of", "condition.date.self", "日期与它自己比较；请与另一个日期字段或 submission（提交日期）比较。", "The date is compared with itself; compare it with another date field or with submission.");
                    }
                    else if (date.Of != DateCompare.Submission)
                    {
                        CheckDate(date.Of, $"{path}.of", path);
                    }

                    if (date.Days is < 0 or > ConditionEvaluator.MaxDateDays)
                    {
                        Add($"{path}.days", "condition.date.days", $"天数须为 0 到 {ConditionEvaluator.MaxDateDays}。", $"The days must be 0 to {ConditionEvaluator.MaxDateDays}.");
                    }

                    if (date.Years is < 0 or > ConditionEvaluator.MaxDateYears)
                    {
                        Add($"{path}.years", "condition.date.years", $"年数须为 0 到 {ConditionEvaluator.MaxDateYears}。", $"The years must be 0 to {ConditionEvaluator.MaxDateYears}.");
                    }

                    if (date.Months is < 0 or > ConditionEvaluator.MaxDateMonths)
                    {
                        Add($"{path}.months", "condition.date.months", $"月数须为 0 到 {ConditionEvaluator.MaxDateMonths}。", $"The months must be 0 to {ConditionEvaluator.MaxDateMonths}.");
                    }

                    break;
                case HasLicence licence:
                    if (catalog.FindLicenceType(licence.LicenceType) is null)
                    {
                        Add($"{path}.licenceType", "condition.licenceType.unknown", $"证照类型“{licence.LicenceType}”不在目录中。", $"Licence type '{licence.LicenceType}' is not in the catalog.");
                    }

                    break;
                case OutputEquals when owner is null:
                    Add(path, "condition.output.atSubmission", "此条件在提交时判断，那时还没有事项的输出；请只读取答案和证照。", "This condition is told at submission, before any item has outputs; read only answers and licences.");
                    break;
                case OutputEquals output:
                    if (!items.TryGetValue(output.Item, out var source))
                    {
                        Add($"{path}.item", "condition.output.item.unknown", $"本模板中没有事项“{output.Item}”。", $"Item '{output.Item}' does not exist in this template.");
                    }
                    else if (source.Outputs.All(o => o.Key != output.Output))
                    {
                        Add($"{path}.output", "condition.output.unknown", $"事项“{output.Item}”没有输出“{output.Output}”。", $"Item '{output.Item}' has no output '{output.Output}'.");
                    }
                    else if (!prerequisites[owner!.Key].Contains(output.Item))
                    {
                        Add($"{path}.item", "condition.output.notPrerequisite", $"事项“{owner.Key}”读取“{output.Item}”的输出却不依赖它，因此该输出可能尚不存在。", $"Item '{owner.Key}' reads an output of '{output.Item}' but does not depend on it, so the output may not exist yet.");
                    }

                    break;
                case AllOf all:
                    CheckGroup(all.Conditions, owner, path);
                    break;
                case AnyOf any:
                    CheckGroup(any.Conditions, owner, path);
                    break;
                case NotCondition not:
                    CheckCondition(not.Condition, owner, $"{path}.condition");
                    break;
            }
        }

        void CheckGroup(IReadOnlyList<Condition> conditions, ItemDefinition? owner, string path)
        {
            if (conditions.Count == 0)
            {
                Add(path, "condition.empty", "条件组至少需要一个条件。", "A group of conditions needs at least one condition.");
            }

            for (var i = 0; i < conditions.Count; i++)
            {
                CheckCondition(conditions[i], owner, $"{path}.conditions[{i}]");
            }
        }

        void CheckDate(string key, string at, string path)
        {
            if (!fields.ContainsKey(key))
            {
                Add(at, "condition.field.unknown", $"表单中没有声明字段“{key}”。", $"Field '{key}' is not declared in the form.");
            }
            else if (Field(key, path) is { Type: not FieldType.Date } other)
            {
                Add(at, "condition.date.notDate", $"字段“{key}”为 {other.Type}；只有日期字段可以按日期比较。", $"Field '{key}' is {other.Type}; only date fields are compared as dates.");
            }
        }

        FieldDefinition? Field(string key, string path)
        {
            if (fields.TryGetValue(key, out var field))
            {
                usedFields.Add(key);
                return field;
            }

            Add($"{path}.field", "condition.field.unknown", $"表单中没有声明字段“{key}”。", $"Field '{key}' is not declared in the form.");
            return null;
        }

        void CheckFieldValue(string key, IReadOnlyList<(string Value, string Path)> values, string path)
        {
            var field = Field(key, path);
            if (field?.Type == FieldType.MultiChoice)
            {
                Add($"{path}.field", "condition.value.multiChoice", $"字段“{key}”是多选字段，其答案是列表；请用 fieldIncludes 判断是否选了某项。",
                    $"Field '{key}' is multi-choice and its answer a list; test it with fieldIncludes.");
                return;
            }

            foreach (var (value, valuePath) in values)
            {
                if (field?.Type is FieldType.Number or FieldType.WholeNumber && !decimal.TryParse(value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    Add(valuePath, "condition.value.notNumber", $"字段“{key}”是数字，不能等于“{value}”。", $"Field '{key}' is a number, never '{value}'.");
                }
                else if (field?.Type == FieldType.Date && !DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
                {
                    Add(valuePath, "condition.value.notDate", $"字段“{key}”是 yyyy-MM-dd 格式的日期，不能是“{value}”。", $"Field '{key}' is a date written yyyy-MM-dd, never '{value}'.");
                }
                else if (field?.Type == FieldType.Choice && field.Options is { } options && !options.Contains(value))
                {
                    Add(valuePath, "condition.value.notAnOption", $"“{value}”不是字段“{key}”的选项（{string.Join("、", options)}）。",
                        $"'{value}' is not an option of field '{key}' ({string.Join(", ", options)}).");
                }
                else if (field?.Type == FieldType.Boolean && value is not ("true" or "false"))
                {
                    Add(valuePath, "condition.value.notBoolean", $"字段“{key}”只能是 true 或 false，不能是“{value}”。", $"Field '{key}' is true or false, never '{value}'.");
                }
            }
        }

        // A requirement is told at submission, before any item ran: it reads answers and licences, never outputs, and a
        // field is never required on its own answer.
        void CheckRequiredWhen()
        {
            foreach (var field in fields.Values.Where(f => f.RequiredWhen is not null))
            {
                var path = $"$.fields[{field.Key}].requiredWhen";
                if (Reads(field.RequiredWhen!, field.Key))
                {
                    Add(path, "field.requiredWhen.self", $"字段“{field.Key}”的必填条件读取它自己的答案；请改用其他字段。", $"Field '{field.Key}' is required on a condition that reads its own answer; use other fields.");
                }

                CheckCondition(field.RequiredWhen!, null, path);
            }

            foreach (var material in template.Materials.Where(m => m.RequiredWhen is not null && CamelKey().IsMatch(m.Key)))
            {
                CheckCondition(material.RequiredWhen!, null, $"$.materials[{material.Key}].requiredWhen");
            }
        }

        static bool Reads(Condition condition, string field) => condition switch
        {
            FieldEquals c => c.Field == field,
            FieldIn c => c.Field == field,
            FieldCompare c => c.Field == field,
            FieldPresent c => c.Field == field,
            FieldBetween c => c.Field == field,
            FieldIncludes c => c.Field == field,
            DateCompare c => c.Field == field || c.Of == field,
            AllOf all => all.Conditions.Any(c => Reads(c, field)),
            AnyOf any => any.Conditions.Any(c => Reads(c, field)),
            NotCondition not => Reads(not.Condition, field),
            _ => false,
        };

        void CheckMaterials()
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < template.Materials.Count; i++)
            {
                var material = template.Materials[i];
                if (!CamelKey().IsMatch(material.Key))
                {
                    Add($"$.materials[{i}].key", "material.key", $"材料键“{material.Key}”须为 camelCase。", $"Material key '{material.Key}' must be camelCase.");
                    continue;
                }

                var path = $"$.materials[{material.Key}]";
                if (!keys.Add(material.Key))
                {
                    Add(path, "material.duplicate", $"材料“{material.Key}”声明了不止一次；请只声明一次，并列出所有需要它的事项。", $"Material '{material.Key}' is declared more than once; declare it once with every item that needs it.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(material.Name))
                {
                    Add($"{path}.name", "material.name", "材料需要名称。", "The material needs a name.");
                }

                CheckEnglish($"{path}.nameEn", "material.nameEn", material.NameEn);

                if (material.RequiredBy.Count == 0)
                {
                    Add($"{path}.requiredBy", "material.requiredBy.empty", "没有事项需要此材料；请删除它，或说明哪些事项需要它。", "No item needs this material; remove it or say which items need it.");
                }

                for (var j = 0; j < material.RequiredBy.Count; j++)
                {
                    if (!items.ContainsKey(material.RequiredBy[j]))
                    {
                        Add($"{path}.requiredBy[{j}]", "material.requiredBy.unknown", $"本模板中没有事项“{material.RequiredBy[j]}”。", $"Item '{material.RequiredBy[j]}' does not exist in this template.");
                    }
                }

                if (material.Upload is null && material.FromLicence is null && material.ProducedBy is null && material.Commitment is null && material.Deferral is null)
                {
                    Add(path, "material.unsatisfiable", "此材料无法满足：请允许上传、证照、前序事项的证照、承诺或容缺。", "The material cannot be satisfied: allow an upload, a licence, an earlier item's certificate, a commitment or a deferral.");
                }

                CheckMaterialSources(material, path);
            }
        }

        void CheckMaterialSources(MaterialDefinition material, string path)
        {
            if (material.Upload is { } upload)
            {
                if (upload.ContentTypes.Count == 0 || upload.ContentTypes.Any(t => !MediaType().IsMatch(t)))
                {
                    Add($"{path}.upload.contentTypes", "material.upload.contentTypes", "请列出接受的媒体类型，例如 application/pdf、image/jpeg。", "List the accepted media types, e.g. application/pdf, image/jpeg.");
                }

                if (upload.MaxBytes < 1 || upload.MaxBytes > MaxUploadBytes)
                {
                    Add($"{path}.upload.maxBytes", "material.upload.maxBytes", $"大小上限须为 1 到 {MaxUploadBytes} 字节。", $"The size limit must be 1 to {MaxUploadBytes} bytes.");
                }
            }

            var unknownParty = UnknownParty(material.Party, $"{path}.party", "material.party.unknown");
            if (material.FromLicence is { } licence && catalog.FindLicenceType(licence) is null)
            {
                Add($"{path}.fromLicence", "material.licence.unknown", $"证照类型“{licence}”不在目录中。", $"Licence type '{licence}' is not in the catalog.");
            }
            else if (material.FromLicence is { } held && material.Party is not null && !unknownParty && NotHoldable(held, material.Party) is { } cannot)
            {
                Add($"{path}.fromLicence", "material.licence.holder", cannot.Zh, cannot.En);
            }

            if (material.ProducedBy is { } produced)
            {
                if (!items.TryGetValue(produced.Item, out var producer))
                {
                    Add($"{path}.producedBy.item", "material.producedBy.item.unknown", $"本模板中没有事项“{produced.Item}”。", $"Item '{produced.Item}' does not exist in this template.");
                }
                else if (producer.Outputs.FirstOrDefault(o => o.Key == produced.Output) is not { } output)
                {
                    Add($"{path}.producedBy.output", "material.producedBy.output.unknown", $"事项“{produced.Item}”没有输出“{produced.Output}”。", $"Item '{produced.Item}' has no output '{produced.Output}'.");
                }
                else if (output.Kind != OutputKind.Certificate)
                {
                    Add($"{path}.producedBy.output", "material.producedBy.notCertificate", $"输出“{produced.Output}”是一个值而非证照，因此不能代替材料。", $"Output '{produced.Output}' is a value, not a certificate, so it cannot stand for a material.");
                }
                else
                {
                    foreach (var needing in material.RequiredBy.Where(items.ContainsKey))
                    {
                        if (!prerequisites[needing].Contains(produced.Item))
                        {
                            Add($"{path}.producedBy.item", "material.producedBy.notPrerequisite", $"事项“{needing}”需要此材料，却不依赖产生它的“{produced.Item}”。", $"Item '{needing}' needs this material but does not depend on '{produced.Item}', which produces it.");
                        }
                    }
                }
            }

            if (material.Commitment is { } commitment)
            {
                if (string.IsNullOrWhiteSpace(commitment.Text))
                {
                    Add($"{path}.commitment.text", "material.commitment.text", "请给出申请人签署的承诺内容。", "Give the statement the applicant signs.");
                }

                if (commitment.VerifyWithinDays < 1)
                {
                    Add($"{path}.commitment.verifyWithinDays", "material.commitment.verifyWithinDays", "核查期限至少为 1 个工作日。", "Verification must be due within at least 1 working day.");
                }

                if (commitment.OnFailed is { } onFailed && !Enum.IsDefined(onFailed))
                {
                    Add($"{path}.commitment.onFailed", "material.commitment.onFailed", "核查不通过时只能 notify 或 revokeItem。", "A failed verification does notify or revokeItem.");
                }

                if (commitment.VerifiedBy is { } verifier && !material.RequiredBy.Contains(verifier))
                {
                    Add($"{path}.commitment.verifiedBy", "material.commitment.verifiedBy", $"核查承诺的事项“{verifier}”须是需要此材料的事项之一（{string.Join("、", material.RequiredBy)}）。",
                        $"The item verifying the commitment, '{verifier}', must be one of the items needing the material ({string.Join(", ", material.RequiredBy)}).");
                }
            }

            if (material.Deferral is not null && material.Upload is null)
            {
                Add($"{path}.deferral", "material.deferral.notUploadable", "容缺的材料须能在之后上传补交；请允许上传，或去掉容缺。", "A deferred material is supplied later by an upload; allow an upload or remove the deferral.");
            }

            if (material.Deferral is { WithinDays: < 1 })
            {
                Add($"{path}.deferral.withinDays", "material.deferral.withinDays", "容缺须给申请人至少 1 个工作日。", "A deferral must give the applicant at least 1 working day.");
            }
        }

        void CheckUnusedFields()
        {
            foreach (var key in fields.Keys.Where(k => !usedFields.Contains(k)))
            {
                Add($"$.fields[{key}]", "field.unused", $"没有事项使用字段“{key}”，也没有条件读取它；申请人填写它毫无用处。", $"No item uses field '{key}' and no condition reads it; the applicant would fill it for nothing.");
            }
        }

        // An item is unreachable when its inclusion condition can never hold, or when it depends on an item that
        // is unreachable or can never be approved (rules that only reject).
        void CheckReachability()
        {
            var dead = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items.Values)
            {
                if (item.IncludeWhen is { } when && NeverHolds(when))
                {
                    dead.Add(item.Key);
                    Add($"{ItemPath(item.Key)}.includeWhen", "item.unreachable", "纳入条件永远不成立，因此该事项永远不会成为申请的一部分。", "The inclusion condition can never hold, so the item is never part of an application.");
                }
                else if (item.Decision is RuleDecision rules && rules.Otherwise == RuleOutcome.Reject && rules.Rules.Count > 0 && rules.Rules.All(r => r.Then == RuleOutcome.Reject))
                {
                    Add($"{ItemPath(item.Key)}.decision", "item.neverApproved", "每条规则及兜底规则都不予通过，因此该事项永远不会获批。", "Every rule and the fallback reject, so the item can never be approved.");
                    dead.Add(item.Key);
                }
            }

            bool changed;
            do
            {
                changed = false;
                foreach (var item in items.Values.Where(i => !dead.Contains(i.Key)))
                {
                    if (item.DependsOn.FirstOrDefault(dead.Contains) is { } blocker)
                    {
                        dead.Add(item.Key);
                        changed = true;
                        Add($"{ItemPath(item.Key)}.dependsOn", "item.unreachable", $"该事项依赖永远不会获批的“{blocker}”，因此永远不会开始。", $"The item depends on '{blocker}', which can never be approved, so it can never start.");
                    }
                }
            }
            while (changed);
        }

        // A register event can only pre-fill fields the form has, from a register the catalog knows.
        void CheckProactive()
        {
            if (template.Proactive is not { } proactive)
            {
                return;
            }

            if (catalog.FindSystem(proactive.System) is null)
            {
                Add("$.proactive.system", "proactive.system.unknown", $"目录中没有发送登记事件的外部系统“{proactive.System}”。", $"No outside system '{proactive.System}' in the catalog sends register events.");
            }

            if (string.IsNullOrEmpty(proactive.Event) || !KebabKey().IsMatch(proactive.Event))
            {
                Add("$.proactive.event", "proactive.event", "事件类型须为 2 到 64 个小写字母、数字或“-”，以字母开头。", "The event type must be 2-64 lower-case letters, digits or '-', starting with a letter.");
            }

            if (proactive.ConfirmWithinDays < 1)
            {
                Add("$.proactive.confirmWithinDays", "proactive.confirmWithinDays", "申请人至少须有 1 个工作日来确认。", "The applicant must have at least 1 working day to confirm.");
            }

            foreach (var (field, dataKey) in proactive.AnswersFrom ?? new Dictionary<string, string>())
            {
                if (!fields.ContainsKey(field))
                {
                    Add($"$.proactive.answersFrom[{field}]", "proactive.answersFrom.field", $"表单中没有可预填的字段“{field}”。", $"The form has no field '{field}' to pre-fill.");
                }

                if (string.IsNullOrWhiteSpace(dataKey) || dataKey.Length > 64)
                {
                    Add($"$.proactive.answersFrom[{field}]", "proactive.answersFrom.dataKey", "请指明填充此字段的事件数据键（1 到 64 个字符）。", "Name the event's data key (1-64 characters) that fills this field.");
                }
            }
        }

        bool NeverHolds(Condition condition) => condition switch
        {
            FieldEquals eq => ValueImpossible(eq.Field, eq.Value),
            FieldIn fieldIn => fieldIn.Values.Count == 0 || fieldIn.Values.All(v => ValueImpossible(fieldIn.Field, v)),
            FieldIncludes includes => fields.TryGetValue(includes.Field, out var multi) && multi.Type == FieldType.MultiChoice && multi.Options is { } options && !options.Contains(includes.Value),
            FieldBetween between => between.Min > between.Max,
            AllOf all => all.Conditions.Any(NeverHolds),
            AnyOf any => any.Conditions.Count == 0 || any.Conditions.All(NeverHolds),
            _ => false,
        };

        bool ValueImpossible(string key, string value) => fields.TryGetValue(key, out var field) && field.Type switch
        {
            FieldType.Choice => field.Options is { } options && !options.Contains(value),
            FieldType.Boolean => value is not ("true" or "false"),
            _ => false,
        };
    }
}
