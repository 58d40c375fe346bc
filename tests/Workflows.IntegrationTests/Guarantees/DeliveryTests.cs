using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Workflows.SelfCheck;
using Workflows.Testing;
using Xunit.Abstractions;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>Timers and events survive restarts and races; two hosts share one task hub safely.</summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class DeliveryTests(StorageFixture storage, ITestOutputHelper output)
{
    static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Timer_HostKilledWhileWaiting_FiresAfterRestart()
    {
        var hub = storage.NewHub("timer");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        const string id = "timer-1";
        await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TimerOrchestrator), new TimerInput(8000), new StartOrchestrationOptions(id));

        var first = EngineProcess.Start("first", hub.ToConfiguration(workerId: "host-a"));
        await first.WaitUntilReadyAsync(Ready);
        await CrashRecoveryTests.WaitUntilAsync(
            async () => (await client.Client.GetInstanceAsync(id))?.RuntimeStatus == OrchestrationRuntimeStatus.Running, TimeSpan.FromSeconds(60));
        first.Kill();

        // Stay down past the due time, so the timer can only fire on the new host.
        await Task.Delay(TimeSpan.FromSeconds(9));
        (await client.Ledger.StepsAsync(id)).ShouldBeEmpty();
        await using var second = EngineProcess.Start("second", hub.ToConfiguration(workerId: "host-a"));
        await second.WaitUntilReadyAsync(Ready);

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var state = await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, second.Output);
        var result = state.ReadOutputAs<TimerResult>()!;
        result.Result.ShouldBe("after-timer:fired");
        // Queue visibility is set in whole seconds, so the provider may deliver a timer up to a second early.
        result.FiredAt.ShouldBeGreaterThan(result.DueAt.AddSeconds(-1));
        (await client.Ledger.StepsAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Event_RaisedBeforeOrchestratorWaits_IsDelivered()
    {
        var hub = storage.NewHub("early");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        await using var host = EngineProcess.Start("host", hub.ToConfiguration());
        await host.WaitUntilReadyAsync(Ready);

        const string id = "early-1";
        await client.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(EventRoundTripOrchestrator), new RoundTripInput(Rounds: 1, WarmUpDelayMs: 3000), new StartOrchestrationOptions(id));
        // The orchestrator is inside its 3 s warm-up activity, not yet waiting, when these arrive.
        await CrashRecoveryTests.WaitUntilAsync(async () => (await client.Ledger.AttemptsAsync(id)).Count > 0, TimeSpan.FromSeconds(60));
        await client.Client.RaiseEventAsync(id, nameof(Ping), new Ping("early-bird"));
        (await client.Ledger.StepsAsync(id)).ShouldBeEmpty("the warm-up had already finished; the event was not early");

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var state = await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, host.Output);
        state.ReadOutputAs<StepsResult>()!.Results.ShouldBe(["warm-up:ready", "round-0000:early-bird"]);
    }

    [Fact]
    public async Task TwoHosts_OneTaskHub_BothWorkAndNoInstanceCompletesTwice()
    {
        const int instances = 40;
        var hub = storage.NewHub("pair");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        await using var a = EngineProcess.Start("a", hub.ToConfiguration(workerId: "host-a"));
        await using var b = EngineProcess.Start("b", hub.ToConfiguration(workerId: "host-b"));
        await Task.WhenAll(a.WaitUntilReadyAsync(Ready), b.WaitUntilReadyAsync(Ready));

        // Let both hosts settle their partition leases before the work arrives.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var ids = Enumerable.Range(0, instances).Select(i => $"pair-{i:D3}").ToList();
        foreach (var id in ids)
        {
            await client.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(ChainOrchestrator), new ChainInput(3, id, StepDelayMs: 100), new StartOrchestrationOptions(id));
        }

        var hosts = new HashSet<string>();
        foreach (var id in ids)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var state = await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
            state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed);
            state.ReadOutputAs<StepsResult>()!.Results.Count.ShouldBe(3);
            (await TaskHubHistory.CountEventsAsync(hub, id, "ExecutionCompleted")).ShouldBe(1, $"{id} completed more than once");
            (await client.Ledger.StepsAsync(id)).Count.ShouldBe(3);
            foreach (var attempt in await client.Ledger.AttemptsAsync(id))
            {
                hosts.Add(attempt.GetString("Host")!);
            }
        }

        output.WriteLine($"hosts that ran activities: {string.Join(", ", hosts)}");
        hosts.ShouldContain(h => h.EndsWith($":{a.Id}", StringComparison.Ordinal), "host a did no work");
        hosts.ShouldContain(h => h.EndsWith($":{b.Id}", StringComparison.Ordinal), "host b did no work");
    }
}
