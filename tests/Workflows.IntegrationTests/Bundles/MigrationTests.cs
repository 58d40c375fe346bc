using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// Moving a running bundle to a newer version of its template, on Microsoft's engine over Azurite: one waiting on an
/// officer moves (a new item, a longer time limit), an unsafe move is refused with its reason, and a bundle started at
/// 2.4 refuses the move and still completes (ADR 0004).
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class MigrationTests(StorageFixture storage) : IAsyncLifetime
{
    const string Review = "review";
    const string Permit = "permit";
    const string Notice = "notice";
    const string Department = "market-regulation";

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "mig");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Bundle_WaitingOnAnOfficer_MovesToTheNewerVersion()
    {
        const string id = "mig-moved";
        await StartAsync(id, null);
        var before = await harness.WaitForTaskAsync(Department, id, Review);
        (await harness.Applications.GetRunningBundleAsync(id))!.Value.Version.ShouldBe(OrchestrationVersions.Current);

        await harness.Applications.MigrateAsync(id, new TemplateMigrationRequested(1, 2, Newer(), "admin:zhang", "新规"));

        var moved = await WaitForAuditAsync(id, "application.migrated");
        moved.Actor.ShouldBe("admin:zhang");
        (moved.Before, moved.After).ShouldBe(("v1", "v2"));
        moved.DetailEn.ShouldNotBeNull().ShouldContain("Item 'notice' is added");
        // The running item's due time moved by the 3 working days the newer version adds, as an extension.
        await WaitForAuditAsync(id, "item.due.extended");
        // SaveTaskActivity writes the audit before the task row: wait for the row to follow.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((await harness.WaitForTaskAsync(Department, id, Review)).DueAt <= before.DueAt && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        (await harness.WaitForTaskAsync(Department, id, Review)).DueAt.ShouldBeGreaterThan(before.DueAt);
        var record = await WaitForRecordAsync(id, r => r.TemplateVersion == 2);
        record.Items.Select(i => i.Key).ShouldBe([Review, Permit, Notice]);
        (await harness.Audit.ReadAsync(id)).Count(e => e.Action == "application.migrated").ShouldBe(1);

        await harness.Applications.DecideAsync(id, Review, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-review"));
        await harness.WaitForTaskAsync(Department, id, Permit);
        await harness.Applications.DecideAsync(id, Permit, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-permit"));

        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Select(i => (i.ItemKey, i.State)).ShouldBe([(Review, ItemState.Approved), (Permit, ItemState.Approved), (Notice, ItemState.Approved)]);
        (await harness.Store.GetAsync(id))!.TemplateVersion.ShouldBe(2);
    }

    [Fact]
    public async Task Bundle_WhoseRunningItemTheNewerVersionRemoves_RefusesTheMoveWithTheReason()
    {
        const string id = "mig-unsafe";
        await StartAsync(id, null);
        await harness.WaitForTaskAsync(Department, id, Review);
        var unsafeVersion = Newer() with { Items = [.. Newer().Items.Where(i => i.Key != Review).Select(i => i with { DependsOn = [] })] };

        await harness.Applications.MigrateAsync(id, new TemplateMigrationRequested(1, 2, unsafeVersion, "admin:zhang", "新规"));

        var refused = await WaitForAuditAsync(id, "application.migration.refused");
        refused.DetailEn.ShouldNotBeNull().ShouldContain("migration.item.removed");
        (await harness.Store.GetAsync(id))!.TemplateVersion.ShouldBe(1);
        await harness.Applications.DecideAsync(id, Review, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-review"));
        await harness.WaitForTaskAsync(Department, id, Permit);
        await harness.Applications.DecideAsync(id, Permit, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-permit"));
        (await harness.WaitForOutcomeAsync(id)).Items.Select(i => i.ItemKey).ShouldBe([Review, Permit]);
    }

    [Fact]
    public async Task Bundle_StartedAtVersionTwoFour_RefusesTheMoveAndCompletesAsItStarted()
    {
        // ADR 0004: an instance of 2.4 replays its history; the move is a step it never had, so it says why not.
        const string id = "mig-old";
        await StartAsync(id, OrchestrationVersions.PartiesConfirm);
        await harness.WaitForTaskAsync(Department, id, Review);
        (await harness.Applications.GetRunningBundleAsync(id))!.Value.Version.ShouldBe(OrchestrationVersions.PartiesConfirm);

        await harness.Applications.MigrateAsync(id, new TemplateMigrationRequested(1, 2, Newer(), "admin:zhang", "新规"));

        var refused = await WaitForAuditAsync(id, "application.migration.refused");
        refused.DetailEn.ShouldNotBeNull().ShouldContain("started before migration was possible");
        refused.Detail.ShouldNotBeNull().ShouldContain("可迁移之前");
        await harness.Applications.DecideAsync(id, Review, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-review"));
        await harness.WaitForTaskAsync(Department, id, Permit);
        await harness.Applications.DecideAsync(id, Permit, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-permit"));
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Select(i => i.ItemKey).ShouldBe([Review, Permit]);
        (await harness.Store.GetAsync(id))!.TemplateVersion.ShouldBe(1);
    }

    // Version 1: an officer's review, then an officer's permit.
    static BundleTemplate Older()
    {
        var template = new BundleTemplate("migration-sample", "迁移样例", "迁移测试", ApplicantKind.Company, 30,
            [new FieldDefinition("companyName", "企业名称", FieldType.Text)],
            [],
            [
                new ItemDefinition(Review, "审查", Department, "svc-review", 10, 5, new OfficerDecision(), [], ["companyName"], []),
                new ItemDefinition(Permit, "许可", Department, "svc-permit", 10, 5, new OfficerDecision(), [Review], ["companyName"], []),
            ]);
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        return template;
    }

    // Version 2: the review gets 3 more working days, the permit 2 more, and a notice decided by a rule is added after the review.
    static BundleTemplate Newer()
    {
        var older = Older();
        var template = older with
        {
            Items =
            [
                older.Items[0] with { CommittedDays = 8 },
                older.Items[1] with { CommittedDays = 7 },
                new ItemDefinition(Notice, "告知", Department, "svc-notice", 5, 1,
                    new RuleDecision([new DecisionRule("always", new FieldPresent("companyName"), RuleOutcome.Approve, "已登记即告知。", "Noted when registered.")], RuleOutcome.ReferToOfficer),
                    [Review], ["companyName"], []),
            ],
        };
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        return template;
    }

    async Task StartAsync(string id, string? version)
    {
        var clock = harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));
        var input = new BundleInput(id, new Applicant($"company-{id}", ApplicantKind.Company, "某某科技有限公司"), 1, Older(),
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" }, [], [], DateTime.UtcNow, clock);
        var options = version is null ? new StartOrchestrationOptions(id) : new StartOrchestrationOptions(id) { Version = version };
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input, options);
    }

    async Task<AuditEntry> WaitForAuditAsync(string applicationId, string action)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if ((await harness.Audit.ReadAsync(applicationId)).FirstOrDefault(e => e.Action == action) is { } entry)
            {
                return entry;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"{applicationId} never wrote {action}");
            await Task.Delay(200);
        }
    }

    async Task<ApplicationRecord> WaitForRecordAsync(string applicationId, Func<ApplicationRecord, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await harness.Store.GetAsync(applicationId) is { } record && done(record))
            {
                return record;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"{applicationId} never got there");
            await Task.Delay(200);
        }
    }
}
