using Workflows.Applications;
using Workflows.Licences;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// The retirement bundle (退休一件事) end to end on Microsoft's engine over Azurite: ages read as years between dates,
/// a deferred personnel file the pension waits for, multi-choice services with conditional requirements, the
/// employee's medical enrolment superseded by the retiree's, and a second retirement refused in the one notice.
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class RetirementBundleTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly string[] HousingFundOnly = ["housing-fund"];

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "retire");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    static object Answers(string idNumber, string birth, string kind, string statutory, string retirement, int months, object? services = null) => new
    {
        applicantName = "赵建国",
        applicantIdNumber = idNumber,
        applicantBirthDate = birth,
        gender = "male",
        applicantPhone = "13900139000",
        employerName = "北京恒泰机械制造有限公司",
        employerCreditCode = "91110105MA01A2B3C4",
        retirementKind = kind,
        statutoryRetirementDate = statutory,
        retirementDate = retirement,
        pensionContributionMonths = months,
        medicalContributionYears = 31.5m,
        services = services ?? new[] { "housing-fund", "senior-card" },
        housingFundAccountNumber = "110012345678",
        bankCardNumber = "6222020200112233445",
    };

    async Task GiveWorkerLicencesAsync(string holder)
    {
        await harness.GiveLicenceAsync(holder, "id-card", $"ID-{holder}");
        await harness.GiveLicenceAsync(holder, "social-security-card", $"SSC-{holder}");
        await harness.GiveLicenceAsync(holder, "medical-insurance-registration", $"YB-OLD-{holder}");
    }

    static string Problems(SubmissionResult result) => string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Code} {p.Message}"));

    [Fact]
    public async Task Retire_AtTheStatutoryAge_RulesDecideEveryItem_ThePensionWaitsForTheFile_TheEnrolmentIsSuperseded_AndASecondIsRefused()
    {
        const string holder = "retiree-a";
        await GiveWorkerLicencesAsync(holder);
        var request = new SubmissionRequest("retirement", new Applicant(holder, ApplicantKind.Citizen, "赵建国"),
            BundleHarness.Answers(Answers("110105196605103214", "1966-05-10", "statutory", "2026-10-10", "2026-12-01", 456)),
            [
                new MaterialProvision("personnelFile", ProvisionKind.Defer),
                new MaterialProvision("photo", ProvisionKind.Upload, await harness.UploadAsync(holder, "retirement", "photo")),
            ]);

        var result = await harness.Applications.SubmitAsync(request, "retire-a");
        result.Accepted.ShouldBeTrue(Problems(result));
        var ledger = result.Ledger.ToDictionary(m => m.Key);
        ledger["idCard"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["socialSecurityCard"].Status.ShouldBe(MaterialStatus.FromLicence);
        ledger["personnelFile"].Status.ShouldBe(MaterialStatus.Deferred);
        // Not special early retirement: its proof is neither asked for nor in the ledger.
        ledger.ShouldNotContainKey("specialWorkProof");

        // The pension is approved by its rule but takes effect only once the deferred file arrives.
        await WaitForAuditAsync("retire-a", "item.rules.evaluated", "pension-claim");
        await harness.Applications.SupplyDeferredAsync("retire-a",
            new DeferredMaterialSupplied("personnelFile", await harness.UploadAsync(holder, "retirement", "personnelFile")));

        var outcome = await harness.WaitForOutcomeAsync("retire-a");
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items.Keys.ShouldBe(["pension-claim", "medical-insurance-retiree", "housing-fund-withdrawal", "senior-card"], ignoreOrder: true);
        items.Values.ShouldAllBe(i => i.State == ItemState.Approved && i.DecidedBy.StartsWith("rule:", StringComparison.Ordinal));
        items["senior-card"].Evidence.ShouldContain(e => e.Contains("applicantBirthDate", StringComparison.Ordinal));

        var history = await harness.Licences.HistoryAsync(holder);
        history.ShouldContain(l => l.Licence.LicenceType == "pension-approval" && l.Status == LicenceStatus.Held);
        history.ShouldContain(l => l.Licence.LicenceType == "senior-citizen-card" && l.Status == LicenceStatus.Held);
        var old = history.Single(l => l.Licence.Number == $"YB-OLD-{holder}");
        old.Status.ShouldBe(LicenceStatus.Superseded);
        old.End!.SupersededByNumber.ShouldBe(items["medical-insurance-retiree"].Outputs["retireeEnrolment"]);
        (await harness.Licences.ListAsync(holder)).Where(l => l.LicenceType == "medical-insurance-registration")
            .Select(l => l.Number).ShouldBe([items["medical-insurance-retiree"].Outputs["retireeEnrolment"]]);

        // Retired once: the pension approval now held refuses a second retirement in the one notice.
        var again = await harness.Applications.SubmitAsync(request with
        {
            Materials = [new MaterialProvision("personnelFile", ProvisionKind.Defer), new MaterialProvision("photo", ProvisionKind.Upload, await harness.UploadAsync(holder, "retirement", "photo"))],
        }, "retire-a-again");
        again.Accepted.ShouldBeFalse();
        var held = again.Problems.ShouldHaveSingleItem();
        held.Code.ShouldBe("applicant.licence.held");
        held.Path.ShouldBe("applicant.licences.pension-approval");
        held.Message.ShouldContain("基本养老保险待遇核定表");
        held.MessageEn!.ShouldContain("already done");
    }

    [Fact]
    public async Task Retire_TooEarly_IsRejectedByItsRule_AndTheItemsAfterItDoNotRun()
    {
        const string holder = "retiree-b";
        await GiveWorkerLicencesAsync(holder);
        // Born 1975: not yet 60, so the senior card is not part of the application even though it was asked for.
        var result = await harness.Applications.SubmitAsync(new SubmissionRequest("retirement", new Applicant(holder, ApplicantKind.Citizen, "赵建国"),
            BundleHarness.Answers(Answers("110105197503023218", "1975-03-02", "flexible-early", "2035-03-02", "2026-12-01", 300)),
            [new MaterialProvision("personnelFile", ProvisionKind.Upload, await harness.UploadAsync(holder, "retirement", "personnelFile"))]), "retire-b");
        result.Accepted.ShouldBeTrue(Problems(result));
        result.Ledger.ShouldNotContain(m => m.Key == "photo");

        var outcome = await harness.WaitForOutcomeAsync("retire-b");
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items["senior-card"].State.ShouldBe(ItemState.NotIncluded);
        items["pension-claim"].State.ShouldBe(ItemState.Rejected);
        items["pension-claim"].Reason!.ShouldContain("3年以上");
        items["pension-claim"].ReasonEn!.ShouldContain("more than 3 years");
        items["medical-insurance-retiree"].State.ShouldNotBe(ItemState.Approved);
        (await harness.Licences.HistoryAsync(holder)).ShouldNotContain(l => l.Licence.LicenceType == "pension-approval");
    }

    [Fact]
    public async Task Check_SpecialEarlyWithHousingFund_NamesTheProofAndTheBankCardInTheOneNotice()
    {
        const string holder = "retiree-c";
        await GiveWorkerLicencesAsync(holder);
        var answers = new Dictionary<string, object?>(
            System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(System.Text.Json.JsonSerializer.Serialize(
                Answers("110105197001153215", "1970-01-15", "special-early", "2030-01-15", "2026-12-01", 400, HousingFundOnly)))!)
        {
            ["bankCardNumber"] = null,
        };
        var problems = await harness.Applications.CheckAsync(new SubmissionRequest("retirement", new Applicant(holder, ApplicantKind.Citizen, "赵建国"),
            BundleHarness.Answers(answers), [new MaterialProvision("personnelFile", ProvisionKind.Defer)]));

        problems.ShouldContain(p => p.Path == "materials.specialWorkProof");
        problems.ShouldContain(p => p.Path == "answers.bankCardNumber");
        problems.ShouldNotContain(p => p.Path == "materials.photo");
    }

    async Task WaitForAuditAsync(string applicationId, string action, string item)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(await harness.Audit.ReadAsync(applicationId)).Any(e => e.Action == action && e.StepId.StartsWith($"{item}:", StringComparison.Ordinal)))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"{item} of {applicationId} never wrote {action}.");
            }

            await Task.Delay(200);
        }
    }
}
