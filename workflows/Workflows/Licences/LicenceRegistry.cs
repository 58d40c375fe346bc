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
            if (licence.ApplicationId != applicationId || licence.ItemKey != itemKey || row.ContainsKey(RevokedColumn))
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

    /// <summary>Every licence a holder has.</summary>
    /// <param name="holderId">The holder.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The licences.</returns>
    public async Task<IReadOnlyList<LicenceRecord>> ListAsync(string holderId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var list = new List<LicenceRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(holderId)}"), cancellationToken: cancellationToken))
        {
            // A revoked licence is no longer held: it satisfies no material and is not shown as the holder's.
            if (!row.ContainsKey(RevokedColumn))
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
