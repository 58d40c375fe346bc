namespace Workflows.SelfCheck;

/// <summary>Input of <see cref="ChainOrchestrator"/>: steps run one after another.</summary>
/// <param name="Steps">How many activities, 1 to 1000.</param>
/// <param name="Payload">Carried into every step's result, so outputs can be checked.</param>
/// <param name="StepDelayMs">How long each activity works, to widen the window for a crash.</param>
/// <param name="FailAtStep">A step whose activity always throws, to test failure isolation; null for none.</param>
public sealed record ChainInput(int Steps, string Payload, int StepDelayMs = 0, int? FailAtStep = null);

/// <summary>Output of <see cref="ChainOrchestrator"/> and <see cref="FanOutOrchestrator"/>.</summary>
/// <param name="Results">Each step's recorded result, in step order.</param>
public sealed record StepsResult(IReadOnlyList<string> Results);

/// <summary>Input of <see cref="FanOutOrchestrator"/>: steps run in parallel and are joined.</summary>
/// <param name="Width">How many parallel activities, 1 to 1000.</param>
/// <param name="Payload">Carried into every step's result.</param>
/// <param name="StepDelayMs">How long each activity works.</param>
public sealed record FanOutInput(int Width, string Payload, int StepDelayMs = 0);

/// <summary>Input of <see cref="EventRoundTripOrchestrator"/>.</summary>
/// <param name="Rounds">How many <see cref="Ping"/> events to wait for, each followed by an activity.</param>
/// <param name="WarmUpDelayMs">An activity of this length runs before the first wait, so an event can arrive early.</param>
public sealed record RoundTripInput(int Rounds, int WarmUpDelayMs = 0);

/// <summary>The external event <see cref="EventRoundTripOrchestrator"/> waits for.</summary>
/// <param name="Value">Echoed into the step's result.</param>
public sealed record Ping(string Value);

/// <summary>Input of <see cref="TimerOrchestrator"/>.</summary>
/// <param name="DelayMs">How long the durable timer waits.</param>
public sealed record TimerInput(int DelayMs);

/// <summary>Output of <see cref="TimerOrchestrator"/>.</summary>
/// <param name="DueAt">When the timer was due (orchestration time).</param>
/// <param name="FiredAt">When the orchestration resumed after it (orchestration time).</param>
/// <param name="Result">The step recorded after the timer.</param>
public sealed record TimerResult(DateTime DueAt, DateTime FiredAt, string Result);

/// <summary>Input of <see cref="RecordStepActivity"/>.</summary>
/// <param name="Step">The step's name, unique within the instance.</param>
/// <param name="Payload">Becomes part of the result.</param>
/// <param name="DelayMs">How long the activity works before recording.</param>
/// <param name="AlwaysFail">Throw instead of recording (failure tests).</param>
public sealed record StepInput(string Step, string Payload, int DelayMs = 0, bool AlwaysFail = false);

/// <summary>Thrown by <see cref="RecordStepActivity"/> when asked to fail.</summary>
public sealed class SelfCheckFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SelfCheckFailureException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public SelfCheckFailureException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public SelfCheckFailureException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>Input of <see cref="EventChainOrchestrator"/>: steps run one after another, each after a <see cref="Ping"/> event.</summary>
/// <param name="Steps">How many steps, 1 to <see cref="ChainOrchestrator.MaxSteps"/>.</param>
/// <param name="Payload">Carried into every step's result, before the event's value.</param>
public sealed record EventChainInput(int Steps, string Payload);

/// <summary>The custom status of <see cref="EventChainOrchestrator"/> while it waits: the step whose event it waits for.</summary>
/// <param name="Step">Zero-based step.</param>
public sealed record EventChainWaiting(int Step);
