using Workflows.Templates;
using static Workflows.Tests.Templates.TemplateSamples;

namespace Workflows.Tests.Templates;

public sealed class TemplateJsonTests
{
    // A small valid document as an administrator writes it. Every item states includeWhen, so the refusal tests below
    // depend only on what they change.
    const string Document = """
        {
          "key": "newborn",
          "name": "新生儿出生一件事",
          "description": "出生医学证明与医保参保一次办理。",
          "applicantKind": "citizen",
          "committedDays": 10,
          "fields": [
            { "key": "childName", "label": "婴儿姓名", "type": "text", "min": 1, "max": 20 },
            { "key": "wantsInsurance", "label": "是否参加居民医保", "type": "boolean", "required": false }
          ],
          "materials": [
            {
              "key": "hospitalRecord",
              "name": "分娩记录",
              "requiredBy": ["birth-cert"],
              "upload": { "contentTypes": ["application/pdf"], "maxBytes": 1048576 },
              "deferral": { "withinDays": 5, "onMissed": "cancelItem" }
            },
            {
              "key": "birthCertificate",
              "name": "出生医学证明",
              "requiredBy": ["insurance"],
              "producedBy": { "item": "birth-cert", "output": "birthCertificate" }
            }
          ],
          "items": [
            {
              "key": "birth-cert",
              "name": "出生医学证明",
              "department": "health",
              "serviceCode": "000172003000",
              "statutoryDays": 10,
              "committedDays": 5,
              "decision": { "by": "officer" },
              "dependsOn": [],
              "includeWhen": null,
              "fields": ["childName"],
              "outputs": [
                { "key": "birthCertificate", "name": "出生医学证明", "kind": "certificate", "licenceType": "birth-medical-certificate", "numberPrefix": "BC" }
              ]
            },
            {
              "key": "insurance",
              "name": "城乡居民医保参保登记",
              "department": "social",
              "serviceCode": "000112009000",
              "statutoryDays": 15,
              "committedDays": 3,
              "decision": {
                "by": "rules",
                "rules": [
                  {
                    "key": "wanted",
                    "when": { "op": "fieldEquals", "field": "wantsInsurance", "value": "true" },
                    "then": "approve",
                    "rationale": "申请人选择参保"
                  }
                ],
                "otherwise": "referToOfficer"
              },
              "dependsOn": ["birth-cert"],
              "includeWhen": { "op": "fieldPresent", "field": "childName" },
              "fields": ["wantsInsurance"],
              "outputs": []
            }
          ]
        }
        """;

    [Fact]
    public void TryParse_Document_ReadsATemplateThatValidates()
    {
        var template = Parse(Document);

        template.Items.Select(i => i.Key).ShouldBe(["birth-cert", "insurance"]);
        template.Items[0].Decision.ShouldBeOfType<OfficerDecision>();
        var rules = template.Items[1].Decision.ShouldBeOfType<RuleDecision>();
        rules.Otherwise.ShouldBe(RuleOutcome.ReferToOfficer);
        rules.Rules.ShouldHaveSingleItem().When.ShouldBe(new FieldEquals("wantsInsurance", "true"));
        template.Items[1].IncludeWhen.ShouldBe(new FieldPresent("childName"));
        template.Fields[0].Required.ShouldBeTrue("required defaults to true");
        template.Materials[0].Deferral.ShouldBe(new DeferralRule(5, DeferralOutcome.CancelItem));
        TemplateValidator.Validate(template, Catalog()).ShouldBeEmpty();
    }

    [Fact]
    public void Write_Sample_RoundTripsToTheSameDocument()
    {
        var json = TemplateJson.Write(Newborn());

        var read = TemplateJson.TryParse(json, out var problems);

        read.ShouldNotBeNull(Describe(problems));
        problems.ShouldBeEmpty();
        TemplateJson.Write(read).ShouldBe(json);
        TemplateValidator.Validate(read, Catalog()).ShouldBeEmpty();
    }

    [Fact]
    public void Write_Sample_UsesCamelCaseStringsAndLeavesNullsOut()
    {
        var json = TemplateJson.Write(Newborn());

        json.ShouldContain("\"applicantKind\": \"citizen\"");
        json.ShouldContain("\"by\": \"external\"");
        json.ShouldContain("\"op\": \"fieldEquals\"");
        json.ShouldContain("\"otherwise\": \"referToOfficer\"");
        json.ShouldNotContain("null");
    }

    [Fact]
    public void TryParse_ItemWithoutIncludeWhen_IsAlwaysIncluded()
    {
        // includeWhen is optional by its documentation ("null means always") and Write leaves nulls out.
        var template = Parse(Change(Document, "\"includeWhen\": null,", ""));

        template.Items[0].IncludeWhen.ShouldBeNull();
    }

    [Fact]
    public void TryParse_Comments_AreAllowed()
    {
        var json = Change(Document, "\"key\": \"newborn\",", "// the bundle's key\n  \"key\": \"newborn\", /* stable */");

        Parse(json).Key.ShouldBe("newborn");
    }

    [Theory]
    [InlineData("\"committedDays\": 10,", "\"committedDays\": 10, \"colour\": \"red\",", "$.colour", "colour")]
    [InlineData("\"serviceCode\": \"000172003000\",", "\"serviceCode\": \"000172003000\", \"colour\": \"red\",", "$.items[0].colour", "colour")]
    [InlineData("\"field\": \"childName\" }", "\"field\": \"childName\", \"colour\": \"red\" }", "$.items[1].includeWhen.colour", "colour")]
    public void TryParse_UnknownProperty_IsRefusedAtItsPath(string find, string replace, string path, string named)
        => ShouldRefuse(Change(Document, find, replace), path, named);

    [Fact]
    public void TryParse_UnknownConditionOp_IsRefusedAtTheCondition()
        => ShouldRefuse(Change(Document, "\"op\": \"fieldPresent\"", "\"op\": \"fieldMatches\""), "$.items[1].includeWhen", "fieldMatches");

    [Fact]
    public void TryParse_UnknownDecisionKind_IsRefusedAtTheDecision()
        => ShouldRefuse(Change(Document, "\"by\": \"officer\"", "\"by\": \"clerk\""), "$.items[0].decision", "clerk");

    [Fact]
    public void TryParse_ConditionWithoutOp_IsRefusedAtTheCondition()
        => ShouldRefuse(Change(Document, "{ \"op\": \"fieldPresent\", \"field\": \"childName\" }", "{ \"field\": \"childName\" }"), "$.items[1].includeWhen", null);

    // Hand-written JSON may put the discriminator after the other properties. Reading it or refusing it at the
    // condition are both acceptable; throwing out of TryParse is not.
    [Fact]
    public void TryParse_OpAfterOtherProperties_IsReadOrRefusedNotThrown()
    {
        var json = Change(Document, "{ \"op\": \"fieldPresent\", \"field\": \"childName\" }", "{ \"field\": \"childName\", \"op\": \"fieldPresent\" }");

        IReadOnlyList<TemplateProblem> problems = [];
        var template = Should.NotThrow(() => TemplateJson.TryParse(json, out problems));

        if (template is null)
        {
            var problem = problems.ShouldHaveSingleItem();
            problem.Code.ShouldBe("template.json");
            problem.Path.ShouldBe("$.items[1].includeWhen");
        }
        else
        {
            template.Items[1].IncludeWhen.ShouldBe(new FieldPresent("childName"));
        }
    }

    [Fact]
    public void TryParse_DecisionWithoutBy_IsRefusedAtTheDecision()
        => ShouldRefuse(Change(Document, "\"decision\": { \"by\": \"officer\" }", "\"decision\": {}"), "$.items[0].decision", null);

    [Theory]
    [InlineData("\"applicantKind\": \"citizen\"", "\"applicantKind\": 0", "$.applicantKind")]
    [InlineData("\"type\": \"boolean\"", "\"type\": 3", "$.fields[1].type")]
    [InlineData("\"otherwise\": \"referToOfficer\"", "\"otherwise\": 2", "$.items[1].decision.otherwise")]
    public void TryParse_EnumAsInteger_IsRefusedAtItsPath(string find, string replace, string path)
        => ShouldRefuse(Change(Document, find, replace), path, null);

    [Fact]
    public void TryParse_EnumUnknownName_IsRefusedAtItsPath()
        => ShouldRefuse(Change(Document, "\"applicantKind\": \"citizen\"", "\"applicantKind\": \"robot\""), "$.applicantKind", null);

    [Fact]
    public void TryParse_MissingItems_IsRefusedNamingTheProperty()
    {
        var start = Document.IndexOf(",\n  \"items\"", StringComparison.Ordinal);
        start.ShouldBePositive();
        var json = Document[..start] + "\n}";

        ShouldRefuse(json, "$", "items");
    }

    [Fact]
    public void TryParse_MissingRequiredItemProperty_IsRefusedNamingIt()
        => ShouldRefuse(Change(Document, "\"department\": \"health\",", ""), "$.items[0]", "department");

    [Fact]
    public void TryParse_NullDecision_IsRefusedAtItsPath()
        => ShouldRefuse(Change(Document, "\"decision\": { \"by\": \"officer\" }", "\"decision\": null"), "$.items[0].decision", "decision");

    [Fact]
    public void TryParse_NullName_IsRefusedAtItsPath()
        => ShouldRefuse(Change(Document, "\"name\": \"新生儿出生一件事\"", "\"name\": null"), "$.name", "name");

    [Fact]
    public void TryParse_NullDocument_ReportsEmptyTemplate()
    {
        TemplateJson.TryParse("null", out var problems).ShouldBeNull();
        problems.ShouldHaveSingleItem().ShouldBe(new TemplateProblem("$", "template.empty", "The document is empty (null).", "文档为空（null）。"));
    }

    [Fact]
    public void TryParse_MalformedJson_IsRefused()
    {
        TemplateJson.TryParse("{ \"key\": ", out var problems).ShouldBeNull();
        problems.ShouldHaveSingleItem().Code.ShouldBe("template.json");
    }

    [Fact]
    public void TryParse_TrailingComma_IsRefused()
    {
        TemplateJson.TryParse(Change(Document, "\"outputs\": []", "\"outputs\": [],"), out var problems).ShouldBeNull();
        problems.ShouldHaveSingleItem().Code.ShouldBe("template.json");
    }

    // RespectNullableAnnotations covers properties, not the elements of lists: a null inside a list must still be
    // refused when reading, or reported by the validator, never crash the validator nor slip through to run time.
    [Theory]
    [InlineData("null in dependsOn", "\"dependsOn\": [\"birth-cert\"]", "\"dependsOn\": [\"birth-cert\", null]")]
    [InlineData("null in item fields", "\"fields\": [\"childName\"]", "\"fields\": [\"childName\", null]")]
    [InlineData("null in requiredBy", "\"requiredBy\": [\"insurance\"]", "\"requiredBy\": [\"insurance\", null]")]
    [InlineData("null in contentTypes", "\"contentTypes\": [\"application/pdf\"]", "\"contentTypes\": [\"application/pdf\", null]")]
    [InlineData("null in items", "\"items\": [", "\"items\": [ null,")]
    [InlineData("null rule", "\"rules\": [", "\"rules\": [ null,")]
    [InlineData("null condition in a group", "\"includeWhen\": { \"op\": \"fieldPresent\", \"field\": \"childName\" }", "\"includeWhen\": { \"op\": \"all\", \"conditions\": [null] }")]
    public void TryParseAndValidate_NullListElement_IsReportedNotThrown(string name, string find, string replace)
    {
        var json = Change(Document, find, replace);

        var template = TemplateJson.TryParse(json, out var problems);

        if (template is null)
        {
            problems.ShouldHaveSingleItem().Path.ShouldStartWith("$.", customMessage: name);
            return;
        }

        var found = Should.NotThrow(() => TemplateValidator.Validate(template, Catalog()), name);
        found.ShouldNotBeEmpty($"{name} was read and validated without a problem");
    }

    // The serializer's English text (and its .NET type names) never reaches a reader: each language says where and what.
    [Theory]
    [InlineData("unknown property", "\"committedDays\": 10,", "\"committedDays\": 10, \"colour\": \"red\",", "$.colour", "colour", "未知属性“colour”", "unknown property 'colour'")]
    [InlineData("wrong type", "\"committedDays\": 10", "\"committedDays\": \"ten\"", "$.committedDays", "line 6", "第 6 行", "the value has the wrong type")]
    [InlineData("missing required", "\"department\": \"health\",", "", "$.items[0]", "'department'", "缺少必填属性 “department”", "missing required 'department'")]
    [InlineData("unknown kind", "\"by\": \"officer\"", "\"by\": \"clerk\"", "$.items[0].decision", "'clerk'", "未知的种类“clerk”", "unknown kind 'clerk'")]
    [InlineData("malformed", "\"outputs\": []", "\"outputs\": [],", null, "line", "JSON 格式不正确", "the JSON is malformed")]
    public void TryParse_AnUnreadableDocument_SaysWhereAndWhatInEachLanguageWithoutTheSerializersText(
        string name, string find, string replace, string? path, string inEnglish, string zh, string en)
    {
        TemplateJson.TryParse(Change(Document, find, replace), out var problems).ShouldBeNull(name);
        var problem = problems.ShouldHaveSingleItem();
        if (path is not null)
        {
            problem.Path.ShouldBe(path, problem.Message);
        }

        var english = problem.In(english: true);
        var chinese = problem.In(english: false);
        english.ShouldContain(en, Case.Sensitive, name);
        english.ShouldContain(inEnglish, Case.Sensitive, name);
        english.ShouldContain($"at {problem.Path}", Case.Sensitive, name);
        english.ShouldNotContain("Workflows.", Case.Sensitive, name);
        english.ShouldNotContain("Path:", Case.Sensitive, name);
        english.Any(c => c is >= '\u4e00' and <= '\u9fff').ShouldBeFalse(english);
        chinese.ShouldContain(zh, Case.Sensitive, name);
        chinese.ShouldContain(problem.Path, Case.Sensitive, name);
        chinese.ShouldMatch(@"第 \d+ 行第 \d+ 个字节", name);
        chinese.ShouldNotContain("Workflows.", Case.Sensitive, name);
        chinese.ShouldNotContain(" could ", Case.Sensitive, name);
    }

    static BundleTemplate Parse(string json)
    {
        var template = TemplateJson.TryParse(json, out var problems);
        template.ShouldNotBeNull("The document was refused:" + Environment.NewLine + Describe(problems));
        problems.ShouldBeEmpty();
        return template;
    }

    static void ShouldRefuse(string json, string path, string? named)
    {
        var template = TemplateJson.TryParse(json, out var problems);

        template.ShouldBeNull();
        var problem = problems.ShouldHaveSingleItem();
        problem.Code.ShouldBe("template.json");
        problem.Path.ShouldBe(path, problem.Message);
        if (named is not null)
        {
            problem.Message.ShouldContain(named, Case.Insensitive);
        }
    }

    static string Change(string json, string find, string replace)
    {
        json.ShouldContain(find, Case.Sensitive, "The test's document no longer contains what the test changes.");
        return json.Replace(find, replace, StringComparison.Ordinal);
    }
}
