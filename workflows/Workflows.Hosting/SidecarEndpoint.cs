using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>Where the sidecar listens, and the gRPC channel this process's worker and client use to reach it.</summary>
public sealed class SidecarEndpoint : IDisposable
{
    readonly Lazy<GrpcChannel> channel;

    /// <summary>Picks the socket path from options, or a fresh one in the temp folder.</summary>
    /// <param name="options">Engine options.</param>
    public SidecarEndpoint(IOptions<EngineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SocketPath = options.Value.SidecarSocketPath
            ?? Path.Combine(Path.GetTempPath(), $"workflows-sidecar-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        channel = new Lazy<GrpcChannel>(CreateChannel);
    }

    /// <summary>The Unix domain socket path.</summary>
    public string SocketPath { get; }

    /// <summary>The channel to the sidecar; created on first use, connected lazily by gRPC.</summary>
    public GrpcChannel Channel => channel.Value;

    /// <summary>Removes a stale socket file left by a killed process, and makes sure the folder exists.</summary>
    public void PrepareSocketPath()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        DeleteSocket();
    }

    /// <summary>Deletes the socket file.</summary>
    public void DeleteSocket()
    {
        if (File.Exists(SocketPath))
        {
            File.Delete(SocketPath);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (channel.IsValueCreated)
        {
            channel.Value.Dispose();
        }
    }

    GrpcChannel CreateChannel()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            // Keep the long-lived work-item stream alive through idle periods.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
        };

        // The host name is never resolved: every connection goes through the callback above.
        return GrpcChannel.ForAddress("http://sidecar", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
