using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// Acceptance with a missing material (容缺受理) and approval on a written commitment (告知承诺) on Microsoft's engine
/// over Azure Storage. Deferral deadlines are working days, far too long for a test, so these tests build the
/// application (template, ledger and all) themselves and start <see cref="BundleOrchestrator"/> directly, with a
/// ledger whose deadline is a few seconds away.
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class DeferralAndCommitmentTests(StorageFixture storage) : IAsyncLifetime
{
    const string Licence = "business-licence";
    const string FoodLicence = "food-licence";
    const string Tax = "tax-registration";
    const string Seal = "seal-engraving";
    const string Market = "market-regulation";
    const string Lease = "leaseContract";
    const string LeaseName = "经营场所租赁合同";
    const string AddressCommitment = "addressCommitment";
    const string AddressCommitmentName = "住所（经营场所）承诺书";
    const string CommitmentText = "本企业承诺所申报住所真实、合法、可用于经营，如有不实自愿承担法律责任。";

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "dfr");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public void Template_BuiltForTheseTests_IsValidAgainstTheBuiltInCatalog()
    {
        foreach (var template in new[]
        {
            Template(rulesDecide: true, DeferralOutcome.RejectItem),
            Template(rulesDecide: false, DeferralOutcome.CancelItem, deferredFor: FoodLicence),
        })
        {
            TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Deferred_StillMissingNearItsDeadline_ApplicantIsToldOnceBeforeTheDeadline()
    {
        const string id = "dfr-due-soon";
        var due = DateTime.UtcNow.AddSeconds(12);
        await StartAsync(id, Template(rulesDecide: true, DeferralOutcome.RejectItem), [Deferred(Licence, due)], dueSoonLead: TimeSpan.FromSeconds(7));

        var watch = Stopwatch.StartNew();
        Workflows.Notifications.StoredNotification? reminder = null;
        while (reminder is null && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(250);
            reminder = (await harness.Notifications.ListAsync(Workflows.Notifications.RecipientKind.Applicant, $"company-{id}"))
                .FirstOrDefault(n => n.Notification.Topic == Workflows.Notifications.NotificationTopics.DeferredDueSoon);
        }

        reminder.ShouldNotBeNull("no due-soon reminder came");
        reminder.Notification.Id.ShouldBe($"{id}:dueSoon:{Lease}");
        reminder.Notification.At.ShouldBeLessThan(due, "the reminder came after the deadline");
        reminder.Notification.Body.ShouldContain(LeaseName);
        await harness.WaitForOutcomeAsync(id);
        (await harness.Notifications.ListAsync(Workflows.Notifications.RecipientKind.Applicant, $"company-{id}"))
            .Count(n => n.Notification.Topic == Workflows.Notifications.NotificationTopics.DeferredDueSoon).ShouldBe(1);
    }

    [Fact]
    public async Task Deferred_SuppliedBeforeTheReminder_NoReminderAndTheBundleEndsWithoutWaitingForIt()
    {
        const string id = "dfr-no-reminder";
        var due = DateTime.UtcNow.AddMinutes(10);
        await StartAsync(id, Template(rulesDecide: true, DeferralOutcome.RejectItem), [Deferred(Licence, due)], dueSoonLead: TimeSpan.FromMinutes(5));
        await WaitForAuditAsync(id, e => e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal) && e.Action == "item.rules.evaluated");

        await harness.Applications.SupplyDeferredAsync(id, new DeferredMaterialSupplied(Lease, "uploads/lease.pdf"));

        // The reminder was five minutes off: the bundle ends well before, so its timer was cancelled, not awaited.
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        (await harness.Notifications.ListAsync(Workflows.Notifications.RecipientKind.Applicant, $"company-{id}"))
            .ShouldNotContain(n => n.Notification.Topic == Workflows.Notifications.NotificationTopics.DeferredDueSoon);
    }

    [Fact]
    public async Task Deferred_SuppliedBeforeDeadline_RuleApprovalTakesEffectOnlyAfterTheSupply()
    {
        const string id = "dfr-rules-supplied";
        var due = DateTime.UtcNow.AddSeconds(60);
        await StartAsync(id, Template(rulesDecide: true, DeferralOutcome.RejectItem), [Deferred(Licence, due)]);

        // The rules approve at once (秒批), but the approval is held while the lease contract is outstanding.
        await WaitForAuditAsync(id, e => e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal) && e.Action == "item.rules.evaluated");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await ShouldStillBeHeldAsync(id, Licence);

        var suppliedAt = DateTime.UtcNow;
        await harness.Applications.SupplyDeferredAsync(id, new DeferredMaterialSupplied(Lease, "uploads/lease.pdf"));

        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.ShouldAllBe(i => i.State == ItemState.Approved);
        var licence = outcome.Items.Single(i => i.ItemKey == Licence);
        licence.DecidedBy.ShouldBe("rule:name-registered");
        licence.Outputs["businessLicence"].ShouldStartWith("BL-");

        var audit = await harness.Audit.ReadAsync(id);
        var supplied = audit.Single(e => e.Action == "item.deferred.supplied");
        supplied.StepId.ShouldStartWith($"{Licence}:");
        supplied.Detail.ShouldBe(Lease);
        supplied.Actor.ShouldBe($"applicant:company-{id}");
        var approved = ItemAudit(audit, Licence).Single(e => e.Action == "item.approved");
        StepIndex(approved).ShouldBeGreaterThan(StepIndex(supplied));
        approved.At.ShouldBeGreaterThanOrEqualTo(suppliedAt.AddSeconds(-1), "the approval took effect before the material was supplied");
        approved.At.ShouldBeLessThan(due, "the approval waited for the deadline instead of the supply");

        // The certificate is issued once, after the supply; the dependants started only then.
        var licences = await harness.Licences.ListAsync("company-dfr-rules-supplied");
        licences.Single(l => l.LicenceType == "business-licence").IssuedAt.ShouldBeGreaterThanOrEqualTo(suppliedAt.AddSeconds(-1));
        ItemAudit(audit, FoodLicence).First().At.ShouldBeGreaterThanOrEqualTo(suppliedAt.AddSeconds(-1));
    }

    [Fact]
    public async Task Deferred_SuppliedAfterOfficerApproves_ItemIsApprovedOnlyOnceTheMaterialArrives()
    {
        const string id = "dfr-officer-supplied";
        var due = DateTime.UtcNow.AddSeconds(60);
        await StartAsync(id, Template(rulesDecide: false, DeferralOutcome.RejectItem), [Deferred(Licence, due)]);

        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m1", "Premises checked by phone."));
        var closed = await harness.WaitForTaskAsync(Market, id, Licence, OfficerTaskStatus.Closed);
        closed.Outcome.ShouldBe(nameof(ItemState.Approved));
        closed.DecidedBy.ShouldBe("officer:officer-m1");

        // The officer has approved, but the approval does not take effect while the lease contract is missing.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await ShouldStillBeHeldAsync(id, Licence);

        var suppliedAt = DateTime.UtcNow;
        await harness.Applications.SupplyDeferredAsync(id, new DeferredMaterialSupplied(Lease, "uploads/lease.pdf"));
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var licence = outcome.Items.Single(i => i.ItemKey == Licence);
        licence.State.ShouldBe(ItemState.Approved);
        licence.DecidedBy.ShouldBe("officer:officer-m1");

        var audit = await harness.Audit.ReadAsync(id);
        var supplied = audit.Single(e => e.Action == "item.deferred.supplied");
        supplied.Detail.ShouldBe(Lease);
        var approved = ItemAudit(audit, Licence).Single(e => e.Action == "item.approved");
        approved.Actor.ShouldBe("officer:officer-m1");
        StepIndex(approved).ShouldBeGreaterThan(StepIndex(supplied));
        approved.At.ShouldBeGreaterThanOrEqualTo(suppliedAt.AddSeconds(-1));
        approved.At.ShouldBeLessThan(due);
        // The time the approval waited on the company is theirs: the bundle's clock stood still for it.
        outcome.Items.Single(i => i.ItemKey == Licence).HeldByApplicant!.Single().To.ShouldBeGreaterThanOrEqualTo(suppliedAt.AddSeconds(-1));
        audit.ShouldContain(e => e.Action == "bundle.due.paused" && e.Detail!.StartsWith(Licence, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deferred_SuppliedWhileTheOfficerStillDecides_ApprovalTakesEffectAtOnce()
    {
        const string id = "dfr-officer-early";
        var due = DateTime.UtcNow.AddSeconds(45);
        await StartAsync(id, Template(rulesDecide: false, DeferralOutcome.RejectItem), [Deferred(Licence, due)]);

        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.SupplyDeferredAsync(id, new DeferredMaterialSupplied(Lease, "uploads/lease.pdf"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m2"));

        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed, Describe(outcome));
        var audit = await harness.Audit.ReadAsync(id);
        audit.ShouldContain(e => e.Action == "item.deferred.supplied" && e.Detail == Lease);
        ItemAudit(audit, Licence).Single(e => e.Action == "item.approved").At.ShouldBeLessThan(due, "the supply made before the decision was not counted");
    }

    [Fact]
    public async Task Deferred_SuppliedBeforeTheItemNeedingItHasStarted_IsCountedWhenTheItemRuns()
    {
        // The lease contract is needed by the food licence, which waits for the business licence (an officer's).
        // The applicant supplies it early, within the deadline, while the food licence is still waiting.
        const string id = "dfr-supplied-early";
        var due = DateTime.UtcNow.AddSeconds(15);
        var ledger = new[] { Deferred(FoodLicence, due) };
        await StartAsync(id, Template(rulesDecide: false, DeferralOutcome.RejectItem, deferredFor: FoodLicence), ledger);

        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.SupplyDeferredAsync(id, new DeferredMaterialSupplied(Lease, "uploads/lease.pdf"));
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m3"));

        var outcome = await harness.WaitForOutcomeAsync(id);
        var food = outcome.Items.Single(i => i.ItemKey == FoodLicence);
        food.State.ShouldBe(ItemState.Approved, $"a material supplied before its deadline was lost: {food.Reason}");
        outcome.Status.ShouldBe(BundleStatus.Completed);
        // The bundle took the material when it came; the food licence started with it already in the ledger.
        var audit = await harness.Audit.ReadAsync(id);
        audit.ShouldContain(e => e.Action == "material.supplied" && e.Detail == Lease);
        audit.ShouldNotContain(e => e.Action == "item.deferred.supplied" && e.StepId.StartsWith($"{FoodLicence}:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deferred_Supplied_LedgerInTheReadModelShowsTheMaterialSupplied()
    {
        const string id = "dfr-ledger";
        var due = DateTime.UtcNow.AddSeconds(60);
        await StartAsync(id, Template(rulesDecide: true, DeferralOutcome.RejectItem), [Deferred(Licence, due)]);
        await WaitForAuditAsync(id, e => e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal) && e.Action == "item.rules.evaluated");
        // The bundle's first save and the item's first write run side by side: the record may come a moment later.
        (await WaitForRecordAsync(id)).Materials.Single(m => m.Key == Lease).Status.ShouldBe(MaterialStatus.Deferred);

        await harness.Applications.SupplyDeferredAsync(id, new DeferredMaterialSupplied(Lease, "uploads/lease-42.pdf"));
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);

        // The applicant tracks the one set of materials: once supplied, the line must no longer read as owed.
        var line = (await harness.Store.GetAsync(id))!.Materials.Single(m => m.Key == Lease);
        line.Status.ShouldBe(MaterialStatus.Supplied, "the ledger still shows the supplied material as deferred (with its passed deadline)");
        line.Reference.ShouldBe("uploads/lease-42.pdf");
    }

    [Fact]
    public async Task Deferred_NeverSupplied_RejectRule_RejectsTheItemNamingTheMaterialAndCancelsItsDependants()
    {
        const string id = "dfr-missed-reject";
        var due = DateTime.UtcNow.AddSeconds(4);
        await StartAsync(id, Template(rulesDecide: true, DeferralOutcome.RejectItem), [Deferred(Licence, due)]);

        var outcome = await harness.WaitForOutcomeAsync(id);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items[Licence].State.ShouldBe(ItemState.Rejected);
        items[Licence].DecidedBy.ShouldBe("engine");
        items[Licence].Reason!.ShouldContain(Lease);
        items[Licence].ReasonEn!.ShouldContain("deadline");
        foreach (var dependant in new[] { FoodLicence, Tax })
        {
            items[dependant].State.ShouldBe(ItemState.Cancelled);
            items[dependant].Reason!.ShouldContain(Licence);
            items[dependant].Reason!.ShouldContain(Lease);
        }

        // The seal does not need the business licence, so it goes through: the bundle ends partly done.
        items[Seal].State.ShouldBe(ItemState.Approved);
        outcome.Status.ShouldBe(BundleStatus.PartiallyCompleted);

        var audit = await harness.Audit.ReadAsync(id);
        audit.ShouldNotContain(e => e.Action == "item.deferred.supplied");
        var rejected = ItemAudit(audit, Licence).Single(e => e.Action == "item.rejected");
        rejected.At.ShouldBeGreaterThanOrEqualTo(due, "the item was rejected before its deadline had passed");
        ItemAudit(audit, FoodLicence).ShouldBeEmpty("a dependant of a rejected item must never start");
        (await harness.Licences.ListAsync("company-dfr-missed-reject")).ShouldNotContain(l => l.LicenceType == "business-licence");

        var record = (await harness.Store.GetAsync(id))!;
        record.Status.ShouldBe(ApplicationStatus.PartiallyCompleted);
        record.Items.Single(i => i.Key == Licence).State.ShouldBe(ItemState.Rejected);
        record.Items.Single(i => i.Key == Tax).State.ShouldBe(ItemState.Cancelled);
    }

    [Fact]
    public async Task Deferred_NeverSupplied_CancelRule_CancelsTheItemNamingTheMaterialAndItsDependants()
    {
        const string id = "dfr-missed-cancel";
        var due = DateTime.UtcNow.AddSeconds(6);
        await StartAsync(id, Template(rulesDecide: false, DeferralOutcome.CancelItem), [Deferred(Licence, due)]);
        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m4"));

        var outcome = await harness.WaitForOutcomeAsync(id);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items[Licence].State.ShouldBe(ItemState.Cancelled, $"the template says a missed deadline cancels the item; reason: {items[Licence].Reason}");
        items[Licence].Reason!.ShouldContain(Lease);
        foreach (var dependant in new[] { FoodLicence, Tax })
        {
            items[dependant].State.ShouldBe(ItemState.Cancelled);
            items[dependant].Reason!.ShouldContain(Licence);
        }

        items[Seal].State.ShouldBe(ItemState.Approved);
        outcome.Status.ShouldBe(BundleStatus.PartiallyCompleted);
        var audit = await harness.Audit.ReadAsync(id);
        ItemAudit(audit, Licence).Single(e => e.Action == "item.cancelled").At.ShouldBeGreaterThanOrEqualTo(due, "the item was cancelled before its deadline had passed");
        ItemAudit(audit, Licence).ShouldNotContain(e => e.Action == "item.approved");
        (await harness.Licences.ListAsync("company-dfr-missed-cancel")).ShouldNotContain(l => l.LicenceType == "business-licence");
    }

    [Fact]
    public async Task Deferred_NeverSupplied_NoItemEndsBeforeItsDeadlineAndEveryReasonNamesTheMaterial()
    {
        // Deadlines spread over one second, so whatever rounding the provider's timers do, some land on each side of it.
        var start = DateTime.UtcNow.AddSeconds(5);
        var deadlines = Enumerable.Range(0, 4).ToDictionary(i => $"dfr-deadline-{i}", i => start.AddMilliseconds(250 * i));
        foreach (var (id, due) in deadlines)
        {
            await StartAsync(id, Template(rulesDecide: true, DeferralOutcome.CancelItem), [Deferred(Licence, due)]);
        }

        var wrong = new List<string>();
        foreach (var (id, due) in deadlines)
        {
            var item = (await harness.WaitForOutcomeAsync(id)).Items.Single(i => i.ItemKey == Licence);
            var ended = ItemAudit(await harness.Audit.ReadAsync(id), Licence).Last();
            if (item.State != ItemState.Cancelled || item.Reason?.Contains(Lease, StringComparison.Ordinal) != true || ended.At < due)
            {
                wrong.Add($"{id}: {item.State} at {ended.At:HH:mm:ss.fff}, deadline {due:HH:mm:ss.fff} ({(ended.At - due).TotalMilliseconds:F0} ms), reason \"{item.Reason}\"");
            }
        }

        wrong.ShouldBeEmpty("a missed deferral must end the item as the template says (cancel), at or after the deadline, naming the material");
    }

    [Fact]
    public async Task Committed_RuleApproved_OpensAVerificationTaskInTheItemsDepartmentWithTheCommitment()
    {
        const string id = "cmt-rules";
        await StartAsync(id, Template(rulesDecide: true, DeferralOutcome.RejectItem), [Committed(Licence)]);

        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Single(i => i.ItemKey == Licence).State.ShouldBe(ItemState.Approved);

        var verification = await SingleVerificationAsync(Market, id);
        verification.ItemKey.ShouldBe(Licence);
        verification.Status.ShouldBe(OfficerTaskStatus.Open);
        verification.Note!.ShouldContain(CommitmentText);
        verification.Note!.ShouldContain(AddressCommitmentName);
        verification.ApplicantId.ShouldBe("company-cmt-rules");
        verification.DueAt.ShouldBeGreaterThan(verification.OpenedAt);
        verification.DueAt.ShouldBeLessThanOrEqualTo(verification.OpenedAt.AddDays(30));

        // Only the item that relied on the commitment is checked; the other departments get no task.
        (await harness.Tasks.ListAsync("tax")).ShouldNotContain(t => t.ApplicationId == id);
        (await harness.Tasks.ListAsync("police")).ShouldNotContain(t => t.ApplicationId == id);
    }

    [Fact]
    public async Task Committed_RuleApproved_TheDepartmentIsToldOfTheVerificationTaskOnce()
    {
        const string id = "cmt-told";
        await StartAsync(id, Template(rulesDecide: true, DeferralOutcome.RejectItem), [Committed(Licence)]);

        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);
        var verification = await SingleVerificationAsync(Market, id);

        // A rule decided the item, so the verification is the department's only task of this application.
        var told = (await harness.Notifications.ListAsync(RecipientKind.Department, Market))
            .Where(n => n.Notification.ApplicationId == id && n.Notification.Topic == NotificationTopics.NewTask).ToList();
        var notice = told.ShouldHaveSingleItem().Notification;
        notice.ItemKey.ShouldBe(Licence);
        notice.Body.ShouldContain(AddressCommitmentName);
        notice.Body.ShouldContain($"{verification.DueAt:yyyy-MM-dd HH:mm}");
        (await harness.Notifications.ListAsync(RecipientKind.Department, "tax")).ShouldNotContain(n => n.Notification.ApplicationId == id);
    }

    [Fact]
    public async Task Committed_OfficerApproved_OpensTheVerificationOnlyAfterTheApproval()
    {
        const string id = "cmt-officer";
        await StartAsync(id, Template(rulesDecide: false, DeferralOutcome.RejectItem), [Committed(Licence)]);
        await harness.WaitForTaskAsync(Market, id, Licence);
        (await harness.Tasks.ListAsync(Market)).ShouldNotContain(t => t.ApplicationId == id && t.Kind == TaskKind.Verification);

        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m5"));
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);

        var verification = await SingleVerificationAsync(Market, id);
        verification.Status.ShouldBe(OfficerTaskStatus.Open);
        verification.Note!.ShouldContain(CommitmentText);
        var decision = (await harness.Tasks.ListAsync(Market)).Single(t => t.ApplicationId == id && t.Kind == TaskKind.Decision);
        decision.Status.ShouldBe(OfficerTaskStatus.Closed);
        decision.DecidedBy.ShouldBe("officer:officer-m5");
    }

    [Fact]
    public async Task Committed_OfficerRejects_OpensNoVerification()
    {
        const string id = "cmt-rejected";
        await StartAsync(id, Template(rulesDecide: false, DeferralOutcome.RejectItem), [Committed(Licence)]);
        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Reject, "officer-m6", "The address is a residential flat."));

        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Items.Single(i => i.ItemKey == Licence).State.ShouldBe(ItemState.Rejected);
        (await harness.Tasks.ListAsync(Market)).ShouldNotContain(t => t.ApplicationId == id && t.Kind == TaskKind.Verification);
    }

    /// <summary>
    /// A company-opening bundle in miniature: the business licence (rules or an officer of market regulation),
    /// then the food licence and tax registration that need it, and a seal engraving that needs nothing. The lease
    /// contract may be deferred; the address may be committed instead of proved.
    /// </summary>
    static BundleTemplate Template(bool rulesDecide, DeferralOutcome onMissed, string deferredFor = Licence)
    {
        DecisionMode licenceDecision = rulesDecide
            ? new RuleDecision([new DecisionRule("name-registered", new FieldPresent("companyName"), RuleOutcome.Approve, "Name reserved and registered address given.")], RuleOutcome.ReferToOfficer)
            : new OfficerDecision();
        var approveAtOnce = new RuleDecision([new DecisionRule("licensed", new HasLicence("business-licence"), RuleOutcome.Approve, "Business licence held.")], RuleOutcome.ReferToOfficer);
        return new BundleTemplate(
            Key: "deferral-check",
            Name: "开办餐饮企业一件事（测试）",
            Description: "Business licence, food licence, tax registration and seal in one application.",
            ApplicantKind: ApplicantKind.Company,
            CommittedDays: 5,
            Fields: [new FieldDefinition("companyName", "企业名称", FieldType.Text, Min: 2, Max: 50)],
            Materials:
            [
                new MaterialDefinition(Lease, LeaseName, [deferredFor], Upload: new UploadRule(["application/pdf"], 10L * 1024 * 1024),
                    Deferral: new DeferralRule(5, onMissed)),
                new MaterialDefinition(AddressCommitment, AddressCommitmentName, [Licence], Upload: new UploadRule(["application/pdf"], 10L * 1024 * 1024),
                    Commitment: new CommitmentRule(CommitmentText, 20)),
            ],
            Items:
            [
                new ItemDefinition(Licence, "营业执照", Market, "svc-bl", 15, 1, licenceDecision, [], ["companyName"],
                    [new OutputDefinition("businessLicence", "营业执照", OutputKind.Certificate, "business-licence", "BL")]),
                new ItemDefinition(FoodLicence, "食品经营许可", Market, "svc-fl", 20, 3, approveAtOnce, [Licence], ["companyName"],
                    [new OutputDefinition("foodLicence", "食品经营许可证", OutputKind.Certificate, "food-business-licence", "FL")]),
                new ItemDefinition(Tax, "税务登记", "tax", "svc-tx", 10, 1, approveAtOnce, [Licence], ["companyName"],
                    [new OutputDefinition("taxRegistration", "税务登记", OutputKind.Certificate, "tax-registration", "TX")]),
                new ItemDefinition(Seal, "公章刻制备案", "police", "svc-se", 5, 1,
                    new RuleDecision([new DecisionRule("named", new FieldPresent("companyName"), RuleOutcome.Approve, "Company named.")], RuleOutcome.ReferToOfficer),
                    [], ["companyName"], [new OutputDefinition("sealRecord", "印章备案", OutputKind.Certificate, "official-seal-record", "SE")]),
            ]);
    }

    static MaterialEntry Deferred(string requiredBy, DateTime dueAt) => new(Lease, LeaseName, MaterialStatus.Deferred, [requiredBy], DueAt: dueAt);

    static MaterialEntry Committed(string requiredBy) => new(AddressCommitment, AddressCommitmentName, MaterialStatus.Committed, [requiredBy]);

    /// <summary>Starts the bundle the way <see cref="ApplicationService.SubmitAsync"/> does, with a ledger built here.</summary>
    async Task StartAsync(string id, BundleTemplate template, IReadOnlyList<MaterialEntry> ledger, TimeSpan? dueSoonLead = null)
    {
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        var materials = ledger.ToList();
        if (!materials.Exists(m => m.Key == Lease))
        {
            materials.Add(new MaterialEntry(Lease, LeaseName, MaterialStatus.Uploaded, template.Materials.Single(m => m.Key == Lease).RequiredBy, "uploads/lease.pdf"));
        }

        if (!materials.Exists(m => m.Key == AddressCommitment))
        {
            materials.Add(new MaterialEntry(AddressCommitment, AddressCommitmentName, MaterialStatus.Uploaded, [Licence], "uploads/address.pdf"));
        }

        var input = new BundleInput(
            id,
            new Applicant($"company-{id}", ApplicantKind.Company, "某某餐饮管理有限公司"),
            1,
            template,
            new Dictionary<string, string> { ["companyName"] = "某某餐饮管理有限公司" },
            [],
            materials,
            DateTime.UtcNow,
            DueSoonLead: dueSoonLead);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input, new StartOrchestrationOptions(id));
    }

    /// <summary>The item has been decided but its approval is held: its instance runs, nothing is issued, no dependant started.</summary>
    async Task ShouldStillBeHeldAsync(string id, string itemKey)
    {
        var item = await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(id, itemKey), getInputsAndOutputs: false);
        item.ShouldNotBeNull();
        item.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Running, "the item ended while its deferred material was outstanding");
        var bundle = await harness.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        bundle!.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Running);
        var progress = bundle.ReadCustomStatusAs<BundleProgress>()!;
        progress.Items[itemKey].ShouldBe(ItemState.Running);
        progress.Items[FoodLicence].ShouldBe(ItemState.Waiting);
        progress.Items[Tax].ShouldBe(ItemState.Waiting);
        var audit = await harness.Audit.ReadAsync(id);
        ItemAudit(audit, itemKey).ShouldNotContain(e => e.Action == "item.approved");
        (await harness.Licences.ListAsync($"company-{id}")).ShouldNotContain(l => l.LicenceType == "business-licence");
    }

    async Task<TaskRecord> SingleVerificationAsync(string department, string id)
    {
        var verifications = (await harness.Tasks.ListAsync(department)).Where(t => t.ApplicationId == id && t.Kind == TaskKind.Verification).ToList();
        verifications.Count.ShouldBe(1, $"verification tasks of {id} in {department}");
        return verifications[0];
    }

    async Task<ApplicationRecord> WaitForRecordAsync(string id)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await harness.Store.GetAsync(id) is { } record)
            {
                return record;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"{id} was never saved");
            await Task.Delay(200);
        }
    }

    async Task WaitForAuditAsync(string id, Func<AuditEntry, bool> predicate)
    {
        var watch = Stopwatch.StartNew();
        while (!(await harness.Audit.ReadAsync(id)).Any(predicate))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                var bundle = await harness.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
                throw new TimeoutException($"The awaited audit entry of {id} never came: {bundle?.RuntimeStatus} {bundle?.SerializedCustomStatus}");
            }

            await Task.Delay(200);
        }
    }

    static List<AuditEntry> ItemAudit(IEnumerable<AuditEntry> audit, string itemKey) =>
        [.. audit.Where(e => e.StepId.StartsWith($"{itemKey}:", StringComparison.Ordinal)).OrderBy(StepIndex)];

    static int StepIndex(AuditEntry entry) => int.Parse(entry.StepId[(entry.StepId.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    static string Describe(BundleOutcome outcome) => string.Join("; ", outcome.Items.Select(i => $"{i.ItemKey}={i.State} ({i.Reason})"));
}
