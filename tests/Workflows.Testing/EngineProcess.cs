using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Workflows.Testing;

/// <summary>
/// The local server (<c>Workflows.Server.dll</c>) as a real child process, for the guarantees that only a
/// real process can show: SIGKILL in the middle of work, SIGTERM for a graceful stop, two hosts on one hub.
/// </summary>
public sealed partial class EngineProcess : IAsyncDisposable
{
    const int SigTerm = 15;

    readonly Process process;
    readonly ConcurrentQueue<string> output = new();
    readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    EngineProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    /// <summary>A name for messages.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The exit code, once ended.</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>Where the server listens (it binds port 0 and logs the port it got), once ready.</summary>
    public Uri? BaseAddress { get; private set; }

    /// <summary>Everything the process wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    /// <summary>Starts the server with settings given as configuration keys (<c>Engine:TaskHubName</c> ...).</summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="settings">Configuration; passed as environment variables.</param>
    /// <returns>The started process; await <see cref="WaitUntilReadyAsync"/> before relying on it.</returns>
    public static EngineProcess Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dll = RepoPaths.ServerDll;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"Build the solution first: {dll} is missing.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["Urls"] = "http://127.0.0.1:0";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        var engine = new EngineProcess(name, process);
        process.OutputDataReceived += (_, e) => engine.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => engine.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return engine;
    }

    /// <summary>Waits until the sidecar listens and the worker has started.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>A task that completes when ready.</returns>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (finished != ready.Task)
        {
            throw new TimeoutException($"{Name} did not become ready within {timeout} (exited: {process.HasExited}).\n{Output}");
        }
    }

    /// <summary>Waits until the server answers <c>/healthz</c> with success (its storage reachable), polling.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>A task that completes when healthy.</returns>
    /// <exception cref="TimeoutException">It did not answer in time.</exception>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (BaseAddress is not null)
            {
                using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                try
                {
                    using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} did not answer /healthz within {timeout}.\n{Output}");
    }

    /// <summary>Kills the process at once with SIGKILL, as a crash or an out-of-memory kill would.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>Asks the process to stop with SIGTERM, as an orchestrator or Ctrl-C would, and waits.</summary>
    /// <param name="timeout">How long to wait before giving up.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            _ = SendSignal(process.Id, SigTerm);
        }

        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        var listening = line.IndexOf("Now listening on: ", StringComparison.Ordinal);
        var address = listening >= 0 ? line[(listening + "Now listening on: ".Length)..].Trim() : null;
        // The sidecar's own listener (a Unix socket) logs the same line; the API's is the TCP one.
        if (address is not null && !address.Contains("unix:", StringComparison.Ordinal))
        {
            BaseAddress = new Uri(address);
        }

        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
