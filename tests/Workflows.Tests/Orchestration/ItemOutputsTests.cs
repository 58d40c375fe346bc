using System.Security.Cryptography;
using System.Text;
using Workflows.Activities;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tests.Orchestration;

/// <summary>What an approved item issues (<see cref="ItemOutputs"/>): the outputs and their numbers, and the certificates, to whom.</summary>
public sealed class ItemOutputsTests
{
    const string InstanceId = "app-1:household-registration";
    static readonly DateTime At = new(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc);
    static readonly Applicant Mother = new("c-mother", ApplicantKind.Citizen, "王芳");

    static ItemInput Input(ItemDefinition item, IReadOnlyList<BundleParty>? parties = null) => new(
        "app-1", Mother, "template", item, new Dictionary<string, string>(), [], new Dictionary<string, IReadOnlyDictionary<string, string>>(), [], [], Parties: parties);

    static ItemDefinition Item(params OutputDefinition[] outputs) =>
        new("household-registration", "户口登记", "police", "code", 10, 5, new OfficerDecision(), [], [], outputs);

    // The rule the numbers were always issued by: the prefix (or the key in capitals) and 12 hex digits of SHA-256 of "instance:output".
    static string Expected(string instanceId, string prefix, string key) =>
        $"{prefix}-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{instanceId}:{key}")))[..12]}";

    [Fact]
    public void AnOutputTheDecisionDidNotGive_IsNumbered_FromTheInstanceAndTheOutputAlone()
    {
        var (outputs, _) = ItemOutputs.Of(Input(Item(new OutputDefinition("householdRegister", "户口簿", OutputKind.Value, NumberPrefix: "HR"))), new Dictionary<string, string>(), InstanceId, At);

        outputs["householdRegister"].ShouldBe(Expected(InstanceId, "HR", "householdRegister"));
        outputs["householdRegister"].ShouldMatch("^HR-[0-9A-F]{12}$");
        // The same instance and output give the same number at any time (a replay, a step run again); another instance another.
        ItemOutputs.Of(Input(Item(new OutputDefinition("householdRegister", "户口簿", OutputKind.Value, NumberPrefix: "HR"))), new Dictionary<string, string>(), InstanceId, At.AddDays(3))
            .Outputs["householdRegister"].ShouldBe(outputs["householdRegister"]);
        ItemOutputs.Number("app-2:household-registration", new OutputDefinition("householdRegister", "户口簿", OutputKind.Value, NumberPrefix: "HR"))
            .ShouldNotBe(outputs["householdRegister"]);
    }

    [Fact]
    public void AnOutputWithoutAPrefix_IsNumberedUnderItsKeyInCapitals() =>
        ItemOutputs.Number(InstanceId, new OutputDefinition("citizenIdNumber", "身份号码", OutputKind.Value)).ShouldBe(Expected(InstanceId, "CITIZENIDNUMBER", "citizenIdNumber"));

    [Fact]
    public void WhatTheDecisionGave_IsKept_AndComesFirst()
    {
        var item = Item(new OutputDefinition("a", "甲", OutputKind.Value), new OutputDefinition("b", "乙", OutputKind.Value, NumberPrefix: "B"));
        var given = new Dictionary<string, string> { ["b"] = "B-GIVEN", ["extra"] = "x" };

        var (outputs, certificates) = ItemOutputs.Of(Input(item), given, InstanceId, At);

        outputs.ToList().ShouldBe([new("b", "B-GIVEN"), new("extra", "x"), new("a", Expected(InstanceId, "A", "a"))]);
        certificates.ShouldBeNull();
        given.Count.ShouldBe(2);
    }

    [Fact]
    public void OnlyCertificatesWithALicenceType_AreIssued_UnderTheirNumbers()
    {
        var item = Item(
            new OutputDefinition("householdRegister", "户口簿", OutputKind.Certificate, "household-register", "HR"),
            new OutputDefinition("citizenIdNumber", "身份号码", OutputKind.Value),
            new OutputDefinition("draft", "草稿", OutputKind.Certificate));

        var (outputs, certificates) = ItemOutputs.Of(Input(item), new Dictionary<string, string> { ["householdRegister"] = "HR-FROM-SYSTEM" }, InstanceId, At);

        outputs.Keys.ShouldBe(["householdRegister", "citizenIdNumber", "draft"]);
        var issue = certificates.ShouldNotBeNull();
        (issue.ApplicationId, issue.HolderId, issue.ItemKey, issue.ItemName, issue.Department, issue.IssuedAt)
            .ShouldBe(("app-1", "c-mother", "household-registration", "户口登记", "police", At));
        issue.Certificates.ShouldBe([new CertificateToIssue("householdRegister", "户口簿", "household-register", "HR-FROM-SYSTEM", null)]);
    }

    [Theory]
    [InlineData("buyer", "c-buyer")]
    [InlineData("seller", "c-mother")]
    public void ACertificateOfAParty_IsIssuedToThem_OrToTheApplicantWhenTheRoleIsNotNamed(string holder, string expected)
    {
        var item = Item(new OutputDefinition("propertyCertificate", "不动产权证书", OutputKind.Certificate, "property-certificate", "BDC", Holder: holder));

        var (_, certificates) = ItemOutputs.Of(Input(item, [new BundleParty("buyer", "c-buyer", "李四", ApplicantKind.Citizen)]), new Dictionary<string, string>(), InstanceId, At);

        certificates.ShouldNotBeNull().Certificates.Single().HolderId.ShouldBe(expected);
        // The issue is the applicant's; each certificate names another holder where it has one.
        certificates.HolderId.ShouldBe("c-mother");
    }

    [Fact]
    public void NewbornsHouseholdRegistration_IssuesTheRegisterAndNumbersTheBaby()
    {
        var item = BuiltInTemplates.Get("newborn").Items.Single(i => i.Key == "household-registration");

        var (outputs, certificates) = ItemOutputs.Of(Input(item), new Dictionary<string, string>(), InstanceId, At);

        outputs.ShouldBe(new Dictionary<string, string>
        {
            ["householdRegister"] = Expected(InstanceId, "HR", "householdRegister"),
            ["citizenIdNumber"] = Expected(InstanceId, "CITIZENIDNUMBER", "citizenIdNumber"),
        });
        certificates.ShouldNotBeNull().Certificates.ShouldBe([new CertificateToIssue("householdRegister", "居民户口簿（新生儿户籍页）", "household-register", outputs["householdRegister"], null)]);
    }

    [Fact]
    public void HouseTransfersRegistration_IssuesTheTitleToTheBuyer()
    {
        var item = BuiltInTemplates.Get("house-transfer").Items.Single(i => i.Key == "property-transfer-registration");
        BundleParty[] parties = [new("seller", "c-seller", "张三", ApplicantKind.Citizen), new("buyer", "c-buyer", "李四", ApplicantKind.Citizen)];

        var (outputs, certificates) = ItemOutputs.Of(Input(item, parties), new Dictionary<string, string>(), "app-1:property-transfer-registration", At);

        outputs.Keys.ShouldBe(["propertyCertificate", "realEstateUnitNumber"]);
        outputs["propertyCertificate"].ShouldStartWith("BDC-");
        certificates.ShouldNotBeNull().Certificates.ShouldBe([new CertificateToIssue("propertyCertificate", "不动产权证书", "property-certificate", outputs["propertyCertificate"], "c-buyer")]);
    }
}
