using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Licences;

/// <summary>What a verification code proves about a certificate, and nothing else (never who holds it).</summary>
/// <param name="Status"><c>valid</c>; <c>revoked</c> when the certificate was withdrawn or an item revoked it (a deregistration);
/// <c>superseded</c> when a newer certificate replaced it.</param>
/// <param name="LicenceType">The licence type's code.</param>
/// <param name="LicenceTypeName">The licence type's name.</param>
/// <param name="LicenceName">The certificate's name.</param>
/// <param name="Number">The certificate's number.</param>
/// <param name="IssuedBy">The issuing department's code.</param>
/// <param name="IssuerName">The issuing department's name.</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="StatusName">The status in the request's language (有效 / 已注销 / 已被替代).</param>
/// <param name="EndedAt">When it was revoked or superseded; absent while valid.</param>
public sealed record CertificateVerification(
    string Status, string LicenceType, string LicenceTypeName, string LicenceName, string Number, string IssuedBy, string IssuerName, DateTime IssuedAt,
    string? StatusName = null, DateTime? EndedAt = null);

/// <summary>
/// Verification codes of certificates: random (80 bits, so none can be guessed), given to a certificate the first time
/// it is rendered and the same ever after. One table, two kinds of row, both insert-only: <c>licence</c> rows (row =
/// holder|type|number) name the code, <c>code</c> rows (row = code) name the licence. A render that races another keeps
/// whichever code was recorded first; a code row the loser wrote points at the same licence, so it proves the same.
/// </summary>
public sealed class CertificateCodes(StorageTables tables)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "CertificateCodes";

    const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const int CodeLength = 16;

    /// <summary>The certificate's code, made and recorded the first time.</summary>
    /// <param name="licence">The licence.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The code.</returns>
    public async Task<string> CodeForAsync(LicenceRecord licence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(licence);
        var table = await tables.TableAsync(TableName);
        var licenceKey = TableKeys.Escape($"{licence.HolderId}|{licence.LicenceType}|{licence.Number}");
        var existing = await table.GetEntityIfExistsAsync<TableEntity>("licence", licenceKey, cancellationToken: cancellationToken);
        if (existing.HasValue)
        {
            return existing.Value!.GetString("Code");
        }

        var code = NewCode();
        // The code row first: a licence row never names a code that leads nowhere.
        await table.AddEntityAsync(new TableEntity("code", code)
        {
            ["HolderId"] = licence.HolderId,
            ["LicenceType"] = licence.LicenceType,
            ["Number"] = licence.Number,
        }, cancellationToken);
        try
        {
            await table.AddEntityAsync(new TableEntity("licence", licenceKey) { ["Code"] = code }, cancellationToken);
            return code;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return (await table.GetEntityAsync<TableEntity>("licence", licenceKey, cancellationToken: cancellationToken)).Value.GetString("Code");
        }
    }

    /// <summary>What a code proves: the certificate it was given to, valid or revoked; null for a code never given.</summary>
    /// <param name="code">The code as typed (case and spaces do not matter).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The verification, or null.</returns>
    public async Task<CertificateVerification?> VerifyAsync(string code, CancellationToken cancellationToken = default)
    {
        var normalised = new string([.. (code ?? string.Empty).Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant)]);
        if (normalised.Length != CodeLength || normalised.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            return null;
        }

        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>("code", normalised, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var holder = row.Value!.GetString("HolderId");
        var type = row.Value.GetString("LicenceType");
        var number = row.Value.GetString("Number");
        var licences = await tables.TableAsync(LicenceRegistry.TableName);
        var licenceRow = await licences.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(holder), TableKeys.Escape($"{type}|{number}"), cancellationToken: cancellationToken);
        if (!licenceRow.HasValue)
        {
            return null;
        }

        var licence = System.Text.Json.JsonSerializer.Deserialize<LicenceRecord>(licenceRow.Value!.GetString("Record"), StoredJson.Options())!;
        var end = LicenceRegistry.EndOf(licenceRow.Value);
        var catalog = BuiltInTemplates.Catalog;
        return new CertificateVerification(
            end?.Status switch { LicenceStatus.Superseded => "superseded", LicenceStatus.Revoked => "revoked", _ => "valid" },
            licence.LicenceType,
            catalog.FindLicenceType(licence.LicenceType)?.Name ?? licence.LicenceType,
            licence.Name,
            licence.Number,
            licence.IssuedBy,
            catalog.Departments.FirstOrDefault(d => d.Code == licence.IssuedBy)?.Name ?? licence.IssuedBy,
            licence.IssuedAt,
            LicenceView.NameOf(end?.Status ?? LicenceStatus.Held),
            end?.At);
    }

    /// <summary>The public check of a code (no sign-in): 200 with what it proves, or 404 for a code never given.</summary>
    /// <param name="code">The code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response.</returns>
    public async Task<IResult> CheckAsync(string code, CancellationToken cancellationToken) =>
        await VerifyAsync(code, cancellationToken) is { } verification ? Results.Ok(verification) : ApiProblems.NotFound("certificate");

    static string NewCode() => string.Create(CodeLength, 0, static (span, _) =>
    {
        Span<byte> random = stackalloc byte[CodeLength];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < span.Length; i++)
        {
            // 32 letters and digits without 0/O and 1/I: 5 bits each, 80 bits in all.
            span[i] = Alphabet[random[i] & 31];
        }
    });
}
