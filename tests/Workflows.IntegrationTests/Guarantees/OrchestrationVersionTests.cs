using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Calendar;
using Workflows.IntegrationTests.Bundles;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Orchestration versions on Microsoft's engine: an instance started by older code replays the steps it was started
/// with, one started by newer code is left for a newer worker, and this code stamps its own version. A working day
/// lasts <see cref="DayLength"/>, so an outside system's item of the current version escalates within seconds.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class OrchestrationVersionTests(StorageFixture storage) : IAsyncLifetime
{
    const string Bank = "bank-account";
    static readonly TimeSpan DayLength = TimeSpan.FromSeconds(2);

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "ver",
        new Dictionary<string, string?> { ["Sla:DayLength"] = DayLength.ToString("c", System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task OutsideSystemItem_StartedAtVersionOne_WaitsForTheCallbackWithoutTheTimersItNeverHad()
    {
        const string id = "ver-old";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), ItemInput(id), new StartOrchestrationOptions(ItemOrchestrator.InstanceId(id, Bank)) { Version = "1.0" });
        await WaitForAuditAsync(id, "item.external.requested");

        // Three working days pass the one-day due time: a current item would have been reminded and escalated by now.
        await Task.Delay(DayLength * 3);
        (await harness.Audit.ReadAsync(id)).ShouldNotContain(e => e.Action == "item.reminded" || e.Action == "item.escalated");

        await harness.Applications.CompleteExternalAsync(id, Bank, new ExternalSystemDecided("bank-account-system", true, "Account opened."));
        var done = await WaitForCompletionAsync(ItemOrchestrator.InstanceId(id, Bank));
        done.ReadOutputAs<ItemResult>()!.State.ShouldBe(ItemState.Approved);
    }

    [Fact]
    public async Task OutsideSystemItem_StartedByThisCode_IsStampedWithTheCurrentVersionAndKeepsTime()
    {
        const string id = "ver-current";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), ItemInput(id), new StartOrchestrationOptions(ItemOrchestrator.InstanceId(id, Bank)));

        await WaitForAuditAsync(id, "item.escalated");
        await harness.Applications.CompleteExternalAsync(id, Bank, new ExternalSystemDecided("bank-account-system", true, "Account opened."));
        var done = await WaitForCompletionAsync(ItemOrchestrator.InstanceId(id, Bank));
        done.ReadOutputAs<ItemResult>()!.State.ShouldBe(ItemState.Approved);
        OrchestrationVersions.AtLeast(OrchestrationVersions.Current, OrchestrationVersions.OutsideSystemsKeepTime).ShouldBeTrue();
    }

    [Fact]
    public async Task Instance_StartedByNewerCode_IsLeftUntouchedForANewerWorker()
    {
        const string newer = "ver-newer";
        var instance = ItemOrchestrator.InstanceId(newer, Bank);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), ItemInput(newer), new StartOrchestrationOptions(instance) { Version = "99.0" });

        // An instance of this version started after it runs to the end meanwhile: the worker is not idle.
        const string current = "ver-alongside";
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ItemOrchestrator), ItemInput(current), new StartOrchestrationOptions(ItemOrchestrator.InstanceId(current, Bank)));
        await WaitForAuditAsync(current, "item.external.requested");
        await harness.Applications.CompleteExternalAsync(current, Bank, new ExternalSystemDecided("bank-account-system", true, "Account opened."));
        await WaitForCompletionAsync(ItemOrchestrator.InstanceId(current, Bank));

        (await harness.Client.GetInstanceAsync(instance))!.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Pending, "an older worker must not run a newer instance");
        (await harness.Audit.ReadAsync(newer)).ShouldBeEmpty();
    }

    ItemInput ItemInput(string applicationId)
    {
        var clock = harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));
        clock.DayLength.ShouldBe(DayLength);
        var item = new ItemDefinition(Bank, "银行开户", "bank", "svc-bank", 10, 1, new ExternalDecision("bank-account-system"), [], ["companyName"], []);
        return new ItemInput(applicationId, new Applicant($"company-{applicationId}", ApplicantKind.Company, "某某科技有限公司"), "versions", item,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" }, [], new Dictionary<string, IReadOnlyDictionary<string, string>>(), [], [], clock);
    }

    async Task WaitForAuditAsync(string applicationId, string action)
    {
        var watch = Stopwatch.StartNew();
        while (!(await harness.Audit.ReadAsync(applicationId)).Any(e => e.Action == action))
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"{applicationId} never wrote {action}");
            await Task.Delay(200);
        }
    }

    async Task<OrchestrationMetadata> WaitForCompletionAsync(string instanceId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await harness.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
        done.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, done.SerializedOutput);
        return done;
    }
}
