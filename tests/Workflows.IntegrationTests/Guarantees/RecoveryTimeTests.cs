using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Workflows.Hosting;
using Workflows.SelfCheck;
using Workflows.Testing;
using Xunit.Abstractions;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Work a killed host held comes back within the visibility timeout, which is short (ADR 0005); and a short
/// timeout does not make a long activity run twice, because the host renews the work items it holds.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class RecoveryTimeTests(StorageFixture storage, ITestOutputHelper output)
{
    static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Activity_LongerThanTheVisibilityTimeout_RunsOnceWhileTwoHostsShareTheHub()
    {
        var hub = storage.NewHub("renew");
        var settings = hub.ToInProcessConfiguration(runWorker: true);
        settings["Engine:MessageVisibilityTimeout"] = "00:00:05";
        var other = hub.ToConfiguration(workerId: "host-b");
        other["Engine:MessageVisibilityTimeout"] = "00:00:05";
        await using var engine = await InProcessEngine.StartAsync(settings);
        await using var second = EngineProcess.Start("second", other);
        await second.WaitUntilReadyAsync(Ready);

        const string id = "long-step-1";
        // Three visibility timeouts long: unless the host running it keeps it locked, the message reappears and
        // the other host runs it too.
        await engine.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ChainOrchestrator), new ChainInput(Steps: 1, "p", StepDelayMs: 15_000), new StartOrchestrationOptions(id));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var state = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, state.FailureDetails?.ErrorMessage);
        (await engine.Ledger.AttemptsAsync(id)).Count.ShouldBe(1, "the activity ran more than once while its host was alive");
        (await engine.Ledger.StepsAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Host_KilledMidActivity_WithTheShippedSettings_RecoversWithinTheVisibilityTimeout()
    {
        var hub = storage.NewHub("recover");
        // The shipped profile's own visibility timeout and lease, not the tests' short ones.
        var configuration = hub.ToConfiguration(workerId: "host-a");
        configuration.Remove("Engine:MessageVisibilityTimeout");
        configuration.Remove("Engine:LeaseInterval");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));

        const string id = "recover-1";
        await client.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ChainOrchestrator), new ChainInput(Steps: 2, "p", StepDelayMs: 6_000), new StartOrchestrationOptions(id));
        var first = EngineProcess.Start("first", configuration);
        await first.WaitUntilReadyAsync(Ready);

        // Kill while the first step runs: its message is then invisible, held by a dead host.
        await CrashRecoveryTests.WaitUntilAsync(async () => (await client.Ledger.AttemptsAsync(id)).Count > 0, TimeSpan.FromSeconds(60));
        first.Kill();
        (await client.Ledger.StepsAsync(id)).ShouldBeEmpty("the step finished before the kill; nothing was in flight");

        var watch = Stopwatch.StartNew();
        await using var second = EngineProcess.Start("second", configuration);
        await second.WaitUntilReadyAsync(Ready);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var state = await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        var recovered = watch.Elapsed;

        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, second.Output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"completed {recovered.TotalSeconds:F1} s after the restart (visibility {EngineSettings.Tuned.MessageVisibilityTimeout.TotalSeconds} s, two 6 s steps left)"));
        // Not a speed claim: the provider's own 5 minutes would still be running. Visibility + the two steps + slack.
        recovered.ShouldBeLessThan(EngineSettings.Tuned.MessageVisibilityTimeout + TimeSpan.FromSeconds(45));
        (await client.Ledger.StepsAsync(id)).Count.ShouldBe(2);
    }
}
