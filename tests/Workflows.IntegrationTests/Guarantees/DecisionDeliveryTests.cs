using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// A decision marked on a task is delivered until the item has acted on it, by the engine, never by someone reading
/// the task: a kill inside an item's first step leaves its task listed while the item does not exist yet, and a
/// decision sent then is discarded by the engine ("no such instance").
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class DecisionDeliveryTests(StorageFixture storage)
{
    const string Hospital = "hospital";
    const string BirthCertificate = "birth-certificate";

    [Fact]
    public async Task Decide_WhileTheItemDoesNotExistYet_IsAppliedByTheEngineWithoutAnyoneReadingTheTask()
    {
        var hub = storage.NewHub("dlv");
        await using var engine = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: true));
        var services = engine.Services;
        var service = services.GetRequiredService<ApplicationService>();
        var tasks = services.GetRequiredService<TaskStore>();
        var id = "nbd-0";
        var applicant = $"citizen-{id}";
        var template = BuiltInTemplates.Get("newborn");
        var registry = services.GetRequiredService<LicenceRegistry>();
        foreach (var (type, number) in new[] { ("id-card", $"ID-{applicant}"), ("household-register", $"HR-{applicant}"), ("marriage-certificate", $"MC-{applicant}") })
        {
            await registry.IssueAsync(new LicenceRecord(applicant, type, number, type, "seed", null, null, DateTime.UtcNow, $"{applicant}/{type}/{number}.json"), new { number });
        }

        // What a kill inside the item's first step leaves: its task listed (the activity ran), the item not started
        // (its start was not committed). The officer decides it through the API and is answered 202.
        var taskId = ItemOrchestrator.InstanceId(id, BirthCertificate);
        var now = DateTime.UtcNow;
        await tasks.SaveAsync(new TaskRecord(Hospital, taskId, TaskKind.Decision, id, BirthCertificate, "出生医学证明", template.Key, applicant, "王芳",
            OfficerTaskStatus.Open, now, now.AddDays(5), Revision: 1));
        var officers = ActivatorUtilities.CreateInstance<OfficerApi>(services, service, engine.Client);
        var officer = new Caller("officer-zhao", "赵医生", CallerRole.Officer, Department: Hospital);
        var stored = (await tasks.GetStoredAsync(Hospital, taskId))!;
        var answer = await officers.DecideAsync(officer, taskId, stored.ETag.ToString(), new DecisionRequest(DecisionKind.Approve, "出生信息核对无误"), CancellationToken.None);
        (answer as IStatusCodeHttpResult)?.StatusCode.ShouldBe(StatusCodes.Status202Accepted);

        // Now the application goes on (the engine restarted); nobody opens the task again.
        var photo = template.Materials.Single(m => m.Key == "babyPhoto");
        using var content = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, .. "newborn photo"u8.ToArray()]);
        var (upload, problem) = await services.GetRequiredService<MaterialUploads>().UploadAsync(applicant, photo, "image/jpeg", content, expectedSha256: null);
        upload.ShouldNotBeNull(problem?.Message);
        var submitted = await service.SubmitAsync(Bundles.NewbornBundleTests.Request(applicant, materials: [new MaterialProvision("babyPhoto", ProvisionKind.Upload, upload.Reference)]), id);
        submitted.Accepted.ShouldBeTrue(string.Join("; ", submitted.Problems.Select(p => $"{p.Path}: {p.Message}")));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        OrchestrationMetadata done;
        try
        {
            done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        }
        catch (OperationCanceledException)
        {
            var task = await tasks.GetStoredAsync(Hospital, taskId);
            throw new TimeoutException($"The decision answered 202 was never applied: task {task?.Task.Status}, mark {task?.PendingDecision}.");
        }

        var outcome = done.ReadOutputAs<BundleOutcome>()!;
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Single(i => i.ItemKey == BirthCertificate).DecidedBy.ShouldBe("officer:officer-zhao");
        var closed = (await tasks.GetStoredAsync(Hospital, taskId))!;
        (closed.Task.Status, closed.PendingDecision).ShouldBe((OfficerTaskStatus.Closed, (string?)null));
    }
}
