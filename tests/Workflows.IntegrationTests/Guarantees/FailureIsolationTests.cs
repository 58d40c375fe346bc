using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Workflows.SelfCheck;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>A broken instance fails alone, with details, and the host goes on with the others.</summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class FailureIsolationTests(StorageFixture storage)
{
    [Fact]
    public async Task Activity_AlwaysThrows_FailsThatInstanceWithDetailsAndOthersComplete()
    {
        var hub = storage.NewHub("fail");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        await using var host = EngineProcess.Start("host", hub.ToConfiguration());
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ChainOrchestrator), new ChainInput(4, "bad", FailAtStep: 2), new StartOrchestrationOptions("bad"));
        var good = Enumerable.Range(0, 5).Select(i => $"good-{i}").ToList();
        foreach (var id in good)
        {
            await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ChainOrchestrator), new ChainInput(3, id), new StartOrchestrationOptions(id));
        }

        var failed = await WaitAsync(client, "bad");
        failed.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Failed);
        // The Azure Storage provider keeps a failed instance's message as its output and the typed details
        // in its history (its instance table has no column for them).
        failed.SerializedOutput.ShouldNotBeNull();
        failed.SerializedOutput.ShouldContain(nameof(RecordStepActivity));
        failed.SerializedOutput.ShouldContain("Step 'step-0002' was asked to fail.");
        // (The sidecar streams no history from this provider, so read the provider's history table.)
        var history = await TaskHubHistory.EventsAsync(hub, "bad");
        var taskFailures = history.Where(e => e.GetString("EventType") == "TaskFailed").ToList();
        taskFailures.Count.ShouldBe(3, "the retry policy tries a failing step three times");
        taskFailures.ShouldAllBe(f => FailureType(f) == typeof(SelfCheckFailureException).FullName);
        var completed = history.Single(e => e.GetString("EventType") == "ExecutionCompleted");
        completed.GetString("OrchestrationStatus").ShouldBe("Failed");
        completed.GetString("Result").ShouldBe(failed.SerializedOutput);

        // Steps before the failing one stand; the retry policy ran the failing one three times.
        (await client.Ledger.StepsAsync("bad")).Count.ShouldBe(2);
        (await client.Ledger.AttemptsAsync("bad")).Count(a => a.GetString("Step") == "step-0002").ShouldBe(3);

        foreach (var id in good)
        {
            (await WaitAsync(client, id)).RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed);
        }
    }

    [Fact]
    public async Task Input_CannotBeDeserialized_FailsThatInstanceWithDetailsAndOthersComplete()
    {
        var hub = storage.NewHub("input");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        await using var host = EngineProcess.Start("host", hub.ToConfiguration());
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        // A JSON string where a ChainInput object belongs, and an object whose Steps is not a number.
        await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ChainOrchestrator), "not a chain", new StartOrchestrationOptions("garbled-1"));
        await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ChainOrchestrator), new { Steps = "five", Payload = "x" }, new StartOrchestrationOptions("garbled-2"));
        await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ChainOrchestrator), new ChainInput(2, "fine"), new StartOrchestrationOptions("fine"));

        foreach (var (id, path) in new[] { ("garbled-1", "Path: $ "), ("garbled-2", "Path: $.Steps") })
        {
            var state = await WaitAsync(client, id);
            state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Failed);
            // The message names the type and the JSON path at fault.
            state.SerializedOutput.ShouldNotBeNull();
            state.SerializedOutput.ShouldContain($"could not be converted to {typeof(ChainInput).FullName}");
            state.SerializedOutput.ShouldContain(path);
            (await client.Ledger.AttemptsAsync(id)).ShouldBeEmpty();
        }

        (await WaitAsync(client, "fine")).RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed);
    }

    [Fact]
    public async Task Input_OutOfRange_FailsWithArgumentDetails()
    {
        var hub = storage.NewHub("range");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        await using var host = EngineProcess.Start("host", hub.ToConfiguration());
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ChainOrchestrator), new ChainInput(0, "none"), new StartOrchestrationOptions("zero"));
        var state = await WaitAsync(client, "zero");
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Failed);
        state.SerializedOutput.ShouldNotBeNull();
        state.SerializedOutput.ShouldContain("must be greater than or equal to '1'");
        state.SerializedOutput.ShouldContain("Parameter 'input'");
    }

    static string? FailureType(TableEntity historyRow)
    {
        var json = historyRow.GetString("FailureDetails");
        return json is null ? null : JsonDocument.Parse(json).RootElement.GetProperty("ErrorType").GetString();
    }

    static async Task<OrchestrationMetadata> WaitAsync(InProcessEngine client, string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }
}
