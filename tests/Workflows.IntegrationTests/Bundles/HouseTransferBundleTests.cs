using Workflows.Applications;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>The second-hand house transfer bundle end to end on Microsoft's engine over Azure Storage (Azurite).</summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class HouseTransferBundleTests(StorageFixture storage) : IAsyncLifetime
{
    const string Registration = "property-transfer-registration";

    // Utility item -> its outside system, the output it issues, and the new account number the system calls back with.
    static readonly (string Item, string System, string Output, string Account)[] Utilities =
    [
        ("water-transfer", "water-utility-system", "newWaterAccountNumber", "3100987654321"),
        ("power-transfer", "power-utility-system", "newPowerAccountNumber", "0098765432"),
        ("gas-transfer", "gas-utility-system", "newGasAccountNumber", "88009876"),
    ];

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "house");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    async Task<SubmissionRequest> RequestAsync(string buyerId, bool withGas = true) => new(
        "house-transfer",
        new Applicant(buyerId, ApplicantKind.Citizen, "王芳"),
        BundleHarness.Answers(new
        {
            sellerName = "李建国",
            sellerIdNumber = "310104198503152349",
            buyerName = "王芳",
            buyerIdNumber = "110105198001011238",
            buyerPhone = "13800138000",
            propertyAddress = "上海市徐汇区漕溪北路88弄5号1201室",
            propertyCertificateNumber = "沪(2019)徐汇区不动产权第012345号",
            contractNumber = "WQ-2026-000123",
            dealPrice = 3200000,
            buildingArea = 89.5m,
            houseType = "ordinary-residential",
            heldOverFiveYears = true,
            sellerOnlyHome = true,
            buyerFirstHome = true,
            waterAccountNumber = "310012345678",
            powerAccountNumber = "0012345678",
            gasAccountNumber = withGas ? "88001234" : null,
        }),
        [
            new MaterialProvision("saleContract", ProvisionKind.Upload, await harness.UploadAsync(buyerId, "house-transfer", "saleContract")),
            new MaterialProvision("housingStatusCommitment", ProvisionKind.Commitment),
        ],
        new Dictionary<string, PartyIdentity> { ["seller"] = new(SellerOf(buyerId), "李建国") });

    // Each buyer buys from a seller of their own, so the tests' registries do not meet.
    static string SellerOf(string buyerId) => buyerId.Replace("buyer", "seller", StringComparison.Ordinal);

    async Task GiveBuyerLicencesAsync(string buyerId)
    {
        await harness.GiveLicenceAsync(buyerId, "id-card", "ID-110105198001011238");
        await harness.GiveLicenceAsync(buyerId, "marriage-certificate", $"MC-{buyerId}");
        // The seller's own licences: their ID card (its number the one on the form) and the title being sold.
        await harness.GiveLicenceAsync(SellerOf(buyerId), "id-card", "310104198503152349");
        await harness.GiveLicenceAsync(SellerOf(buyerId), "property-certificate", $"BDC-OLD-{buyerId}");
    }

    // The seller confirms in their own session once the application asks them to; the items needing them then start.
    async Task ConfirmAsSellerAsync(string buyerId, string applicationId)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await harness.Store.GetConfirmationAsync(SellerOf(buyerId), applicationId, "seller") is not { Party.Confirmation: PartyConfirmationStatus.Awaiting })
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), "the seller was never asked to confirm");
            await Task.Delay(200);
        }

        await harness.Applications.AnswerAsPartyAsync(applicationId, new PartyConfirmationGiven("seller", SellerOf(buyerId), true, null, DateTime.UtcNow));
    }

    static string Problems(SubmissionResult result) => string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}"));

    async Task SubmitAndWaitForRegistrationAsync(string buyerId, string applicationId, bool withGas = true)
    {
        await GiveBuyerLicencesAsync(buyerId);
        var result = await harness.Applications.SubmitAsync(await RequestAsync(buyerId, withGas), applicationId);
        result.Accepted.ShouldBeTrue(Problems(result));
        await ConfirmAsSellerAsync(buyerId, applicationId);
        await harness.WaitForTaskAsync("natural-resources", applicationId, Registration);
    }

    async Task TransferAsync(string applicationId, string item)
    {
        var (_, system, output, account) = Utilities.Single(u => u.Item == item);
        await harness.WaitForExternalRequestAsync(applicationId, item);
        await harness.Applications.CompleteExternalAsync(applicationId, item,
            new ExternalSystemDecided(system, true, "Account moved to the buyer.", new Dictionary<string, string> { [output] = account }));
    }

    [Fact]
    public async Task Submit_AllApproved_TaxByRulesRegistrationByOfficerAndUtilitiesOnTheirCallbacks()
    {
        const string buyer = "citizen-buyer-a";
        const string app = "ht-all-approved";
        await GiveBuyerLicencesAsync(buyer);
        var result = await harness.Applications.SubmitAsync(await RequestAsync(buyer), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        var ledger = result.Ledger.ToDictionary(m => m.Key);
        ledger["buyerIdCard"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["maritalStatus"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["propertyCertificate"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["propertyCertificate"].Party.ShouldBe("seller");
        ledger["sellerIdCard"].Party.ShouldBe("seller");
        await ConfirmAsSellerAsync(buyer, app);
        ledger["housingStatusCommitment"].Status.ShouldBe(MaterialStatus.Committed);
        ledger["taxPaymentCertificate"].Reference.ShouldBe("transfer-tax.taxPaymentCertificate");
        ledger["newPropertyCertificate"].Status.ShouldBe(MaterialStatus.ProducedByItem);
        ledger["newPropertyCertificate"].RequiredBy.ShouldBe(["water-transfer", "power-transfer", "gas-transfer"], ignoreOrder: true);

        // Rules settle the tax at once; the registration waits for an officer of natural resources, the utilities for it.
        var task = await harness.WaitForTaskAsync("natural-resources", app, Registration);
        task.Kind.ShouldBe(TaskKind.Decision);
        task.ItemName.ShouldBe("国有建设用地使用权及房屋所有权转移登记");
        task.ApplicantName.ShouldBe("王芳");
        task.TemplateKey.ShouldBe("house-transfer");
        var before = (await harness.Store.GetAsync(app))!;
        before.Items.Single(i => i.Key == "transfer-tax").State.ShouldBe(ItemState.Approved);
        foreach (var (item, _, _, _) in Utilities)
        {
            before.Items.Single(i => i.Key == item).State.ShouldBe(ItemState.Waiting, item);
        }

        await harness.Applications.DecideAsync(app, Registration, new OfficerDecided(DecisionKind.Approve, "officer-n1", "Transfer registered."));
        foreach (var (item, _, _, _) in Utilities)
        {
            await TransferAsync(app, item);
        }

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        var tax = items["transfer-tax"];
        tax.DecidedBy.ShouldBe("rule:ordinary-five-only-first");
        tax.Evidence.ShouldContain("ordinary-five-only-first: field buildingArea = '89.5'");
        tax.Outputs["taxPaymentCertificate"].ShouldStartWith("WS-");
        var registration = items[Registration];
        registration.State.ShouldBe(ItemState.Approved);
        registration.DecidedBy.ShouldBe("officer:officer-n1");
        registration.Reason.ShouldBe("Transfer registered.");
        var certificate = registration.Outputs["propertyCertificate"];
        certificate.ShouldStartWith("BDC-");
        registration.Outputs["realEstateUnitNumber"].ShouldNotBeNullOrWhiteSpace();
        foreach (var (item, system, output, account) in Utilities)
        {
            items[item].State.ShouldBe(ItemState.Approved, item);
            items[item].DecidedBy.ShouldBe($"system:{system}", item);
            items[item].Outputs[output].ShouldBe(account, item);
            // Each utility was handed the new property certificate the registration issued.
            var instance = await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, item), getInputsAndOutputs: true);
            instance!.SerializedInput!.ShouldContain(certificate);
        }

        // The new certificate and the tax receipt are the buyer's electronic licences now.
        var held = await harness.Licences.ListAsync(buyer);
        var property = held.Single(l => l.LicenceType == "property-certificate");
        property.Number.ShouldBe(certificate);
        property.IssuedBy.ShouldBe("natural-resources");
        held.Single(l => l.LicenceType == "tax-payment-certificate").Number.ShouldBe(tax.Outputs["taxPaymentCertificate"]);
        // The seller's title is superseded by the buyer's new one (kept as history, never offered again).
        var sold = (await harness.Licences.HistoryAsync(SellerOf(buyer))).Single(l => l.Licence.LicenceType == "property-certificate");
        sold.Status.ShouldBe(Workflows.Licences.LicenceStatus.Superseded);
        sold.End!.SupersededByNumber.ShouldBe(certificate);
        (await harness.Licences.ListAsync(SellerOf(buyer))).ShouldNotContain(l => l.LicenceType == "property-certificate");

        var record = (await harness.Store.GetAsync(app))!;
        record.Status.ShouldBe(ApplicationStatus.Completed);
        record.Materials.Single(m => m.Key == "newPropertyCertificate").Reference.ShouldBe(certificate);
        record.Materials.Single(m => m.Key == "taxPaymentCertificate").Reference.ShouldBe(tax.Outputs["taxPaymentCertificate"]);
        record.Items.Single(i => i.Key == "gas-transfer").Outputs!["newGasAccountNumber"].ShouldBe("88009876");

        var decided = (await harness.Tasks.GetAsync("natural-resources", ItemOrchestrator.InstanceId(app, Registration)))!;
        decided.Status.ShouldBe(OfficerTaskStatus.Closed);
        decided.Outcome.ShouldBe(nameof(ItemState.Approved));
        decided.DecidedBy.ShouldBe("officer:officer-n1");
        // The housing-status commitment the tax was approved on is to be checked by the tax department.
        var verification = (await harness.Tasks.ListAsync("tax")).ShouldHaveSingleItem();
        verification.Kind.ShouldBe(TaskKind.Verification);
        verification.TaskId.ShouldBe($"{app}:transfer-tax:verify:housingStatusCommitment");
        // On the clock the application pinned (the region's calendar, holidays and make-up days included), as the item
        // computed it: weekends-only arithmetic is wrong whenever the 20 working days cross a holiday.
        var clock = await harness.Services.GetRequiredService<SlaClockSource>().CurrentAsync();
        verification.DueAt.ShouldBe(clock.Due(verification.OpenedAt, 20));

        var audit = await harness.Audit.ReadAsync(app);
        audit.ShouldContain(e => e.Action == "item.rules.evaluated" && e.Actor == "rule:ordinary-five-only-first" && e.After == nameof(RuleOutcome.Approve));
        audit.ShouldContain(e => e.Action == "item.approved" && e.Actor == "officer:officer-n1");
        foreach (var (item, system, _, _) in Utilities)
        {
            audit.ShouldContain(e => e.Action == "item.approved" && e.Actor == $"system:{system}" && e.StepId.StartsWith($"{item}:", StringComparison.Ordinal), item);
        }

        audit.ShouldContain(e => e.Action == "application.ended" && e.After == nameof(ApplicationStatus.Completed));
    }

    [Fact]
    public async Task Submit_NoGasAccount_GasTransferNotIncluded()
    {
        const string buyer = "citizen-buyer-b";
        const string app = "ht-no-gas";
        await GiveBuyerLicencesAsync(buyer);
        var result = await harness.Applications.SubmitAsync(await RequestAsync(buyer, withGas: false), app);
        result.Accepted.ShouldBeTrue(Problems(result));
        await ConfirmAsSellerAsync(buyer, app);
        result.Ledger.Single(m => m.Key == "buyerIdCard").RequiredBy.ShouldNotContain("gas-transfer");
        result.Ledger.Single(m => m.Key == "newPropertyCertificate").RequiredBy.ShouldBe(["water-transfer", "power-transfer"], ignoreOrder: true);

        await harness.WaitForTaskAsync("natural-resources", app, Registration);
        await harness.Applications.DecideAsync(app, Registration, new OfficerDecided(DecisionKind.Approve, "officer-n2"));
        await TransferAsync(app, "water-transfer");
        await TransferAsync(app, "power-transfer");

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        var gas = items["gas-transfer"];
        gas.State.ShouldBe(ItemState.NotIncluded);
        gas.DecidedBy.ShouldBe("engine");
        gas.Evidence.ShouldBe(["field gasAccountNumber = (none)"]);
        items[Registration].ReasonEn.ShouldBe("Approved by the department.");
        items["water-transfer"].Outputs["newWaterAccountNumber"].ShouldBe("3100987654321");
        items["power-transfer"].Outputs["newPowerAccountNumber"].ShouldBe("0098765432");
        (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, "gas-transfer"))).ShouldBeNull();
        (await harness.Store.GetAsync(app))!.Items.Single(i => i.Key == "gas-transfer").State.ShouldBe(ItemState.NotIncluded);
        (await harness.Audit.ReadAsync(app)).ShouldNotContain(e => e.StepId.StartsWith("gas-transfer:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decide_RegistrationRejectedByOfficer_CancelsEveryUtilityTransfer()
    {
        const string buyer = "citizen-buyer-c";
        const string app = "ht-rejected";
        await SubmitAndWaitForRegistrationAsync(buyer, app);
        await harness.Applications.DecideAsync(app, Registration, new OfficerDecided(DecisionKind.Reject, "officer-n3", "The property is under a court seizure."));

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.PartiallyCompleted);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items["transfer-tax"].State.ShouldBe(ItemState.Approved);
        var registration = items[Registration];
        registration.State.ShouldBe(ItemState.Rejected);
        registration.DecidedBy.ShouldBe("officer:officer-n3");
        registration.Reason.ShouldBe("The property is under a court seizure.");
        foreach (var (item, _, _, _) in Utilities)
        {
            items[item].State.ShouldBe(ItemState.Cancelled, item);
            items[item].DecidedBy.ShouldBe("engine", item);
            items[item].ReasonEn.ShouldBe($"Prerequisite '{Registration}' was rejected: The property is under a court seizure.", item);
            (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, item))).ShouldBeNull(item);
        }

        var held = (await harness.Licences.ListAsync(buyer)).Select(l => l.LicenceType).ToList();
        held.ShouldContain("tax-payment-certificate");
        held.ShouldNotContain("property-certificate");
        var task = (await harness.Tasks.GetAsync("natural-resources", ItemOrchestrator.InstanceId(app, Registration)))!;
        task.Status.ShouldBe(OfficerTaskStatus.Closed);
        task.Outcome.ShouldBe(nameof(ItemState.Rejected));
        task.DecidedBy.ShouldBe("officer:officer-n3");
        task.Note.ShouldBe("The property is under a court seizure.");
        (await harness.Store.GetAsync(app))!.Status.ShouldBe(ApplicationStatus.PartiallyCompleted);
        var audit = await harness.Audit.ReadAsync(app);
        audit.ShouldContain(e => e.Action == "item.rejected" && e.Actor == "officer:officer-n3" && e.Detail == "The property is under a court seizure.");
        audit.ShouldContain(e => e.Action == "application.ended" && e.After == nameof(ApplicationStatus.PartiallyCompleted));
    }

    [Fact]
    public async Task Callback_FromAnotherUtilitySystem_DoesNotDecideTheTransfer()
    {
        const string buyer = "citizen-buyer-d";
        const string app = "ht-misrouted";
        await SubmitAndWaitForRegistrationAsync(buyer, app, withGas: false);
        await harness.Applications.DecideAsync(app, Registration, new OfficerDecided(DecisionKind.Approve, "officer-n4"));

        // The power company's system answers on the water transfer: the template says only the water system decides it.
        await harness.WaitForExternalRequestAsync(app, "water-transfer");
        await harness.Applications.CompleteExternalAsync(app, "water-transfer", new ExternalSystemDecided("power-utility-system", false, "No such power account."));
        await TransferAsync(app, "water-transfer");
        await TransferAsync(app, "power-transfer");

        var outcome = await harness.WaitForOutcomeAsync(app);
        var water = outcome.Items.Single(i => i.ItemKey == "water-transfer");
        water.State.ShouldBe(ItemState.Approved, $"{water.DecidedBy}: {water.Reason}");
        water.DecidedBy.ShouldBe("system:water-utility-system");
        water.Outputs["newWaterAccountNumber"].ShouldBe("3100987654321");
        outcome.Status.ShouldBe(BundleStatus.Completed);
        // The stray result is on record as ignored, and decided nothing.
        var fromPower = (await harness.Audit.ReadAsync(app)).Where(e => e.Actor == "system:power-utility-system" && e.StepId.StartsWith("water-transfer:", StringComparison.Ordinal)).ToList();
        fromPower.ShouldHaveSingleItem().Action.ShouldBe("item.external.ignored");
    }
}
