using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Workflows.Benchmarks;

/// <summary>
/// Counts the warnings and errors the engine host logs, so the report can say whether a scenario ran
/// clean. Added to the host's logger factory after start; the host's console logger still prints them.
/// </summary>
public sealed class LogTally : ILoggerProvider
{
    const int MaxSamples = 8;

    readonly ConcurrentQueue<string> samples = new();
    int count;

    /// <summary>Warnings and errors so far.</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>The first few, one line each.</summary>
    public IReadOnlyList<string> Samples => [.. samples];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new TallyLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    void Record(LogLevel level, string category, string message, Exception? exception)
    {
        if (Interlocked.Increment(ref count) <= MaxSamples)
        {
            var detail = exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})";
            samples.Enqueue($"{level} {category}: {message}{detail}".ReplaceLineEndings(" "));
        }
    }

    sealed class TallyLogger(LogTally owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Record(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
