using System.Text.Json.Nodes;
using Workflows.Templates;

namespace Workflows.Tests.Templates;

public class BuiltInTemplatesTests
{
    static readonly string[] Keys = ["company-deregistration", "company-opening", "company-registrations", "house-transfer", "newborn", "retirement"];

    public static TheoryData<string> TemplateKeys => [.. Keys];

    static ServiceCatalog Catalog => BuiltInTemplates.Catalog;

    static string Describe(IEnumerable<TemplateProblem> problems)
        => string.Join(Environment.NewLine, problems.Select(p => $"{p.Path} [{p.Code}] {p.Message}"));

    static ItemDefinition Item(BundleTemplate template, string key)
        => template.Items.SingleOrDefault(i => i.Key == key) ?? throw new ShouldAssertException($"{template.Key} has no item '{key}'.");

    // Longest chain of committed days through the dependencies: the least the bundle can promise.
    static int CriticalPath(BundleTemplate template)
    {
        var byKey = template.Items.ToDictionary(i => i.Key);
        var memo = new Dictionary<string, int>();
        int Finish(string key)
        {
            if (!memo.TryGetValue(key, out var days))
            {
                var item = byKey[key];
                days = item.CommittedDays + item.DependsOn.Select(Finish).DefaultIfEmpty(0).Max();
                memo[key] = days;
            }

            return days;
        }

        return template.Items.Max(i => Finish(i.Key));
    }

    [Fact]
    public void Release_NamesTheEmbeddedTemplates()
    {
        // A changed built-in must come with a higher release, or an older host in a rolling deploy (or this one)
        // cannot tell which of two releases is newer.
        BuiltInTemplates.ContentSha256.ShouldBe(BuiltInTemplates.ReleaseContentSha256,
            $"a built-in template changed: raise BuiltInTemplates.Release to {BuiltInTemplates.Release + 1} and set ReleaseContentSha256 to {BuiltInTemplates.ContentSha256}");
    }

    [Fact]
    public void Catalog_Loads_WithDepartmentsLicencesAndSystems()
    {
        Catalog.Departments.Count.ShouldBeGreaterThanOrEqualTo(20);
        Catalog.LicenceTypes.Count.ShouldBeGreaterThanOrEqualTo(25);
        Catalog.ExternalSystems.Count.ShouldBeGreaterThanOrEqualTo(4);
        Catalog.FindDepartment("police")!.Name.ShouldBe("公安局");
        Catalog.FindLicenceType("id-card")!.Holder.ShouldBe(ApplicantKind.Citizen);
        Catalog.FindLicenceType("business-licence")!.Holder.ShouldBe(ApplicantKind.Company);
        Catalog.FindSystem("bank-account-system")!.Department.ShouldBe("bank");
    }

    [Fact]
    public void Catalog_Codes_AreUniqueNamedAndSystemsBelongToKnownDepartments()
    {
        Catalog.Departments.Select(d => d.Code).ShouldBeUnique();
        Catalog.LicenceTypes.Select(l => l.Code).ShouldBeUnique();
        Catalog.ExternalSystems.Select(s => s.Code).ShouldBeUnique();
        Catalog.Departments.ShouldAllBe(d => !string.IsNullOrWhiteSpace(d.Name));
        Catalog.LicenceTypes.ShouldAllBe(l => !string.IsNullOrWhiteSpace(l.Name));
        Catalog.ExternalSystems.ShouldAllBe(s => Catalog.FindDepartment(s.Department) != null);
    }

    [Fact]
    public void All_BuiltIns_AreExactlyTheSixTemplates()
        => BuiltInTemplates.All.Select(t => t.Key).ShouldBe(Keys);

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void Validate_BuiltIn_HasNoProblems(string key)
    {
        var problems = TemplateValidator.Validate(BuiltInTemplates.Get(key), Catalog);

        problems.ShouldBeEmpty(Describe(problems));
    }

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void Write_BuiltIn_RoundTripsThroughTryParseToEqualJson(string key)
    {
        var template = BuiltInTemplates.Get(key);

        var written = TemplateJson.Write(template);
        var reread = TemplateJson.TryParse(written, out var problems);

        problems.ShouldBeEmpty(Describe(problems));
        reread.ShouldNotBeNull();
        var rewritten = TemplateJson.Write(reread);
        JsonNode.DeepEquals(JsonNode.Parse(written), JsonNode.Parse(rewritten)).ShouldBeTrue(rewritten);
    }

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void Write_BuiltIn_EqualsTheEmbeddedDocument(string key)
    {
        // The embedded file loses and gains nothing by being read and written (a property written as null counts as absent).
        var embedded = WithoutNulls(JsonNode.Parse(BuiltInTemplates.Read($"{key}.json")));
        var written = WithoutNulls(JsonNode.Parse(TemplateJson.Write(BuiltInTemplates.Get(key))));

        JsonNode.DeepEquals(embedded, written).ShouldBeTrue(written?.ToJsonString());
    }

    static JsonNode? WithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, _) in obj.Where(p => p.Value is null).ToList())
                {
                    obj.Remove(name);
                }

                foreach (var (_, value) in obj)
                {
                    WithoutNulls(value);
                }

                break;
            case JsonArray array:
                foreach (var value in array)
                {
                    WithoutNulls(value);
                }

                break;
        }

        return node;
    }

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void CommittedDays_BuiltIn_CoverTheCriticalPathAndCompressTheStatutoryLimits(string key)
    {
        var template = BuiltInTemplates.Get(key);

        template.CommittedDays.ShouldBeGreaterThanOrEqualTo(CriticalPath(template));
        template.Items.Sum(i => i.CommittedDays).ShouldBeLessThan(template.Items.Sum(i => i.StatutoryDays));
        template.Items.Select(i => i.ServiceCode).ShouldBeUnique();
    }

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void Rules_BuiltIn_EachHaveAKeyAConditionAndARationale(string key)
    {
        var rules = BuiltInTemplates.Get(key).Items.Select(i => i.Decision).OfType<RuleDecision>().SelectMany(d => d.Rules).ToList();

        rules.ShouldNotBeEmpty();
        rules.ShouldAllBe(r => !string.IsNullOrWhiteSpace(r.Key) && r.When != null && r.Rationale.Length >= 10);
    }

    [Fact]
    public void Newborn_Items_AreTheFiveDepartmentItemsInOrder()
    {
        var template = BuiltInTemplates.Get("newborn");

        template.ApplicantKind.ShouldBe(ApplicantKind.Citizen);
        template.Items.Count.ShouldBe(5);
        template.Items.Select(i => i.Department).ShouldBe(["hospital", "cdc", "police", "healthcare-security", "human-resources"]);
        Item(template, "household-registration").DependsOn.ShouldBe(["birth-certificate"]);
        Item(template, "medical-insurance").DependsOn.ShouldBe(["household-registration"]);
        Item(template, "social-security-card").DependsOn.ShouldBe(["household-registration"]);
        Item(template, "social-security-card").Decision.ShouldBeOfType<RuleDecision>();
        Item(template, "birth-certificate").Outputs.ShouldContain(o => o.LicenceType == "birth-medical-certificate");
        Item(template, "household-registration").Outputs.ShouldContain(o => o.LicenceType == "household-register");
    }

    [Fact]
    public void Newborn_Materials_PullLicencesReuseTheBirthCertificateAndDeferTheMarriageCertificate()
    {
        var materials = BuiltInTemplates.Get("newborn").Materials.ToDictionary(m => m.Key);

        materials["parentsIdCards"].FromLicence.ShouldBe("id-card");
        materials["birthCertificate"].ProducedBy.ShouldBe(new OutputReference("birth-certificate", "birthCertificate"));
        materials["birthCertificate"].RequiredBy.ShouldContain("household-registration");
        materials["marriageCertificate"].FromLicence.ShouldBe("marriage-certificate");
        materials["marriageCertificate"].Upload.ShouldNotBeNull();
        materials["marriageCertificate"].Deferral!.WithinDays.ShouldBe(5);
        materials["babyPhoto"].Upload!.ContentTypes.ShouldContain("image/jpeg");
    }

    [Fact]
    public void CompanyOpening_Items_IncludeSealTaxBankAccountAndSocialInsurance()
    {
        var template = BuiltInTemplates.Get("company-opening");

        template.ApplicantKind.ShouldBe(ApplicantKind.Company);
        template.Items.Count.ShouldBeGreaterThanOrEqualTo(6);
        Item(template, "business-licence").Decision.ShouldBeOfType<RuleDecision>().Otherwise.ShouldBe(RuleOutcome.ReferToOfficer);
        Item(template, "seal-engraving").Department.ShouldBe("police");
        Item(template, "seal-engraving").IncludeWhen.ShouldBe(new FieldEquals("wantsSeal", "true"));
        Item(template, "tax-registration").Department.ShouldBe("tax");
        Item(template, "bank-account").Decision.ShouldBe(new ExternalDecision("bank-account-system"));
        Item(template, "social-insurance").Department.ShouldBe("human-resources");
        Item(template, "housing-fund").Department.ShouldBe("housing-fund");
        foreach (var key in new[] { "tax-registration", "bank-account", "social-insurance" })
        {
            Item(template, key).DependsOn.ShouldContain("business-licence");
        }
    }

    [Fact]
    public void CompanyOpening_Materials_AllowCommitmentForThePremisesAndReuseTheBusinessLicence()
    {
        var materials = BuiltInTemplates.Get("company-opening").Materials.ToDictionary(m => m.Key);

        materials["premisesProof"].Upload.ShouldNotBeNull();
        materials["premisesProof"].Commitment!.VerifyWithinDays.ShouldBeGreaterThan(0);
        materials["legalRepIdCard"].FromLicence.ShouldBe("id-card");
        materials["businessLicence"].ProducedBy!.Item.ShouldBe("business-licence");
        materials["articlesOfAssociation"].Upload!.ContentTypes.ShouldContain("application/pdf");
    }

    [Fact]
    public void CompanyDeregistration_Items_SixteenInParallelMostlyDecidedByRules()
    {
        var template = BuiltInTemplates.Get("company-deregistration");
        var parallel = template.Items.Where(i => i.Key != "business-licence-deregistration").ToList();
        var parallelKeys = parallel.Select(i => i.Key).ToHashSet();

        template.ApplicantKind.ShouldBe(ApplicantKind.Company);
        parallel.Count.ShouldBe(16);
        parallel.ShouldAllBe(i => !i.DependsOn.Any(parallelKeys.Contains));
        parallel.Count(i => i.Decision is RuleDecision).ShouldBeGreaterThanOrEqualTo(12);
        parallel.Where(i => i.Decision is RuleDecision).ShouldAllBe(i => ((RuleDecision)i.Decision).Otherwise == RuleOutcome.ReferToOfficer);
        parallel.Count(i => i.IncludeWhen != null).ShouldBeGreaterThanOrEqualTo(14);
        // The law: the business licence is deregistered after the bank account, tax, social insurance and housing fund are closed.
        Item(template, "business-licence-deregistration").DependsOn.ShouldBe(
            ["tax-clearance", "bank-account-closure", "social-insurance-deregistration", "housing-fund-deregistration"], ignoreOrder: true);
    }

    [Fact]
    public void CompanyDeregistration_RevokesTheBusinessLicenceAndEveryRegistrationItCloses_AndNeedsTheLicenceStillHeld()
    {
        var template = BuiltInTemplates.Get("company-deregistration");

        template.RequiresLicences.ShouldBe(["business-licence"]);
        Item(template, "business-licence-deregistration").Revokes.ShouldBe(["business-licence"]);
        Item(template, "tax-clearance").Revokes.ShouldBe(["tax-registration"]);
        // Every closure included by a licence held revokes that licence.
        foreach (var item in template.Items.Where(i => i.IncludeWhen is not null))
        {
            var held = ConditionLicences(item.IncludeWhen!);
            item.Revokes.ShouldNotBeNull(item.Key).ShouldBe(held, item.Key);
        }
    }

    static List<string> ConditionLicences(Condition condition) => condition switch
    {
        HasLicence has => [has.LicenceType],
        AnyOf any => [.. any.Conditions.SelectMany(ConditionLicences)],
        AllOf all => [.. all.Conditions.SelectMany(ConditionLicences)],
        _ => [],
    };

    [Fact]
    public void HouseTransfer_Items_RegisterAfterTaxThenTransferWaterPowerAndGas()
    {
        var template = BuiltInTemplates.Get("house-transfer");

        template.ApplicantKind.ShouldBe(ApplicantKind.Citizen);
        Item(template, "property-transfer-registration").Department.ShouldBe("natural-resources");
        Item(template, "transfer-tax").Decision.ShouldBeOfType<RuleDecision>();
        foreach (var (key, department) in new[] { ("water-transfer", "water"), ("power-transfer", "power"), ("gas-transfer", "gas") })
        {
            var item = Item(template, key);
            item.Department.ShouldBe(department);
            item.DependsOn.ShouldBe(["property-transfer-registration"]);
            item.Decision.ShouldBeOfType<ExternalDecision>();
            item.Outputs.ShouldContain(o => o.Kind == OutputKind.Value);
        }

        var materials = template.Materials.ToDictionary(m => m.Key);
        materials["propertyCertificate"].FromLicence.ShouldBe("property-certificate");
        materials["saleContract"].Upload.ShouldNotBeNull();
        materials["buyerIdCard"].FromLicence.ShouldBe("id-card");
    }

    [Fact]
    public void CompanyRegistrations_Proactive_GrantedFromTheLicenceEventAloneWithNothingToUpload()
    {
        var template = BuiltInTemplates.Get("company-registrations");
        var rule = template.Proactive.ShouldNotBeNull();

        template.ApplicantKind.ShouldBe(ApplicantKind.Company);
        rule.GrantWithoutConfirmation.ShouldBeTrue();
        rule.Event.ShouldBe("business-licence-issued");
        Catalog.FindSystem(rule.System).ShouldNotBeNull().Department.ShouldBe("market-regulation");
        template.Items.Select(i => i.Department).ShouldBe(["tax", "human-resources", "housing-fund"]);
        // The event alone makes the application: every field it needs is filled from the event's data...
        template.Fields.Where(f => f.Required).Select(f => f.Key).ShouldBeSubsetOf(rule.AnswersFrom!.Keys);
        // ...every material is the licence already held (zero to upload, nothing to sign or defer)...
        template.Materials.ShouldAllBe(m => m.FromLicence == "business-licence" && m.Upload == null && m.Commitment == null && m.Deferral == null && m.ProducedBy == null);
        // ...and every item is decided by rules on those answers and that licence, in parallel.
        template.Items.ShouldAllBe(i => i.Decision is RuleDecision && i.DependsOn.Count == 0 && i.IncludeWhen == null);
        template.Items.ShouldAllBe(i => ((RuleDecision)i.Decision).Rules.Any(r => r.Then == RuleOutcome.Approve));
    }
}
