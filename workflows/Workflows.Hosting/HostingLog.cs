using Microsoft.Extensions.Logging;

namespace Workflows.Hosting;

/// <summary>Structured logs of the local host, with stable event ids (2000-2099).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Sidecar listening on {SocketPath} for task hub {TaskHub} (worker: {RunWorker})")]
    public static partial void SidecarStarted(ILogger logger, string socketPath, string taskHub, bool runWorker);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Sidecar on {SocketPath} stopped")]
    public static partial void SidecarStopped(ILogger logger, string socketPath);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Stopping: no new work is taken; waiting for {InFlight} work items in flight")]
    public static partial void Draining(ILogger logger, int inFlight);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "All work in flight finished")]
    public static partial void Drained(ILogger logger);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Shutdown timeout reached with {InFlight} work items in flight; they will be redelivered")]
    public static partial void DrainTimedOut(ILogger logger, int inFlight);
}
