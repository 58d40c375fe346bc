using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Workflows.Api;
using Workflows.Storage;

namespace Workflows.Licences;

/// <summary>An electronic licence or certificate held by a citizen or company.</summary>
/// <param name="HolderId">Who holds it.</param>
/// <param name="LicenceType">Its type, from the catalog.</param>
/// <param name="Number">Its number.</param>
/// <param name="Name">Its name.</param>
/// <param name="IssuedBy">The issuing department.</param>
/// <param name="ApplicationId">The application that issued it, if any.</param>
/// <param name="ItemKey">The item that issued it, if any.</param>
/// <param name="IssuedAt">When.</param>
/// <param name="BlobName">The stored certificate document.</param>
public sealed record LicenceRecord(
    string HolderId,
    string LicenceType,
    string Number,
    string Name,
    string IssuedBy,
    string? ApplicationId,
    string? ItemKey,
    DateTime IssuedAt,
    string BlobName);

/// <summary>How a licence stands in the registry.</summary>
public enum LicenceStatus
{
    /// <summary>Held: it satisfies materials and conditions.</summary>
    Held,

    /// <summary>Revoked (注销/吊销/撤销): an item ended it, or a failed verification took it back.</summary>
    Revoked,

    /// <summary>Superseded (换发): a certificate a later item issued replaced it.</summary>
    Superseded,
}

/// <summary>How a licence ended: kept on its row, which stays as history.</summary>
/// <param name="Status">Revoked or superseded.</param>
/// <param name="At">When (the ending item's approval time).</param>
/// <param name="ApplicationId">The application whose item ended it; null for a revocation recorded before ends named their item.</param>
/// <param name="ItemKey">That item.</param>
/// <param name="Reason">Why, in Chinese.</param>
/// <param name="ReasonEn">Why, in English; null when only the Chinese was recorded.</param>
/// <param name="SupersededByType">For a supersession: the licence type of the certificate that replaced it.</param>
/// <param name="SupersededByNumber">For a supersession: that certificate's number as the item computed it.</param>
public sealed record LicenceEnd(
    LicenceStatus Status,
    DateTime At,
    string? ApplicationId,
    string? ItemKey,
    string Reason,
    string? ReasonEn = null,
    string? SupersededByType = null,
    string? SupersededByNumber = null);

/// <summary>A licence and how it stands: held, or how it ended.</summary>
/// <param name="Licence">The licence.</param>
/// <param name="End">How it ended; null while it is held.</param>
public sealed record LicenceStanding(LicenceRecord Licence, LicenceEnd? End)
{
    /// <summary>Held, revoked or superseded.</summary>
    public LicenceStatus Status => End?.Status ?? LicenceStatus.Held;
}

/// <summary>What an item ends in one holder's licences when it is approved: the input of <see cref="LicenceRegistry.EndAsync"/>.</summary>
/// <param name="HolderId">The holder (the applicant).</param>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemKey">The item that ends them; the licences it issued itself are never ended by it.</param>
/// <param name="Revokes">Licence types revoked: every one of those types the holder holds.</param>
/// <param name="SupersededType">A licence type superseded: every one of that type the holder holds; null when none.</param>
/// <param name="SupersededByType">The type of the certificate that supersedes it.</param>
/// <param name="SupersededByNumber">That certificate's number.</param>
/// <param name="At">When (orchestration time).</param>
/// <param name="ItemName">The item's name, for the reason.</param>
/// <param name="ItemNameEn">The item's name in English, for the reason.</param>
public sealed record LicenceEnding(
    string HolderId,
    string ApplicationId,
    string ItemKey,
    IReadOnlyList<string> Revokes,
    string? SupersededType,
    string? SupersededByType,
    string? SupersededByNumber,
    DateTime At,
    string ItemName,
    string? ItemNameEn = null);

/// <summary>One licence an ending recorded.</summary>
/// <param name="LicenceType">Its type.</param>
/// <param name="Number">Its number.</param>
/// <param name="Status">Revoked or superseded.</param>
public sealed record EndedLicence(string LicenceType, string Number, LicenceStatus Status);

/// <summary>
/// The electronic licence registry: certificates as blobs, and a row per licence (partition = holder) that later
/// items and later applications read instead of asking for uploads (zero-material).
/// </summary>
public sealed class LicenceRegistry(StorageTables tables)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Licences";

    /// <summary>The certificates container's name.</summary>
    public const string ContainerName = "certificates";

    /// <summary>The table of certificate numbers the engine issued (partition = licence type, row = number): insert-only.</summary>
    public const string NumbersTableName = "CertificateNumbers";

    /// <summary>How many numbers after the first an issue tries before giving up (each a collision of 48-bit hashes).</summary>
    public const int MaxNumberAttempts = 16;

    static readonly JsonSerializerOptions Json = new(StoredJson.Options()) { WriteIndented = true };

    /// <summary>The blob path of a certificate: holder, licence type and number, each a checked segment, so none can leave its folder.</summary>
    /// <param name="holderId">The holder.</param>
    /// <param name="licenceType">The licence type.</param>
    /// <param name="number">The number.</param>
    /// <returns>The blob name.</returns>
    /// <exception cref="ArgumentException">A segment is not a safe id.</exception>
    public static string BlobNameFor(string holderId, string licenceType, string number) =>
        Identifiers.BlobPath(holderId, licenceType, number) + ".json";

    /// <summary>
    /// Stores a certificate and records it; issuing the same number again changes nothing. A number the engine issued
    /// (the licence names its application) is first claimed in an insert-only numbers table: if another application's
    /// certificate already holds it, the next number (<c>NUMBER-2</c>, <c>-3</c>, ...) is claimed instead, so two
    /// certificates of a type never share a number, and a re-run of the same issue finds its own claim and the same number.
    /// </summary>
    /// <param name="licence">The licence.</param>
    /// <param name="document">The certificate's content (what the holder downloads).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when this call recorded it; false when it was already recorded.</returns>
    /// <exception cref="ArgumentException">The blob name has a segment that is not a safe id (it could leave its folder).</exception>
    public async Task<bool> IssueAsync(LicenceRecord licence, object document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(licence);
        if (!licence.BlobName.Split('/').All(Identifiers.IsSafe))
        {
            throw new ArgumentException("The certificate's blob name has a segment that is not a safe id.", nameof(licence));
        }

        if (licence.ApplicationId is not null)
        {
            licence = await ClaimNumberAsync(licence, cancellationToken);
        }

        var container = await tables.ContainerAsync(ContainerName);
        var blob = container.GetBlobClient(licence.BlobName);
        // The blob first: a row never points at a missing document. Same name and content on a re-run.
        await blob.UploadAsync(
            BinaryData.FromString(JsonSerializer.Serialize(document, Json)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken);

        var table = await tables.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(new TableEntity(TableKeys.Escape(licence.HolderId), TableKeys.Escape($"{licence.LicenceType}|{licence.Number}"))
            {
                ["LicenceType"] = licence.LicenceType,
                ["Record"] = JsonSerializer.Serialize(licence, Json),
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    // The first of NUMBER, NUMBER-2, ... that is free or already this certificate's own. Deterministic, so a re-run
    // of the activity lands on the same number.
    async Task<LicenceRecord> ClaimNumberAsync(LicenceRecord licence, CancellationToken cancellationToken)
    {
        var numbers = await tables.TableAsync(NumbersTableName);
        var owner = $"{licence.HolderId}|{licence.ApplicationId}|{licence.ItemKey}";
        for (var attempt = 1; attempt <= MaxNumberAttempts; attempt++)
        {
            var number = attempt == 1 ? licence.Number : $"{licence.Number}-{attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            var claimed = licence with
            {
                Number = number,
                BlobName = attempt == 1 ? licence.BlobName : BlobNameFor(licence.HolderId, licence.LicenceType, number),
            };
            try
            {
                await numbers.AddEntityAsync(new TableEntity(TableKeys.Escape(licence.LicenceType), TableKeys.Escape(number)) { ["Owner"] = owner }, cancellationToken);
                return claimed;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                var row = await numbers.GetEntityAsync<TableEntity>(TableKeys.Escape(licence.LicenceType), TableKeys.Escape(number), cancellationToken: cancellationToken);
                if (row.Value.GetString("Owner") == owner)
                {
                    return claimed;
                }
            }
        }

        throw new InvalidOperationException($"No free certificate number after {MaxNumberAttempts} attempts for a {licence.LicenceType}.");
    }

    /// <summary>
    /// Revokes the licences one item of one application issued (its result revoked after a failed verification): their
    /// rows are marked, so <see cref="ListAsync"/> no longer counts them. Doing it again marks nothing new.
    /// </summary>
    /// <param name="holderId">The holder.</param>
    /// <param name="applicationId">The application that issued them.</param>
    /// <param name="itemKey">The item that issued them.</param>
    /// <param name="reason">Why.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The licence types revoked by this call.</returns>
    public async Task<IReadOnlyList<string>> RevokeAsync(string holderId, string applicationId, string itemKey, string reason, DateTime at, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var revoked = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(holderId)}"), cancellationToken: cancellationToken))
        {
            var licence = JsonSerializer.Deserialize<LicenceRecord>(row.GetString("Record"), Json)!;
            if (licence.ApplicationId != applicationId || licence.ItemKey != itemKey || EndOf(row) is not null)
            {
                continue;
            }

            // Merged under the row's ETag: a row changed meanwhile is left to a repeat of the call.
            await table.UpdateEntityAsync(new TableEntity(row.PartitionKey, row.RowKey) { [RevokedColumn] = DateTime.SpecifyKind(at, DateTimeKind.Utc), ["RevokedReason"] = reason },
                row.ETag, TableUpdateMode.Merge, cancellationToken);
            revoked.Add(licence.LicenceType);
        }

        return revoked;
    }

    const string RevokedColumn = "RevokedAt";

    /// <summary>
    /// Ends what an approved item ends in its holder's licences: every held licence of a revoked type is marked revoked,
    /// every held licence of the superseded type superseded, each with the item, the reason and the time, on its own row
    /// (kept as history). A licence already ended stays as it ended and one the item issued is never ended by it, so a
    /// repeat or a replay of the same ending writes nothing twice; each mark is made under the row's ETag.
    /// </summary>
    /// <param name="ending">What to end.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The licences this call ended (none when a previous call did).</returns>
    public async Task<IReadOnlyList<EndedLicence>> EndAsync(LicenceEnding ending, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ending);
        var table = await tables.TableAsync(TableName);
        var ended = new List<EndedLicence>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(ending.HolderId)}"), cancellationToken: cancellationToken))
        {
            var licence = JsonSerializer.Deserialize<LicenceRecord>(row.GetString("Record"), Json)!;
            var status = ending.Revokes.Contains(licence.LicenceType, StringComparer.Ordinal) ? LicenceStatus.Revoked
                : licence.LicenceType == ending.SupersededType ? LicenceStatus.Superseded
                : LicenceStatus.Held;
            var own = licence.ApplicationId == ending.ApplicationId && licence.ItemKey == ending.ItemKey;
            if (status == LicenceStatus.Held || own || EndOf(row) is not null)
            {
                continue;
            }

            var by = NamesOf(ending.SupersededByType ?? licence.LicenceType);
            var (zh, en) = status == LicenceStatus.Revoked
                ? ($"已由申请 {ending.ApplicationId} 的事项“{ending.ItemName}”注销。", $"Revoked by item '{ending.ItemNameEn ?? ending.ItemName}' of application {ending.ApplicationId}.")
                : ($"已由申请 {ending.ApplicationId} 的事项“{ending.ItemName}”换发的{by.Zh}（{ending.SupersededByNumber}）替代。",
                    $"Superseded by {by.En} {ending.SupersededByNumber}, issued by item '{ending.ItemNameEn ?? ending.ItemName}' of application {ending.ApplicationId}.");
            var mark = new TableEntity(row.PartitionKey, row.RowKey)
            {
                [EndedAtColumn] = DateTime.SpecifyKind(ending.At, DateTimeKind.Utc),
                ["EndedAs"] = status.ToString(),
                ["EndedByApplication"] = ending.ApplicationId,
                ["EndedByItem"] = ending.ItemKey,
                ["EndedReason"] = zh,
                ["EndedReasonEn"] = en,
            };
            if (status == LicenceStatus.Superseded)
            {
                mark["SupersededByType"] = ending.SupersededByType;
                mark["SupersededByNumber"] = ending.SupersededByNumber;
            }

            try
            {
                await table.UpdateEntityAsync(mark, row.ETag, TableUpdateMode.Merge, cancellationToken);
                ended.Add(new EndedLicence(licence.LicenceType, licence.Number, status));
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed since it was read: another run of the same ending (or another ending) marked it first; the
                // first mark stands. Anything else that changed it leaves it held, and a repeat of the call ends it.
                var now = await table.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken);
                if (EndOf(now.Value) is null)
                {
                    throw;
                }
            }
        }

        return ended;
    }

    const string EndedAtColumn = "EndedAt";

    // A licence type's names for the reason a person reads; the code where the catalog has none.
    static (string Zh, string En) NamesOf(string type) => Templates.BuiltInTemplates.Catalog.FindLicenceType(type) is { } known
        ? (known.Name, known.NameEn ?? known.Name)
        : (type, type);

    /// <summary>How a registry row's licence ended: an item's ending, or a revocation after a failed verification; null while held.</summary>
    /// <param name="row">The licence's row.</param>
    /// <returns>The end, or null.</returns>
    public static LicenceEnd? EndOf(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.GetDateTimeOffset(EndedAtColumn) is { } at)
        {
            return new LicenceEnd(
                Enum.TryParse<LicenceStatus>(row.GetString("EndedAs"), out var status) ? status : LicenceStatus.Revoked,
                at.UtcDateTime,
                row.GetString("EndedByApplication"),
                row.GetString("EndedByItem"),
                row.GetString("EndedReason") ?? string.Empty,
                row.GetString("EndedReasonEn"),
                row.GetString("SupersededByType"),
                row.GetString("SupersededByNumber"));
        }

        // Revoked after a failed verification of a commitment (ADR 0012): the licence's own item's result was taken back.
        return row.GetDateTimeOffset(RevokedColumn) is { } revokedAt
            ? new LicenceEnd(LicenceStatus.Revoked, revokedAt.UtcDateTime, null, null, row.GetString("RevokedReason") ?? string.Empty)
            : null;
    }

    /// <summary>Every licence a holder has had, held or ended, with how it stands: the registry's history.</summary>
    /// <param name="holderId">The holder.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The licences with their standing.</returns>
    public async Task<IReadOnlyList<LicenceStanding>> HistoryAsync(string holderId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var list = new List<LicenceStanding>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(holderId)}"), cancellationToken: cancellationToken))
        {
            list.Add(new LicenceStanding(JsonSerializer.Deserialize<LicenceRecord>(row.GetString("Record"), Json)!, EndOf(row)));
        }

        return list;
    }

    /// <summary>Every licence a holder holds now: a revoked or superseded one is left out.</summary>
    /// <param name="holderId">The holder.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The licences.</returns>
    public async Task<IReadOnlyList<LicenceRecord>> ListAsync(string holderId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var list = new List<LicenceRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(holderId)}"), cancellationToken: cancellationToken))
        {
            // A revoked or superseded licence is no longer held: it satisfies no material and no condition.
            if (EndOf(row) is null)
            {
                list.Add(JsonSerializer.Deserialize<LicenceRecord>(row.GetString("Record"), Json)!);
            }
        }

        return list;
    }

    /// <summary>The certificate document of a licence.</summary>
    /// <param name="licence">The licence.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The document's text.</returns>
    public async Task<string> ReadDocumentAsync(LicenceRecord licence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(licence);
        var container = await tables.ContainerAsync(ContainerName);
        var content = await container.GetBlobClient(licence.BlobName).DownloadContentAsync(cancellationToken);
        return Encoding.UTF8.GetString(content.Value.Content.ToArray());
    }
}

/// <summary>How a licence ended, as its holder reads it.</summary>
/// <param name="At">When.</param>
/// <param name="ApplicationId">The application whose item ended it; null for a revocation after a failed verification.</param>
/// <param name="ItemKey">That item.</param>
/// <param name="Reason">Why, in the request's language.</param>
/// <param name="SupersededByType">For a supersession: the licence type that replaced it.</param>
/// <param name="SupersededByNumber">For a supersession: the number of the certificate that replaced it.</param>
public sealed record LicenceEndView(DateTime At, string? ApplicationId, string? ItemKey, string Reason, string? SupersededByType = null, string? SupersededByNumber = null);

/// <summary>A licence in its holder's list: the licence, how it stands, and how it ended.</summary>
/// <param name="HolderId">Who holds it.</param>
/// <param name="LicenceType">Its type, from the catalog.</param>
/// <param name="Number">Its number.</param>
/// <param name="Name">Its name.</param>
/// <param name="IssuedBy">The issuing department.</param>
/// <param name="ApplicationId">The application that issued it, if any.</param>
/// <param name="ItemKey">The item that issued it, if any.</param>
/// <param name="IssuedAt">When.</param>
/// <param name="BlobName">The stored certificate document.</param>
/// <param name="Status">Held, revoked or superseded.</param>
/// <param name="StatusName">The status in the request's language (有效 / 已注销 / 已被替代).</param>
/// <param name="Ended">How it ended; absent while it is held.</param>
public sealed record LicenceView(
    string HolderId,
    string LicenceType,
    string Number,
    string Name,
    string IssuedBy,
    string? ApplicationId,
    string? ItemKey,
    DateTime IssuedAt,
    string BlobName,
    LicenceStatus Status,
    string StatusName,
    LicenceEndView? Ended)
{
    /// <summary>The view of a licence's standing, in the request's language.</summary>
    /// <param name="standing">The licence and its end.</param>
    /// <returns>The view.</returns>
    public static LicenceView Of(LicenceStanding standing)
    {
        ArgumentNullException.ThrowIfNull(standing);
        var l = standing.Licence;
        var end = standing.End is { } e
            ? new LicenceEndView(e.At, e.ApplicationId, e.ItemKey, Api.ApiLanguage.Pick(e.Reason, e.ReasonEn), e.SupersededByType, e.SupersededByNumber)
            : null;
        return new LicenceView(l.HolderId, l.LicenceType, l.Number, l.Name, l.IssuedBy, l.ApplicationId, l.ItemKey, l.IssuedAt, l.BlobName,
            standing.Status, NameOf(standing.Status), end);
    }

    /// <summary>A status's name in the request's language.</summary>
    /// <param name="status">The status.</param>
    /// <returns>有效 / 已注销 / 已被替代, or Held / Revoked / Superseded in English.</returns>
    public static string NameOf(LicenceStatus status) => status switch
    {
        LicenceStatus.Revoked => Api.ApiLanguage.Pick("已注销", "Revoked"),
        LicenceStatus.Superseded => Api.ApiLanguage.Pick("已被替代", "Superseded"),
        _ => Api.ApiLanguage.Pick("有效", "Held"),
    };
}
