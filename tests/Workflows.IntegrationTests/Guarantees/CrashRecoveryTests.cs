using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Workflows.SelfCheck;
using Workflows.Testing;
using Xunit.Abstractions;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>A host killed with SIGKILL in the middle of many instances loses nothing and repeats no side effect.</summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class CrashRecoveryTests(StorageFixture storage, ITestOutputHelper output)
{
    static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Host_KilledMidRunAndRestarted_FinishesEveryInstanceWithNoDuplicateRows()
    {
        const int instances = 24;
        const int steps = 5;
        var hub = storage.NewHub("kill");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        var ids = new List<string>();
        for (var i = 0; i < instances; i++)
        {
            var id = $"chain-{i:D3}";
            ids.Add(id);
            await client.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(ChainOrchestrator), new ChainInput(steps, $"p{i}", StepDelayMs: 200), new StartOrchestrationOptions(id));
        }

        var first = EngineProcess.Start("first", hub.ToConfiguration(workerId: "host-a"));
        await first.WaitUntilReadyAsync(Ready);

        // Kill once a good part of the work is done but not all of it.
        await WaitUntilAsync(async () => await CountStepsAsync(client, ids) >= instances * steps / 3, TimeSpan.FromSeconds(90));
        first.Kill();
        var doneAtKill = await CountStepsAsync(client, ids);
        output.WriteLine($"killed after {doneAtKill} of {instances * steps} steps");
        doneAtKill.ShouldBeLessThan(instances * steps, "the kill came too late to test recovery");

        await using var second = EngineProcess.Start("second", hub.ToConfiguration(workerId: "host-a"));
        await second.WaitUntilReadyAsync(Ready);
        var watch = Stopwatch.StartNew();
        foreach (var id in ids)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var state = await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
            state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, $"{id}: {state.FailureDetails?.ErrorMessage}\n{second.Output}");
            var result = state.ReadOutputAs<StepsResult>()!;
            result.Results.ShouldBe(Enumerable.Range(0, steps).Select(s => $"{ChainOrchestrator.StepName(s)}:p{ids.IndexOf(id)}"));
        }

        output.WriteLine($"recovered in {watch.Elapsed.TotalSeconds:F1} s after restart");
        var reruns = 0;
        foreach (var id in ids)
        {
            var rows = await client.Ledger.StepsAsync(id);
            rows.Count.ShouldBe(steps, $"{id} has a duplicate or missing step row");
            (await TaskHubHistory.CountEventsAsync(hub, id, "ExecutionCompleted")).ShouldBe(1, $"{id} completed more than once");
            reruns += (await client.Ledger.AttemptsAsync(id)).Count - steps;
        }

        output.WriteLine($"activity executions repeated after the crash: {reruns} (at-least-once delivery; the ledger absorbed them)");
    }

    static async Task<int> CountStepsAsync(InProcessEngine engine, IEnumerable<string> ids)
    {
        var total = 0;
        foreach (var id in ids)
        {
            total += (await engine.Ledger.StepsAsync(id)).Count;
        }

        return total;
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Condition not met within {timeout}.");
            }

            await Task.Delay(200);
        }
    }
}
