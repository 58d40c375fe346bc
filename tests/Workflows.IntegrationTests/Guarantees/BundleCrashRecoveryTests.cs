using System.Diagnostics;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;
using Workflows.Testing;
using Xunit.Abstractions;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Newborn bundles on a real server process killed with SIGKILL while some officer decisions are in and others
/// are not: a second process with the same worker id finishes every bundle, and nothing the engine does for a
/// citizen happens twice (no item completes twice, no certificate is issued twice, no audit step is written twice,
/// no officer decision is applied twice).
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class BundleCrashRecoveryTests(StorageFixture storage, ITestOutputHelper output)
{
    const int Applications = 6;
    const string Hospital = "hospital";
    const string BirthCertificate = "birth-certificate";
    const string Household = "household-registration";
    static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Host_KilledWhileBundlesAreMidFlight_SecondHostFinishesEveryBundleAndRepeatsNothing()
    {
        var watch = Stopwatch.StartNew();
        var hub = storage.NewHub("bkill");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        var service = client.Services.GetRequiredService<ApplicationService>();
        var registry = client.Services.GetRequiredService<LicenceRegistry>();
        var tasks = client.Services.GetRequiredService<TaskStore>();
        var audit = client.Services.GetRequiredService<AuditTrail>();
        var uploads = client.Services.GetRequiredService<MaterialUploads>();
        var template = BuiltInTemplates.Get("newborn");
        var certificates = template.Items.SelectMany(i => i.Outputs).Count(o => o.Kind == OutputKind.Certificate);

        // Submitted while no worker runs: the applications wait in the task hub for the first host.
        var ids = Enumerable.Range(0, Applications).Select(i => $"nbk-{i}").ToList();
        foreach (var id in ids)
        {
            var applicant = Applicant(id);
            foreach (var (type, number) in new[] { ("id-card", $"ID-{applicant}"), ("household-register", $"HR-{applicant}"), ("marriage-certificate", $"MC-{applicant}") })
            {
                await registry.IssueAsync(new LicenceRecord(applicant, type, number, type, "seed", null, null, DateTime.UtcNow, $"{applicant}/{type}/{number}.json"), new { number });
            }

            var result = await service.SubmitAsync(Request(applicant, await UploadPhotoAsync(uploads, template, applicant)), id);
            result.Accepted.ShouldBeTrue(string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
        }

        await using var first = EngineProcess.Start("first", hub.ToConfiguration(workerId: "host-a"));
        await first.WaitUntilReadyAsync(Ready);
        foreach (var id in ids)
        {
            await WaitUntilAsync(async () => await tasks.GetAsync(Hospital, ItemOrchestrator.InstanceId(id, BirthCertificate)) is { Status: OfficerTaskStatus.Open },
                TimeSpan.FromSeconds(45), () => $"the hospital task of {id}\n{first.Output}");
        }

        // The hospital decides half of them. The host dies once a decided bundle has started the items that follow
        // the birth certificate, in the burst of item instances, activities and audit steps that a decision sets off.
        var decidedBeforeKill = ids.Take(Applications / 2).ToList();
        foreach (var id in decidedBeforeKill)
        {
            await service.DecideAsync(id, BirthCertificate, new OfficerDecided(DecisionKind.Approve, Officer(id)));
        }

        await WaitUntilAsync(
            async () =>
            {
                foreach (var id in decidedBeforeKill)
                {
                    var progress = (await client.Client.GetInstanceAsync(id, getInputsAndOutputs: true))?.ReadCustomStatusAs<BundleProgress>();
                    if (progress is not null && progress.Items[Household] != ItemState.Waiting)
                    {
                        return true;
                    }
                }

                return false;
            },
            TimeSpan.FromSeconds(30),
            () => $"a decided bundle to start {Household}\n{first.Output}");
        first.Kill();
        var atKill = new List<OrchestrationMetadata>();
        foreach (var id in ids)
        {
            atKill.Add((await client.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!);
        }

        output.WriteLine($"killed after {watch.Elapsed.TotalSeconds:F1} s:\n{string.Join('\n', atKill.Select(s => $"{s.InstanceId}: {s.RuntimeStatus} {s.SerializedCustomStatus}"))}");
        atKill.Count(s => s.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            .ShouldBeGreaterThan(Applications / 2, "the kill came too late: the decided bundles had all finished");

        // Decisions made while no host runs wait in the queues; the last one comes after the restart.
        var decidedWhileDown = ids.Skip(Applications / 2).Take(Applications / 2 - 1).ToList();
        foreach (var id in decidedWhileDown)
        {
            await service.DecideAsync(id, BirthCertificate, new OfficerDecided(DecisionKind.Approve, Officer(id)));
        }

        await using var second = EngineProcess.Start("second", hub.ToConfiguration(workerId: "host-a"));
        await second.WaitUntilReadyAsync(Ready);
        var last = ids[^1];
        await service.DecideAsync(last, BirthCertificate, new OfficerDecided(DecisionKind.Approve, Officer(last)));

        var outcomes = new Dictionary<string, BundleOutcome>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            OrchestrationMetadata state;
            try
            {
                state = await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
            }
            catch (OperationCanceledException)
            {
                var stuck = await client.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
                throw new TimeoutException($"{id} did not finish after the restart: {stuck?.RuntimeStatus} {stuck?.SerializedCustomStatus}\n{second.Output}");
            }

            state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, $"{id}: {state.FailureDetails?.ErrorMessage}");
            outcomes[id] = state.ReadOutputAs<BundleOutcome>()!;
        }

        output.WriteLine($"every bundle finished {watch.Elapsed.TotalSeconds:F1} s after the start");
        var duplicateSteps = new List<string>();
        foreach (var id in ids)
        {
            var outcome = outcomes[id];
            outcome.Status.ShouldBe(BundleStatus.Completed, $"{id}: {string.Join("; ", outcome.Items.Select(i => $"{i.ItemKey}={i.State} ({i.Reason})"))}");
            outcome.Items.Count.ShouldBe(template.Items.Count);
            outcome.Items.ShouldAllBe(i => i.State == ItemState.Approved);
            outcome.Items.Single(i => i.ItemKey == BirthCertificate).DecidedBy.ShouldBe($"officer:{Officer(id)}");

            // Each instance completed exactly once, whichever host ran it.
            (await TaskHubHistory.CountEventsAsync(hub, id, "ExecutionCompleted")).ShouldBe(1, $"{id} completed more than once");
            // A rule item that decides at once has no instance: its bundle decides it (2.6, ADR 0028).
            foreach (var item in template.Items)
            {
                var instance = ItemOrchestrator.InstanceId(id, item.Key);
                (await TaskHubHistory.CountEventsAsync(hub, instance, "ExecutionCompleted")).ShouldBe(item.Decision is RuleDecision ? 0 : 1, $"{instance} completed other than once");
            }

            // One licence row per certificate issued, and it is the number the outcome reports.
            var licences = await registry.ListAsync(Applicant(id));
            licences.GroupBy(l => l.Number).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty($"{id} has duplicate licence numbers");
            var issued = licences.Where(l => l.ApplicationId == id).ToList();
            issued.Count.ShouldBe(certificates, $"{id} issued {string.Join(", ", issued.Select(l => $"{l.LicenceType} {l.Number}"))}");
            issued.Select(l => l.LicenceType).Distinct(StringComparer.Ordinal).Count().ShouldBe(certificates);
            foreach (var item in template.Items)
            {
                foreach (var certificate in item.Outputs.Where(o => o.Kind == OutputKind.Certificate))
                {
                    var number = outcome.Items.Single(i => i.ItemKey == item.Key).Outputs[certificate.Key];
                    issued.ShouldContain(l => l.LicenceType == certificate.LicenceType && l.Number == number && l.ItemKey == item.Key, $"{id}: {certificate.Key} {number}");
                }
            }

            // The officer's decision reached the item once and was applied once.
            var entries = await audit.ReadAsync(id);
            duplicateSteps.AddRange(entries.GroupBy(e => e.StepId).Where(g => g.Count() > 1)
                .Select(g => $"{id} {g.Key} ({string.Join(", ", g.Select(e => $"{e.Action} at {e.At:HH:mm:ss.fff}"))})"));
            Steps(entries, e => e.Action == "application.ended").ShouldBe(1);
            Steps(entries, e => e.Action == "item.approved").ShouldBe(template.Items.Count);
            Steps(entries, e => e.Action == "item.approved" && e.Actor == $"officer:{Officer(id)}").ShouldBe(1, $"{id}: the officer's approval was applied more than once");
            var decisionEvents = (await TaskHubHistory.EventsAsync(hub, ItemOrchestrator.InstanceId(id, BirthCertificate)))
                .Count(e => e.GetString("EventType") == "EventRaised" && e.GetString("Name") == nameof(OfficerDecided));
            decisionEvents.ShouldBe(1, $"{id}: the officer's decision reached the item {decisionEvents} times");
            var task = (await tasks.GetAsync(Hospital, ItemOrchestrator.InstanceId(id, BirthCertificate)))!;
            task.Status.ShouldBe(OfficerTaskStatus.Closed);
            task.Outcome.ShouldBe(nameof(ItemState.Approved));
            task.DecidedBy.ShouldBe($"officer:{Officer(id)}");
        }

        // No audit step written twice: a step id is stable across re-runs, so the trail must hold it once.
        duplicateSteps.ShouldBeEmpty("audit steps written more than once after the crash");
        output.WriteLine($"checked in {watch.Elapsed.TotalSeconds:F1} s");
    }

    static int Steps(IEnumerable<AuditEntry> entries, Func<AuditEntry, bool> predicate) =>
        entries.Where(predicate).Select(e => e.StepId).Distinct(StringComparer.Ordinal).Count();

    static string Applicant(string applicationId) => $"citizen-{applicationId}";

    static string Officer(string applicationId) => $"officer-{applicationId}";

    /// <summary>Uploads the baby's photo (a small JPEG) through the engine, as the applicant's client would.</summary>
    static async Task<string> UploadPhotoAsync(MaterialUploads uploads, BundleTemplate template, string applicantId)
    {
        var photo = template.Materials.Single(m => m.Key == "babyPhoto");
        using var content = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, .. "newborn photo"u8.ToArray()]);
        var (upload, problem) = await uploads.UploadAsync(applicantId, photo, "image/jpeg", content, expectedSha256: null);
        upload.ShouldNotBeNull(problem?.Message);
        return upload.Reference;
    }

    static SubmissionRequest Request(string applicantId, string photoReference) =>
        Bundles.NewbornBundleTests.Request(applicantId, materials: [new MaterialProvision("babyPhoto", ProvisionKind.Upload, photoReference)]);

    static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout} for {what()}.");
            }

            await Task.Delay(100);
        }
    }
}
