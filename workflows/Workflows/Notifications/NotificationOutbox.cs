using System.Globalization;
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
public sealed record StoredNotification(Notification Notification, DeliveryStatus Status, int Attempts);

/// <summary>
/// The one outbox for everything people must act on or would want to know. Partition = <c>{kind}|{recipient}</c>,
/// so "my notifications" is one partition read, newest first (row = inverted ticks, then id). Adding the same
/// notification again (a step run again after a crash) is a no-op. Written by the activities that already run at
/// each step, so notifying costs no extra activity.
/// </summary>
/// <param name="tables">Our tables.</param>
/// <param name="time">The clock of the pending index; the system clock when null.</param>
public sealed class NotificationOutbox(StorageTables tables, TimeProvider? time = null)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Notifications";

    /// <summary>The index of notifications whose delivery failed and waits for the sweeper.</summary>
    public const string PendingTableName = "NotificationsPending";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records notifications unless already recorded.</summary>
    /// <param name="notifications">The notifications.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The ones recorded now (not there before).</returns>
    public async Task<IReadOnlyList<Notification>> AddAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var added = new List<Notification>();
        if (notifications.Count == 0)
        {
            return added;
        }

        var table = await tables.TableAsync(TableName);
        foreach (var n in notifications)
        {
            try
            {
                await table.AddEntityAsync(new TableEntity(Partition(n.Kind, n.Recipient), Row(n))
                {
                    ["Topic"] = n.Topic,
                    ["Status"] = nameof(DeliveryStatus.Pending),
                    ["Attempts"] = 0,
                    ["Record"] = JsonSerializer.Serialize(n, Json),
                }, cancellationToken);
                added.Add(n);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Recorded by an earlier run of the same step.
            }
        }

        return added;
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
    /// Notifications left pending by a failed delivery and last tried before <paramref name="triedBefore"/>, oldest
    /// partition first. The index holds only failures, so reading all of it is cheap.
    /// </summary>
    /// <param name="triedBefore">Only those last tried before this time.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pending notifications with their attempts so far.</returns>
    public async Task<IReadOnlyList<StoredNotification>> ListPendingAsync(DateTimeOffset triedBefore, int max = 100, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(PendingTableName);
        var list = new List<StoredNotification>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TriedAt lt {triedBefore}"), maxPerPage: max, cancellationToken: cancellationToken))
        {
            list.Add(Read(row));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    /// <summary>Records the outcome of a delivery attempt.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="status">Sent or failed (or still pending, to retry later).</param>
    /// <param name="attempts">Attempts so far.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task MarkAsync(Notification notification, DeliveryStatus status, int attempts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var table = await tables.TableAsync(TableName);
        await table.UpdateEntityAsync(new TableEntity(Partition(notification.Kind, notification.Recipient), Row(notification))
        {
            ["Status"] = status.ToString(),
            ["Attempts"] = attempts,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);

        // The pending index: written when a delivery leaves the row pending, removed once it is settled. A row
        // delivered at the first try was never indexed (attempts 1), so only retried ones pay for the delete.
        var index = await tables.TableAsync(PendingTableName);
        var key = PendingKeys(notification);
        if (status == DeliveryStatus.Pending)
        {
            await index.UpsertEntityAsync(new TableEntity(key.Partition, key.Row)
            {
                ["Status"] = nameof(DeliveryStatus.Pending),
                ["Attempts"] = attempts,
                ["TriedAt"] = (time ?? TimeProvider.System).GetUtcNow(),
                ["Record"] = JsonSerializer.Serialize(notification, Json),
            }, TableUpdateMode.Replace, cancellationToken);
        }
        else if (attempts > 1)
        {
            try
            {
                await index.DeleteEntityAsync(key.Partition, key.Row, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Retried within its first delivery and never indexed.
            }
        }
    }

    /// <summary>The partition of a recipient.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="recipient">The recipient.</param>
    /// <returns>The partition key.</returns>
    public static string Partition(RecipientKind kind, string recipient) => $"{kind}|{TableKeys.Escape(recipient)}";

    // Partition by the day of the notification, so an old backlog is visible at a glance; the row names the outbox row.
    static (string Partition, string Row) PendingKeys(Notification n) =>
        (DateTime.SpecifyKind(n.At, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{Partition(n.Kind, n.Recipient)}|{Row(n)}");

    static string Row(Notification n) =>
        $"{(DateTime.MaxValue.Ticks - DateTime.SpecifyKind(n.At, DateTimeKind.Utc).Ticks).ToString("D19", CultureInfo.InvariantCulture)}|{TableKeys.Escape(n.Id)}";

    static StoredNotification Read(TableEntity row) => new(
        JsonSerializer.Deserialize<Notification>(row.GetString("Record"), Json) ?? throw new InvalidOperationException($"Notification row {row.RowKey} holds no record."),
        Enum.Parse<DeliveryStatus>(row.GetString("Status") ?? nameof(DeliveryStatus.Pending)),
        row.GetInt32("Attempts") ?? 0);
}
