using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>The newborn bundle end to end on Microsoft's engine over Azure Storage (Azurite).</summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class NewbornBundleTests(StorageFixture storage) : IAsyncLifetime
{
    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "born");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    async Task<SubmissionRequest> RequestAsync(string applicantId) =>
        Request(applicantId, materials: [new MaterialProvision("babyPhoto", ProvisionKind.Upload, await harness.UploadAsync(applicantId, "newborn", "babyPhoto"))]);

    /// <summary>A newborn application every rule approves; the crash-recovery guarantee submits the same.</summary>
    internal static SubmissionRequest Request(string applicantId, object? answers = null, IReadOnlyList<MaterialProvision>? materials = null) => new(
        "newborn",
        new Applicant(applicantId, ApplicantKind.Citizen, "王芳"),
        BundleHarness.Answers(answers ?? new
        {
            babyName = "王小明",
            babySex = "male",
            babyBirthDate = "2026-11-20",
            birthPlace = "市第一人民医院",
            motherName = "王芳",
            motherIdNumber = "11010519491231002X",
            settleWith = "mother",
            registrationAddress = "市中心区人民路1号",
            guardianPhone = "13800138000",
            parentInsuredLocally = true,
            applyCardWithBank = false,
        }),
        materials ?? []);

    async Task GiveParentsLicencesAsync(string applicantId, bool marriage = true)
    {
        await harness.GiveLicenceAsync(applicantId, "id-card", $"ID-{applicantId}");
        await harness.GiveLicenceAsync(applicantId, "household-register", $"HR-{applicantId}");
        if (marriage)
        {
            await harness.GiveLicenceAsync(applicantId, "marriage-certificate", $"MC-{applicantId}");
        }
    }

    [Fact]
    public async Task Submit_AllApproved_RulesDecideAtOnceAndCertificatesAreIssued()
    {
        const string applicant = "citizen-a";
        await GiveParentsLicencesAsync(applicant);
        var result = await harness.Applications.SubmitAsync(await RequestAsync(applicant), "nb-all-approved");
        result.Accepted.ShouldBeTrue(string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
        result.Ledger.Single(m => m.Key == "parentsIdCards").Status.ShouldBe(MaterialStatus.FromLicence);
        result.Ledger.Single(m => m.Key == "birthCertificate").Status.ShouldBe(MaterialStatus.ProducedByItem);

        // The hospital's officer decides the first item; rules decide the rest as soon as their turn comes.
        var task = await harness.WaitForTaskAsync("hospital", "nb-all-approved", "birth-certificate");
        task.ApplicantName.ShouldBe("王芳");
        await harness.Applications.DecideAsync("nb-all-approved", "birth-certificate", new OfficerDecided(DecisionKind.Approve, "officer-h1"));

        var outcome = await harness.WaitForOutcomeAsync("nb-all-approved");
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Select(i => (i.ItemKey, i.State)).ShouldAllBe(i => i.State == ItemState.Approved);
        outcome.Items.Single(i => i.ItemKey == "birth-certificate").DecidedBy.ShouldBe("officer:officer-h1");
        var household = outcome.Items.Single(i => i.ItemKey == "household-registration");
        household.DecidedBy.ShouldBe("rule:parents-verified");
        household.Evidence.ShouldContain(e => e.Contains("marriage-certificate: held", StringComparison.Ordinal));
        household.Outputs["householdRegister"].ShouldStartWith("HR");

        // Certificates are in the registry for later applications to reuse.
        var licences = await harness.Licences.ListAsync(applicant);
        licences.Select(l => l.LicenceType).ShouldContain("birth-medical-certificate");
        licences.Select(l => l.LicenceType).ShouldContain("social-security-card");
        var certificate = licences.First(l => l.LicenceType == "birth-medical-certificate");
        (await harness.Licences.ReadDocumentAsync(certificate)).ShouldContain(certificate.Number);

        // The read model and the audit trail tell the same story.
        var record = await harness.Store.GetAsync("nb-all-approved");
        record!.Status.ShouldBe(ApplicationStatus.Completed);
        record.Items.ShouldAllBe(i => i.State == ItemState.Approved);
        (await harness.Store.SearchAsync(new ApplicationQuery(ApplicantId: applicant), 50, null)).Applications.Select(a => a.ApplicationId).ShouldContain("nb-all-approved");
        (await harness.Store.ListIdsByTemplateAsync("newborn", ApplicationStatus.Completed)).ShouldContain("nb-all-approved");
        (await harness.Store.ListIdsByTemplateAsync("newborn", ApplicationStatus.InProgress)).ShouldNotContain("nb-all-approved");
        (await harness.Store.ListIdsByTemplateAsync("house-transfer")).ShouldNotContain("nb-all-approved");
        var audit = await harness.Audit.ReadAsync("nb-all-approved");
        audit.ShouldContain(e => e.Action == "application.accepted");
        audit.ShouldContain(e => e.Action == "item.approved" && e.Actor == "officer:officer-h1");
        audit.ShouldContain(e => e.Action == "item.rules.evaluated" && e.Actor == "rule:parents-verified");
        audit.ShouldContain(e => e.Action == "application.ended" && e.After == nameof(ApplicationStatus.Completed));
        (await harness.Tasks.GetAsync("hospital", "nb-all-approved:birth-certificate"))!.Status.ShouldBe(Tasks.OfficerTaskStatus.Closed);
    }

    [Fact]
    public async Task Submit_OfficerItemWaits_ItsTrailIsWrittenBeforeTheWaitAndReadsInStepOrder()
    {
        const string applicant = "citizen-t";
        const string id = "nb-trail";
        await GiveParentsLicencesAsync(applicant);
        (await harness.Applications.SubmitAsync(await RequestAsync(applicant), id)).Accepted.ShouldBeTrue();

        // Orchestrations buffer their audit; an item that waits for an officer has written its trail by then.
        await harness.WaitForTaskAsync("hospital", id, "birth-certificate");
        (await harness.Audit.ReadAsync(id)).ShouldContain(e => e.StepId == "birth-certificate:000" && e.Action == "item.started");

        await harness.Applications.DecideAsync(id, "birth-certificate", new OfficerDecided(DecisionKind.Approve, "officer-h2"));
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);

        // Entries written together keep the time each was made at: in time order, every orchestration's steps
        // come in the order it made them, and the bundle's end comes last.
        var audit = await harness.Audit.ReadAsync(id);
        foreach (var steps in audit.Select(e => e.StepId).GroupBy(s => s[..s.LastIndexOf(':')], StringComparer.Ordinal))
        {
            steps.ShouldBeInOrder(SortDirection.Ascending, StringComparer.Ordinal, $"the steps of {steps.Key} out of order");
        }

        audit.Count(e => e.Action == "item.started").ShouldBe(5);
        audit.Count(e => e.Action == "item.approved").ShouldBe(5);
        audit[0].Action.ShouldBe("application.accepted");
        audit[^1].Action.ShouldBe("application.ended");
    }

    [Fact]
    public async Task Submit_MissingAnswersAndMaterials_RefusedWithOneNoticeAndNothingStarted()
    {
        var result = await harness.Applications.SubmitAsync(
            Request("citizen-b", answers: new { babyName = "", babySex = "unknown", motherIdNumber = "123", guardianPhone = "12", extra = 1 }, materials: []),
            "nb-refused");
        result.Accepted.ShouldBeFalse();
        var paths = result.Problems.Select(p => p.Path).ToList();
        paths.ShouldContain("answers.babyName");
        paths.ShouldContain("answers.babySex");
        paths.ShouldContain("answers.motherIdNumber");
        paths.ShouldContain("answers.guardianPhone");
        paths.ShouldContain("answers.extra");
        // Everything missing across departments, together: the parents' ID cards (hospital, police) and the photo (human resources).
        var idCards = result.Problems.Single(p => p.Path == "materials.parentsIdCards");
        idCards.Departments!.ShouldBe(["hospital", "police"], ignoreOrder: true);
        paths.ShouldContain("materials.babyPhoto");
        paths.ShouldContain("materials.householdRegister");
        (await harness.Client.GetInstanceAsync("nb-refused")).ShouldBeNull();
        (await harness.Store.GetAsync("nb-refused")).ShouldBeNull();
    }

    [Fact]
    public async Task Submit_SameIdTwice_StartsOneApplication()
    {
        await GiveParentsLicencesAsync("citizen-c");
        // The same body again (a retry): the same upload, not a second one.
        var request = await RequestAsync("citizen-c");
        (await harness.Applications.SubmitAsync(request, "nb-twice")).AlreadyAccepted.ShouldBeFalse();
        var again = await harness.Applications.SubmitAsync(request, "nb-twice");
        again.Accepted.ShouldBeTrue();
        again.AlreadyAccepted.ShouldBeTrue();
        await harness.Applications.WithdrawAsync("nb-twice", "test over");
        (await harness.WaitForOutcomeAsync("nb-twice")).Status.ShouldBe(BundleStatus.Withdrawn);
    }

    [Fact]
    public async Task Decide_SupplementRequested_WaitsForApplicantThenApproves()
    {
        await GiveParentsLicencesAsync("citizen-d");
        await harness.Applications.SubmitAsync(await RequestAsync("citizen-d"), "nb-supplement");
        await harness.WaitForTaskAsync("hospital", "nb-supplement", "birth-certificate");
        await harness.Applications.DecideAsync("nb-supplement", "birth-certificate",
            new OfficerDecided(DecisionKind.RequestSupplement, "officer-h1", "The delivery record is unreadable.", ["deliveryRecord"]));

        var waiting = await harness.WaitForTaskAsync("hospital", "nb-supplement", "birth-certificate", Tasks.OfficerTaskStatus.AwaitingApplicant);
        waiting.Note!.ShouldContain("unreadable");
        await harness.Applications.SupplyAsync("nb-supplement", "birth-certificate",
            new SupplementProvided(["deliveryRecord"], new Dictionary<string, string> { ["deliveryRecord"] = "uploads/delivery.pdf" }));
        await harness.WaitForTaskAsync("hospital", "nb-supplement", "birth-certificate");
        await harness.Applications.DecideAsync("nb-supplement", "birth-certificate", new OfficerDecided(DecisionKind.Approve, "officer-h2"));

        var outcome = await harness.WaitForOutcomeAsync("nb-supplement");
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var audit = await harness.Audit.ReadAsync("nb-supplement");
        audit.ShouldContain(e => e.Action == "item.supplement.requested");
        audit.ShouldContain(e => e.Action == "item.supplement.provided" && e.Detail == "deliveryRecord");
    }

    [Fact]
    public async Task Decide_SameDecisionDeliveredAgain_ActsOnItOnce()
    {
        // The API delivers a decision again when its mark seems lost; the item must not ask for the supplement twice.
        await GiveParentsLicencesAsync("citizen-r");
        await harness.Applications.SubmitAsync(await RequestAsync("citizen-r"), "nb-redelivered");
        await harness.WaitForTaskAsync("hospital", "nb-redelivered", "birth-certificate");
        var ask = new OfficerDecided(DecisionKind.RequestSupplement, "officer-h1", "The delivery record is unreadable.", ["deliveryRecord"], "d-ask");
        await harness.Applications.DecideAsync("nb-redelivered", "birth-certificate", ask);
        await harness.WaitForTaskAsync("hospital", "nb-redelivered", "birth-certificate", Tasks.OfficerTaskStatus.AwaitingApplicant);
        await harness.Applications.DecideAsync("nb-redelivered", "birth-certificate", ask);
        await harness.Applications.SupplyAsync("nb-redelivered", "birth-certificate",
            new SupplementProvided(["deliveryRecord"], new Dictionary<string, string> { ["deliveryRecord"] = "uploads/delivery.pdf" }));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(await harness.Audit.ReadAsync("nb-redelivered")).Any(e => e.Action == "item.decision.repeated"))
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), "the repeated decision was never seen");
            await Task.Delay(200);
        }

        (await harness.WaitForTaskAsync("hospital", "nb-redelivered", "birth-certificate")).Status.ShouldBe(Tasks.OfficerTaskStatus.Open);
        var approve = new OfficerDecided(DecisionKind.Approve, "officer-h2", null, null, "d-approve");
        await harness.Applications.DecideAsync("nb-redelivered", "birth-certificate", approve);
        (await harness.WaitForOutcomeAsync("nb-redelivered")).Status.ShouldBe(BundleStatus.Completed);
        var audit = await harness.Audit.ReadAsync("nb-redelivered");
        audit.Count(e => e.Action == "item.supplement.requested").ShouldBe(1);
        audit.Single(e => e.Action == "item.decision.repeated").Detail!.ShouldContain("d-ask");
    }

    [Fact]
    public async Task Decide_PrerequisiteRejected_CancelsItsDependantsWithTheReason()
    {
        await GiveParentsLicencesAsync("citizen-e");
        await harness.Applications.SubmitAsync(await RequestAsync("citizen-e"), "nb-rejected");
        await harness.WaitForTaskAsync("hospital", "nb-rejected", "birth-certificate");
        await harness.Applications.DecideAsync("nb-rejected", "birth-certificate", new OfficerDecided(DecisionKind.Reject, "officer-h1", "No birth record at this hospital."));

        var outcome = await harness.WaitForOutcomeAsync("nb-rejected");
        outcome.Status.ShouldBe(BundleStatus.PartiallyCompleted);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items["birth-certificate"].State.ShouldBe(ItemState.Rejected);
        items["birth-certificate"].Reason.ShouldBe("No birth record at this hospital.");
        items["vaccination-certificate"].State.ShouldBe(ItemState.Approved);
        foreach (var dependant in new[] { "household-registration", "medical-insurance", "social-security-card" })
        {
            items[dependant].State.ShouldBe(ItemState.Cancelled);
        }

        items["household-registration"].Reason!.ShouldContain("birth-certificate");
        items["medical-insurance"].Reason!.ShouldContain("household-registration");
    }

    [Fact]
    public async Task Withdraw_WhileAnOfficerDecides_CancelsEveryPendingItem()
    {
        await GiveParentsLicencesAsync("citizen-f");
        await harness.Applications.SubmitAsync(await RequestAsync("citizen-f"), "nb-withdrawn");
        await harness.WaitForTaskAsync("hospital", "nb-withdrawn", "birth-certificate");
        await harness.Applications.WithdrawAsync("nb-withdrawn", "We moved to another city.");

        var outcome = await harness.WaitForOutcomeAsync("nb-withdrawn");
        outcome.Status.ShouldBe(BundleStatus.Withdrawn);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items["birth-certificate"].State.ShouldBe(ItemState.Cancelled);
        items["birth-certificate"].Reason!.ShouldContain("We moved to another city.");
        items["household-registration"].State.ShouldBe(ItemState.Cancelled);
        (await harness.Tasks.GetAsync("hospital", "nb-withdrawn:birth-certificate"))!.Status.ShouldBe(Tasks.OfficerTaskStatus.Closed);
        (await harness.Store.GetAsync("nb-withdrawn"))!.Status.ShouldBe(ApplicationStatus.Withdrawn);
    }

    [Fact]
    public async Task Cancel_ByAnAdministrator_IsShownAsTheirCancellationNotTheApplicantsWithdrawal()
    {
        await GiveParentsLicencesAsync("citizen-c2");
        await harness.Applications.SubmitAsync(await RequestAsync("citizen-c2"), "nb-cancelled");
        await harness.WaitForTaskAsync("hospital", "nb-cancelled", "birth-certificate");
        await harness.Applications.CancelAsync("nb-cancelled", "admin-li", "Filed twice by mistake.");

        var outcome = await harness.WaitForOutcomeAsync("nb-cancelled");
        outcome.Status.ShouldBe(BundleStatus.Cancelled);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items["birth-certificate"].State.ShouldBe(ItemState.Cancelled);
        items["birth-certificate"].ReasonEn!.ShouldContain("administrator");
        items["birth-certificate"].ReasonEn!.ShouldNotContain("applicant");
        items["household-registration"].State.ShouldBe(ItemState.Cancelled);
        items["household-registration"].DecidedBy.ShouldBe("admin:admin-li");
        items["household-registration"].Reason!.ShouldContain("Filed twice by mistake.");

        var record = (await harness.Store.GetAsync("nb-cancelled"))!;
        record.Status.ShouldBe(ApplicationStatus.Cancelled);
        var trail = await harness.Audit.ReadAsync("nb-cancelled");
        var entry = trail.Single(e => e.Action == "application.cancelled");
        entry.Actor.ShouldBe("admin:admin-li");
        entry.After.ShouldBe(nameof(ApplicationStatus.Cancelled));
        trail.ShouldNotContain(e => e.Action == "application.withdrawn");
    }

    [Fact]
    public async Task Submit_SecondApplication_ReusesCertificatesIssuedByTheFirst()
    {
        const string applicant = "citizen-g";
        await GiveParentsLicencesAsync(applicant, marriage: false);
        // Without a marriage certificate in the registry the material is deferred (容缺), not refused.
        var first = await harness.Applications.SubmitAsync(await RequestAsync(applicant), "nb-first");
        first.Ledger.Single(m => m.Key == "marriageCertificate").Status.ShouldBe(MaterialStatus.Deferred);
        await harness.Applications.WithdrawAsync("nb-first", "restart");
        await harness.WaitForOutcomeAsync("nb-first");

        await harness.GiveLicenceAsync(applicant, "marriage-certificate", "MC-late");
        var second = await harness.Applications.SubmitAsync(await RequestAsync(applicant), "nb-second");
        second.Ledger.Single(m => m.Key == "marriageCertificate").Status.ShouldBe(MaterialStatus.FromLicence);
    }
}
