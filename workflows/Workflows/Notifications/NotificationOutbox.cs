using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Workflows.Storage;

namespace Workflows.Notifications;

/// <summary>Where a notification stands in the outbox.</summary>
public enum DeliveryStatus
{
    /// <summary>Recorded; not delivered yet.</summary>
    Pending,

    /// <summary>Delivered through its channel.</summary>
    Sent,

    /// <summary>Delivery gave up after its retries; kept for an administrator.</summary>
    Failed,
}

/// <summary>A notification as stored, with its delivery state.</summary>
/// <param name="Notification">The notification.</param>
/// <param name="Status">Its delivery state.</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="ReadAt">When its recipient marked it read; null while unread.</param>
/// <param name="RowKey">Its outbox row key (newest first), the position a page of notifications ends at.</param>
public sealed record StoredNotification(Notification Notification, DeliveryStatus Status, int Attempts, DateTime? ReadAt = null, string? RowKey = null);

/// <summary>
/// The right to deliver one pending notification until <see cref="NotificationOutbox"/>'s lease runs out: only its
/// holder sends, so two sweepers (two hosts) or a sweeper and a step run again never deliver the same notification
/// at the same time.
/// </summary>
/// <param name="Notification">The notification.</param>
/// <param name="Attempts">Delivery attempts before this one.</param>
/// <param name="SentBy">The channels that took it in an earlier delivery; they are not sent it again.</param>
public sealed record DeliveryClaim(Notification Notification, int Attempts, IReadOnlySet<string> SentBy);

/// <summary>
/// The one outbox for everything people must act on or would want to know. Partition = <c>{kind}|{recipient}</c>,
/// so "my notifications" is one partition read, newest first (row = inverted ticks, then id). Adding the same
/// notification again (a step run again after a crash) is a no-op. Written by the activities that already run at
/// each step, so notifying costs no extra activity.
/// </summary>
/// <remarks>
/// Every notification not settled yet (sent or given up) has a row in <see cref="PendingTableName"/>, written
/// before the outbox row: whatever dies between recording and delivering, the sweeper finds it. The index row also
/// carries the delivery lease (<c>LeaseUntil</c>, taken with the row's ETag), the attempts so far and the channels
/// that already took it.
/// </remarks>
/// <param name="tables">Our tables.</param>
/// <param name="time">The clock of the index and the leases; the system clock when null.</param>
public sealed class NotificationOutbox(StorageTables tables, TimeProvider? time = null)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Notifications";

    /// <summary>The index of notifications not delivered yet, where the sweeper looks.</summary>
    public const string PendingTableName = "NotificationsPending";

    /// <summary>One row per notification id holding the notification as first recorded (its time decides its keys).</summary>
    public const string IdsTableName = "NotificationIds";

    static readonly JsonSerializerOptions Json = StoredJson.Options();

    // A free lease and a "never tried" time: table storage keeps dates from 1601, so not DateTimeOffset.MinValue.
    static readonly DateTimeOffset Never = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// Records notifications unless already recorded, for the sweeper to deliver (at its next run): the caller
    /// (an HTTP request) does not wait for any channel.
    /// </summary>
    /// <param name="notifications">The notifications.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The ones recorded now (not there before).</returns>
    public async Task<IReadOnlyList<Notification>> AddAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var added = new List<Notification>();
        foreach (var n in notifications)
        {
            if ((await RecordAsync(n, lease: null, cancellationToken)).Added)
            {
                added.Add(n);
            }
        }

        return added;
    }

    /// <summary>
    /// Records a notification unless already recorded and, while it is still pending and nobody else is delivering
    /// it, leases its delivery to the caller for <paramref name="lease"/>.
    /// </summary>
    /// <param name="notification">The notification.</param>
    /// <param name="lease">How long the caller may take to deliver it; null to leave it to the sweeper.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>Whether it was recorded now, and the claim when the caller is to deliver it.</returns>
    public async Task<(bool Added, DeliveryClaim? Claim)> RecordAsync(Notification notification, TimeSpan? lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        notification = await FirstRecordAsync(notification, cancellationToken);
        var (partition, row) = PendingKeys(notification);
        var index = await tables.TableAsync(PendingTableName);
        bool indexed;
        try
        {
            // A notification left to the sweeper is tried at its next run; one the caller delivers now is leased to
            // it, and not the sweeper's before SweepMinAge besides.
            await index.AddEntityAsync(new TableEntity(partition, row)
            {
                ["Attempts"] = 0,
                ["TriedAt"] = lease is null ? Never : Now(),
                ["LeaseUntil"] = lease is { } l ? Now() + l : Never,
                ["SentBy"] = string.Empty,
                ["Record"] = JsonSerializer.Serialize(notification, Json),
            }, cancellationToken);
            indexed = true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Pending since an earlier run of the same step.
            indexed = false;
        }

        var table = await tables.TableAsync(TableName);
        bool added;
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition(notification.Kind, notification.Recipient), Row(notification))
            {
                ["Topic"] = notification.Topic,
                ["Status"] = nameof(DeliveryStatus.Pending),
                ["Attempts"] = 0,
                ["Record"] = JsonSerializer.Serialize(notification, Json),
            }, cancellationToken);
            added = true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            added = false;
        }

        if (!added && await GetAsync(notification, cancellationToken) is { Status: not DeliveryStatus.Pending })
        {
            // Settled by an earlier run, whose index row is gone: the one just written must not bring it back.
            if (indexed)
            {
                await DeleteIndexAsync(partition, row, cancellationToken);
            }

            return (false, null);
        }

        if (lease is not { } length)
        {
            return (added, null);
        }

        if (indexed)
        {
            return (added, new DeliveryClaim(notification, 0, new HashSet<string>(StringComparer.Ordinal)));
        }

        var found = await index.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return (added, found.HasValue && found.Value is { } entity ? await TryLeaseAsync(entity, length, cancellationToken) : null);
    }

    /// <summary>
    /// The notifications the sweeper may try, each leased to the caller for <paramref name="lease"/> only when the
    /// caller comes to it (so a long sweep holds no lease it is not using): still pending, last tried before
    /// <paramref name="triedBefore"/> and not leased to anyone. An outbox row missing (its writer died between the
    /// index and the outbox) is written from the index; one settled already loses its stale index row.
    /// </summary>
    /// <param name="triedBefore">Only those last tried before this time.</param>
    /// <param name="lease">How long the caller may take to deliver each.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The claims, for the caller to deliver one by one.</returns>
    public async IAsyncEnumerable<DeliveryClaim> ClaimPendingAsync(
        DateTimeOffset triedBefore, TimeSpan lease, int max = 100, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var pending in await ListPendingRowsAsync(triedBefore, max, cancellationToken))
        {
            var notification = ReadRecord(pending);
            var stored = await GetAsync(notification, cancellationToken);
            if (stored is { Status: not DeliveryStatus.Pending })
            {
                await DeleteIndexAsync(pending.PartitionKey, pending.RowKey, cancellationToken);
                continue;
            }

            if (await TryLeaseAsync(pending, lease, cancellationToken) is not { } claim)
            {
                continue;
            }

            if (stored is null)
            {
                await RecordAsync(notification, lease: null, cancellationToken);
            }

            yield return claim;
        }
    }

    /// <summary>A recipient's notifications, newest first.</summary>
    /// <param name="kind">The recipient's kind.</param>
    /// <param name="recipient">The applicant id or department code.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The notifications.</returns>
    public async Task<IReadOnlyList<StoredNotification>> ListAsync(RecipientKind kind, string recipient, int max = 100, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var list = new List<StoredNotification>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(kind, recipient)}"), maxPerPage: max, cancellationToken: cancellationToken))
        {
            list.Add(Read(row));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    /// <summary>
    /// A recipient's notifications after a row key (newest first), at most <paramref name="max"/>; with
    /// <paramref name="unreadOnly"/> those not marked read (the table cannot test for a missing column, so the read
    /// mark is filtered on the rows read).
    /// </summary>
    /// <param name="kind">The recipient's kind.</param>
    /// <param name="recipient">The applicant id or department code.</param>
    /// <param name="afterRow">The row key the previous page ended at; null from the newest.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="unreadOnly">Only those not marked read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The notifications, with their row keys.</returns>
    public async Task<IReadOnlyList<StoredNotification>> ListAfterAsync(
        RecipientKind kind, string recipient, string? afterRow, int max, bool unreadOnly, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(kind, recipient)}");
        if (afterRow is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {afterRow}");
        }

        var list = new List<StoredNotification>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, Math.Max(max, 10)), cancellationToken: cancellationToken))
        {
            if (unreadOnly && row.ContainsKey(ReadColumn))
            {
                continue;
            }

            list.Add(Read(row));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    /// <summary>
    /// Marks a notification read for its recipient, once: the first mark's time stays. Only a notification of one of
    /// <paramref name="recipients"/> is found; any other id is null, as if it did not exist.
    /// </summary>
    /// <param name="id">The notification's id.</param>
    /// <param name="recipients">The partitions the caller may read.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The notification as stored now, or null.</returns>
    public async Task<StoredNotification?> MarkReadAsync(string id, IReadOnlyCollection<(RecipientKind Kind, string Recipient)> recipients, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(recipients);
        var ids = await tables.TableAsync(IdsTableName);
        var first = await ids.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(id), string.Empty, cancellationToken: cancellationToken);
        if (!first.HasValue || first.Value is not { } pinned)
        {
            return null;
        }

        var notification = ReadRecord(pinned);
        if (!recipients.Contains((notification.Kind, notification.Recipient)))
        {
            return null;
        }

        var table = await tables.TableAsync(TableName);
        var (partition, rowKey) = (Partition(notification.Kind, notification.Recipient), Row(notification));
        while (true)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            if (!current.HasValue || current.Value is not { } row)
            {
                // Its id is pinned but its outbox row not written yet: nothing the recipient could have seen.
                return null;
            }

            if (row.ContainsKey(ReadColumn))
            {
                return Read(row);
            }

            try
            {
                // A merge under the row's ETag: the delivery's own merges keep the mark, and a second mark keeps the first time.
                var at = Now().UtcDateTime;
                await table.UpdateEntityAsync(new TableEntity(partition, rowKey) { [ReadColumn] = at }, row.ETag, TableUpdateMode.Merge, cancellationToken);
                return Read(row) with { ReadAt = at };
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed since read (a delivery, another mark): look again.
            }
        }
    }

    const string ReadColumn = "ReadAt";

    /// <summary>One notification as stored, or null when it was never recorded.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored notification.</returns>
    public async Task<StoredNotification?> GetAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(notification.Kind, notification.Recipient), Row(notification), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? Read(entity) : null;
    }

    /// <summary>
    /// Notifications not settled yet and last tried before <paramref name="triedBefore"/> (recorded for the sweeper
    /// counts as never tried), with their attempts so far. The index holds only what is not settled, so reading all of
    /// it is cheap.
    /// </summary>
    /// <param name="triedBefore">Only those last tried before this time.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pending notifications with their attempts so far.</returns>
    public async Task<IReadOnlyList<StoredNotification>> ListPendingAsync(DateTimeOffset triedBefore, int max = 100, CancellationToken cancellationToken = default) =>
        [.. (await ListPendingRowsAsync(triedBefore, max, cancellationToken)).Select(row => new StoredNotification(ReadRecord(row), DeliveryStatus.Pending, row.GetInt32("Attempts") ?? 0))];

    /// <summary>Records the outcome of a delivery and gives the lease back.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="status">Sent or failed for good, or still pending for the sweeper.</param>
    /// <param name="attempts">Attempts so far.</param>
    /// <param name="sentBy">The channels that took it so far (kept while it is pending, so they are not sent it again).</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task MarkAsync(Notification notification, DeliveryStatus status, int attempts, IReadOnlyCollection<string>? sentBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var table = await tables.TableAsync(TableName);
        var (partition, row) = PendingKeys(notification);
        // Under the row's ETag, and never out of Sent: a deliverer whose lease ran out and reports late must not
        // turn a notification another one sent back into Pending (the sweeper would send it again) or Failed.
        while (true)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(Partition(notification.Kind, notification.Recipient), Row(notification), cancellationToken: cancellationToken);
            if (current.HasValue && current.Value is { } entity && entity.GetString("Status") == nameof(DeliveryStatus.Sent))
            {
                await DeleteIndexAsync(partition, row, cancellationToken);
                return;
            }

            try
            {
                var update = new TableEntity(Partition(notification.Kind, notification.Recipient), Row(notification))
                {
                    ["Status"] = status.ToString(),
                    ["Attempts"] = attempts,
                };
                await table.UpdateEntityAsync(update, current.HasValue && current.Value is { } found ? found.ETag : ETag.All, TableUpdateMode.Merge, cancellationToken);
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed since read: look again.
            }
        }

        // The outbox row first: a crash before the index is updated leaves an index row the sweeper finds settled.
        if (status == DeliveryStatus.Pending)
        {
            await ReleaseAsync(notification, attempts, sentBy, cancellationToken);
        }
        else
        {
            await DeleteIndexAsync(partition, row, cancellationToken);
        }
    }

    /// <summary>Gives a delivery lease back without an attempt (the caller stopped trying), for the sweeper.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="attempts">Attempts so far.</param>
    /// <param name="sentBy">The channels that took it so far.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task ReleaseAsync(Notification notification, int attempts, IReadOnlyCollection<string>? sentBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var (partition, row) = PendingKeys(notification);
        var index = await tables.TableAsync(PendingTableName);
        await index.UpsertEntityAsync(new TableEntity(partition, row)
        {
            ["Attempts"] = attempts,
            ["TriedAt"] = Now(),
            ["LeaseUntil"] = Never,
            ["SentBy"] = string.Join(',', sentBy ?? []),
            ["Record"] = JsonSerializer.Serialize(notification, Json),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// The notification as first recorded under its id. The outbox and index keys hold its time (newest first, the
    /// day's backlog), and a re-run of an orchestration makes the same notification at another orchestration time:
    /// the id row, insert-only, pins the first time so the re-run finds the same rows instead of adding its own.
    /// </summary>
    async Task<Notification> FirstRecordAsync(Notification notification, CancellationToken cancellationToken)
    {
        var ids = await tables.TableAsync(IdsTableName);
        var key = TableKeys.Escape(notification.Id);
        try
        {
            await ids.AddEntityAsync(new TableEntity(key, string.Empty) { ["Record"] = JsonSerializer.Serialize(notification, Json) }, cancellationToken);
            return notification;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var first = await ids.GetEntityAsync<TableEntity>(key, string.Empty, cancellationToken: cancellationToken);
            return ReadRecord(first.Value);
        }
    }

    /// <summary>The partition of a recipient.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="recipient">The recipient.</param>
    /// <returns>The partition key.</returns>
    public static string Partition(RecipientKind kind, string recipient) => $"{kind}|{TableKeys.Escape(recipient)}";

    DateTimeOffset Now() => (time ?? TimeProvider.System).GetUtcNow();

    async Task<List<TableEntity>> ListPendingRowsAsync(DateTimeOffset triedBefore, int max, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(PendingTableName);
        var list = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TriedAt lt {triedBefore}"), maxPerPage: max, cancellationToken: cancellationToken))
        {
            list.Add(row);
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    // Takes the lease unless someone holds it; the ETag makes two claimants of the same row one winner.
    async Task<DeliveryClaim?> TryLeaseAsync(TableEntity pending, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (pending.GetDateTimeOffset("LeaseUntil") is { } held && held > Now())
        {
            return null;
        }

        var index = await tables.TableAsync(PendingTableName);
        try
        {
            await index.UpdateEntityAsync(new TableEntity(pending.PartitionKey, pending.RowKey) { ["LeaseUntil"] = Now() + lease }, pending.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Another sweeper or a re-run took it first, or it was settled meanwhile.
            return null;
        }

        var sentBy = (pending.GetString("SentBy") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new DeliveryClaim(ReadRecord(pending), pending.GetInt32("Attempts") ?? 0, new HashSet<string>(sentBy, StringComparer.Ordinal));
    }

    async Task DeleteIndexAsync(string partition, string row, CancellationToken cancellationToken)
    {
        var index = await tables.TableAsync(PendingTableName);
        try
        {
            await index.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted already (a re-run, or the other of two settling).
        }
    }

    /// <summary>
    /// The rows a notification leaves once delivered (its outbox row marked sent, its id row; the pending row is gone),
    /// for seeding a store as the engine would have left it.
    /// </summary>
    /// <param name="notification">The notification.</param>
    /// <returns>The outbox row and the id row.</returns>
    public static (TableEntity Outbox, TableEntity Id) SentRows(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var record = JsonSerializer.Serialize(notification, Json);
        return (
            new TableEntity(Partition(notification.Kind, notification.Recipient), Row(notification))
            {
                ["Topic"] = notification.Topic,
                ["Status"] = nameof(DeliveryStatus.Sent),
                ["Attempts"] = 1,
                ["Record"] = record,
            },
            new TableEntity(TableKeys.Escape(notification.Id), string.Empty) { ["Record"] = record });
    }

    // Partition by the day of the notification, so an old backlog is visible at a glance; the row names the outbox row.
    static (string Partition, string Row) PendingKeys(Notification n) =>
        (DateTime.SpecifyKind(n.At, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{Partition(n.Kind, n.Recipient)}|{Row(n)}");

    static string Row(Notification n) =>
        $"{(DateTime.MaxValue.Ticks - DateTime.SpecifyKind(n.At, DateTimeKind.Utc).Ticks).ToString("D19", CultureInfo.InvariantCulture)}|{TableKeys.Escape(n.Id)}";

    static Notification ReadRecord(TableEntity row) =>
        JsonSerializer.Deserialize<Notification>(row.GetString("Record"), Json) ?? throw new InvalidOperationException($"Notification row {row.RowKey} holds no record.");

    static StoredNotification Read(TableEntity row) => new(
        ReadRecord(row),
        Enum.Parse<DeliveryStatus>(row.GetString("Status") ?? nameof(DeliveryStatus.Pending)),
        row.GetInt32("Attempts") ?? 0,
        row.GetDateTimeOffset(ReadColumn)?.UtcDateTime,
        row.RowKey);
}
