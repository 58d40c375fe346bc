using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using P = Microsoft.DurableTask.Protobuf;

namespace Workflows.Tests.Orchestration;

/// <summary>
/// Histories recorded on the real engine over Azurite (the integration tier's <c>HistoryRecorder</c>s, ADR 0029) and
/// their replay through the current code, episode by episode, as the worker runs it: each episode gets the events
/// before it as the past and its own incoming events as new, and must schedule exactly what the recorded episode did
/// (the same activities with the same inputs, timers, sub-orchestrations, events sent and outcome, under the same ids).
/// An instance in flight whose code changed its awaits fails here as it would fail on the engine.
/// </summary>
public static class RecordedHistory
{
    static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Orchestration", "Fixtures", "histories");

    static readonly IServiceProvider Services = new ServiceCollection().AddLogging().BuildServiceProvider();

    /// <summary>The fixtures of one orchestrator, by name; the item's are in the histories folder itself.</summary>
    /// <param name="subfolder">The orchestrator's subfolder (bundle, proactive, stuck-case), or empty.</param>
    /// <returns>The names, in order.</returns>
    public static List<string> Names(string subfolder) =>
        [.. Directory.EnumerateFiles(Path.Combine(Root, subfolder), "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary>The fixtures of one orchestrator, as theory data.</summary>
    /// <param name="subfolder">The orchestrator's subfolder, or empty.</param>
    /// <returns>One row per fixture name.</returns>
    public static TheoryData<string> Theory(string subfolder)
    {
        var data = new TheoryData<string>();
        foreach (var name in Names(subfolder))
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>Replays one fixture through a fresh orchestrator per episode and checks each episode's steps.</summary>
    /// <param name="subfolder">The orchestrator's subfolder, or empty.</param>
    /// <param name="name">The fixture.</param>
    /// <param name="orchestrator">Makes the orchestrator under test.</param>
    /// <param name="recordedBy">The orchestrator the fixture must have been recorded from.</param>
    public static void Replay(string subfolder, string name, Func<ITaskOrchestrator> orchestrator, string recordedBy)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        var fixture = Fixture.Load(Path.Combine(Root, subfolder, $"{name}.json"));
        fixture.Orchestrator.ShouldBe(recordedBy, name);
        var episodes = fixture.Episodes();
        episodes.Count.ShouldBeGreaterThan(1, name);
        var past = new List<P.HistoryEvent>();
        foreach (var (episode, index) in episodes.Select((e, i) => (e, i)))
        {
            var request = new P.OrchestratorRequest { InstanceId = fixture.InstanceId, ExecutionId = fixture.ExecutionId };
            request.PastEvents.AddRange(past);
            request.NewEvents.AddRange(episode.Incoming);
            var response = P.OrchestratorResponse.Parser.ParseFrom(Convert.FromBase64String(
                GrpcOrchestrationRunner.LoadAndRun(Convert.ToBase64String(request.ToByteArray()), orchestrator(), Services)));

            var failed = response.Actions.FirstOrDefault(a => a.CompleteOrchestration?.OrchestrationStatus == P.OrchestrationStatus.Failed);
            failed.ShouldBeNull($"{name}, episode {index}: {failed?.CompleteOrchestration.FailureDetails}");
            response.Actions.Select(Describe).OrderBy(a => a, StringComparer.Ordinal).ToList()
                .ShouldBe(episode.Outgoing.Select(Describe).OrderBy(a => a, StringComparer.Ordinal).ToList(), $"{name}, episode {index}");
            past.AddRange(episode.Incoming);
            past.AddRange(episode.Outgoing);
            past.AddRange(episode.Closing);
        }
    }

    // One line per step, the same for an action the code takes and for the event the engine recorded of it.
    static string Describe(P.OrchestratorAction action) => action.OrchestratorActionTypeCase switch
    {
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask => $"{action.Id} task {action.ScheduleTask.Name} {action.ScheduleTask.Input}",
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer => $"{action.Id} timer {action.CreateTimer.FireAt.ToDateTime():o}",
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration =>
            $"{action.Id} sub {action.CreateSubOrchestration.Name} {action.CreateSubOrchestration.InstanceId} {action.CreateSubOrchestration.Input}",
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent => $"{action.Id} send {action.SendEvent.Instance.InstanceId} {action.SendEvent.Name} {action.SendEvent.Data}",
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration =>
            $"{action.Id} complete {action.CompleteOrchestration.OrchestrationStatus} {action.CompleteOrchestration.Result}",
        _ => $"{action.Id} {action.OrchestratorActionTypeCase}",
    };

    static string Describe(P.HistoryEvent e) => e.EventTypeCase switch
    {
        P.HistoryEvent.EventTypeOneofCase.TaskScheduled => $"{e.EventId} task {e.TaskScheduled.Name} {e.TaskScheduled.Input}",
        P.HistoryEvent.EventTypeOneofCase.TimerCreated => $"{e.EventId} timer {e.TimerCreated.FireAt.ToDateTime():o}",
        P.HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCreated =>
            $"{e.EventId} sub {e.SubOrchestrationInstanceCreated.Name} {e.SubOrchestrationInstanceCreated.InstanceId} {e.SubOrchestrationInstanceCreated.Input}",
        P.HistoryEvent.EventTypeOneofCase.EventSent => $"{e.EventId} send {e.EventSent.InstanceId} {e.EventSent.Name} {e.EventSent.Input}",
        P.HistoryEvent.EventTypeOneofCase.ExecutionCompleted => $"{e.EventId} complete {e.ExecutionCompleted.OrchestrationStatus} {e.ExecutionCompleted.Result}",
        _ => $"{e.EventId} {e.EventTypeCase}",
    };

    /// <summary>One recorded history: the provider's history rows of one instance, oldest first.</summary>
    sealed record Fixture(string InstanceId, string ExecutionId, string Orchestrator, IReadOnlyList<JsonElement> Rows)
    {
        public static Fixture Load(string path)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement.Clone();
            var rows = root.GetProperty("events").EnumerateArray().ToList();
            return new Fixture(root.GetProperty("instanceId").GetString()!, rows[0].GetProperty(nameof(ExecutionId)).GetString()!,
                root.GetProperty("orchestrator").GetString()!, rows);
        }

        // An episode: OrchestratorStarted and what arrived (incoming), what the code scheduled (outgoing), OrchestratorCompleted.
        public List<(List<P.HistoryEvent> Incoming, List<P.HistoryEvent> Outgoing, List<P.HistoryEvent> Closing)> Episodes()
        {
            var episodes = new List<(List<P.HistoryEvent>, List<P.HistoryEvent>, List<P.HistoryEvent>)>();
            foreach (var row in Rows)
            {
                var e = Convert(row);
                switch (e.EventTypeCase)
                {
                    case P.HistoryEvent.EventTypeOneofCase.OrchestratorStarted:
                        episodes.Add(([e], [], []));
                        break;
                    case P.HistoryEvent.EventTypeOneofCase.OrchestratorCompleted:
                        episodes[^1].Item3.Add(e);
                        break;
                    case P.HistoryEvent.EventTypeOneofCase.TaskScheduled or P.HistoryEvent.EventTypeOneofCase.TimerCreated
                        or P.HistoryEvent.EventTypeOneofCase.EventSent or P.HistoryEvent.EventTypeOneofCase.ExecutionCompleted
                        or P.HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCreated:
                        episodes[^1].Item2.Add(e);
                        break;
                    default:
                        episodes[^1].Item1.Add(e);
                        break;
                }
            }

            return episodes;
        }

        P.HistoryEvent Convert(JsonElement row)
        {
            string? Text(string key) => row.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            int Number(string key) => row.GetProperty(key).GetInt32();
            Timestamp Time(string key) => Timestamp.FromDateTime(DateTime.Parse(Text(key)!, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal));

            var e = new P.HistoryEvent { EventId = Number("EventId"), Timestamp = Time("_Timestamp") };
            var type = Text("EventType");
            switch (type)
            {
                case "OrchestratorStarted":
                    e.OrchestratorStarted = new P.OrchestratorStartedEvent();
                    break;
                case "OrchestratorCompleted":
                    e.OrchestratorCompleted = new P.OrchestratorCompletedEvent();
                    break;
                case "ExecutionStarted":
                    e.ExecutionStarted = new P.ExecutionStartedEvent
                    {
                        Name = Text("Name"),
                        Version = Text("Version") ?? string.Empty,
                        Input = Text("Input"),
                        OrchestrationInstance = new P.OrchestrationInstance { InstanceId = InstanceId, ExecutionId = ExecutionId },
                    };
                    break;
                case "TaskScheduled":
                    e.TaskScheduled = new P.TaskScheduledEvent { Name = Text("Name"), Version = Text("Version") ?? string.Empty, Input = Text("Input") };
                    break;
                case "TaskCompleted":
                    e.TaskCompleted = new P.TaskCompletedEvent { TaskScheduledId = Number("TaskScheduledId"), Result = Text("Result") };
                    break;
                case "TaskFailed":
                    e.TaskFailed = new P.TaskFailedEvent
                    {
                        TaskScheduledId = Number("TaskScheduledId"),
                        FailureDetails = new P.TaskFailureDetails { ErrorType = "TaskFailed", ErrorMessage = Text("Reason") ?? string.Empty },
                    };
                    break;
                case "SubOrchestrationInstanceCreated":
                    e.SubOrchestrationInstanceCreated = new P.SubOrchestrationInstanceCreatedEvent
                    {
                        InstanceId = Text("InstanceId"), Name = Text("Name"), Version = Text("Version") ?? string.Empty, Input = Text("Input"),
                    };
                    break;
                case "SubOrchestrationInstanceCompleted":
                    e.SubOrchestrationInstanceCompleted = new P.SubOrchestrationInstanceCompletedEvent { TaskScheduledId = Number("TaskScheduledId"), Result = Text("Result") };
                    break;
                case "SubOrchestrationInstanceFailed":
                    e.SubOrchestrationInstanceFailed = new P.SubOrchestrationInstanceFailedEvent
                    {
                        TaskScheduledId = Number("TaskScheduledId"),
                        FailureDetails = new P.TaskFailureDetails { ErrorType = "SubOrchestrationFailed", ErrorMessage = Text("Reason") ?? string.Empty },
                    };
                    break;
                case "TimerCreated":
                    e.TimerCreated = new P.TimerCreatedEvent { FireAt = Time("FireAt") };
                    break;
                case "TimerFired":
                    e.TimerFired = new P.TimerFiredEvent { FireAt = Time("FireAt"), TimerId = Number("TimerId") };
                    break;
                case "EventRaised":
                    e.EventRaised = new P.EventRaisedEvent { Name = Text("Name"), Input = Text("Input") };
                    break;
                case "EventSent":
                    e.EventSent = new P.EventSentEvent { InstanceId = Text("InstanceId"), Name = Text("Name"), Input = Text("Input") };
                    break;
                case "ExecutionCompleted":
                    e.ExecutionCompleted = new P.ExecutionCompletedEvent
                    {
                        OrchestrationStatus = System.Enum.Parse<P.OrchestrationStatus>(Text("OrchestrationStatus")!),
                        Result = Text("Result"),
                    };
                    break;
                default:
                    throw new InvalidOperationException($"The replay does not read {type} events yet.");
            }

            return e;
        }
    }
}
