using System.Diagnostics;
using DurableTask.Core.History;
using Google.Protobuf;
using DurableTask.AzureStorage;
using Newtonsoft.Json.Linq;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Orchestration;
using P = Microsoft.DurableTask.Protobuf;

namespace Workflows.Benchmarks;

/// <summary>
/// Reads a finished bundle's history from the provider and replays it through <see cref="BundleOrchestrator"/>
/// the way the worker does for the last episode (everything before it past, the episode new), timing the replay alone.
/// </summary>
public static class ReplayProbe
{
    static Type EventType(EventType kind) =>
        typeof(HistoryEvent).Assembly.GetType($"DurableTask.Core.History.{kind}Event") ?? throw new InvalidOperationException($"No history event type for {kind}");

    static readonly IServiceProvider Services = new ServiceCollection().AddLogging().BuildServiceProvider();

    /// <summary>Measures one finished bundle.</summary>
    /// <param name="engine">The provider the engine runs on (its history table is read, as a worker reads it).</param>
    /// <param name="instanceId">The bundle's instance id.</param>
    /// <returns>The figures.</returns>
    public static async Task<ReplayFigures> MeasureAsync(AzureStorageOrchestrationService engine, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(engine);
        // The provider returns the events as JSON without their types; each names its kind, whose class is "{kind}Event".
        var json = JArray.Parse(await engine.GetOrchestrationHistoryAsync(instanceId, null));
        var history = json.Select(e => (HistoryEvent)e.ToObject(EventType((EventType)e.Value<int>(nameof(HistoryEvent.EventType))))!).ToList();
        var events = history.Select(ProtobufUtils.ToHistoryEventProto).ToList();
        var last = events.FindLastIndex(e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.OrchestratorStarted);
        var request = new P.OrchestratorRequest { InstanceId = instanceId };
        request.PastEvents.AddRange(events.Take(Math.Max(0, last)));
        request.NewEvents.AddRange(events.Skip(Math.Max(0, last)));
        var encoded = Convert.ToBase64String(request.ToByteArray());

        var times = new List<double>();
        var completed = false;
        for (var run = 0; run < 6; run++)
        {
            var watch = Stopwatch.StartNew();
            var response = GrpcOrchestrationRunner.LoadAndRun(encoded, new BundleOrchestrator(), Services);
            watch.Stop();
            // The replay must end where the bundle ended, or the time is of something else.
            completed = P.OrchestratorResponse.Parser.ParseFrom(Convert.FromBase64String(response)).Actions
                .Any(a => a.CompleteOrchestration?.OrchestrationStatus == P.OrchestrationStatus.Completed);
            if (run > 0)
            {
                // The first run pays for JIT and is left out.
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        var input = events.FirstOrDefault(e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.ExecutionStarted)?.ExecutionStarted.Input ?? string.Empty;
        return new ReplayFigures(
            instanceId, events.Count, events.Count(e => e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.OrchestratorStarted),
            events.Sum(e => (long)e.CalculateSize()), System.Text.Encoding.UTF8.GetByteCount(input), completed ? times[times.Count / 2] : double.NaN);
    }
}
