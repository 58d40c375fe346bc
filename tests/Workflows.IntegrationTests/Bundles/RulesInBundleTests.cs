using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// Rule items decided by their bundle (2.6, ADR 0028) on Microsoft's engine: the same application run by a bundle of
/// 2.5 (each item its own sub-orchestration) and of 2.6 ends the same, with the same trail, notices, certificates and
/// verification tasks; the 2.6 bundle starts no instance for an item that decides at once, still starts one for an
/// item the rules refer to an officer, and its trail reads in the order things happened.
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class RulesInBundleTests(StorageFixture storage) : IAsyncLifetime
{
    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "rib");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task TheSameApplication_EndsAlikeAtTwoFiveAndTwoSix_ButTwoSixStartsOnlyTheReferredItem()
    {
        const string old = "rib-old";
        const string current = "rib-new";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), Input(old),
            new StartOrchestrationOptions(old) { Version = OrchestrationVersions.MigrationsPossible });
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), Input(current), new StartOrchestrationOptions(current));

        // The permit's rules refer it to an officer in both: it waits for one as its own instance.
        foreach (var id in new[] { old, current })
        {
            await harness.WaitForTaskAsync("market-regulation", id, "permit");
            await harness.Applications.DecideAsync(id, "permit", new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, $"d-{id}"));
        }

        var before = await harness.WaitForOutcomeAsync(old);
        var after = await harness.WaitForOutcomeAsync(current);
        after.Status.ShouldBe(before.Status);
        after.Items.Select(i => (i.ItemKey, i.State, i.DecidedBy)).ShouldBe(before.Items.Select(i => (i.ItemKey, i.State, i.DecidedBy)));
        after.Items.Select(i => i.State).ShouldBe([ItemState.Approved, ItemState.Approved, ItemState.Rejected, ItemState.Cancelled, ItemState.Approved]);

        // Only the item that waited had an instance of its own at 2.6; at 2.5 every started item had one.
        foreach (var key in new[] { "registration", "tax", "bank" })
        {
            (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(old, key))).ShouldNotBeNull(key);
            (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(current, key))).ShouldBeNull(key);
        }

        (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(current, "permit"))).ShouldNotBeNull();

        // The same steps, actors and states in the trail; one row per step.
        var oldTrail = await harness.Audit.ReadAsync(old);
        var newTrail = await harness.Audit.ReadAsync(current);
        static IEnumerable<(string, string, string, string?, string?)> Steps(IEnumerable<Audit.AuditEntry> trail, string applicationId) =>
            trail.Select(e => (e.StepId, e.Action, e.Actor.Replace(applicationId, "APP", StringComparison.Ordinal), e.Before, e.After)).OrderBy(e => e.StepId, StringComparer.Ordinal);
        Steps(newTrail, current).ShouldBe(Steps(oldTrail, old));
        newTrail.Select(e => e.StepId).ShouldBeUnique();
        // Read back in the order made, though the bundle and its rule items made them in one instant.
        newTrail[0].Action.ShouldBe("application.accepted");
        newTrail[^1].Action.ShouldBe("application.ended");
        newTrail[0].StepId.ShouldBe("bundle:000");
        newTrail.Select(e => e.StepId).Where(s => s.Split(':')[0] is "registration" or "tax" or "bank").ShouldBe([
            "registration:000", "registration:001", "registration:002", "tax:000", "tax:001", "tax:002", "bank:000", "bank:001", "bank:002"]);

        // The same notices (ids under each application) and certificates of the same kinds.
        (await NoticesAsync(current)).ShouldBe(await NoticesAsync(old));
        var oldLicences = (await harness.Licences.HistoryAsync($"company-{old}")).Select(l => l.Licence.LicenceType);
        (await harness.Licences.HistoryAsync($"company-{current}")).Select(l => l.Licence.LicenceType).ShouldBe(oldLicences);
        oldLicences.ShouldBe(["business-licence"]);

        // The commitment's verification, opened by the tax item, is on the tax office's list in both.
        (await harness.Tasks.GetAsync("tax", $"{ItemOrchestrator.InstanceId(current, "tax")}:verify:lease")).ShouldNotBeNull().Kind.ShouldBe(TaskKind.Verification);
        (await harness.Tasks.GetAsync("tax", $"{ItemOrchestrator.InstanceId(old, "tax")}:verify:lease")).ShouldNotBeNull();
    }

    // Every notice of the application to the applicant and the two departments involved, its id under "APP".
    async Task<IReadOnlyList<string>> NoticesAsync(string applicationId)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var ids = new List<string>();
            foreach (var (kind, who) in new[] { (RecipientKind.Applicant, $"company-{applicationId}"), (RecipientKind.Department, "tax"), (RecipientKind.Department, "market-regulation") })
            {
                ids.AddRange((await harness.Outbox.ListAsync(kind, who, 500)).Where(n => n.Notification.ApplicationId == applicationId)
                    .Select(n => n.Notification.Id.Replace(applicationId, "APP", StringComparison.Ordinal)));
            }

            // The bundle's end notice is written last.
            if (ids.Contains("APP:ended") || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                return [.. ids.Order(StringComparer.Ordinal)];
            }

            await Task.Delay(200);
        }
    }

    BundleInput Input(string applicationId)
    {
        var clock = harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));
        static RuleDecision When(Condition condition, RuleOutcome otherwise) =>
            new([new DecisionRule("given", condition, RuleOutcome.Approve, "条件满足。", "The condition holds.")], otherwise);
        ItemDefinition[] items =
        [
            new("registration", "设立登记", "market-regulation", "svc-reg", 5, 1, When(new FieldPresent("companyName"), RuleOutcome.Reject), [], ["companyName"],
                [new OutputDefinition("licence", "营业执照", OutputKind.Certificate, "business-licence", "BL")], NameEn: "Registration"),
            new("tax", "税务登记", "tax", "svc-tax", 5, 1, When(new FieldPresent("companyName"), RuleOutcome.Reject), ["registration"], ["companyName"], [], NameEn: "Tax"),
            new("bank", "银行开户", "bank", "svc-bank", 5, 1, When(new FieldEquals("bank", "yes"), RuleOutcome.Reject), ["registration"], ["bank"], [], NameEn: "Bank"),
            new("seal", "印章刻制", "police", "svc-seal", 5, 1, When(new FieldPresent("companyName"), RuleOutcome.Reject), ["bank"], ["companyName"], [], NameEn: "Seal"),
            new("permit", "经营许可", "market-regulation", "svc-permit", 5, 1, When(new FieldEquals("bank", "yes"), RuleOutcome.ReferToOfficer), ["registration"], ["bank"], [], NameEn: "Permit"),
        ];
        var template = new BundleTemplate("rules-in-bundle", "开办企业（规则）", "版本测试", ApplicantKind.Company, 10,
            [new FieldDefinition("companyName", "企业名称", FieldType.Text), new FieldDefinition("bank", "开户", FieldType.Text)],
            [new MaterialDefinition("lease", "租赁合同", ["tax"], Commitment: new CommitmentRule("我承诺租赁合同真实有效。", 10))],
            items);
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        return new BundleInput(applicationId, new Applicant($"company-{applicationId}", ApplicantKind.Company, "某某科技有限公司"), 1, template,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司", ["bank"] = "no" }, [],
            [new MaterialEntry("lease", "租赁合同", MaterialStatus.Committed, ["tax"])], DateTime.UtcNow, clock);
    }
}
