using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Workflows.Benchmarks;

/// <summary>What the numbers were measured on, for the report's "how measured".</summary>
/// <param name="Date">When the run finished (UTC).</param>
/// <param name="Commit">Short commit of the repository, with "+ uncommitted changes" when the tree was dirty.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="CpuModel">The processor, from /proc/cpuinfo.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="Os">The operating system.</param>
/// <param name="AzuriteVersion">The pinned Azurite package.</param>
/// <param name="NodeVersion">The node that runs Azurite.</param>
/// <param name="Nice">The bench's scheduling niceness (0 normal, negative ahead of other processes).</param>
public sealed record BenchEnvironment(
    DateTimeOffset Date, string Commit, int Cores, string CpuModel, string Runtime, string Os, string AzuriteVersion, string NodeVersion, int Nice)
{
    /// <summary>Reads the environment.</summary>
    /// <param name="repoRoot">The repository root.</param>
    /// <returns>The environment.</returns>
    public static async Task<BenchEnvironment> CaptureAsync(string repoRoot)
    {
        var commit = (await RunAsync("git", repoRoot, "rev-parse", "--short", "HEAD")).Trim();
        // The bench and its report are expected to be new or changed; anything else means the engine measured
        // is not exactly the commit named.
        var dirty = (await RunAsync("git", repoRoot, "status", "--porcelain", "--", ".", ":!tests/Workflows.Benchmarks", ":!docs/benchmarks.md", ":!Workflows.sln", ":!node_modules")).Trim().Length > 0;
        var cpu = File.Exists("/proc/cpuinfo")
            ? (await File.ReadAllLinesAsync("/proc/cpuinfo")).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return new BenchEnvironment(
            DateTimeOffset.UtcNow,
            string.IsNullOrEmpty(commit) ? "unknown" : commit + (dirty ? " + uncommitted changes" : string.Empty),
            Environment.ProcessorCount,
            cpu ?? "unknown",
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            await AzuriteVersionAsync(repoRoot),
            (await RunAsync("node", repoRoot, "--version")).Trim(),
            Niceness());
    }

    static int Niceness()
    {
        // Field 19 of /proc/self/stat, counted after the command name's closing parenthesis (which may hold spaces).
        if (!File.Exists("/proc/self/stat"))
        {
            return 0;
        }

        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.TryParse(fields[16], System.Globalization.CultureInfo.InvariantCulture, out var nice) ? nice : 0;
    }

    static async Task<string> AzuriteVersionAsync(string repoRoot)
    {
        var manifest = Path.Combine(repoRoot, "node_modules", "azurite", "package.json");
        if (!File.Exists(manifest))
        {
            return "unknown";
        }

        await using var stream = File.OpenRead(manifest);
        using var json = await JsonDocument.ParseAsync(stream);
        return json.RootElement.TryGetProperty("version", out var version) ? version.GetString() ?? "unknown" : "unknown";
    }

    static async Task<string> RunAsync(string file, string folder, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? output : string.Empty;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // The tool is not installed: the report says "unknown" rather than failing a finished run.
            return string.Empty;
        }
    }
}
