using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Activities;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// A licence's life on Microsoft's engine over Azurite: an approved item revokes or supersedes licences in the
/// registry (item, reason, time; history kept), an ended licence is never a source of materials again, and a bundle
/// whose purpose is done (a company already deregistered) is refused in its one notice.
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class LicenceLifeTests(StorageFixture storage) : IAsyncLifetime
{
    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "life");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Deregistration_Completed_RevokesTheCompanysLicencesWithItemAndTime_AndASecondOneIsRefusedInTheOneNotice()
    {
        const string company = "company-closed";
        const string app = "life-dereg";
        foreach (var type in new[] { "business-licence", "social-insurance-registration", "official-seal-record", "tax-registration" })
        {
            await harness.GiveLicenceAsync(company, type, $"{type}-0001");
        }

        var before = DateTime.UtcNow;
        var result = await harness.Applications.SubmitAsync(await CompanyDeregistrationBundleTests.DeregistrationRequestAsync(harness, company), app);
        result.Accepted.ShouldBeTrue(string.Join("; ", result.Problems.Select(p => p.Message)));
        (await harness.WaitForOutcomeAsync(app)).Status.ShouldBe(BundleStatus.Completed);

        var history = (await harness.Licences.HistoryAsync(company)).ToDictionary(l => l.Licence.LicenceType);
        foreach (var (type, item) in new[]
        {
            ("business-licence", "business-licence-deregistration"),
            ("social-insurance-registration", "social-insurance-deregistration"),
            ("official-seal-record", "seal-cancellation"),
            ("tax-registration", "tax-clearance"),
        })
        {
            var end = history[type].End.ShouldNotBeNull(type);
            end.Status.ShouldBe(LicenceStatus.Revoked, type);
            end.ApplicationId.ShouldBe(app, type);
            end.ItemKey.ShouldBe(item, type);
            end.At.ShouldBeGreaterThanOrEqualTo(before.AddSeconds(-5), type);
            end.At.ShouldBeLessThanOrEqualTo(DateTime.UtcNow, type);
            end.Reason.ShouldContain(app, Case.Sensitive, type);
            end.ReasonEn.ShouldNotBeNull(type).ShouldContain("Revoked by item", Case.Sensitive, type);
        }

        // What the deregistration did not close stays held (the legal representative's own ID card too), and what it issued is the company's.
        (await harness.Licences.HistoryAsync(CompanyOpeningBundleTests.LegalRepId)).ShouldHaveSingleItem().Status.ShouldBe(LicenceStatus.Held);
        history["deregistration-notice"].Status.ShouldBe(LicenceStatus.Held);
        var held = (await harness.Licences.ListAsync(company)).Select(l => l.LicenceType).ToList();
        held.ShouldNotContain("business-licence");
        held.ShouldNotContain("official-seal-record");
        var audit = await harness.Audit.ReadAsync(app);
        audit.ShouldContain(e => e.Action == "licence.revoked" && e.StepId.StartsWith("business-licence-deregistration:", StringComparison.Ordinal)
            && e.Detail == "business-licence business-licence-0001");
        // The licence item started only after the bank (not held here: not included), tax, social insurance and housing fund ended.
        var licenceStarted = audit.Single(e => e.Action == "item.started" && e.StepId.StartsWith("business-licence-deregistration:", StringComparison.Ordinal)).At;
        audit.Single(e => e.Action == "item.approved" && e.StepId.StartsWith("social-insurance-deregistration:", StringComparison.Ordinal)).At.ShouldBeLessThanOrEqualTo(licenceStarted);

        // The same deregistration again: refused at once, the reason in the one notice with the revoked licence no longer a source of materials.
        var again = await harness.Applications.SubmitAsync(await CompanyDeregistrationBundleTests.DeregistrationRequestAsync(harness, company), "life-dereg-again");
        again.Accepted.ShouldBeFalse();
        var ended = again.Problems.Where(p => p.Code == "applicant.licence.ended").ShouldHaveSingleItem();
        ended.Path.ShouldBe("applicant.licences.business-licence");
        ended.Message.ShouldContain("营业执照");
        ended.Message.ShouldContain(app);
        ended.MessageEn.ShouldNotBeNull().ShouldContain("purpose is already done");
        again.Problems.ShouldContain(p => p.Path == "materials.businessLicence");
        (await harness.Client.GetInstanceAsync("life-dereg-again")).ShouldBeNull();
        (await harness.Applications.CheckAsync(await CompanyDeregistrationBundleTests.DeregistrationRequestAsync(harness, company)))
            .ShouldContain(p => p.Code == "applicant.licence.ended");
    }

    [Fact]
    public async Task Deregistration_CompanyThatNeverHeldABusinessLicence_IsRefusedSayingSo()
    {
        const string company = "company-unlicensed";
        var result = await harness.Applications.SubmitAsync(await CompanyDeregistrationBundleTests.DeregistrationRequestAsync(harness, company), "life-unlicensed");
        result.Accepted.ShouldBeFalse();
        result.Problems.ShouldContain(p => p.Code == "applicant.licence.missing" && p.Path == "applicant.licences.business-licence");
    }

    [Fact]
    public async Task Item_ThatSupersedes_ReplacesTheHeldLicenceWithTheOneItIssues_WhichAloneIsASourceOfMaterialsAfterwards()
    {
        const string app = "life-renewal";
        var holder = $"citizen-{app}";
        await harness.GiveLicenceAsync(holder, "property-certificate", "PC-OLD");
        var item = new ItemDefinition("title-reissue", "不动产权证书换发", "natural-resources", "svc-title", 10, 5, new RuleDecision([], RuleOutcome.Approve), [], [],
            [new OutputDefinition("newTitle", "不动产权证书", OutputKind.Certificate, "property-certificate", "PC")],
            NameEn: "Title certificate reissue", Supersedes: new Supersession("property-certificate", "newTitle"));
        var instance = ItemOrchestrator.InstanceId(app, item.Key);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator),
            new ItemInput(app, new Applicant(holder, ApplicantKind.Citizen, "李四"), "life", item, new Dictionary<string, string>(), ["property-certificate"],
                new Dictionary<string, IReadOnlyDictionary<string, string>>(), [], []),
            new StartOrchestrationOptions(instance));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await harness.Client.WaitForInstanceCompletionAsync(instance, getInputsAndOutputs: true, cts.Token);
        done.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, done.SerializedOutput);
        var issued = done.ReadOutputAs<ItemResult>()!.Outputs["newTitle"];

        var history = await harness.Licences.HistoryAsync(holder);
        var old = history.Single(l => l.Licence.Number == "PC-OLD");
        old.Status.ShouldBe(LicenceStatus.Superseded);
        old.End!.SupersededByType.ShouldBe("property-certificate");
        old.End.SupersededByNumber.ShouldBe(issued);
        old.End.ItemKey.ShouldBe(item.Key);
        old.End.Reason.ShouldContain(issued);
        history.Single(l => l.Licence.Number == issued).Status.ShouldBe(LicenceStatus.Held);
        // The material lookup reads the held licences only: the superseded certificate is never offered again.
        (await harness.Licences.ListAsync(holder)).Select(l => l.Number).ShouldBe([issued]);
        (await harness.Audit.ReadAsync(app)).ShouldContain(e => e.Action == "licence.superseded" && e.Detail == "property-certificate PC-OLD");
    }

    [Fact]
    public async Task FinishItemActivity_WithAnEnding_RunTwiceAndTwiceAtOnce_EndsEachLicenceOnceAuditsItOnceAndTheFirstEndStands()
    {
        const string holder = "company-idem";
        const string app = "life-idem";
        const string item = "business-licence-deregistration";
        foreach (var type in new[] { "business-licence", "official-seal-record", "customs-registration" })
        {
            await harness.GiveLicenceAsync(holder, type, $"{type}-1");
        }

        var at = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
        FinishItemInput Finish(DateTime when) => new(null, [],
            [new AuditEntry(app, $"{item}:001", when, "rule:simple", "item.approved", "Running", "Approved", "ok")], null,
            new LicenceEnding(holder, app, item, ["business-licence", "official-seal-record"], null, null, null, when, "企业注销登记", "Company deregistration"));
        var activity = ActivatorUtilities.CreateInstance<FinishItemActivity>(harness.Services);

        await activity.RunAsync(null!, Finish(at));
        // A re-run (the activity retried after a lost reply) and two at once (a duplicate delivery) end nothing more.
        await activity.RunAsync(null!, Finish(at.AddMinutes(1)));
        await Task.WhenAll(activity.RunAsync(null!, Finish(at.AddMinutes(2))), activity.RunAsync(null!, Finish(at.AddMinutes(3))));

        var history = (await harness.Licences.HistoryAsync(holder)).ToDictionary(l => l.Licence.LicenceType);
        history["business-licence"].End!.At.ShouldBe(at);
        history["official-seal-record"].End!.At.ShouldBe(at);
        history["customs-registration"].Status.ShouldBe(LicenceStatus.Held);
        var revoked = (await harness.Audit.ReadAsync(app)).Where(e => e.Action == "licence.revoked").ToList();
        revoked.Select(e => e.Detail).ShouldBe(["business-licence business-licence-1", "official-seal-record official-seal-record-1"], ignoreOrder: true);
        revoked.ShouldAllBe(e => e.At == at);
    }

    [Fact]
    public async Task EndLicences_TwoAtOnceOnFreshLicences_EachLicenceIsEndedByExactlyOne()
    {
        const string holder = "company-race";
        for (var n = 0; n < 5; n++)
        {
            await harness.GiveLicenceAsync(holder, "business-licence", $"BL-{n}");
        }

        LicenceEnding Ending(string item) => new(holder, "life-race", item, ["business-licence"], null, null, null, DateTime.UtcNow, item);
        var runs = await Task.WhenAll(harness.Licences.EndAsync(Ending("a")), harness.Licences.EndAsync(Ending("b")));

        runs.SelectMany(r => r).Select(l => l.Number).Order(StringComparer.Ordinal).ShouldBe(["BL-0", "BL-1", "BL-2", "BL-3", "BL-4"]);
        (await harness.Licences.HistoryAsync(holder)).ShouldAllBe(l => l.Status == LicenceStatus.Revoked);
    }
}
