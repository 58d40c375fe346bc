using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Workflows.SelfCheck;
using Workflows.Testing;

namespace Workflows.Tests.SelfCheck;

/// <summary>
/// The orchestrators on Microsoft's in-memory test host (fast, no provider), with the real activities writing
/// to the emulator. The same classes run on the Azure Storage provider in the integration tier.
/// </summary>
public sealed class SelfCheckOrchestratorTests : IAsyncLifetime
{
    Azurite? azurite;
    DurableTaskTestHost? host;

    DurableTaskClient Client => host!.Client;

    public async Task InitializeAsync()
    {
        azurite = await Azurite.StartOrShareAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = TaskHubNames.New("unit"),
        }).Build();
        host = await DurableTaskTestHost.StartAsync(WorkflowTasks.Register, new DurableTaskTestHostOptions
        {
            ConfigureServices = services => services.AddWorkflows(configuration),
        });
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task Chain_ThreeSteps_ReturnsEachStepInOrder()
    {
        var state = await RunAsync(nameof(ChainOrchestrator), new ChainInput(3, "x"));
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed);
        state.ReadOutputAs<StepsResult>()!.Results.ShouldBe(["step-0000:x", "step-0001:x", "step-0002:x"]);
    }

    [Fact]
    public async Task FanOut_FourSteps_JoinsAllInStepOrder()
    {
        var state = await RunAsync(nameof(FanOutOrchestrator), new FanOutInput(4, "y"));
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed);
        state.ReadOutputAs<StepsResult>()!.Results.ShouldBe(["step-0000:y", "step-0001:y", "step-0002:y", "step-0003:y"]);
    }

    [Fact]
    public async Task RoundTrip_TwoPings_RecordsEachEventValue()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventRoundTripOrchestrator), new RoundTripInput(2));
        await Client.RaiseEventAsync(id, nameof(Ping), new Ping("first"));
        await Client.RaiseEventAsync(id, nameof(Ping), new Ping("second"));
        var state = await WaitAsync(id);
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed);
        state.ReadOutputAs<StepsResult>()!.Results.ShouldBe(["round-0000:first", "round-0001:second"]);
    }

    [Fact]
    public async Task EventChain_TwoSteps_SaysWhichStepItWaitsForAndRecordsEachEvent()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventChainOrchestrator), new EventChainInput(2, "c"));
        (await WaitingForAsync(id)).ShouldBe(0);
        await Client.RaiseEventAsync(id, nameof(Ping), new Ping("first"));
        (await WaitingForAsync(id, after: 0)).ShouldBe(1);
        await Client.RaiseEventAsync(id, nameof(Ping), new Ping("second"));
        var state = await WaitAsync(id);
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed);
        state.ReadOutputAs<StepsResult>()!.Results.ShouldBe(["step-0000:c:first", "step-0001:c:second"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ChainOrchestrator.MaxSteps + 1)]
    public async Task Chain_StepsOutOfRange_FailsWithoutRunningAnything(int steps)
    {
        var state = await RunAsync(nameof(ChainOrchestrator), new ChainInput(steps, "z"));
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Failed);
        state.FailureDetails!.ErrorType.ShouldBe(typeof(ArgumentOutOfRangeException).FullName);
    }

    // The step the event chain says it waits for, once it says one later than `after`.
    async Task<int> WaitingForAsync(string id, int after = -1)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var state = await Client.GetInstanceAsync(id, getInputsAndOutputs: true, cts.Token);
            if (state?.ReadCustomStatusAs<EventChainWaiting>() is { } waiting && waiting.Step > after)
            {
                return waiting.Step;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    async Task<OrchestrationMetadata> RunAsync(string orchestrator, object input)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input);
        return await WaitAsync(id);
    }

    async Task<OrchestrationMetadata> WaitAsync(string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }
}
