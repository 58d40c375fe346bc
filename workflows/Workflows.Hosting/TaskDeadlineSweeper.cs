using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Calendar;
using Workflows.Tasks;

namespace Workflows.Hosting;

/// <summary>
/// Reminds and escalates, every <see cref="SlaOptions.DeadlineSweepInterval"/>, the tasks no orchestration keeps time
/// for (<see cref="TaskDeadlines.SweepAsync"/>). The Functions app runs the same sweep from a timer trigger.
/// </summary>
/// <param name="deadlines">The sweep.</param>
/// <param name="options">The SLA options.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">The logger.</param>
public sealed partial class TaskDeadlineSweeper(TaskDeadlines deadlines, IOptions<SlaOptions> options, TimeProvider time, ILogger<TaskDeadlineSweeper> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DeadlineSweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var swept = await deadlines.SweepAsync(time.GetUtcNow(), stoppingToken);
                if (swept.Reminded + swept.Escalated > 0)
                {
                    Swept(logger, swept.Reminded, swept.Escalated);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage down: nothing was marked that was not done; the next tick tries again.
                SweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Task deadlines: {Reminded} reminded, {Escalated} escalated")]
    static partial void Swept(ILogger logger, int reminded, int escalated);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Task deadline sweep failed; trying again at the next interval")]
    static partial void SweepFailed(ILogger logger, Exception exception);
}
