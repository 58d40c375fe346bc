using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Workflows.Api;
using Workflows.Orchestration;
using Workflows.SelfCheck;
using Workflows.Storage;
using Workflows.Tasks;

namespace Workflows.Benchmarks;

/// <summary>What a driver did in one scenario.</summary>
/// <param name="Acted">Decisions accepted (202), or events raised.</param>
/// <param name="Refused">Decisions the API refused (each is tried again on the next look).</param>
/// <param name="Example">The first refusal, for the notes.</param>
public sealed record DriverTally(int Acted, int Refused, string? Example);

/// <summary>
/// Plays the outside world while a scenario's instances run: looks for instances waiting for someone, acts on each
/// once, with a fixed number acting at once, until stopped. Its looks go through a client-only host, so they are
/// counted apart from the engine's storage operations; what it does (a decision, an event) goes through the engine's
/// host, as the local server's API does, and is counted with the engine's.
/// </summary>
public abstract class ScenarioDriver(int concurrency)
{
    /// <summary>Between two looks that found nothing new.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    int acted;
    int refused;

    /// <summary>How many act at once.</summary>
    protected int Concurrency { get; } = concurrency;

    /// <summary>
    /// The counter of the storage requests the driver's actions send through clients of their own (the decide handler's
    /// task store), which the runner adds to the engine's; null when every action goes through the engine's clients.
    /// </summary>
    public virtual StorageOperationCounter? Acting => null;
    string? example;

    /// <summary>Acts on the scenario's instances until <paramref name="stop"/> is cancelled.</summary>
    /// <param name="prefix">The scenario's instance id prefix (a bundle's application id is its instance id).</param>
    /// <param name="stop">Ends the run; what was started is let finish or abandoned.</param>
    /// <returns>What was done.</returns>
    public async Task<DriverTally> RunAsync(string prefix, CancellationToken stop)
    {
        var work = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleWriter = true });
        var workers = Enumerable.Range(0, Concurrency).Select(k => Task.Run(async () =>
        {
            try
            {
                await foreach (var act in work.Reader.ReadAllAsync(stop))
                {
                    try
                    {
                        await act(stop);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // One failed action (a storage fault) must not take the actor with it; the notes say it happened.
                        Refused($"{ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped: the scenario is over.
            }
        })).ToList();

        try
        {
            while (!stop.IsCancellationRequested)
            {
                var found = 0;
                try
                {
                    foreach (var act in await LookAsync(prefix, stop))
                    {
                        work.Writer.TryWrite(act);
                        found++;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed look (a storage hiccup) is looked again after the pause; the notes say it happened.
                    Refused($"a look failed: {ex.GetType().Name}: {ex.Message}");
                }

                if (found == 0)
                {
                    await Task.Delay(PollInterval, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped while looking.
        }

        work.Writer.TryComplete();
        await Task.WhenAll(workers);
        return new DriverTally(acted, refused, example);
    }

    /// <summary>One look: what to do for each instance newly found waiting (each action is handed out once).</summary>
    /// <param name="prefix">The scenario's instance id prefix.</param>
    /// <param name="cancellationToken">Cancels the look.</param>
    /// <returns>The actions, one per instance step found waiting.</returns>
    protected abstract Task<IReadOnlyList<Func<CancellationToken, Task>>> LookAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Counts an action done.</summary>
    protected void Acted() => Interlocked.Increment(ref acted);

    /// <summary>Counts an action refused.</summary>
    /// <param name="what">What was refused and why, kept if it is the first.</param>
    protected void Refused(string what)
    {
        Interlocked.Increment(ref refused);
        Interlocked.CompareExchange(ref example, what, null);
    }
}

/// <summary>
/// Scripted officers: each look reads every department's open list as the API's task list route does
/// (<see cref="TaskStore.ListPageAsync"/>, through a client-only host), and every task of the scenario's applications not
/// handed out yet is approved by one of <c>concurrency</c> officers: the task read as the API's GET does (its ETag), then
/// <see cref="OfficerApi.DecideAsync"/> on the engine's host, the very code the HTTP decide route runs (note, mark,
/// deliver the event to the item, read the task again for the 202's ETag). A refused decision is looked at again.
/// </summary>
/// <param name="reads">The officers' own reads: the task store of a client-only host.</param>
/// <param name="officers">The API's officer handlers on the engine's host.</param>
/// <param name="acting">Counts the decide handler's task store requests (a store of its own on the same storage), added to the engine's.</param>
/// <param name="departments">The departments whose lists are read.</param>
/// <param name="templateKey">Only tasks of this template (the list route's template filter).</param>
/// <param name="concurrency">Officers deciding at once.</param>
public sealed class ScriptedOfficers(
    TaskStore reads, OfficerApi officers, StorageOperationCounter acting, IReadOnlyList<string> departments, string templateKey, int concurrency)
    : ScenarioDriver(concurrency)
{
    /// <inheritdoc />
    public override StorageOperationCounter? Acting => acting;

    readonly ConcurrentDictionary<string, bool> handedOut = new(StringComparer.Ordinal);
    int next;

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<Func<CancellationToken, Task>>> LookAsync(string prefix, CancellationToken cancellationToken)
    {
        var found = new List<Func<CancellationToken, Task>>();
        foreach (var department in departments)
        {
            string? continuation = null;
            do
            {
                var page = await reads.ListPageAsync(department, OfficerTaskStatus.Open, null, templateKey, TaskStore.MaxPageSize, continuation, cancellationToken: cancellationToken);
                foreach (var task in page.Tasks.Where(t => t.ApplicationId.StartsWith(prefix, StringComparison.Ordinal) && handedOut.TryAdd($"{t.Department}|{t.TaskId}", true)))
                {
                    found.Add(ct => DecideAsync(task, ct));
                }

                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        return found;
    }

    async Task DecideAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref next) % Concurrency;
        var caller = new Caller($"bench-officer-{n}", $"Bench officer {n}", CallerRole.Officer, Department: task.Department);
        var stored = await reads.GetStoredAsync(task.Department, task.TaskId, cancellationToken);
        if (stored is null || stored.Task.Status != OfficerTaskStatus.Open || stored.PendingDecision is not null)
        {
            // Decided already, or not open any more: nothing to do (the list was a moment old).
            return;
        }

        string why;
        try
        {
            var answer = await officers.DecideAsync(caller, task.TaskId, ApiETags.ToHeader(stored.ETag), new DecisionRequest(DecisionKind.Approve), cancellationToken);
            var status = (answer as IStatusCodeHttpResult)?.StatusCode;
            if (status == StatusCodes.Status202Accepted)
            {
                Acted();
                return;
            }

            why = status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? answer.GetType().Name;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            why = $"{ex.GetType().Name}: {ex.Message}";
        }

        // Refused or failed: the next look hands it out again.
        Refused($"{task.TaskId}: {why}");
        handedOut.TryRemove($"{task.Department}|{task.TaskId}", out _);
    }
}

/// <summary>
/// The bare engine's counterpart of the scripted officers: each look is one query of the scenario's running
/// <see cref="EventChainOrchestrator"/>s (through a client-only host), and each instance that says it waits for a step
/// whose event was not raised yet gets that event from one of <c>concurrency</c> raisers, through the engine's host.
/// </summary>
/// <param name="reads">The client of a client-only host, for the looks.</param>
/// <param name="raise">The engine host's client, for the events.</param>
/// <param name="concurrency">Raisers at once.</param>
public sealed class EventRaiser(DurableTaskClient reads, DurableTaskClient raise, int concurrency) : ScenarioDriver(concurrency)
{
    static readonly OrchestrationRuntimeStatus[] Running = [OrchestrationRuntimeStatus.Running];

    // Events raised to each instance so far: step N's event is raised once, when the instance says it waits for step N.
    readonly ConcurrentDictionary<string, int> raised = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<Func<CancellationToken, Task>>> LookAsync(string prefix, CancellationToken cancellationToken)
    {
        // With inputs and outputs: the custom status comes with them (a few bytes each here).
        var query = new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = Running, PageSize = 1000, FetchInputsAndOutputs = true };
        var found = new List<Func<CancellationToken, Task>>();
        await foreach (var instance in reads.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (instance.ReadCustomStatusAs<EventChainWaiting>() is not { } waiting || raised.GetValueOrDefault(instance.InstanceId) > waiting.Step)
            {
                continue;
            }

            raised[instance.InstanceId] = waiting.Step + 1;
            var id = instance.InstanceId;
            found.Add(async ct =>
            {
                await raise.RaiseEventAsync(id, nameof(Ping), new Ping(ChainOrchestrator.StepName(waiting.Step)), ct);
                Acted();
            });
        }

        return found;
    }
}
