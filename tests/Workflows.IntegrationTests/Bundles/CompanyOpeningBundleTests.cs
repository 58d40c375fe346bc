using Workflows.Applications;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>The company-opening bundle end to end on Microsoft's engine over Azure Storage (Azurite).</summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class CompanyOpeningBundleTests(StorageFixture storage) : IAsyncLifetime
{
    const string CompanyName = "杭州云栖数据科技有限公司";
    const string AccountNumber = "1202021109900123456";

    static readonly string[] Dependants =
        ["seal-engraving", "tax-registration", "bank-account", "social-insurance", "housing-fund", "water-connection", "power-connection", "gas-connection"];

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "open");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    // The legal representative the form names (陈明), as the submission names them: a citizen with an account of their own.
    internal const string LegalRepId = "citizen-chen";
    internal const string LegalRepName = "陈明";
    internal const string LegalRepIdNumber = "110108199007074567";

    internal static Dictionary<string, PartyIdentity> LegalRep => new() { ["legalRepresentative"] = new(LegalRepId, LegalRepName) };

    async Task<SubmissionRequest> RequestAsync(
        string companyId, object? answers = null, ProvisionKind premises = ProvisionKind.Upload, bool nameLegalRep = true, bool uploadLegalRepIdCard = false) => new(
        "company-opening",
        new Applicant(companyId, ApplicantKind.Company, CompanyName),
        BundleHarness.Answers(answers ?? Form()),
        [.. await MaterialsAsync(companyId, premises), .. uploadLegalRepIdCard
            ? [new MaterialProvision("legalRepIdCard", ProvisionKind.Upload, await harness.UploadAsync(companyId, "company-opening", "legalRepIdCard"))]
            : Array.Empty<MaterialProvision>()],
        nameLegalRep ? LegalRep : null);

    static object Form(bool wantsSeal = true, int capitalContributionYears = 5, bool utilities = false) => new
    {
        companyName = CompanyName,
        nameCheckPassed = true,
        companyType = "llc-natural-person-invested",
        registeredCapital = 100,
        capitalContributionYears,
        registeredAddress = "杭州市西湖区文三路100号501室",
        businessScope = "软件开发；信息技术咨询服务",
        legalRepName = LegalRepName,
        legalRepIdNumber = LegalRepIdNumber,
        contactPhone = "13912345678",
        wantsSeal,
        sealCount = wantsSeal ? 3 : (int?)null,
        taxpayerType = "small-scale",
        invoiceQuantity = 25,
        accountBank = "icbc",
        employeeCount = 3,
        housingFundRate = 12,
        needsWaterConnection = utilities,
        needsPowerConnection = utilities,
        powerCapacityKw = utilities ? 50 : (int?)null,
        needsGasConnection = utilities,
    };

    async Task<List<MaterialProvision>> MaterialsAsync(string companyId, ProvisionKind premises)
    {
        async Task<MaterialProvision> Upload(string key) => new(key, ProvisionKind.Upload, await harness.UploadAsync(companyId, "company-opening", key));
        return
        [
            await Upload("articlesOfAssociation"),
            premises == ProvisionKind.Upload ? await Upload("premisesProof") : new MaterialProvision("premisesProof", premises),
            await Upload("taxAgentIdentity"),
            // The shareholder's identity still comes from the APPLICANT's licences, and a company holds no ID card.
            await Upload("shareholderIdentity"),
        ];
    }

    // The legal representative's ID card comes from the representative's OWN licences (the party the submission names),
    // never from the company's: the card is seeded on the representative's id, with the number the form gives.
    Task GiveLegalRepIdCardAsync() => harness.GiveLicenceAsync(LegalRepId, "id-card", LegalRepIdNumber);

    static string Problems(SubmissionResult result) => string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}"));

    Task OpenBankAccountAsync(string applicationId) => harness.Applications.CompleteExternalAsync(applicationId, "bank-account",
        new ExternalSystemDecided("bank-account-system", true, "Basic deposit account opened.", new Dictionary<string, string> { ["accountNumber"] = AccountNumber }));

    [Fact]
    public async Task Submit_AllApproved_RulesIssueTheLicenceAtOnceAndTheBankCallsBackWithTheAccount()
    {
        const string company = "company-a";
        const string app = "co-all-approved";
        await GiveLegalRepIdCardAsync();
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        result.Ledger.Single(m => m.Key == "legalRepIdCard").Status.ShouldBe(MaterialStatus.FromLicence);
        result.Ledger.Single(m => m.Key == "premisesProof").Status.ShouldBe(MaterialStatus.Uploaded);
        var produced = result.Ledger.Single(m => m.Key == "businessLicence");
        produced.Status.ShouldBe(MaterialStatus.ProducedByItem);
        produced.Reference.ShouldBe("business-licence.businessLicence");
        produced.RequiredBy.ShouldContain("seal-engraving");
        produced.RequiredBy.ShouldNotContain("water-connection");

        // Rules decide every item but the bank account, which waits for the bank's own system to call back.
        await harness.WaitForExternalRequestAsync(app, "bank-account");
        (await harness.Store.GetAsync(app))!.Items.Single(i => i.Key == "bank-account").State.ShouldBe(ItemState.Running);
        await OpenBankAccountAsync(app);

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        var licence = items["business-licence"];
        licence.State.ShouldBe(ItemState.Approved);
        licence.DecidedBy.ShouldBe("rule:name-and-capital-checks-pass");
        licence.Evidence.ShouldContain("name-and-capital-checks-pass: field capitalContributionYears = '5'");
        licence.Outputs["businessLicence"].ShouldStartWith("91-");
        items["seal-engraving"].DecidedBy.ShouldBe("rule:within-free-seals");
        items["seal-engraving"].Outputs["sealRecord"].ShouldStartWith("YZ-");
        items["tax-registration"].DecidedBy.ShouldBe("rule:small-scale-first-invoices");
        items["social-insurance"].DecidedBy.ShouldBe("rule:domestic-company");
        items["housing-fund"].DecidedBy.ShouldBe("rule:standard-rate");
        foreach (var key in new[] { "seal-engraving", "tax-registration", "social-insurance", "housing-fund" })
        {
            items[key].State.ShouldBe(ItemState.Approved, key);
        }

        var bank = items["bank-account"];
        bank.State.ShouldBe(ItemState.Approved);
        bank.DecidedBy.ShouldBe("system:bank-account-system");
        bank.Reason.ShouldBe("Basic deposit account opened.");
        bank.Outputs["accountNumber"].ShouldBe(AccountNumber);
        bank.Outputs["bankAccount"].ShouldStartWith("J-");
        foreach (var key in new[] { "water-connection", "power-connection", "gas-connection" })
        {
            items[key].State.ShouldBe(ItemState.NotIncluded, key);
            items[key].DecidedBy.ShouldBe("engine");
        }

        // The business licence is in the registry for the company, with its document, for every later matter to pull.
        var held = await harness.Licences.ListAsync(company);
        var issued = held.Single(l => l.LicenceType == "business-licence");
        issued.Number.ShouldBe(licence.Outputs["businessLicence"]);
        issued.ApplicationId.ShouldBe(app);
        issued.ItemKey.ShouldBe("business-licence");
        issued.IssuedBy.ShouldBe("market-regulation");
        (await harness.Licences.ReadDocumentAsync(issued)).ShouldContain(issued.Number);
        held.Select(l => l.LicenceType).ShouldBe(
            ["business-licence", "official-seal-record", "tax-registration", "bank-account-licence", "social-insurance-registration", "housing-fund-registration"],
            ignoreOrder: true);
        held.Single(l => l.LicenceType == "bank-account-licence").Number.ShouldBe(bank.Outputs["bankAccount"]);

        // The read model shows the account number and the licence number the later items were given.
        var record = (await harness.Store.GetAsync(app))!;
        record.Status.ShouldBe(ApplicationStatus.Completed);
        record.Items.Single(i => i.Key == "bank-account").Outputs!["accountNumber"].ShouldBe(AccountNumber);
        record.Materials.Single(m => m.Key == "businessLicence").Reference.ShouldBe(issued.Number);

        var audit = await harness.Audit.ReadAsync(app);
        audit.ShouldContain(e => e.Action == "item.rules.evaluated" && e.Actor == "rule:name-and-capital-checks-pass" && e.After == nameof(RuleOutcome.Approve));
        audit.ShouldContain(e => e.Action == "item.external.requested" && e.StepId.StartsWith("bank-account:", StringComparison.Ordinal) && e.DetailEn == "system bank-account-system");
        audit.ShouldContain(e => e.Action == "item.approved" && e.Actor == "system:bank-account-system");
        audit.ShouldContain(e => e.Action == "application.ended" && e.After == nameof(ApplicationStatus.Completed));
        // Nobody in the departments had to touch it.
        (await harness.Tasks.ListAsync("market-regulation")).ShouldBeEmpty();
        (await harness.Tasks.ListAsync("bank")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Submit_NoSealWanted_SealItemNotIncludedAndTheRestCompletes()
    {
        const string company = "company-b";
        const string app = "co-no-seal";
        await GiveLegalRepIdCardAsync();
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company, Form(wantsSeal: false)), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        // The one set of materials is planned without the seal item.
        result.Ledger.Single(m => m.Key == "legalRepIdCard").RequiredBy.ShouldBe(["business-licence", "tax-registration", "bank-account"], ignoreOrder: true);
        result.Ledger.Single(m => m.Key == "businessLicence").RequiredBy.ShouldNotContain("seal-engraving");

        await harness.WaitForExternalRequestAsync(app, "bank-account");
        await OpenBankAccountAsync(app);

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        var seal = items["seal-engraving"];
        seal.State.ShouldBe(ItemState.NotIncluded);
        seal.DecidedBy.ShouldBe("engine");
        seal.ReasonEn.ShouldBe("Its inclusion condition does not hold.");
        seal.Evidence.ShouldBe(["field wantsSeal = 'false'"]);
        seal.Outputs.ShouldBeEmpty();
        items["business-licence"].State.ShouldBe(ItemState.Approved);
        items["bank-account"].Outputs["accountNumber"].ShouldBe(AccountNumber);

        (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, "seal-engraving"))).ShouldBeNull();
        var held = (await harness.Licences.ListAsync(company)).Select(l => l.LicenceType).ToList();
        held.ShouldContain("business-licence");
        held.ShouldNotContain("official-seal-record");
        (await harness.Store.GetAsync(app))!.Items.Single(i => i.Key == "seal-engraving").State.ShouldBe(ItemState.NotIncluded);
        (await harness.Audit.ReadAsync(app)).ShouldNotContain(e => e.StepId.StartsWith("seal-engraving:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_PremisesByCommitment_LedgerShowsCommittedAndApprovalOpensAVerificationTask()
    {
        const string company = "company-c";
        const string app = "co-commitment";
        await GiveLegalRepIdCardAsync();
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company, premises: ProvisionKind.Commitment), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        var premises = result.Ledger.Single(m => m.Key == "premisesProof");
        premises.Status.ShouldBe(MaterialStatus.Committed);
        premises.Reference.ShouldBeNull();
        premises.RequiredBy.ShouldBe(["business-licence"]);

        // The bank item starts once the licence is approved, so by now the licence's verification is open.
        await harness.WaitForExternalRequestAsync(app, "bank-account");
        var tasks = await harness.Tasks.ListAsync("market-regulation");
        var verification = tasks.ShouldHaveSingleItem();
        verification.Kind.ShouldBe(TaskKind.Verification);
        verification.TaskId.ShouldBe($"{app}:business-licence:verify:premisesProof");
        verification.ApplicationId.ShouldBe(app);
        verification.ItemKey.ShouldBe("business-licence");
        verification.TemplateKey.ShouldBe("company-opening");
        verification.ApplicantId.ShouldBe(company);
        verification.ApplicantName.ShouldBe(CompanyName);
        verification.Status.ShouldBe(OfficerTaskStatus.Open);
        verification.Note!.ShouldContain("住所（经营场所）使用证明");
        verification.Note!.ShouldContain("自愿承担相应法律责任");
        // On the clock the application pinned (the region's calendar, holidays and make-up days included), as the item
        // computed it: weekends-only arithmetic is wrong whenever the 20 working days cross a holiday.
        var clock = await harness.Services.GetRequiredService<SlaClockSource>().CurrentAsync();
        verification.DueAt.ShouldBe(clock.Due(verification.OpenedAt, 20));
        (await harness.Tasks.ListAsync("market-regulation", OfficerTaskStatus.Open)).ShouldContain(t => t.TaskId == verification.TaskId);

        await OpenBankAccountAsync(app);
        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Single(i => i.ItemKey == "business-licence").DecidedBy.ShouldBe("rule:name-and-capital-checks-pass");

        // Only the item that was approved on the commitment opened a verification; it stays open for the department.
        (await harness.Tasks.ListAsync("market-regulation")).ShouldHaveSingleItem().Status.ShouldBe(OfficerTaskStatus.Open);
        (await harness.Tasks.ListAsync("tax")).ShouldBeEmpty();
        (await harness.Tasks.ListAsync("bank")).ShouldBeEmpty();
        var record = (await harness.Store.GetAsync(app))!;
        record.Materials.Single(m => m.Key == "premisesProof").Status.ShouldBe(MaterialStatus.Committed);
        var audit = await harness.Audit.ReadAsync(app);
        audit.ShouldContain(e => e.Action == "application.accepted" && e.Detail!.Contains("premisesProof=Committed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_CapitalDueTooLate_RulesRejectTheLicenceAndCancelEveryDependant()
    {
        const string company = "company-d";
        const string app = "co-rejected";
        await GiveLegalRepIdCardAsync();
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company, Form(capitalContributionYears: 10, utilities: true)), app);
        result.Accepted.ShouldBeTrue(Problems(result));

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Rejected);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        var licence = items["business-licence"];
        licence.State.ShouldBe(ItemState.Rejected);
        licence.DecidedBy.ShouldBe("rule:contribution-period-too-long");
        licence.ReasonEn!.ShouldContain("Capital must be paid in within five years");
        licence.Evidence.ShouldContain("contribution-period-too-long: field capitalContributionYears = '10'");
        licence.Outputs.ShouldBeEmpty();
        foreach (var key in Dependants)
        {
            items[key].State.ShouldBe(ItemState.Cancelled, key);
            items[key].DecidedBy.ShouldBe("engine", key);
            items[key].ReasonEn.ShouldBe($"Prerequisite 'business-licence' was rejected: {licence.ReasonEn}", key);
            (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, key))).ShouldBeNull(key);
        }

        // Nothing was issued; the read model and the audit trail say why.
        (await harness.Licences.ListAsync(company)).ShouldBeEmpty();
        var record = (await harness.Store.GetAsync(app))!;
        record.Status.ShouldBe(ApplicationStatus.Rejected);
        record.Items.Single(i => i.Key == "tax-registration").ReasonEn!.ShouldContain("Capital must be paid in within five years");
        var audit = await harness.Audit.ReadAsync(app);
        audit.ShouldContain(e => e.Action == "item.rules.evaluated" && e.Actor == "rule:contribution-period-too-long" && e.After == nameof(RuleOutcome.Reject));
        audit.ShouldContain(e => e.Action == "item.rejected" && e.Actor == "rule:contribution-period-too-long");
        audit.ShouldContain(e => e.Action == "application.ended" && e.After == nameof(ApplicationStatus.Rejected));
        (await harness.Tasks.ListAsync("market-regulation")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Submit_CapitalDueTooLate_ItemsTheCompanyDidNotAskForStayNotIncluded()
    {
        const string company = "company-e";
        const string app = "co-rejected-lean";
        await GiveLegalRepIdCardAsync();
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company, Form(wantsSeal: false, capitalContributionYears: 10)), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        result.Ledger.Single(m => m.Key == "businessLicence").RequiredBy.ShouldBe(["tax-registration", "bank-account", "social-insurance", "housing-fund"], ignoreOrder: true);

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Rejected);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items["business-licence"].State.ShouldBe(ItemState.Rejected);
        // Items the application asked for are cancelled with the reason ...
        foreach (var key in new[] { "tax-registration", "bank-account", "social-insurance", "housing-fund" })
        {
            items[key].State.ShouldBe(ItemState.Cancelled, key);
            items[key].ReasonEn!.ShouldStartWith("Prerequisite 'business-licence' was rejected", Case.Sensitive, key);
        }

        // ... while a seal and connections the company never asked for were never part of it, as the ledger said.
        foreach (var key in new[] { "seal-engraving", "water-connection", "power-connection", "gas-connection" })
        {
            items[key].State.ShouldBe(ItemState.NotIncluded, $"{key}: {items[key].Reason}");
        }
    }

    [Fact]
    public async Task Deregister_AfterOpening_UsesTheLicencesTheOpeningIssuedWithoutUploads()
    {
        // Opening issues the business licence, seal record, social insurance, housing fund and bank account licences ...
        const string company = "company-reuse";
        await GiveLegalRepIdCardAsync();
        (await harness.Applications.SubmitAsync(await RequestAsync(company), "co-reuse-open")).Accepted.ShouldBeTrue();
        await harness.WaitForExternalRequestAsync("co-reuse-open", "bank-account");
        await OpenBankAccountAsync("co-reuse-open");
        (await harness.WaitForOutcomeAsync("co-reuse-open")).Status.ShouldBe(BundleStatus.Completed);
        var issued = (await harness.Licences.ListAsync(company)).Where(l => l.ApplicationId == "co-reuse-open").ToList();
        issued.Select(l => l.LicenceType).ShouldContain("business-licence");

        // ... and a later deregistration of the same company takes them from the registry (zero-material) and
        // includes exactly the deregistrations those licences call for.
        var result = await harness.Applications.SubmitAsync(await CompanyDeregistrationBundleTests.DeregistrationRequestAsync(harness, company), "co-reuse-close");
        result.Accepted.ShouldBeTrue(Problems(result));
        var ledger = result.Ledger.ToDictionary(m => m.Key);
        ledger["businessLicence"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["sealRecord"].Status.ShouldBe(MaterialStatus.FromLicence);
        await harness.WaitForExternalRequestAsync("co-reuse-close", "bank-account-closure");
        await harness.Applications.CompleteExternalAsync("co-reuse-close", "bank-account-closure", new ExternalSystemDecided("bank-account-system", true, "Account closed."));
        var closed = (await harness.WaitForOutcomeAsync("co-reuse-close")).Items.ToDictionary(i => i.ItemKey);
        foreach (var item in new[] { "social-insurance-deregistration", "housing-fund-deregistration", "seal-cancellation", "bank-account-closure", "business-licence-deregistration" })
        {
            closed[item].State.ShouldBe(ItemState.Approved, item);
        }

        closed["food-business-licence-cancellation"].State.ShouldBe(ItemState.NotIncluded);
        // What the opening issued, the deregistration revoked: the company holds none of it any more.
        var stillHeld = (await harness.Licences.ListAsync(company)).Select(l => l.LicenceType).ToList();
        foreach (var type in new[] { "business-licence", "official-seal-record", "tax-registration", "bank-account-licence", "social-insurance-registration", "housing-fund-registration" })
        {
            stillHeld.ShouldNotContain(type);
        }
    }

    [Fact]
    public async Task Submit_LegalRepresentativeHoldsAnIdCard_TheCardComesFromTheirOwnLicence_NoUploadAndNobodyWaitsForThem()
    {
        const string company = "company-rep-card";
        const string app = "co-rep-card";
        await GiveLegalRepIdCardAsync();
        // The company holds no ID card: the representative's own does it, and the ledger says whose it is.
        (await harness.Licences.ListAsync(company)).ShouldBeEmpty();
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        var card = result.Ledger.Single(m => m.Key == "legalRepIdCard");
        card.Status.ShouldBe(MaterialStatus.FromLicence);
        card.Reference.ShouldBe("id-card");
        card.Party.ShouldBe("legalRepresentative");
        card.RequiredBy.ShouldBe(["business-licence", "seal-engraving", "tax-registration", "bank-account"], ignoreOrder: true);

        // The representative confirms nothing (the template asks no confirmation of them): the items needing the card run at once.
        await harness.WaitForExternalRequestAsync(app, "bank-account");
        await OpenBankAccountAsync(app);
        (await harness.WaitForOutcomeAsync(app)).Status.ShouldBe(BundleStatus.Completed);
        var record = (await harness.Store.GetAsync(app))!;
        record.Materials.Single(m => m.Key == "legalRepIdCard").Party.ShouldBe("legalRepresentative");
        var party = record.Parties.ShouldNotBeNull().ShouldHaveSingleItem();
        party.Role.ShouldBe("legalRepresentative");
        party.Id.ShouldBe(LegalRepId);
        party.Name.ShouldBe(LegalRepName);
        party.Confirmation.ShouldBeNull();
        // The bundle issued the company's licences; the representative's card is theirs, still held and untouched.
        (await harness.Licences.ListAsync(LegalRepId)).Select(l => l.LicenceType).ShouldBe(["id-card"]);
    }

    [Fact]
    public async Task Submit_LegalRepresentativeHoldsNoIdCard_TheUploadIsTheFallback_NamedOrNot()
    {
        const string company = "company-rep-upload";
        // The company itself holding an ID card (as a registry might say of a sole trader) is not the representative's.
        await harness.GiveLicenceAsync(company, "id-card", "ID-COMPANY-1");
        var named = await harness.Applications.SubmitAsync(await RequestAsync(company, uploadLegalRepIdCard: true), "co-rep-upload");
        named.Accepted.ShouldBeTrue(Problems(named));
        var card = named.Ledger.Single(m => m.Key == "legalRepIdCard");
        card.Status.ShouldBe(MaterialStatus.Uploaded);
        card.Reference.ShouldStartWith($"{company}/");
        card.Party.ShouldBe("legalRepresentative");

        // Not named, the optional representative holds nothing: the upload alone does it, as before parties were named.
        var unnamed = await harness.Applications.SubmitAsync(await RequestAsync(company, nameLegalRep: false, uploadLegalRepIdCard: true), "co-rep-upload-unnamed");
        unnamed.Accepted.ShouldBeTrue(Problems(unnamed));
        unnamed.Ledger.Single(m => m.Key == "legalRepIdCard").Status.ShouldBe(MaterialStatus.Uploaded);
    }

    [Fact]
    public async Task Submit_LegalRepresentativeHoldsNoIdCardAndNothingUploaded_RefusedInTheOneNoticeNamingThem_TheCompanysOwnCardDoesNotCount()
    {
        const string company = "company-rep-missing";
        await harness.GiveLicenceAsync(company, "id-card", "ID-COMPANY-2");
        var named = await harness.Applications.SubmitAsync(await RequestAsync(company), "co-rep-missing");
        named.Accepted.ShouldBeFalse();
        var missing = named.Problems.ShouldHaveSingleItem(Problems(named));
        missing.Path.ShouldBe("materials.legalRepIdCard");
        missing.Code.ShouldBe("material.missing");
        missing.Message.ShouldContain($"上传该材料或法定代表人（{LegalRepName}）持有电子证照“id-card”");
        missing.MessageEn.ShouldNotBeNull().ShouldContain("upload it or the legal representative holds the electronic licence 'id-card'");
        missing.Departments.ShouldNotBeNull().ShouldBe(["market-regulation", "police", "tax", "bank"], ignoreOrder: true);
        (await harness.Client.GetInstanceAsync("co-rep-missing")).ShouldBeNull();

        // Not naming the representative at all: told the same way, in the same one notice, and the check says so before.
        var unnamed = await RequestAsync(company, nameLegalRep: false);
        (await harness.Applications.CheckAsync(unnamed)).ShouldHaveSingleItem().Path.ShouldBe("materials.legalRepIdCard");
        var refused = await harness.Applications.SubmitAsync(unnamed, "co-rep-missing-unnamed");
        refused.Accepted.ShouldBeFalse();
        refused.Problems.ShouldHaveSingleItem().MessageEn.ShouldNotBeNull().ShouldContain("the legal representative holds the electronic licence 'id-card'");
    }
}
