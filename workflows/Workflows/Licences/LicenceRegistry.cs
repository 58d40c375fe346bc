using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
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

    static readonly JsonSerializerOptions Json = new(StoredJson.Options()) { WriteIndented = true };

    /// <summary>Stores a certificate and records it; issuing the same number again changes nothing.</summary>
    /// <param name="licence">The licence.</param>
    /// <param name="document">The certificate's content (what the holder downloads).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when this call recorded it; false when it was already recorded.</returns>
    public async Task<bool> IssueAsync(LicenceRecord licence, object document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(licence);
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
            list.Add(JsonSerializer.Deserialize<LicenceRecord>(row.GetString("Record"), Json)!);
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
