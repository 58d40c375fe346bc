using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Workflows.SelfCheck;
using Workflows.Storage;

namespace Workflows.Server;

/// <summary>
/// <c>run.sh</c>'s demo until the HTTP API lands: runs each engine path once on the real provider, then the
/// newborn bundle, and prints what happened, so a newcomer sees the engine work end to end on their machine.
/// </summary>
internal sealed class DemoRunner(DurableTaskClient client, StepLedger ledger, StorageOperationCounter counter, BundleDemo bundle)
{
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await output.WriteLineAsync("Running the engine self-check on Microsoft's Durable Task engine over Azure Storage...");
        var ok = true;

        ok &= await RunAsync(output, "chain of 5 activities", nameof(ChainOrchestrator), $"demo-{run}-chain", new ChainInput(5, "newborn"), null, cancellationToken);
        ok &= await RunAsync(output, "fan-out/fan-in of 5 items", nameof(FanOutOrchestrator), $"demo-{run}-fanout", new FanOutInput(5, "parallel"), null, cancellationToken);
        ok &= await RunAsync(output, "an officer's decision as an event", nameof(EventRoundTripOrchestrator), $"demo-{run}-event", new RoundTripInput(1),
            id => client.RaiseEventAsync(id, nameof(Ping), new Ping("approved"), cancellationToken), cancellationToken);
        ok &= await RunAsync(output, "a durable timer of 2 s", nameof(TimerOrchestrator), $"demo-{run}-timer", new TimerInput(2000), null, cancellationToken);

        await output.WriteLineAsync();
        await output.WriteLineAsync("Running the newborn bundle end to end...");
        ok &= await bundle.RunAsync(output, cancellationToken);

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Storage operations in all: {counter.Total}"));
        await output.WriteLineAsync(ok ? "Self-check passed." : "Self-check FAILED.");
        return ok ? 0 : 1;
    }

    async Task<bool> RunAsync(TextWriter output, string title, string orchestrator, string instanceId, object input, Func<string, Task>? afterStart, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), cancellationToken);
        if (afterStart is not null)
        {
            await afterStart(instanceId);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var state = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        var steps = await ledger.StepsAsync(instanceId, cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {title,-36} {state.RuntimeStatus,-10} {watch.ElapsedMilliseconds,6} ms  {steps.Count} steps recorded  output {state.SerializedOutput}"));
        return state.RuntimeStatus == OrchestrationRuntimeStatus.Completed;
    }
}
