using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Workflows.Applications;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Assisted;

/// <summary>
/// What a helper filed for an applicant and asks them to confirm (帮办代办): the consent request. Kept insert-only;
/// <see cref="Sha256"/> is the digest of everything else in it, so a row changed after filing no longer matches and
/// the applicant confirms exactly what they were shown.
/// </summary>
/// <param name="ConsentId">Its id, <c>con-</c> and 32 hex digits.</param>
/// <param name="ApplicantId">Whose consent is asked; the request is kept under this id.</param>
/// <param name="ApplicantKind">citizen or company.</param>
/// <param name="HelperId">The member of staff who filed it.</param>
/// <param name="HelperName">Their name, from their token.</param>
/// <param name="Hall">Their department (the service hall), from their token.</param>
/// <param name="FiledAt">When it was filed.</param>
/// <param name="ExpiresAt">Unconfirmed after this, it can no longer be confirmed.</param>
/// <param name="TemplateKey">The bundle.</param>
/// <param name="Answers">The form's answers as the helper entered them.</param>
/// <param name="Materials">The materials offered.</param>
/// <param name="Sha256">The digest of all the above (<see cref="ConsentStore.Digest"/>).</param>
public sealed record ConsentRequest(
    string ConsentId, string ApplicantId, ApplicantKind ApplicantKind, string HelperId, string HelperName, string Hall,
    DateTime FiledAt, DateTime ExpiresAt, string TemplateKey, IReadOnlyDictionary<string, JsonElement> Answers,
    IReadOnlyList<MaterialProvision> Materials, string Sha256);

/// <summary>How an applicant answered a consent request.</summary>
public enum ConsentDecisionKind
{
    /// <summary>They confirmed it: the application was filed under their own identity.</summary>
    Confirmed,

    /// <summary>They refused it: nothing is filed.</summary>
    Refused,
}

/// <summary>The applicant's answer to a consent request, kept insert-only beside it: the first answer is the answer.</summary>
/// <param name="ConsentId">The request.</param>
/// <param name="Kind">Confirmed or refused.</param>
/// <param name="At">When.</param>
/// <param name="ApplicantName">The name on the token they answered with.</param>
/// <param name="Sha256">The digest of the request they answered.</param>
/// <param name="ApplicationId">For a confirmation: the application it files.</param>
/// <param name="Reason">For a refusal: why, if they said.</param>
public sealed record ConsentDecision(string ConsentId, ConsentDecisionKind Kind, DateTime At, string ApplicantName, string Sha256, string? ApplicationId, string? Reason);

/// <summary>
/// Consent requests of assisted filing and their answers: partition = applicant id, row = consent id (the request)
/// and <c>{consent id}:decision</c> (the answer), both only ever inserted. An applicant reads only their own
/// partition, so another person's request is not found.
/// </summary>
public sealed class ConsentStore(StorageTables tables)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "AssistedConsents";

    /// <summary>The most characters of answers and materials one request may hold (a column holds 32 Ki).</summary>
    public const int MaxContentChars = 30_000;

    const string DecisionSuffix = ":decision";

    static readonly JsonSerializerOptions Json = StoredJson.Options();

    /// <summary>The application id a consent files: one per consent, so a confirmation retried files it once.</summary>
    /// <param name="consentId">The consent id.</param>
    /// <returns>The application id.</returns>
    public static string ApplicationIdOf(string consentId) => $"ast-{consentId["con-".Length..]}";

    /// <summary>The consent id of an application filed through assisted filing, or null for any other application.</summary>
    /// <param name="applicationId">The application id.</param>
    /// <returns>The consent id, or null.</returns>
    public static string? ConsentIdOf(string applicationId) =>
        applicationId.StartsWith("ast-", StringComparison.Ordinal) && IsConsentId($"con-{applicationId[4..]}") ? $"con-{applicationId[4..]}" : null;

    /// <summary>Whether a value has the form of a consent id (anything else names no consent).</summary>
    /// <param name="value">The value.</param>
    /// <returns>True for <c>con-</c> and 32 lower-case hex digits.</returns>
    public static bool IsConsentId(string? value) =>
        value is { Length: 36 } && value.StartsWith("con-", StringComparison.Ordinal) && value[4..].All(char.IsAsciiHexDigitLower);

    /// <summary>The answers and materials as stored: keys in ordinal order, text unescaped.</summary>
    /// <param name="answers">The answers.</param>
    /// <param name="materials">The materials.</param>
    /// <returns>The two JSON texts.</returns>
    public static (string Answers, string Materials) Content(IReadOnlyDictionary<string, JsonElement> answers, IReadOnlyList<MaterialProvision> materials)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var sorted = new SortedDictionary<string, JsonElement>(answers.ToDictionary(), StringComparer.Ordinal);
        return (JsonSerializer.Serialize(sorted, Json), JsonSerializer.Serialize(materials, Json));
    }

    /// <summary>
    /// The digest of a request: SHA-256 over its fields, one a line, answers and materials in their stored form.
    /// Whatever changes in the row after filing (answers, applicant, helper, times) changes it.
    /// </summary>
    /// <param name="r">The request (its own <see cref="ConsentRequest.Sha256"/> is not part of it).</param>
    /// <returns>Lower-case hex.</returns>
    public static string Digest(ConsentRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (answers, materials) = Content(r.Answers, r.Materials);
        var text = string.Join('\n', "consent/1", r.ConsentId, r.ApplicantId, r.ApplicantKind.ToString(), r.HelperId, r.HelperName, r.Hall,
            r.FiledAt.ToString("O"), r.ExpiresAt.ToString("O"), r.TemplateKey, answers, materials);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Inserts a request unless one of that id is there already.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored request (the earlier one when it was there) and whether this call added it.</returns>
    public async Task<(ConsentRequest Stored, bool Added)> AddAsync(ConsentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = await tables.TableAsync(TableName);
        var (answers, materials) = Content(request.Answers, request.Materials);
        try
        {
            await table.AddEntityAsync(new TableEntity(TableKeys.Escape(request.ApplicantId), request.ConsentId)
            {
                ["ApplicantKind"] = request.ApplicantKind.ToString(),
                ["HelperId"] = request.HelperId,
                ["HelperName"] = request.HelperName,
                ["Hall"] = request.Hall,
                ["FiledAt"] = DateTime.SpecifyKind(request.FiledAt, DateTimeKind.Utc),
                ["ExpiresAt"] = DateTime.SpecifyKind(request.ExpiresAt, DateTimeKind.Utc),
                ["TemplateKey"] = request.TemplateKey,
                ["Answers"] = answers,
                ["Materials"] = materials,
                ["Sha256"] = request.Sha256,
            }, cancellationToken);
            return (request, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = await GetAsync(request.ApplicantId, request.ConsentId, cancellationToken)
                ?? throw new InvalidOperationException($"Consent {request.ConsentId} was there and is gone.", ex);
            return (stored, false);
        }
    }

    /// <summary>One of an applicant's consent requests.</summary>
    /// <param name="applicantId">The applicant.</param>
    /// <param name="consentId">The consent id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The request as stored, or null.</returns>
    public async Task<ConsentRequest?> GetAsync(string applicantId, string consentId, CancellationToken cancellationToken = default)
    {
        if (!IsConsentId(consentId))
        {
            return null;
        }

        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(applicantId), consentId, cancellationToken: cancellationToken);
        return row.HasValue ? Read(applicantId, row.Value!) : null;
    }

    /// <summary>An applicant's consent requests with their answers (one partition read).</summary>
    /// <param name="applicantId">The applicant.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Each request with its answer, or null while unanswered.</returns>
    public async Task<IReadOnlyList<(ConsentRequest Request, ConsentDecision? Decision)>> ListAsync(string applicantId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var requests = new List<ConsentRequest>();
        var decisions = new Dictionary<string, ConsentDecision>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(applicantId)}"), cancellationToken: cancellationToken))
        {
            if (row.RowKey.EndsWith(DecisionSuffix, StringComparison.Ordinal))
            {
                var consentId = row.RowKey[..^DecisionSuffix.Length];
                decisions[consentId] = ReadDecision(consentId, row);
            }
            else
            {
                requests.Add(Read(applicantId, row));
            }
        }

        return [.. requests.Select(r => (r, decisions.GetValueOrDefault(r.ConsentId)))];
    }

    /// <summary>Records the applicant's answer unless they answered before.</summary>
    /// <param name="applicantId">The applicant.</param>
    /// <param name="decision">The answer.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The answer that stands (the earlier one when there was one) and whether this call recorded it.</returns>
    public async Task<(ConsentDecision Stored, bool Added)> DecideAsync(string applicantId, ConsentDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var table = await tables.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(new TableEntity(TableKeys.Escape(applicantId), decision.ConsentId + DecisionSuffix)
            {
                ["Kind"] = decision.Kind.ToString(),
                ["At"] = DateTime.SpecifyKind(decision.At, DateTimeKind.Utc),
                ["ApplicantName"] = decision.ApplicantName,
                ["Sha256"] = decision.Sha256,
                ["ApplicationId"] = decision.ApplicationId,
                ["Reason"] = decision.Reason,
            }, cancellationToken);
            return (decision, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = await GetDecisionAsync(applicantId, decision.ConsentId, cancellationToken)
                ?? throw new InvalidOperationException($"The answer to consent {decision.ConsentId} was there and is gone.", ex);
            return (stored, false);
        }
    }

    /// <summary>The applicant's answer to a request, or null while unanswered.</summary>
    /// <param name="applicantId">The applicant.</param>
    /// <param name="consentId">The consent id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The answer, or null.</returns>
    public async Task<ConsentDecision?> GetDecisionAsync(string applicantId, string consentId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(applicantId), consentId + DecisionSuffix, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        return ReadDecision(consentId, row.Value!);
    }

    static ConsentDecision ReadDecision(string consentId, TableEntity e) =>
        new(consentId, Enum.Parse<ConsentDecisionKind>(e.GetString("Kind")), e.GetDateTimeOffset("At")!.Value.UtcDateTime,
            e.GetString("ApplicantName"), e.GetString("Sha256"), e.GetString("ApplicationId"), e.GetString("Reason"));

    static ConsentRequest Read(string applicantId, TableEntity e) => new(
        e.RowKey, applicantId, Enum.Parse<ApplicantKind>(e.GetString("ApplicantKind")), e.GetString("HelperId"), e.GetString("HelperName"), e.GetString("Hall"),
        e.GetDateTimeOffset("FiledAt")!.Value.UtcDateTime, e.GetDateTimeOffset("ExpiresAt")!.Value.UtcDateTime, e.GetString("TemplateKey"),
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(e.GetString("Answers"), Json) ?? [],
        JsonSerializer.Deserialize<List<MaterialProvision>>(e.GetString("Materials"), Json) ?? [],
        e.GetString("Sha256"));
}
