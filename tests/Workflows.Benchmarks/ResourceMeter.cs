using System.Diagnostics;
using Workflows.Storage;

namespace Workflows.Benchmarks;

/// <summary>
/// Takes the two costs of an interval that wall time hides: storage requests (the host's own counter, reset
/// at the start) and CPU time of Azurite against this process. On two cores with a single-threaded
/// emulator, Azurite's share tells whether the run was bound by storage or by the engine. It also takes
/// the machine's total busy time, because a build or test run of someone else on the same two cores
/// would skew every number without showing anywhere else. With engine hosts in processes of their own (one host
/// against two), each one's CPU is taken apart, and so is Azurite's main thread, sampled each second.
/// </summary>
/// <param name="azurite">The emulator's process; null when not known.</param>
/// <param name="counter">The storage counter of this process's host.</param>
/// <param name="engines">Engine hosts running as processes of their own; null when the engine runs in this process.</param>
public sealed class ResourceMeter(Process? azurite, StorageOperationCounter counter, IReadOnlyList<Process>? engines = null)
{
    // Columns of /proc/stat's "cpu" line that count as busy: user, nice, system, irq, softirq, steal.
    static readonly int[] BusyFields = [1, 2, 3, 6, 7, 8];

    /// <summary>Starts an interval: resets the storage counter and reads both CPU clocks.</summary>
    /// <returns>The start of the interval.</returns>
    public Mark Start()
    {
        counter.Reset();
        return new Mark(Stopwatch.GetTimestamp(), AzuriteCpu(), HostCpu(), MachineBusy(), EnginesCpu(), engines is null ? null : MainThreadSampler.Start(azurite));
    }

    /// <summary>Ends an interval.</summary>
    /// <param name="mark">Its start.</param>
    /// <returns>Storage requests and CPU split since the start.</returns>
    public (StorageOps Operations, CpuShare Cpu) Stop(Mark mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var operations = StorageOps.From(counter.Snapshot());
        var (azuriteCpu, hostCpu) = (AzuriteCpu() - mark.AzuriteCpu, HostCpu() - mark.HostCpu);
        var enginesCpu = mark.EnginesCpu is { } before ? EnginesCpu()!.Zip(before, (now, then) => now - then).ToList() : null;
        var thread = mark.AzuriteThread?.Stop();
        var other = MachineBusy() - mark.MachineBusy - azuriteCpu - hostCpu - (enginesCpu ?? []).Aggregate(TimeSpan.Zero, (sum, t) => sum + t);
        var cpu = new CpuShare(Stopwatch.GetElapsedTime(mark.Timestamp), azuriteCpu, hostCpu, other > TimeSpan.Zero ? other : TimeSpan.Zero,
            enginesCpu, thread?.Cpu, thread?.Peak);
        return (operations, cpu);
    }

    TimeSpan AzuriteCpu()
    {
        if (azurite is null || azurite.HasExited)
        {
            return TimeSpan.Zero;
        }

        azurite.Refresh();
        return azurite.TotalProcessorTime;
    }

    List<TimeSpan>? EnginesCpu() => engines?.Select(e =>
    {
        if (e.HasExited)
        {
            return TimeSpan.Zero;
        }

        e.Refresh();
        return e.TotalProcessorTime;
    }).ToList();

    static TimeSpan HostCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>CPU time all processes have used since boot, from the first line of /proc/stat; zero elsewhere.</summary>
    /// <returns>Busy time: user, nice, system, irq, softirq and steal, not idle or iowait.</returns>
    public static TimeSpan MachineBusy()
    {
        const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on.
        if (!File.Exists("/proc/stat"))
        {
            return TimeSpan.Zero;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = BusyFields.Sum(i => long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>The start of an interval.</summary>
    /// <param name="Timestamp">Stopwatch timestamp.</param>
    /// <param name="AzuriteCpu">Azurite's CPU time then.</param>
    /// <param name="HostCpu">This process's CPU time then.</param>
    /// <param name="MachineBusy">All processes' CPU time then.</param>
    /// <param name="EnginesCpu">Each engine host process's CPU time then; null when there are none.</param>
    /// <param name="AzuriteThread">Samples Azurite's main thread over the interval; null when the engine runs in this process.</param>
    public sealed record Mark(long Timestamp, TimeSpan AzuriteCpu, TimeSpan HostCpu, TimeSpan MachineBusy, IReadOnlyList<TimeSpan>? EnginesCpu = null, MainThreadSampler? AzuriteThread = null);
}
