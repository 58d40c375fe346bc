using System.Diagnostics;
using System.Globalization;

namespace Workflows.Benchmarks;

/// <summary>
/// The CPU time of one process's main thread, read from /proc once a second. Node runs all of Azurite's JavaScript (every
/// request it serves) on its main thread, so that thread at 100% of a core is the emulator's ceiling however many cores
/// the machine has; the whole process's time also holds libuv's and the garbage collector's threads, and hides it.
/// </summary>
public sealed class MainThreadSampler : IDisposable
{
    /// <summary>Between two samples: the window of the peak share.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on.

    readonly string path;
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly List<(TimeSpan Wall, TimeSpan Cpu)> samples = [];
    readonly Lock gate = new();
    readonly Timer timer;

    MainThreadSampler(string path)
    {
        this.path = path;
        Sample();
        timer = new Timer(_ => Sample(), null, Interval, Interval);
    }

    /// <summary>Starts sampling a process's main thread; null where /proc does not show it.</summary>
    /// <param name="process">The process (its main thread's id is its own).</param>
    /// <returns>The sampler, or null.</returns>
    public static MainThreadSampler? Start(Process? process)
    {
        var path = process is null ? null : $"/proc/{process.Id}/task/{process.Id}/stat";
        return path is not null && File.Exists(path) ? new MainThreadSampler(path) : null;
    }

    /// <summary>Stops sampling.</summary>
    /// <returns>The thread's CPU time since the start, and its highest share of a core over one <see cref="Interval"/>.</returns>
    public (TimeSpan Cpu, double Peak) Stop()
    {
        // Wait for a sample under way, so the last one is the last.
        using (var stopped = new ManualResetEvent(false))
        {
            if (timer.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }

        Sample();
        lock (gate)
        {
            return samples.Count == 0 ? (TimeSpan.Zero, double.NaN) : (samples[^1].Cpu - samples[0].Cpu, PeakShare(samples));
        }
    }

    /// <inheritdoc />
    public void Dispose() => timer.Dispose();

    /// <summary>A thread's user and system CPU time from its <c>stat</c> line (fields 14 and 15, in clock ticks).</summary>
    /// <param name="stat">The line; the command name in parentheses may hold spaces.</param>
    /// <returns>The CPU time.</returns>
    public static TimeSpan ParseCpu(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        // After the name's closing parenthesis the fields start at the third (state), so the 14th is the 12th there.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>The highest CPU share of a core between two consecutive samples that are at least half an interval apart.</summary>
    /// <param name="samples">Wall time and cumulative CPU time, in order.</param>
    /// <returns>The share (1.0 = a full core); NaN with fewer than two samples far enough apart.</returns>
    public static double PeakShare(IReadOnlyList<(TimeSpan Wall, TimeSpan Cpu)> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var peak = double.NaN;
        for (var i = 1; i < samples.Count; i++)
        {
            // The last sample, taken at Stop, may follow the one before by a few milliseconds: too short to mean anything at 10 ms ticks.
            var wall = samples[i].Wall - samples[i - 1].Wall;
            if (wall >= Interval / 2)
            {
                var share = (samples[i].Cpu - samples[i - 1].Cpu) / wall;
                peak = double.IsNaN(peak) ? share : Math.Max(peak, share);
            }
        }

        return peak;
    }

    void Sample()
    {
        string stat;
        try
        {
            stat = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return; // The process has ended; the samples so far stand.
        }

        lock (gate)
        {
            samples.Add((clock.Elapsed, ParseCpu(stat)));
        }
    }
}
