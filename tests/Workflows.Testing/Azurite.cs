using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Workflows.Testing;

/// <summary>
/// A private Azurite (the Azure Storage emulator, pinned in package.json) on free ports with its own data
/// folder; disposing it stops the process and deletes the folder. When <c>WORKFLOWS_TEST_STORAGE</c> holds a
/// connection string (test.sh starts one Azurite for the whole run), that account is used instead.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>The environment variable test.sh sets to share one emulator across test assemblies.</summary>
    public const string SharedConnectionVariable = "WORKFLOWS_TEST_STORAGE";

    const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    readonly Process? process;
    readonly string? dataFolder;

    Azurite(string connectionString, Process? process, string? dataFolder)
    {
        ConnectionString = connectionString;
        this.process = process;
        this.dataFolder = dataFolder;
    }

    /// <summary>The connection string of the emulator's account.</summary>
    public string ConnectionString { get; }

    /// <summary>The emulator's process id, when this instance started it.</summary>
    public int? ProcessId => process?.Id;

    /// <summary>Uses the shared emulator when test.sh provides one, else starts a private one.</summary>
    /// <returns>A running emulator.</returns>
    public static async Task<Azurite> StartOrShareAsync()
    {
        var shared = Environment.GetEnvironmentVariable(SharedConnectionVariable);
        return string.IsNullOrWhiteSpace(shared) ? await StartAsync() : new Azurite(shared, null, null);
    }

    /// <summary>Starts a private emulator on free loopback ports.</summary>
    /// <param name="inMemory">Keep data in memory instead of a temp folder.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<Azurite> StartAsync(bool inMemory = false)
    {
        var azurite = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run 'npm ci' in {RepoPaths.Root} (test.sh does).");
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var folder = Directory.CreateTempSubdirectory("workflows-azurite-").FullName;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            azurite, "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", blob.ToString(CultureInfo.InvariantCulture),
            "--queuePort", queue.ToString(CultureInfo.InvariantCulture),
            "--tablePort", table.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (inMemory)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(folder);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var connection = string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
        var instance = new Azurite(connection, process, folder);
        try
        {
            await WaitForPortsAsync(process, blob, queue, table);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }

        return instance;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (dataFolder is not null && Directory.Exists(dataFolder))
        {
            try
            {
                Directory.Delete(dataFolder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by the dying emulator; the temp folder is cleaned by the OS later.
            }
        }
    }

    /// <summary>A loopback TCP port free at the time of the call.</summary>
    /// <returns>The port.</returns>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static async Task WaitForPortsAsync(Process process, params int[] ports)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening.");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(100);
                }
            }
        }
    }
}
