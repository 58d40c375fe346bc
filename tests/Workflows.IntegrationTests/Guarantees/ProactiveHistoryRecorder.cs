using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Not a test of the normal tier: records proactive applications' histories (无感申办, the newborn's birth register
/// event) into <c>histories/proactive/</c> for <c>ProactiveHistoryReplayTests</c> (ADR 0029). The bundle a confirmation
/// starts runs as a sub-orchestration; only the proactive instance's own history is recorded.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class ProactiveHistoryRecorder(StorageFixture storage) : HistoryRecorder(storage, "recp", "proactive", TimeSpan.FromSeconds(3))
{
    const string System = "birth-register-system";

    static readonly Dictionary<string, object> BirthData = new()
    {
        ["babyName"] = "王小明", ["babySex"] = "male", ["birthDate"] = "2026-11-20", ["birthPlace"] = "市第一人民医院",
        ["motherName"] = "王芳", ["motherIdNumber"] = "11010519491231002X",
    };

    [RecordingFact]
    public async Task Confirmed_AfterARefusedConfirmation_TheBundleRunsAndEnds()
    {
        var citizen = Citizen("recp-confirm");
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await Harness.GiveLicenceAsync(citizen.Id, type, $"{type}-1");
        }

        var photo = await Harness.UploadAsync(citizen.Id, "newborn", "babyPhoto");
        var id = await StartAsync(citizen, "birth-recp-1");
        var instance = ProactiveApplicationOrchestrator.InstanceId(id);
        await SaveAsync("proactive-awaiting", instance, "A pre-filled newborn application waiting for the applicant's confirmation (mid-flight).");

        // A confirmation the orchestrator's own check refuses (the API's would not have let it through).
        await RaiseAsync(instance, new ProactiveConfirmed());
        await WaitForAuditAsync(id, "proactive.confirmation.refused");
        var proactive = (await Harness.Applications.GetProactiveAsync(id)).ShouldNotBeNull();
        var problems = await Harness.Applications.ConfirmProactiveAsync(proactive, new ProactiveConfirmed(
            Data(new { settleWith = "mother", registrationAddress = "市中心区人民路1号", guardianPhone = "13800138000", parentInsuredLocally = true, applyCardWithBank = false }),
            [new MaterialProvision("babyPhoto", ProvisionKind.Upload, photo)]));
        problems.ShouldBeEmpty();
        await Harness.WaitForTaskAsync("hospital", id, "birth-certificate");
        await Harness.Applications.DecideAsync(id, "birth-certificate", new OfficerDecided(DecisionKind.Approve, "officer-h1", null, null, "d-approve"));
        await SaveWhenDoneAsync("proactive-refused-confirmed", instance,
            "A proactive newborn application: one confirmation refused by the orchestrator's check, then confirmed; the bundle runs as a sub-orchestration and completes.");
    }

    [RecordingFact]
    public async Task Declined()
    {
        var id = await StartAsync(Citizen("recp-decline"), "birth-recp-2");
        await WaitForAuditAsync(id, "proactive.recorded");
        await Harness.Applications.DeclineProactiveAsync(id, "已迁出本市");
        await SaveWhenDoneAsync("proactive-declined", ProactiveApplicationOrchestrator.InstanceId(id), "A proactive application the applicant declines.");
    }

    [RecordingFact]
    public async Task Expired()
    {
        var id = await StartAsync(Citizen("recp-expire"), "birth-recp-3");
        await SaveWhenDoneAsync("proactive-expired", ProactiveApplicationOrchestrator.InstanceId(id), "A proactive application not confirmed by its deadline (the timer fires).");
    }

    async Task<string> StartAsync(Applicant citizen, string eventId)
    {
        var (id, started) = await Harness.Applications.StartProactiveAsync(System, eventId, citizen, Data(BirthData), await NewbornAsync());
        started.ShouldBeTrue();
        return id;
    }

    static Applicant Citizen(string id) => new(id, ApplicantKind.Citizen, "王芳");

    static Dictionary<string, JsonElement> Data(object data) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(data))!;

    async Task<PublishedTemplate> NewbornAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            // The seeder publishes the built-ins as the engine starts.
            if (await Harness.Services.GetRequiredService<TemplateStore>().GetPublishedAsync("newborn") is { } published)
            {
                return published;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), "newborn was never published");
            await Task.Delay(200);
        }
    }
}
