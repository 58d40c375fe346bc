using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Specialized;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Materials;

/// <summary>A material file an applicant uploaded, checked and stored.</summary>
/// <param name="Reference">The blob name; what a submission cites.</param>
/// <param name="ApplicantId">Whose it is; nobody else can cite it.</param>
/// <param name="MaterialKey">Which material it is for.</param>
/// <param name="ContentType">Its media type, checked against the file's first bytes.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="UploadedAt">When.</param>
public sealed record UploadedMaterial(string Reference, string ApplicantId, string MaterialKey, string ContentType, long Size, string Sha256, DateTime UploadedAt);

/// <summary>Why an upload was refused.</summary>
/// <param name="Field">The request part at fault: contentType, content or sha256.</param>
/// <param name="Code">A stable code.</param>
/// <param name="Message">What is wrong, in English (logs and tests read it).</param>
/// <param name="MessageZh">What is wrong, in Chinese; the API answers one of the two by the request's language.</param>
public sealed record UploadProblem(string Field, string Code, string Message, string MessageZh);

/// <summary>
/// Stores uploaded materials: streamed to a blob while counting and hashing, so an oversized file is cut off
/// without being held in memory; refused (and the partial blob deleted) when it is too large, of a type the
/// material does not accept, not what its first bytes say it is, or not matching the hash the client sent.
/// Accepted uploads get a row (partition = applicant) that submissions check their references against.
/// </summary>
public sealed class MaterialUploads(StorageTables tables, TimeProvider time)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Uploads";

    /// <summary>The container's name.</summary>
    public const string ContainerName = "uploads";

    const int ChunkSize = 81920;
    static readonly JsonSerializerOptions Json = StoredJson.Options();

    /// <summary>Checks and stores one upload.</summary>
    /// <param name="applicantId">Who uploads.</param>
    /// <param name="material">The material's definition in the template.</param>
    /// <param name="contentType">The declared media type.</param>
    /// <param name="content">The file.</param>
    /// <param name="expectedSha256">The hash the client computed, if it sent one.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The stored upload, or the reason it was refused.</returns>
    public async Task<(UploadedMaterial? Upload, UploadProblem? Problem)> UploadAsync(
        string applicantId, MaterialDefinition material, string contentType, Stream content, string? expectedSha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(material);
        ArgumentNullException.ThrowIfNull(content);
        if (material.Upload is not { } rule)
        {
            return (null, new UploadProblem("material", "upload.notAllowed", $"{NameEn(material)} cannot be uploaded; it comes from a licence, an earlier item or a commitment.",
                $"{material.Name}不能上传；它来自证照、之前的事项或承诺。"));
        }

        var type = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        if (!rule.ContentTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            return (null, new UploadProblem("contentType", "upload.contentType", $"{NameEn(material)} must be one of {string.Join(", ", rule.ContentTypes)}, not '{type}'.",
                $"{material.Name}须为 {string.Join("、", rule.ContentTypes)} 之一，而不是“{type}”。"));
        }

        var reference = $"{TableKeys.Escape(applicantId)}/{material.Key}/{Guid.NewGuid():N}";
        var container = await tables.ContainerAsync(ContainerName);
        var blob = container.GetBlockBlobClient(reference);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var head = new byte[8];
        var headLength = 0;
        var tooLarge = false;
        await using (var writer = await blob.OpenWriteAsync(overwrite: true, cancellationToken: cancellationToken))
        {
            var buffer = new byte[ChunkSize];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                size += read;
                if (size > rule.MaxBytes)
                {
                    tooLarge = true;
                    break;
                }

                if (headLength < head.Length)
                {
                    var take = Math.Min(head.Length - headLength, read);
                    Array.Copy(buffer, 0, head, headLength, take);
                    headLength += take;
                }

                hash.AppendData(buffer, 0, read);
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        var problem = tooLarge
            ? new UploadProblem("content", "upload.tooLarge", $"{NameEn(material)} may be at most {rule.MaxBytes} bytes.", $"{material.Name}最大 {rule.MaxBytes} 字节。")
            : size == 0
                ? new UploadProblem("content", "upload.empty", $"The file for {NameEn(material)} is empty.", $"{material.Name}的文件为空。")
                : !LooksLike(type, head.AsSpan(0, headLength))
                    ? new UploadProblem("content", "upload.contentMismatch", $"The file is not a {type} file, whatever its name says.", $"无论文件名如何，该文件都不是 {type} 文件。")
                    : expectedSha256 is not null && !string.Equals(expectedSha256, sha, StringComparison.OrdinalIgnoreCase)
                        ? new UploadProblem("sha256", "upload.hashMismatch", "The file's SHA-256 differs from the one sent; it was damaged on the way. Upload it again.",
                            "文件的 SHA-256 与所发送的不同，传输中已损坏；请重新上传。")
                        : null;
        if (problem is not null)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
            return (null, problem);
        }

        var upload = new UploadedMaterial(reference, applicantId, material.Key, type, size, sha, time.GetUtcNow().UtcDateTime);
        var table = await tables.TableAsync(TableName);
        await table.AddEntityAsync(new TableEntity(TableKeys.Escape(applicantId), TableKeys.Escape(reference))
        {
            ["MaterialKey"] = material.Key,
            ["Record"] = JsonSerializer.Serialize(upload, Json),
        }, cancellationToken);
        return (upload, null);
    }

    /// <summary>An applicant's upload by reference; null when it does not exist or is someone else's.</summary>
    /// <param name="applicantId">The applicant.</param>
    /// <param name="reference">The reference.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The upload, or null.</returns>
    public async Task<UploadedMaterial?> GetAsync(string applicantId, string reference, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(applicantId), TableKeys.Escape(reference), cancellationToken: cancellationToken);
        return row.HasValue ? JsonSerializer.Deserialize<UploadedMaterial>(row.Value!.GetString("Record"), Json) : null;
    }

    // The first bytes of the formats materials are usually given in; other types are taken at their word.
    // A material's English name where the template has one (ADR 0016), else its name.
    static string NameEn(MaterialDefinition material) => material.NameEn ?? material.Name;

    static bool LooksLike(string type, ReadOnlySpan<byte> head) => type switch
    {
        "application/pdf" => head.StartsWith("%PDF"u8),
        "image/jpeg" => head.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }),
        "image/png" => head.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }),
        _ => true,
    };
}
