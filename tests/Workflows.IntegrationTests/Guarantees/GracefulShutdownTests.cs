using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Workflows.SelfCheck;
using Workflows.Testing;
using Xunit.Abstractions;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>SIGTERM (Ctrl-C, a deployment, a scale-in) lets work in flight finish instead of abandoning it.</summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class GracefulShutdownTests(StorageFixture storage, ITestOutputHelper output)
{
    [Fact]
    public async Task Host_SigTermWhileActivitiesRun_FinishesThemAndExitsCleanly()
    {
        const int instances = 4;
        var hub = storage.NewHub("term");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        var ids = Enumerable.Range(0, instances).Select(i => $"term-{i}").ToList();
        foreach (var id in ids)
        {
            await client.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(ChainOrchestrator), new ChainInput(2, id, StepDelayMs: 4000), new StartOrchestrationOptions(id));
        }

        var first = EngineProcess.Start("first", hub.ToConfiguration(workerId: "host-a"));
        await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        // Wait until every instance's first activity is running (attempt appended, result not yet recorded).
        await CrashRecoveryTests.WaitUntilAsync(async () =>
        {
            foreach (var id in ids)
            {
                if ((await client.Ledger.AttemptsAsync(id)).Count == 0) { return false; }
            }

            return true;
        }, TimeSpan.FromSeconds(60));
        foreach (var id in ids)
        {
            (await client.Ledger.StepsAsync(id)).ShouldBeEmpty("the activity finished before the stop was asked for");
        }

        var exitCode = await first.StopGracefullyAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(first.Output);
        exitCode.ShouldBe(0);

        // The running activities finished before the process exited ...
        foreach (var id in ids)
        {
            (await client.Ledger.StepsAsync(id)).Count.ShouldBe(1, $"{id}'s in-flight activity was abandoned");
        }

        // ... and their completions were saved, so a new host does not run them again.
        await using var second = EngineProcess.Start("second", hub.ToConfiguration(workerId: "host-a"));
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        foreach (var id in ids)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var state = await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
            state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed);
            (await client.Ledger.AttemptsAsync(id)).Count(a => a.GetString("Step") == ChainOrchestrator.StepName(0)).ShouldBe(1, $"{id}'s first step ran twice");
        }
    }
}
