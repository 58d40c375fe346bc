using System.Diagnostics;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>The company-deregistration bundle end to end on Microsoft's engine over Azure Storage (Azurite).</summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class CompanyDeregistrationBundleTests(StorageFixture storage) : IAsyncLifetime
{
    const string CompanyName = "杭州云栖数据科技有限公司";
    const string Licence = "business-licence-deregistration";

    // Licence held -> the item it brings in and the rule expected to approve it.
    static readonly (string Licence, string Item, string Rule)[] HeldLicences =
    [
        ("social-insurance-registration", "social-insurance-deregistration", "no-arrears-no-staff"),
        ("housing-fund-registration", "housing-fund-deregistration", "no-arrears-accounts-closed"),
        ("official-seal-record", "seal-cancellation", "seals-returned"),
        ("customs-registration", "customs-deregistration", "no-pending-customs-matters"),
        ("food-business-licence", "food-business-licence-cancellation", "no-pending-cases"),
        ("liquor-licence", "liquor-licence-cancellation", "no-pending-cases"),
        ("pollutant-discharge-permit", "pollutant-discharge-permit-cancellation", "discharge-stopped"),
        ("road-transport-licence", "road-transport-licence-cancellation", "certificates-returned"),
        ("fire-safety-certificate", "fire-safety-certificate-cancellation", "no-pending-cases"),
        ("public-health-licence", "public-health-licence-cancellation", "no-pending-cases"),
        ("drainage-permit", "drainage-permit-cancellation", "discharge-stopped"),
    ];

    static readonly (string Licence, string Item)[] NotHeld =
    [
        ("hazardous-chemicals-licence", "hazardous-chemicals-licence-cancellation"),
        ("travel-agency-licence", "travel-agency-licence-cancellation"),
        ("construction-qualification", "construction-qualification-cancellation"),
    ];

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "dereg");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    Task<SubmissionRequest> RequestAsync(string companyId, bool noOutstandingTax = true) => DeregistrationRequestAsync(harness, companyId, noOutstandingTax);

    /// <summary>
    /// A deregistration that every rule approves, naming the legal representative, whose own ID card (seeded here: the
    /// registry keeps one licence per number) is the material; used by the licence reuse and licence life tests too.
    /// </summary>
    internal static async Task<SubmissionRequest> DeregistrationRequestAsync(BundleHarness harness, string companyId, bool noOutstandingTax = true)
    {
        await harness.GiveLicenceAsync(CompanyOpeningBundleTests.LegalRepId, "id-card", CompanyOpeningBundleTests.LegalRepIdNumber);
        return await UnseededRequestAsync(harness, companyId, noOutstandingTax);
    }

    static async Task<SubmissionRequest> UnseededRequestAsync(BundleHarness harness, string companyId, bool noOutstandingTax) => new(
        "company-deregistration",
        new Applicant(companyId, ApplicantKind.Company, CompanyName),
        BundleHarness.Answers(new
        {
            companyName = CompanyName,
            creditCode = "91110108MA01ABCD1E",
            legalRepName = CompanyOpeningBundleTests.LegalRepName,
            legalRepIdNumber = CompanyOpeningBundleTests.LegalRepIdNumber,
            contactPhone = "13912345678",
            deregistrationMode = "simple",
            deregistrationReason = "shareholder-resolution",
            publicNoticeNoObjection = true,
            liquidationCompleted = true,
            noPendingCases = true,
            noOutstandingTax,
            invoicesCancelled = true,
            employeeCount = 0,
            noSocialInsuranceArrears = true,
            noHousingFundArrears = true,
            sealsReturned = true,
            noPendingCustomsMatters = true,
            dischargeStopped = true,
            vehicleCertificatesReturned = true,
            operatesPublicVenue = false,
            hazardousStockDisposed = true,
            touristComplaintsSettled = true,
            noUnfinishedProjects = true,
        }),
        [
            new MaterialProvision("dissolutionResolution", ProvisionKind.Upload, await harness.UploadAsync(companyId, "company-deregistration", "dissolutionResolution")),
            new MaterialProvision("liquidationDocuments", ProvisionKind.Commitment),
        ],
        CompanyOpeningBundleTests.LegalRep);

    // The company's licences; the legal representative's ID card is theirs, seeded by the request.
    async Task GiveLicencesAsync(string companyId, params string[] types)
    {
        await harness.GiveLicenceAsync(companyId, "business-licence", "91-20200101-0001");
        foreach (var type in types)
        {
            await harness.GiveLicenceAsync(companyId, type, $"{type}-0001");
        }
    }

    static string Problems(SubmissionResult result) => string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}"));

    async Task<ApplicationRecord> WaitForRecordAsync(string applicationId, Func<ApplicationRecord, bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var record = await harness.Store.GetAsync(applicationId);
            if (record is not null && condition(record))
            {
                return record;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{applicationId} never reached: {what}. Items: {string.Join(", ", record?.Items.Select(i => $"{i.Key}={i.State}") ?? [])}");
            }

            await Task.Delay(200);
        }
    }

    // The licence deregistration started after tax clearance was approved, and was given its clearance number.
    async Task ShouldStartAfterTaxClearanceAsync(string applicationId, string clearanceNumber)
    {
        var audit = await harness.Audit.ReadAsync(applicationId);
        var cleared = audit.Single(e => e.Action == "item.approved" && e.StepId.StartsWith("tax-clearance:", StringComparison.Ordinal));
        var started = audit.Single(e => e.Action == "item.started" && e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal));
        started.At.ShouldBeGreaterThanOrEqualTo(cleared.At);
        // An item that waits was started with the number in its input; a rule item its bundle decided at once has no
        // instance (2.6, ADR 0028) and was decided on the same prior outputs (RulesInBundleTests compares both paths).
        var instance = await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(applicationId, Licence), getInputsAndOutputs: true);
        if (instance is not null)
        {
            instance.SerializedInput!.ShouldContain(clearanceNumber);
        }
        else
        {
            audit.ShouldContain(e => e.Action == "item.rules.evaluated" && e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Submit_ManyLicencesHeld_MatchingItemsRunInParallelByRulesAndTheBankCallsBack()
    {
        const string company = "company-many";
        const string app = "dr-many";
        await GiveLicencesAsync(company, [.. HeldLicences.Select(h => h.Licence), "bank-account-licence"]);
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        var ledger = result.Ledger.ToDictionary(m => m.Key);
        ledger["sealRecord"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["roadTransportLicence"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["fireSafetyCertificate"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["businessLicence"].Status.ShouldBe(MaterialStatus.FromLicence);
        // The legal representative's ID card is the representative's own licence, not the company's.
        ledger["legalRepIdCard"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["legalRepIdCard"].Party.ShouldBe("legalRepresentative");
        ledger["taxClearance"].Status.ShouldBe(MaterialStatus.ProducedByItem);
        ledger["liquidationDocuments"].Status.ShouldBe(MaterialStatus.Committed);
        // Nothing is asked for items whose licence the company does not hold.
        ledger.ShouldNotContainKey("hazardousStockDisposalProof");

        // Every rule-decided closure is through while the bank closure still waits for the bank: none waited for another.
        // The business licence waits for the bank: it is deregistered after the account is closed, as the law requires.
        await harness.WaitForExternalRequestAsync(app, "bank-account-closure");
        var ruled = HeldLicences.Select(h => h.Item).Append("tax-clearance").ToList();
        var midway = await WaitForRecordAsync(app, r => ruled.TrueForAll(k => r.Items.Single(i => i.Key == k).State == ItemState.Approved), "every rule item approved");
        midway.Items.Single(i => i.Key == "bank-account-closure").State.ShouldBe(ItemState.Running);
        midway.Items.Single(i => i.Key == Licence).State.ShouldBe(ItemState.Waiting);
        midway.Status.ShouldBe(ApplicationStatus.InProgress);

        await harness.Applications.CompleteExternalAsync(app, "bank-account-closure", new ExternalSystemDecided(
            "bank-account-system", true, "Basic deposit account closed.", new Dictionary<string, string> { ["cancellationNumber"] = "JXH-BANK-778899" }));

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        outcome.Items.Count(i => i.State == ItemState.Approved && i.DecidedBy.StartsWith("rule:", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(12);
        foreach (var (_, item, rule) in HeldLicences)
        {
            items[item].State.ShouldBe(ItemState.Approved, item);
            items[item].DecidedBy.ShouldBe($"rule:{rule}", item);
            items[item].Outputs["cancellationNumber"].ShouldNotBeNullOrWhiteSpace(item);
        }

        items["tax-clearance"].DecidedBy.ShouldBe("rule:cleared");
        items[Licence].DecidedBy.ShouldBe("rule:simple-deregistration");
        items[Licence].Outputs["deregistrationNotice"].ShouldStartWith("ZX-");
        var bank = items["bank-account-closure"];
        bank.State.ShouldBe(ItemState.Approved);
        bank.DecidedBy.ShouldBe("system:bank-account-system");
        bank.Outputs["cancellationNumber"].ShouldBe("JXH-BANK-778899");
        foreach (var (licence, item) in NotHeld)
        {
            items[item].State.ShouldBe(ItemState.NotIncluded, item);
            items[item].Evidence.ShouldContain($"licence {licence}: not held", item);
            (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, item))).ShouldBeNull(item);
        }

        var clearance = items["tax-clearance"].Outputs["taxClearance"];
        clearance.ShouldStartWith("QS-");
        await ShouldStartAfterTaxClearanceAsync(app, clearance);

        // Certificates, the ledger, the commitment's verification and the audit trail.
        var held = (await harness.Licences.ListAsync(company)).ToList();
        held.Single(l => l.LicenceType == "tax-clearance-certificate").Number.ShouldBe(clearance);
        held.Single(l => l.LicenceType == "deregistration-notice").ItemKey.ShouldBe(Licence);
        var record = (await harness.Store.GetAsync(app))!;
        record.Status.ShouldBe(ApplicationStatus.Completed);
        record.Materials.Single(m => m.Key == "taxClearance").Reference.ShouldBe(clearance);
        var verification = (await harness.Tasks.ListAsync("market-regulation")).ShouldHaveSingleItem();
        verification.Kind.ShouldBe(TaskKind.Verification);
        verification.TaskId.ShouldBe($"{app}:{Licence}:verify:liquidationDocuments");
        var audit = await harness.Audit.ReadAsync(app);
        audit.Count(e => e.Action == "item.rules.evaluated" && e.After == nameof(RuleOutcome.Approve)).ShouldBe(13);
        audit.ShouldContain(e => e.Action == "item.approved" && e.Actor == "system:bank-account-system");
        audit.ShouldContain(e => e.Action == "application.ended" && e.After == nameof(ApplicationStatus.Completed));
    }

    [Fact]
    public async Task Decide_TaxClearanceReferredToAnOfficer_LicenceDeregistrationWaitsForItsApproval()
    {
        const string company = "company-owes";
        const string app = "dr-referred";
        await GiveLicencesAsync(company, "social-insurance-registration");
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company, noOutstandingTax: false), app);
        result.Accepted.ShouldBeTrue(Problems(result));

        var task = await harness.WaitForTaskAsync("tax", app, "tax-clearance");
        task.Kind.ShouldBe(TaskKind.Decision);
        task.NoteEn.ShouldBe($"Referred by rules: {RuleEngine.NoRuleHeld}");
        // Items that do not need the clearance go on; the licence deregistration has not even started.
        var waiting = await WaitForRecordAsync(app, r => r.Items.Single(i => i.Key == "social-insurance-deregistration").State == ItemState.Approved, "social insurance approved");
        var licence = waiting.Items.Single(i => i.Key == Licence);
        licence.State.ShouldBe(ItemState.Waiting);
        licence.DueAt.ShouldBeNull();
        (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, Licence))).ShouldBeNull();
        (await harness.Audit.ReadAsync(app)).ShouldNotContain(e => e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal));

        await harness.Applications.DecideAsync(app, "tax-clearance", new OfficerDecided(DecisionKind.Approve, "officer-t1", "Arrears paid at the counter."));

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items["tax-clearance"].DecidedBy.ShouldBe("officer:officer-t1");
        items["tax-clearance"].Reason.ShouldBe("Arrears paid at the counter.");
        items[Licence].State.ShouldBe(ItemState.Approved);
        items[Licence].DecidedBy.ShouldBe("rule:simple-deregistration");
        items["bank-account-closure"].State.ShouldBe(ItemState.NotIncluded);
        await ShouldStartAfterTaxClearanceAsync(app, items["tax-clearance"].Outputs["taxClearance"]);
        var closed = (await harness.Tasks.GetAsync("tax", ItemOrchestrator.InstanceId(app, "tax-clearance")))!;
        closed.Status.ShouldBe(OfficerTaskStatus.Closed);
        closed.Outcome.ShouldBe(nameof(ItemState.Approved));
        closed.DecidedBy.ShouldBe("officer:officer-t1");
    }

    [Fact]
    public async Task Decide_TaxClearanceRejected_LicenceDeregistrationCancelledAndTheRestGoOn()
    {
        const string company = "company-arrears";
        const string app = "dr-tax-rejected";
        await GiveLicencesAsync(company, "social-insurance-registration", "official-seal-record");
        var result = await harness.Applications.SubmitAsync(await RequestAsync(company, noOutstandingTax: false), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        await harness.WaitForTaskAsync("tax", app, "tax-clearance");
        await harness.Applications.DecideAsync(app, "tax-clearance", new OfficerDecided(DecisionKind.Reject, "officer-t2", "Unpaid land value tax of 2024."));

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.PartiallyCompleted);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items["tax-clearance"].State.ShouldBe(ItemState.Rejected);
        items["tax-clearance"].DecidedBy.ShouldBe("officer:officer-t2");
        items[Licence].State.ShouldBe(ItemState.Cancelled);
        items[Licence].DecidedBy.ShouldBe("engine");
        items[Licence].ReasonEn.ShouldBe("Prerequisite 'tax-clearance' was rejected: Unpaid land value tax of 2024.");
        items["social-insurance-deregistration"].DecidedBy.ShouldBe("rule:no-arrears-no-staff");
        items["seal-cancellation"].DecidedBy.ShouldBe("rule:seals-returned");
        (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, Licence))).ShouldBeNull();

        var held = (await harness.Licences.ListAsync(company)).Select(l => l.LicenceType).ToList();
        held.ShouldNotContain("tax-clearance-certificate");
        held.ShouldNotContain("deregistration-notice");
        // The commitment was never relied on, so nobody is asked to verify it.
        (await harness.Tasks.ListAsync("market-regulation")).ShouldBeEmpty();
        (await harness.Store.GetAsync(app))!.Status.ShouldBe(ApplicationStatus.PartiallyCompleted);
        var audit = await harness.Audit.ReadAsync(app);
        audit.ShouldContain(e => e.Action == "item.rejected" && e.Actor == "officer:officer-t2" && e.Detail == "Unpaid land value tax of 2024.");
        audit.ShouldContain(e => e.Action == "application.ended" && e.After == nameof(ApplicationStatus.PartiallyCompleted));
    }

    [Fact]
    public async Task Check_LegalRepresentativeHoldsNoIdCard_TheOneNoticeAsksForItNamingThem_AnUploadDoesIt()
    {
        const string company = "company-rep-no-card";
        await GiveLicencesAsync(company);
        var request = await UnseededRequestAsync(harness, company, noOutstandingTax: true);
        var missing = (await harness.Applications.CheckAsync(request)).ShouldHaveSingleItem();
        missing.Path.ShouldBe("materials.legalRepIdCard");
        missing.Code.ShouldBe("material.missing");
        missing.Message.ShouldContain($"法定代表人（{CompanyOpeningBundleTests.LegalRepName}）持有电子证照“id-card”");

        var upload = new MaterialProvision("legalRepIdCard", ProvisionKind.Upload, await harness.UploadAsync(company, "company-deregistration", "legalRepIdCard"));
        var result = await harness.Applications.SubmitAsync(request with { Materials = [.. request.Materials, upload] }, "dr-rep-upload");
        result.Accepted.ShouldBeTrue(Problems(result));
        var card = result.Ledger.Single(m => m.Key == "legalRepIdCard");
        card.Status.ShouldBe(MaterialStatus.Uploaded);
        card.Party.ShouldBe("legalRepresentative");
    }
}
