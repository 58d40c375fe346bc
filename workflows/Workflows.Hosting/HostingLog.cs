using Microsoft.Extensions.Logging;

namespace Workflows.Hosting;

/// <summary>Structured logs of the local host, with stable event ids (2000-2099).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Sidecar listening on {SocketPath} for task hub {TaskHub} (worker: {RunWorker})")]
    public static partial void SidecarStarted(ILogger logger, string socketPath, string taskHub, bool runWorker);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Sidecar on {SocketPath} stopped")]
    public static partial void SidecarStopped(ILogger logger, string socketPath);
}
