using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Hosting;

namespace Workflows.Benchmarks;

/// <summary>
/// Runs one profile in a child process of this bench and reads its result back. A process per profile
/// gives each the same cold start (JIT, thread pool, connection pools) and keeps a host that fails while
/// stopping (an exception on a background thread ends the process) from taking the other profile with it:
/// the child writes its result as soon as it has measured, before it stops its hosts.
/// </summary>
public static class ProfileProcess
{
    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Measures a profile in a child process.</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="quick">Whether to use the quick plan.</param>
    /// <param name="progress">Where the child's output goes, line by line.</param>
    /// <param name="cancellationToken">Stops the child.</param>
    /// <returns>What the child measured, with a note if it did not exit cleanly.</returns>
    public static async Task<ProfileResult> RunAsync(EngineProfile profile, bool quick, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var resultFile = Path.Combine(Path.GetTempPath(), $"workflows-bench-{profile}-{Guid.NewGuid():N}.json");
        var start = SelfStartInfo();
        foreach (var arg in new[] { "--profile", profile.ToString(), "--result", resultFile }.Concat(quick ? ["--quick"] : []))
        {
            start.ArgumentList.Add(arg);
        }

        var errors = new ConcurrentQueue<string>();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the profile's process.");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                progress.WriteLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        // WaitForExitAsync returns once the output streams are drained as well.
        if (!File.Exists(resultFile))
        {
            throw new InvalidOperationException($"The {profile} run exited with code {process.ExitCode} before it had measured:\n{string.Join('\n', errors.Take(20))}");
        }

        ProfileResult result;
        await using (var stream = File.OpenRead(resultFile))
        {
            result = await JsonSerializer.DeserializeAsync<ProfileResult>(stream, Json, cancellationToken)
                ?? throw new InvalidOperationException($"The {profile} run wrote an empty result.");
        }

        File.Delete(resultFile);
        if (process.ExitCode != 0)
        {
            StopOrphanedAzurite(result.AzuritePid);
            var first = errors.FirstOrDefault(l => l.Contains("exception", StringComparison.OrdinalIgnoreCase)) ?? errors.FirstOrDefault() ?? "no output";
            var at = errors.FirstOrDefault(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal))?.Trim() ?? string.Empty;
            result = result with { LogSamples = [.. result.LogSamples, $"the {profile} process ended with exit code {process.ExitCode} after measuring: {first} {at}".Trim()] };
        }

        return result;
    }

    /// <summary>Writes a child's result for the parent to read.</summary>
    /// <param name="path">The file the parent named.</param>
    /// <param name="result">The result.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public static async Task WriteResultAsync(string path, ProfileResult result)
    {
        // Write then move, so the parent never reads half a file.
        var partial = path + ".partial";
        await using (var stream = File.Create(partial))
        {
            await JsonSerializer.SerializeAsync(stream, result, Json);
        }

        File.Move(partial, path, overwrite: true);
    }

    /// <summary>
    /// A profile's process that died while stopping its hosts never stopped its Azurite either: stop it and
    /// remove its data folder, both read from its command line so that nothing but that emulator is touched.
    /// </summary>
    /// <param name="pid">The emulator's process id, as the profile's process reported it.</param>
    static void StopOrphanedAzurite(int? pid)
    {
        var cmdline = pid is { } id ? $"/proc/{id}/cmdline" : null;
        if (cmdline is null || !File.Exists(cmdline))
        {
            return;
        }

        var args = File.ReadAllText(cmdline).Split('\0');
        if (!args.Any(a => a.EndsWith("azurite.js", StringComparison.Ordinal)))
        {
            return;
        }

        using (var azurite = Process.GetProcessById(pid!.Value))
        {
            azurite.Kill(entireProcessTree: true);
            azurite.WaitForExit(TimeSpan.FromSeconds(10));
        }

        var location = Array.IndexOf(args, "--location");
        if (location >= 0 && location + 1 < args.Length && Directory.Exists(args[location + 1]))
        {
            Directory.Delete(args[location + 1], recursive: true);
        }
    }

    static ProcessStartInfo SelfStartInfo()
    {
        // Run through the apphost when there is one; under "dotnet Workflows.Benchmarks.dll" run the same way.
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(ProfileProcess).Assembly.Location);
        }

        return start;
    }
}
