using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Workflows.Storage;

namespace Workflows.Tasks;

/// <summary>A task as stored, with the ETag a conditional write must name and the officer-side state.</summary>
/// <param name="Task">The task as the engine last wrote it.</param>
/// <param name="ETag">The row's ETag.</param>
/// <param name="ClaimedBy">The officer who claimed it, if any.</param>
/// <param name="PendingDecision">A decision accepted and being delivered to the item, if any.</param>
public sealed record StoredTask(TaskRecord Task, ETag ETag, string? ClaimedBy, string? PendingDecision);

/// <summary>A note that a decision was marked on a task and may still be on its way to the item.</summary>
/// <param name="Department">The task's department.</param>
/// <param name="TaskId">The task.</param>
/// <param name="NotedAt">When it was noted.</param>
/// <param name="RowKey">The note's row.</param>
/// <param name="ETag">The note's ETag as read.</param>
public sealed record PendingNote(string Department, string TaskId, DateTimeOffset NotedAt, string RowKey, ETag ETag);

/// <summary>One page of a department's queue.</summary>
/// <param name="Tasks">The tasks, soonest due first.</param>
/// <param name="Continuation">Where the next page starts; null on the last page.</param>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, string? Continuation);

/// <summary>
/// Officers' task lists in two tables. <c>Tasks</c>: partition = department, row = task id, so a task is one
/// point read and no query can reach another department's rows; it also holds the officer-side columns (claim,
/// pending decision) written with ETags. <c>TaskQueue</c>: partition = <c>department|status</c>, row =
/// <c>due ticks|task id</c>, so "my open tasks, soonest due first, 50 at a time" is one ordered range read,
/// however many tasks the department has. The engine's activities write both; see docs/storage.md.
/// </summary>
public sealed class TaskStore(StorageTables tables)
{
    /// <summary>The main table's name.</summary>
    public const string TableName = "Tasks";

    /// <summary>The queue index's name.</summary>
    public const string QueueTableName = "TaskQueue";

    /// <summary>The index of decisions on their way to their items (<see cref="NotePendingAsync"/>).</summary>
    public const string PendingTableName = "PendingDecisions";

    const string PendingPartition = "pending";

    /// <summary>The most tasks one page returns.</summary>
    public const int MaxPageSize = 200;

    /// <summary>The most rows one table transaction may hold (the service's limit).</summary>
    public const int TransactionSize = 100;

    // Read-modify-write rounds one engine save tries against officers' concurrent claims before it gives up (the
    // activity's retry policy then runs it again).
    const int MaxSaveAttempts = 5;

    // Transactions of an import in flight at once.
    const int ImportConcurrency = 4;

    static readonly JsonSerializerOptions Json = StoredJson.Options();

    /// <summary>
    /// Writes a task's current state from the engine. The officer-side columns follow what the engine knows: a state
    /// change (decided, sent to the applicant, back from them) means the pending decision was delivered, so the mark
    /// goes; a change that keeps the status (a reminder, an escalation, an extension) keeps it and the claim; a closed
    /// task keeps no claim. The row is replaced only if it is still as read (ETag), so an officer's claim made in
    /// between is kept rather than overwritten. Order matters for crashes: the old queue row goes first, then the
    /// task, then the new queue row, so a re-run of this write converges and never leaves a task listed twice.
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    public Task SaveAsync(TaskRecord task, CancellationToken cancellationToken = default) => SaveCoreAsync(task, null, cancellationToken);

    /// <summary>
    /// Writes a task that is created once and then moved by someone else (a commitment's verification, which officers
    /// close): if the task is stored already, in whatever state, nothing is replaced, so a re-run of the step that
    /// created it cannot reopen it. A run cut off between the task row and its queue row finishes the queue row.
    /// </summary>
    /// <param name="task">The task as created.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when this call created it (or finished creating it).</returns>
    public async Task<bool> CreateAsync(TaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var table = await tables.TableAsync(TableName);
        var record = JsonSerializer.Serialize(task, Json);
        ETag written;
        try
        {
            written = (await table.AddEntityAsync(TaskRow(task, record), cancellationToken)).Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Stored already. Only the very row this creates (nobody moved it since) still needs its queue row.
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(task.Department), TableKeys.Escape(task.TaskId), select: ["Record"], cancellationToken: cancellationToken);
            if (!stored.HasValue || stored.Value!.GetString("Record") != record)
            {
                return false;
            }

            written = stored.Value.ETag;
        }

        await ListAsync(table, await tables.TableAsync(QueueTableName), task, record, written, cancellationToken);
        return true;
    }

    /// <summary>
    /// Writes a task's new state only if the stored task still has <paramref name="expected"/> status, checked and
    /// written under one ETag: for writers outside the engine that must not undo a change made since they read the task
    /// (a deadline sweep marking an open task must not reopen one just answered).
    /// </summary>
    /// <param name="task">The task's new state.</param>
    /// <param name="expected">The status the stored task must still have.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when the task has another status now (or is gone), and nothing was written.</returns>
    public Task<bool> SaveIfStatusAsync(TaskRecord task, OfficerTaskStatus expected, CancellationToken cancellationToken = default) =>
        SaveCoreAsync(task, expected, cancellationToken);

    async Task<bool> SaveCoreAsync(TaskRecord task, OfficerTaskStatus? onlyIf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var table = await tables.TableAsync(TableName);
        var queue = await tables.TableAsync(QueueTableName);
        var partition = TableKeys.Escape(task.Department);
        var row = TableKeys.Escape(task.TaskId);
        var (queuePartition, queueRow) = QueueKeys(task);
        var record = JsonSerializer.Serialize(task, Json);
        ETag written;
        for (var attempt = 1; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row,
                select: ["QueuePartition", "QueueRow", "Status", "ClaimedBy", "PendingDecision", "Revision"], cancellationToken: cancellationToken);
            var old = existing.HasValue ? existing.Value : null;
            if (onlyIf is { } expected && old?.GetString("Status") != expected.ToString())
            {
                return false;
            }

            // A later step is stored: this write is a re-run of an older one (its message came back after a crash) and
            // changes nothing, not even the queue. Equal revisions write: the same step again completes what it began.
            if (old?.GetInt64("Revision") is { } stored && stored > task.Revision)
            {
                return false;
            }

            if (old?.GetString("QueuePartition") is { } oldPartition && old.GetString("QueueRow") is { } oldRow
                && (oldPartition != queuePartition || oldRow != queueRow))
            {
                await DeleteIfExistsAsync(queue, oldPartition, oldRow, cancellationToken);
            }

            var entity = TaskRow(task, record);
            var sameStatus = old?.GetString("Status") == task.Status.ToString();
            if (old is not null && task.Status != OfficerTaskStatus.Closed && NullIfEmpty(old.GetString("ClaimedBy")) is { } claim)
            {
                entity["ClaimedBy"] = claim;
            }

            if (old is not null && sameStatus && NullIfEmpty(old.GetString("PendingDecision")) is { } pending)
            {
                entity["PendingDecision"] = pending;
            }

            try
            {
                var response = old is null
                    ? await table.AddEntityAsync(entity, cancellationToken)
                    : await table.UpdateEntityAsync(entity, old.ETag, TableUpdateMode.Replace, cancellationToken);
                written = response.Headers.ETag ?? default;
                break;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxSaveAttempts)
            {
                // An officer claimed or marked the task between the read and the write: read it again.
            }
        }

        await ListAsync(table, queue, task, record, written, cancellationToken);
        return true;
    }

    // Writes the task's queue row, after its task row. A save of a later state that passed entirely between the two
    // (two runs of one step at once, a verification closed as it is created) removed the queue row before this one
    // wrote it, which would list the task under its old status for ever. So the task row is touched under the ETag this
    // save left on it: a later save's own write then fails on the ETag and it reads again and removes this queue row;
    // and if the touch fails, the task moved on, and this queue row goes unless the task still lists under it.
    static async Task ListAsync(TableClient table, TableClient queue, TaskRecord task, string record, ETag written, CancellationToken cancellationToken)
    {
        var (queuePartition, queueRow) = QueueKeys(task);
        await queue.UpsertEntityAsync(QueueRow(task, record), TableUpdateMode.Replace, cancellationToken);
        var partition = TableKeys.Escape(task.Department);
        var row = TableKeys.Escape(task.TaskId);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(partition, row) { ["Listed"] = true }, written, TableUpdateMode.Merge, cancellationToken);
            return;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Someone wrote the task since this save did.
        }

        var now = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, select: ["QueuePartition", "QueueRow"], cancellationToken: cancellationToken);
        if (!now.HasValue || now.Value!.GetString("QueuePartition") != queuePartition || now.Value.GetString("QueueRow") != queueRow)
        {
            await DeleteIfExistsAsync(queue, queuePartition, queueRow, cancellationToken);
        }
    }

    /// <summary>
    /// Writes many tasks at once: for seeding a store (benchmarks, demonstrations) and for migrations, never by the
    /// engine, whose activities call <see cref="SaveAsync"/> one task at a time. The rows are the ones
    /// <see cref="SaveAsync"/> writes, built by the same code, so an imported task is read and listed exactly like a
    /// saved one; they go as table transactions of up to <see cref="TransactionSize"/> rows of one partition, which
    /// is what makes a hundred thousand tasks a matter of minutes rather than hours.
    /// </summary>
    /// <remarks>
    /// Unlike <see cref="SaveAsync"/> nothing is read first, so a task already stored under another status or due
    /// time would keep its old queue row and be listed twice: import tasks that are not stored yet. Rows are
    /// replaced, not added, so an import run again after a failure converges. All task rows are written before any
    /// queue row, so a failure part-way leaves tasks that are not listed yet, never listed tasks without a row.
    /// </remarks>
    /// <param name="tasks">The tasks; each department's task ids must be distinct.</param>
    /// <param name="cancellationToken">Cancels the import; transactions already sent stay written.</param>
    /// <returns>A task that completes when every row is written.</returns>
    public async Task ImportAsync(IReadOnlyList<TaskRecord> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        // A transaction holding the same row twice is refused as a whole; say which task rather than let it fail part-way.
        if (tasks.GroupBy(t => (t.Department, t.TaskId)).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"Task {duplicate.Key.TaskId} of {duplicate.Key.Department} is given more than once.", nameof(tasks));
        }

        var rows = tasks.Select(t => (Task: t, Record: JsonSerializer.Serialize(t, Json))).ToList();
        await WriteTransactionsAsync(await tables.TableAsync(TableName), rows.Select(r => TaskRow(r.Task, r.Record)), cancellationToken);
        await WriteTransactionsAsync(await tables.TableAsync(QueueTableName), rows.Select(r => QueueRow(r.Task, r.Record)), cancellationToken);
    }

    /// <summary>One task of a department.</summary>
    /// <param name="department">The department.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The task, or null when that department has no such task.</returns>
    public async Task<TaskRecord?> GetAsync(string department, string taskId, CancellationToken cancellationToken = default) =>
        (await GetStoredAsync(department, taskId, cancellationToken))?.Task;

    /// <summary>One task of a department with its ETag and officer-side state.</summary>
    /// <param name="department">The department.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The task, or null when that department has no such task.</returns>
    public async Task<StoredTask?> GetStoredAsync(string department, string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(department);
        ArgumentNullException.ThrowIfNull(taskId);
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(department), TableKeys.Escape(taskId), cancellationToken: cancellationToken);
        return row.HasValue
            ? new StoredTask(Read(row.Value!), row.Value!.ETag, NullIfEmpty(row.Value.GetString("ClaimedBy")), NullIfEmpty(row.Value.GetString("PendingDecision")))
            : null;
    }

    /// <summary>
    /// Takes the applicant's answer to the supplement request the task awaits, once: the answer (the request's id and a
    /// fingerprint of what was supplied) is written on the task row under its ETag, so of two answers posted at once one
    /// is taken. The same answer again is <see cref="SupplementAnswer.Repeated"/> (a retry, delivered again: the item
    /// takes one answer per request); the engine's next write of the task (back to open) clears it.
    /// </summary>
    /// <param name="department">The task's department.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="requestId">The request the applicant answers.</param>
    /// <param name="fingerprint">What they supplied, e.g. a hash of the references.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the answer was taken, and if not, why.</returns>
    public async Task<SupplementAnswer> TakeSupplementAnswerAsync(string department, string taskId, string requestId, string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        ArgumentNullException.ThrowIfNull(fingerprint);
        var table = await tables.TableAsync(TableName);
        var answer = $"{requestId}|{fingerprint}";
        for (var attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(department), TableKeys.Escape(taskId),
                select: ["Status", "Record", SupplementAnswerColumn], cancellationToken: cancellationToken);
            if (!row.HasValue || row.Value!.GetString("Status") != nameof(OfficerTaskStatus.AwaitingApplicant))
            {
                return SupplementAnswer.NotAsked;
            }

            if (Read(row.Value).SupplementRequestId is { } open && open != requestId)
            {
                return SupplementAnswer.Stale;
            }

            if (NullIfEmpty(row.Value.GetString(SupplementAnswerColumn)) is { } taken)
            {
                return taken == answer ? SupplementAnswer.Repeated : SupplementAnswer.AlreadyAnswered;
            }

            try
            {
                await table.UpdateEntityAsync(new TableEntity(TableKeys.Escape(department), TableKeys.Escape(taskId)) { [SupplementAnswerColumn] = answer },
                    row.Value.ETag, TableUpdateMode.Merge, cancellationToken);
                return SupplementAnswer.Taken;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxSaveAttempts)
            {
                // Another answer, a claim or the engine moved the row since it was read: look again.
            }
        }
    }

    // The applicant's answer to the open supplement request (see TakeSupplementAnswerAsync).
    const string SupplementAnswerColumn = "SupplementAnswer";

    /// <summary>
    /// Changes the officer-side columns only if the row still has the ETag the officer read; this is what makes
    /// two officers clicking together decide once.
    /// </summary>
    /// <param name="department">The department.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="expected">The ETag the officer read.</param>
    /// <param name="claimedBy">The claim to set (null to release).</param>
    /// <param name="pendingDecision">The pending decision to set (null for none).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new ETag, or null when the row changed (or vanished) since it was read.</returns>
    public async Task<ETag?> TryUpdateOfficerStateAsync(
        string department, string taskId, ETag expected, string? claimedBy, string? pendingDecision, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        try
        {
            // Merge keeps the engine's columns; explicit nulls are not sent by the SDK, so empty strings clear.
            var response = await table.UpdateEntityAsync(new TableEntity(TableKeys.Escape(department), TableKeys.Escape(taskId))
            {
                ["ClaimedBy"] = claimedBy ?? string.Empty,
                ["PendingDecision"] = pendingDecision ?? string.Empty,
            }, expected, TableUpdateMode.Merge, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Notes that a decision is about to be marked on a task, in the <c>PendingDecisions</c> index the delivery sweep
    /// reads (one partition: decisions on their way are few). Written before the mark, so every mark has its note; a
    /// note whose mark never came or is gone is removed by the sweep.
    /// </summary>
    /// <param name="department">The task's department.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="decisionId">The decision's id.</param>
    /// <param name="at">When it was taken.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task NotePendingAsync(string department, string taskId, string decisionId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(PendingTableName);
        await table.UpsertEntityAsync(new TableEntity(PendingPartition, $"{TableKeys.Escape(department)}|{TableKeys.Escape(taskId)}")
        {
            ["Department"] = department,
            ["TaskId"] = taskId,
            ["DecisionId"] = decisionId,
            ["NotedAt"] = at,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Every note of a decision on its way (<see cref="NotePendingAsync"/>).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The notes.</returns>
    public async Task<IReadOnlyList<PendingNote>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(PendingTableName);
        var notes = new List<PendingNote>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PendingPartition}"), cancellationToken: cancellationToken))
        {
            notes.Add(new PendingNote(row.GetString("Department") ?? string.Empty, row.GetString("TaskId") ?? string.Empty, row.GetDateTimeOffset("NotedAt") ?? DateTimeOffset.MinValue, row.RowKey, row.ETag));
        }

        return notes;
    }

    /// <summary>Removes a note, unless it was written again since it was read.</summary>
    /// <param name="note">The note as read.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when removed (or found changed or gone).</returns>
    public async Task ForgetPendingAsync(PendingNote note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(note);
        try
        {
            await (await tables.TableAsync(PendingTableName)).DeleteEntityAsync(PendingPartition, note.RowKey, note.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone already, or a new decision was noted meanwhile: that one stays.
        }
    }

    /// <summary>A department's tasks, optionally of one status, soonest due first (every page).</summary>
    /// <param name="department">The department.</param>
    /// <param name="status">Only this status; null for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tasks.</returns>
    public async Task<IReadOnlyList<TaskRecord>> ListAsync(string department, OfficerTaskStatus? status = null, CancellationToken cancellationToken = default)
    {
        var statuses = status is { } s ? [s] : Enum.GetValues<OfficerTaskStatus>();
        var list = new List<TaskRecord>();
        foreach (var each in statuses)
        {
            string? continuation = null;
            do
            {
                var page = await ListPageAsync(department, each, null, null, MaxPageSize, continuation, cancellationToken: cancellationToken);
                list.AddRange(page.Tasks);
                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        return [.. list.OrderBy(t => t.DueAt)];
    }

    /// <summary>One page of a department's queue of one status, soonest due first.</summary>
    /// <param name="department">The department.</param>
    /// <param name="status">The status.</param>
    /// <param name="dueBefore">Only tasks due before this moment.</param>
    /// <param name="templateKey">Only tasks of this template.</param>
    /// <param name="pageSize">At most this many (1 to <see cref="MaxPageSize"/>).</param>
    /// <param name="continuation">The previous page's continuation, or null for the first page.</param>
    /// <param name="escalated">Only tasks escalated (true) or not escalated (false) at their current due time; null for both.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    public async Task<TaskPage> ListPageAsync(
        string department, OfficerTaskStatus status, DateTime? dueBefore, string? templateKey, int pageSize, string? continuation, bool? escalated = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(department);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var queue = await tables.TableAsync(QueueTableName);
        var partition = $"{TableKeys.Escape(department)}|{status}";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (dueBefore is { } before)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey lt {Ticks(before)}");
        }

        if (templateKey is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"TemplateKey eq {templateKey}");
        }

        if (escalated is { } flag)
        {
            // A column of the queue row, filtered within the one partition: a supervisor's "what was escalated" stays one range read.
            filter += " and " + TableClient.CreateQueryFilter($"Escalated eq {flag}");
        }

        // A server-side filter may return short or empty pages with a continuation; keep reading until the page is
        // full, asking each time only for what is still missing, so a page never holds more than was asked for.
        var tasks = new List<TaskRecord>();
        var token = continuation;
        do
        {
            var missing = pageSize - tasks.Count;
            await foreach (var page in queue.QueryAsync<TableEntity>(filter, maxPerPage: missing, select: ["Record"], cancellationToken: cancellationToken).AsPages(token, missing))
            {
                tasks.AddRange(page.Values.Select(Read));
                token = page.ContinuationToken;
                break;
            }
        }
        while (tasks.Count < pageSize && token is not null);

        return new TaskPage(tasks, token);
    }

    // The task row: the engine's columns, where its queue row is (so the next save can remove it), and the record.
    static TableEntity TaskRow(TaskRecord task, string record)
    {
        var (queuePartition, queueRow) = QueueKeys(task);
        return new TableEntity(TableKeys.Escape(task.Department), TableKeys.Escape(task.TaskId))
        {
            ["Status"] = task.Status.ToString(),
            ["DueAt"] = DateTime.SpecifyKind(task.DueAt, DateTimeKind.Utc),
            ["ApplicationId"] = task.ApplicationId,
            ["TemplateKey"] = task.TemplateKey,
            ["QueuePartition"] = queuePartition,
            ["QueueRow"] = queueRow,
            ["Revision"] = task.Revision,
            ["Record"] = record,
        };
    }

    // The queue row carries the record too, so a page of the list is one range read and no point reads.
    static TableEntity QueueRow(TaskRecord task, string record)
    {
        var (queuePartition, queueRow) = QueueKeys(task);
        return new TableEntity(queuePartition, queueRow)
        {
            ["TemplateKey"] = task.TemplateKey,
            ["ApplicationId"] = task.ApplicationId,
            ["Escalated"] = task.Escalated,
            ["Record"] = record,
        };
    }

    static async Task WriteTransactionsAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        // A transaction may hold only rows of one partition, at most TransactionSize of them. Different partitions'
        // transactions are independent, so a few go at once: enough to keep the service busy, not enough to be throttled.
        var transactions = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal)
            .SelectMany(p => p.Chunk(TransactionSize))
            .Select(chunk => chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList());
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = ImportConcurrency, CancellationToken = cancellationToken },
            async (actions, ct) => await table.SubmitTransactionAsync(actions, ct));
    }

    static (string Partition, string Row) QueueKeys(TaskRecord task) =>
        ($"{TableKeys.Escape(task.Department)}|{task.Status}", $"{Ticks(task.DueAt)}|{TableKeys.Escape(task.TaskId)}");

    static string Ticks(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc).Ticks.ToString("D19", CultureInfo.InvariantCulture);

    static async Task DeleteIfExistsAsync(TableClient table, string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone: a re-run after a crash.
        }
    }

    static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    static TaskRecord Read(TableEntity row) =>
        JsonSerializer.Deserialize<TaskRecord>(row.GetString("Record"), Json)
        ?? throw new InvalidOperationException($"Task row {row.RowKey} holds no record.");
}

/// <summary>What became of an applicant's answer to a supplement request (<see cref="TaskStore.TakeSupplementAnswerAsync"/>).</summary>
public enum SupplementAnswer
{
    /// <summary>Taken: it is the answer to the request.</summary>
    Taken,

    /// <summary>The same answer was taken before (a retry).</summary>
    Repeated,

    /// <summary>Another answer was taken for this request.</summary>
    AlreadyAnswered,

    /// <summary>The task awaits the answer to another request.</summary>
    Stale,

    /// <summary>The task awaits no answer.</summary>
    NotAsked,
}
