using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.Core.History;

namespace Workflows.Hosting;

/// <summary>
/// Wraps the provider on the dispatch side so a graceful stop can drain: once <see cref="BeginDrain"/> is called
/// no new work item is handed to the worker, and <see cref="WaitForIdleAsync"/> completes when every work item
/// already handed out is completed, abandoned or released. The Durable Task gRPC worker cancels its
/// completion calls when it stops, so without this an activity that ran to the end during a stop would be lost
/// and run again by the next host.
/// <para>
/// It also keeps the work items it handed out locked: the sidecar's dispatcher never renews a lock, so with a
/// short visibility timeout (ADR 0005) a longer activity would reappear on the queue and run twice. Every
/// <paramref name="renewEvery"/> each work item in flight has its lock renewed until it is completed, abandoned
/// or released. Every other member passes straight through.
/// </para>
/// </summary>
/// <param name="inner">The provider.</param>
/// <param name="renewEvery">How often locks are renewed; null never renews (the provider's long timeouts).</param>
public sealed class DrainingOrchestrationService(IOrchestrationService inner, TimeSpan? renewEvery = null) : IOrchestrationService
{
    // While draining, an idle fetch returns nothing after this pause instead of spinning the dispatcher.
    static readonly TimeSpan DrainingPollDelay = TimeSpan.FromMilliseconds(200);

    readonly object gate = new();
    readonly ConcurrentDictionary<object, Renewal> renewals = new(ReferenceEqualityComparer.Instance);
    int inFlight;
    volatile bool draining;
    TaskCompletionSource idle = NewIdleSignal(completed: true);
    Task? stopping;

    /// <summary>Work items handed out and not yet finished.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Whether new work is being refused.</summary>
    public bool IsDraining => draining;

    /// <summary>Stops handing out new work items.</summary>
    public void BeginDrain() => draining = true;

    /// <summary>Completes when no work item is in flight, or when the token is cancelled.</summary>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>True when idle, false when the wait was cancelled first.</returns>
    public async Task<bool> WaitForIdleAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (gate)
        {
            signal = idle.Task;
        }

        try
        {
            await signal.WaitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        if (draining)
        {
            await Task.Delay(DrainingPollDelay, cancellationToken);
            return null!;
        }

        var item = await inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        if (item is not null)
        {
            Started();
            KeepLocked(item, () => inner.RenewTaskOrchestrationWorkItemLockAsync(item));
        }

        return item!;
    }

    /// <inheritdoc />
    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        if (draining)
        {
            await Task.Delay(DrainingPollDelay, cancellationToken);
            return null!;
        }

        var item = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        if (item is not null)
        {
            Started();
            // The provider renews the message behind the work item in place; the item it returns is the same one.
            KeepLocked(item, () => inner.RenewTaskActivityWorkItemLockAsync(item));
        }

        return item!;
    }

    // An orchestration work item always ends with a release (the dispatcher calls it in a finally block).
    /// <inheritdoc />
    public async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        await StopRenewingAsync(workItem);
        try
        {
            await inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
        }
        finally
        {
            Finished();
        }
    }

    // An activity work item ends with a completion or an abandonment (its release is a no-op in the sidecar).
    /// <inheritdoc />
    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        await StopRenewingAsync(workItem);
        try
        {
            await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
        }
        finally
        {
            Finished();
        }
    }

    /// <inheritdoc />
    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        await StopRenewingAsync(workItem);
        try
        {
            await inner.AbandonTaskActivityWorkItemAsync(workItem);
        }
        finally
        {
            Finished();
        }
    }

    /// <inheritdoc />
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    /// <inheritdoc />
    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    /// <inheritdoc />
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    /// <inheritdoc />
    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    /// <inheritdoc />
    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    /// <inheritdoc />
    public Task StartAsync() => inner.StartAsync();

    /// <inheritdoc />
    public Task StopAsync() => StopOnceAsync(isForced: false);

    /// <inheritdoc />
    public Task StopAsync(bool isForced) => StopOnceAsync(isForced);

    // The sidecar stops the provider from a fire-and-forget callback while our host stops it too; two concurrent
    // stops of the Azure Storage provider throw inside its lease manager and can take the process down. One stop.
    Task StopOnceAsync(bool isForced)
    {
        lock (gate)
        {
            return stopping ??= inner.StopAsync(isForced);
        }
    }

    /// <inheritdoc />
    public Task CreateAsync() => inner.CreateAsync();

    /// <inheritdoc />
    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    /// <inheritdoc />
    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    /// <inheritdoc />
    public Task DeleteAsync() => inner.DeleteAsync();

    /// <inheritdoc />
    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    /// <inheritdoc />
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    /// <inheritdoc />
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    /// <inheritdoc />
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    /// <inheritdoc />
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    /// <inheritdoc />
    public async Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        ArgumentNullException.ThrowIfNull(orchestratorMessages);
        ArgumentNullException.ThrowIfNull(newOrchestrationRuntimeState);
        PlainTags(orchestratorMessages);
        PlainHistory(newOrchestrationRuntimeState);
        // A renewal racing the completion could change the messages' pop receipts under it: stop renewing first.
        await StopRenewingAsync(workItem);
        await inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
    }

    /// <summary>
    /// The same sidecar records a started sub-orchestration in the parent's history as its own subclass of
    /// <see cref="SubOrchestrationInstanceCreatedEvent"/>, which the Azure Storage provider's history table writer
    /// stores without its event type; the parent's history then cannot be read back and the parent stalls.
    /// Store the Durable Task Core event itself, with the same data.
    /// </summary>
    /// <param name="state">The orchestration's state as the dispatcher is about to save it.</param>
    internal static void PlainHistory(OrchestrationRuntimeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        for (var i = 0; i < state.NewEvents.Count; i++)
        {
            if (state.NewEvents[i] is SubOrchestrationInstanceCreatedEvent created)
            {
                var plain = created.GetType() == typeof(SubOrchestrationInstanceCreatedEvent) ? created : new SubOrchestrationInstanceCreatedEvent(created.EventId)
                {
                    Name = created.Name,
                    Version = created.Version,
                    InstanceId = created.InstanceId,
                    Input = created.Input,
                    ClientSpanId = created.ClientSpanId,
                    Tags = created.Tags,
                    Timestamp = created.Timestamp,
                    IsPlayed = created.IsPlayed,
                };
                if (plain.Tags is { } tags && tags.GetType() != typeof(Dictionary<string, string>))
                {
                    plain.Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
                }

                if (!ReferenceEquals(plain, created))
                {
                    state.NewEvents[i] = plain;
                    var at = state.Events.IndexOf(created);
                    if (at >= 0)
                    {
                        state.Events[at] = plain;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The sidecar in InProcessTestHost 0.2.3-preview.1 hands a sub-orchestration's tags over as the protobuf
    /// map it received (fixed upstream later). The Azure Storage provider writes queue messages with .NET type
    /// names, and no reader can resolve that map type, so the child never starts and its parent stalls. Give the
    /// provider a plain dictionary with the same entries.
    /// </summary>
    /// <param name="messages">Messages for other orchestrations, as the dispatcher produced them.</param>
    internal static void PlainTags(IEnumerable<TaskMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            if (message.Event is ExecutionStartedEvent started && started.Tags is { } tags && tags.GetType() != typeof(Dictionary<string, string>))
            {
                started.Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
            }
        }
    }

    /// <inheritdoc />
    public async Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        await StopRenewingAsync(workItem);
        await inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    }

    /// <inheritdoc />
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    void KeepLocked(object workItem, Func<Task> renew)
    {
        if (renewEvery is not { } every || every <= TimeSpan.Zero)
        {
            return;
        }

        var stop = new CancellationTokenSource();
        renewals[workItem] = new Renewal(stop, RenewUntilStoppedAsync(renew, every, stop.Token));
    }

    static async Task RenewUntilStoppedAsync(Func<Task> renew, TimeSpan every, CancellationToken stop)
    {
        // A renewal can fail for a moment (storage slow, a retried update whose first try went through); only
        // several failures in a row mean the lock is gone, and then at-least-once delivery takes over.
        const int GiveUpAfter = 3;
        var failures = 0;
        try
        {
            while (failures < GiveUpAfter)
            {
                await Task.Delay(every, stop);
                try
                {
                    await renew();
                    failures = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    failures++;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Completed, abandoned or released.
        }
    }

    async Task StopRenewingAsync(object workItem)
    {
        if (renewals.TryRemove(workItem, out var renewal))
        {
            await renewal.Stop.CancelAsync();
            await renewal.Loop;
            renewal.Stop.Dispose();
        }
    }

    sealed record Renewal(CancellationTokenSource Stop, Task Loop);

    static TaskCompletionSource NewIdleSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }

    void Started()
    {
        lock (gate)
        {
            if (inFlight++ == 0)
            {
                idle = NewIdleSignal(completed: false);
            }
        }
    }

    void Finished()
    {
        lock (gate)
        {
            if (--inFlight == 0)
            {
                idle.TrySetResult();
            }
        }
    }
}
