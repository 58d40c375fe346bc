using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// The working-day SLA of an officer item on Microsoft's engine over Azure Storage: the clock stopped during a
/// supplement, the reminder and the escalation firing while the decision wait goes on, and an extension moving them.
/// Durable timers follow the storage clock, so a working day lasts <see cref="DayLength"/> here (Sla:DayLength,
/// set through the harness's configuration and pinned into the input the way a submission pins it).
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class SlaTimerTests(StorageFixture storage) : IAsyncLifetime
{
    const string Licence = "business-licence";
    const string Market = "market-regulation";

    // Long enough that the provider's up-to-a-second early timers and a loaded machine do not blur the order.
    static readonly TimeSpan DayLength = TimeSpan.FromSeconds(2);

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "sla",
        new Dictionary<string, string?> { ["Sla:DayLength"] = DayLength.ToString("c", System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Officer_NoDecisionPastTheDueTime_RemindsThenEscalatesWhileTheTaskStillWaitsAndTheOfficerCanStillDecide()
    {
        const string id = "sla-escalate";
        await StartAsync(id, committedDays: 4);
        var opened = await harness.WaitForTaskAsync(Market, id, Licence);
        var due = opened.DueAt;

        var escalated = await WaitForTaskAsync(id, t => t.Escalated, "escalated");
        escalated.Status.ShouldBe(OfficerTaskStatus.Open, "the escalation must not end the wait for the decision");
        escalated.DueAt.ShouldBe(due);
        (await harness.Tasks.ListPageAsync(Market, OfficerTaskStatus.Open, null, null, 50, null, escalated: true)).Tasks
            .ShouldContain(t => t.TaskId == escalated.TaskId, "a supervisor lists what was escalated with escalated=true");

        var audit = ItemAudit(await harness.Audit.ReadAsync(id));
        var reminded = audit.Single(e => e.Action == "item.reminded");
        var escalation = audit.Single(e => e.Action == "item.escalated");
        reminded.At.ShouldBeGreaterThanOrEqualTo(due - DayLength, "the reminder came before ReminderBefore (1 working day) ahead of the due time");
        reminded.At.ShouldBeLessThan(escalation.At);
        escalation.At.ShouldBeGreaterThanOrEqualTo(due, "the escalation fired before the due time");

        await WaitForNoticeAsync(RecipientKind.Department, Market, n => n.ApplicationId == id && n.Topic == NotificationTopics.NewTask);
        await WaitForNoticeAsync(RecipientKind.Department, Market, n => n.ApplicationId == id && n.Topic == NotificationTopics.Reminder);
        var supervisor = await WaitForNoticeAsync(RecipientKind.Supervisor, Market, n => n.ApplicationId == id);
        supervisor.Single(n => n.Notification.ApplicationId == id).Notification.Topic.ShouldBe(NotificationTopics.Escalation);

        // Each timer fires once per due time: waiting two more working days adds nothing.
        await Task.Delay(DayLength * 2);
        audit = ItemAudit(await harness.Audit.ReadAsync(id));
        audit.Count(e => e.Action is "item.reminded" or "item.escalated").ShouldBe(2);

        (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(id, Licence)))!.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Running);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-late", "Late, but checked."));
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Single().DecidedBy.ShouldBe("officer:officer-late");
        var closed = await harness.WaitForTaskAsync(Market, id, Licence, OfficerTaskStatus.Closed);
        closed.Escalated.ShouldBeTrue("the task keeps the mark that its due time passed");
        await WaitForNoticeAsync(RecipientKind.Applicant, Applicant(id), n => n.Topic == NotificationTopics.ItemDecided && n.ItemKey == Licence);
    }

    [Fact]
    public async Task Officer_SupplementRequested_ClockStopsAndTheDueTimeMovesByThePause()
    {
        const string id = "sla-supplement";
        await StartAsync(id, committedDays: 15);
        var opened = await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.RequestSupplement, "officer-s", "Lease unreadable.", ["leaseContract"]));
        await harness.WaitForTaskAsync(Market, id, Licence, OfficerTaskStatus.AwaitingApplicant);
        await WaitForNoticeAsync(RecipientKind.Applicant, Applicant(id), n => n.Topic == NotificationTopics.SupplementRequested && n.ItemKey == Licence);

        await Task.Delay(DayLength * 1.5);
        await harness.Applications.SupplyAsync(id, Licence, new SupplementProvided(["leaseContract"], new Dictionary<string, string> { ["leaseContract"] = "uploads/lease-2.pdf" }));
        var resumed = await harness.WaitForTaskAsync(Market, id, Licence);

        var audit = ItemAudit(await harness.Audit.ReadAsync(id));
        var paused = audit.Single(e => e.Action == "item.supplement.provided").At - audit.Single(e => e.Action == "item.supplement.requested").At;
        paused.ShouldBeGreaterThanOrEqualTo(DayLength);
        // Every day is a working day on the scaled clock, so the pause moves the due time by exactly its length.
        (resumed.DueAt - opened.DueAt).ShouldBe(paused, TimeSpan.FromMilliseconds(1));

        var bundleDue = (await harness.Store.GetAsync(id))!.DueAt!.Value;
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-s"));
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);
        // The bundle's clock stood still as well: its due time moved by the same pause once the item reported it.
        var ended = (await harness.Store.GetAsync(id))!;
        (ended.DueAt!.Value - bundleDue).ShouldBe(paused, TimeSpan.FromMilliseconds(1));
        (await harness.Audit.ReadAsync(id)).ShouldContain(e => e.Action == "bundle.due.paused");
    }

    [Fact]
    public async Task Officer_DueTimeExtended_EscalationFiresAtTheNewDueTimeNotTheOld()
    {
        const string id = "sla-extend";
        await StartAsync(id, committedDays: 5);
        var opened = await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.ExtendAsync(id, Licence, new DueExtended(3, "Site visit needed.", "admin:admin"));

        var extended = await WaitForTaskAsync(id, t => t.DueAt > opened.DueAt, "extended");
        extended.DueAt.ShouldBe(opened.DueAt + (DayLength * 3));
        extended.Status.ShouldBe(OfficerTaskStatus.Open);
        var entry = ItemAudit(await harness.Audit.ReadAsync(id)).Single(e => e.Action == "item.due.extended");
        entry.Actor.ShouldBe("admin:admin");
        entry.Detail!.ShouldContain("Site visit needed.");
        entry.At.ShouldBeLessThan(opened.DueAt, "the extension arrived too late for this test to mean anything (machine too slow)");

        await WaitForTaskAsync(id, t => t.Escalated, "escalated");
        var audit = ItemAudit(await harness.Audit.ReadAsync(id));
        audit.Single(e => e.Action == "item.escalated").At.ShouldBeGreaterThanOrEqualTo(extended.DueAt, "the escalation kept the old due time");
        audit.Single(e => e.Action == "item.reminded").At.ShouldBeGreaterThanOrEqualTo(extended.DueAt - DayLength, "the reminder kept the old due time");
        // The activity that marks the task escalated records the supervisor's notice after the task row: wait for it.
        (await WaitForNoticeAsync(RecipientKind.Supervisor, Market, n => n.ApplicationId == id)).Count(n => n.Notification.ApplicationId == id).ShouldBe(1);

        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Reject, "officer-x", "Premises unsuitable."));
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Rejected);
    }

    [Fact]
    public async Task External_NoAnswerPastTheDueTime_RemindsTheDepartmentAndEscalatesThenTheCallbackStillDecides()
    {
        // An outside system's step has a committed time too: its department chases it, its supervisor hears of a breach.
        const string id = "sla-external";
        await StartAsync(id, committedDays: 3, external: true);

        var watch = Stopwatch.StartNew();
        List<AuditEntry> audit;
        while (!(audit = ItemAudit(await harness.Audit.ReadAsync(id))).Any(e => e.Action == "item.escalated"))
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), "the outside system's step never escalated");
            await Task.Delay(200);
        }

        var started = audit.Single(e => e.Action == "item.started");
        var due = DateTime.Parse(started.DetailEn!["due ".Length..], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
        audit.Single(e => e.Action == "item.reminded").At.ShouldBeLessThan(audit.Single(e => e.Action == "item.escalated").At);
        audit.Single(e => e.Action == "item.escalated").At.ShouldBeGreaterThanOrEqualTo(due);
        (await WaitForNoticeAsync(RecipientKind.Department, "bank", n => n.ApplicationId == id && n.Topic == NotificationTopics.Reminder))
            .Single(n => n.Notification.ApplicationId == id && n.Notification.Topic == NotificationTopics.Reminder).Notification.Body.ShouldContain("bank-account-system");
        (await WaitForNoticeAsync(RecipientKind.Supervisor, "bank", n => n.ApplicationId == id)).Single(n => n.Notification.ApplicationId == id).Notification.Topic.ShouldBe(NotificationTopics.Escalation);
        (await harness.Tasks.GetAsync("bank", ItemOrchestrator.InstanceId(id, Licence))).ShouldBeNull("an outside system's step has no officer task");

        await harness.Applications.CompleteExternalAsync(id, Licence, new ExternalSystemDecided("bank-account-system", true, "Account opened."));
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Single().DecidedBy.ShouldBe("system:bank-account-system");
    }

    static string Applicant(string id) => $"company-{id}";

    static List<AuditEntry> ItemAudit(IReadOnlyList<AuditEntry> audit) =>
        [.. audit.Where(e => e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal))];

    // The activities write the task row or the audit first and the notice just after: a test that saw the first waits for the second.
    async Task<IReadOnlyList<StoredNotification>> WaitForNoticeAsync(RecipientKind kind, string recipient, Func<Notification, bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var notices = await harness.Outbox.ListAsync(kind, recipient);
            if (notices.Any(n => condition(n.Notification)))
            {
                return notices;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new ShouldAssertException($"No notice to {kind} {recipient} matched within 10 s; it holds: {string.Join(", ", notices.Select(n => $"{n.Notification.ApplicationId}/{n.Notification.Topic}"))}");
            }

            await Task.Delay(100);
        }
    }

    async Task<TaskRecord> WaitForTaskAsync(string id, Func<TaskRecord, bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await harness.Tasks.GetAsync(Market, ItemOrchestrator.InstanceId(id, Licence)) is { } task && condition(task))
            {
                return task;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(90))
            {
                var item = await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(id, Licence), getInputsAndOutputs: true);
                throw new TimeoutException($"The task of {id} never became {what}. Item: {item?.RuntimeStatus} {item?.SerializedOutput}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>One business licence decided by an officer, started the way a submission starts it, with the configured clock pinned.</summary>
    async Task StartAsync(string id, int committedDays, bool external = false)
    {
        var template = new BundleTemplate(
            Key: "sla-check",
            Name: "营业执照（测试）",
            Description: "One item an officer decides, for due-time tests.",
            ApplicantKind: ApplicantKind.Company,
            CommittedDays: committedDays,
            Fields: [new FieldDefinition("companyName", "企业名称", FieldType.Text, Min: 2, Max: 50)],
            Materials: [],
            Items:
            [
                external
                    ? new ItemDefinition(Licence, "银行开户", "bank", "svc-bank", 10, committedDays, new ExternalDecision("bank-account-system"), [], ["companyName"], [])
                    : new ItemDefinition(Licence, "营业执照", Market, "svc-bl", 60, committedDays, new OfficerDecision(), [], ["companyName"],
                        [new OutputDefinition("businessLicence", "营业执照", OutputKind.Certificate, "business-licence", "BL")]),
            ]);
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        var clock = harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));
        clock.DayLength.ShouldBe(DayLength);
        var input = new BundleInput(
            id,
            new Applicant(Applicant(id), ApplicantKind.Company, "某某科技有限公司"),
            1,
            template,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" },
            [],
            [],
            DateTime.UtcNow,
            clock);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input, new StartOrchestrationOptions(id));
    }
}
