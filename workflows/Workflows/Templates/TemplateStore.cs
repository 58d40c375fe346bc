using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Workflows.Audit;
using Workflows.Storage;

namespace Workflows.Templates;

/// <summary>A template version as stored, with the ETag that guards concurrent changes.</summary>
/// <param name="Version">The version.</param>
/// <param name="ETag">Its row's ETag; a change must present it.</param>
public sealed record StoredTemplateVersion(TemplateVersion Version, ETag ETag);

/// <summary>Someone else changed the template version first; reload and try again.</summary>
public sealed class TemplateConcurrencyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TemplateConcurrencyException() { }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public TemplateConcurrencyException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public TemplateConcurrencyException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Template versions: a row per version in <c>Templates</c> (partition = template key, row = version, zero-padded,
/// so a template's versions are one ordered partition read) and the document in the <c>templates</c> container.
/// The document is written before the row, so a row never points at a missing document. Published documents
/// never change, so they are cached. Every change is audited under <c>template:KEY</c>.
/// </summary>
public sealed class TemplateStore(StorageTables tables, AuditTrail audit, TimeProvider time) : ITemplateSource
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Templates";

    /// <summary>The documents container's name.</summary>
    public const string ContainerName = "templates";

    readonly ConcurrentDictionary<(string, int), BundleTemplate> frozen = new();

    /// <summary>Creates the next version of a template as a draft.</summary>
    /// <param name="definition">The document.</param>
    /// <param name="by">Who creates it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored draft.</returns>
    public async Task<StoredTemplateVersion> CreateDraftAsync(BundleTemplate definition, string by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var table = await tables.TableAsync(TableName);
        for (var attempt = 0; ; attempt++)
        {
            var versions = await ListVersionsAsync(definition.Key, cancellationToken);
            var draft = TemplateVersion.NewDraft(definition, versions.Count == 0 ? 1 : versions.Max(v => v.Version.Version) + 1, Now(), by);
            await WriteDocumentAsync(draft, cancellationToken);
            try
            {
                var response = await table.AddEntityAsync(ToEntity(draft), cancellationToken);
                await AuditAsync(draft, by, "template.draft.created", null, nameof(TemplateStatus.Draft));
                return new StoredTemplateVersion(draft, response.Headers.ETag ?? ETag.All);
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && attempt < 5)
            {
                // Another administrator took this version number at the same moment; take the next.
            }
        }
    }

    /// <summary>One version.</summary>
    /// <param name="key">The template.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version, or null.</returns>
    public async Task<StoredTemplateVersion?> GetAsync(string key, int version, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(key), RowKey(version), cancellationToken: cancellationToken);
        return row.HasValue ? new StoredTemplateVersion(await ReadAsync(row.Value!, cancellationToken), row.Value!.ETag) : null;
    }

    /// <summary>Every version of a template, oldest first.</summary>
    /// <param name="key">The template.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The versions.</returns>
    public async Task<IReadOnlyList<StoredTemplateVersion>> ListVersionsAsync(string key, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var list = new List<StoredTemplateVersion>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(key)}"), cancellationToken: cancellationToken))
        {
            list.Add(new StoredTemplateVersion(await ReadAsync(row, cancellationToken), row.ETag));
        }

        return list;
    }

    /// <summary>The key of every template that has a version, in key order.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The keys.</returns>
    public async Task<IReadOnlyList<string>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(TableName);
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        // A scan of keys only; the table holds one small row per template version.
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            keys.Add(TableKeys.Unescape(row.PartitionKey));
        }

        return [.. keys];
    }

    /// <summary>Replaces a draft's document.</summary>
    /// <param name="key">The template.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="definition">The new document.</param>
    /// <param name="expected">The ETag the caller read.</param>
    /// <param name="by">Who edits.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The edited draft.</returns>
    public async Task<StoredTemplateVersion> EditDraftAsync(string key, int version, BundleTemplate definition, ETag expected, string by, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(key, version, cancellationToken) ?? throw new KeyNotFoundException($"No version {version} of '{key}'.");
        var edited = current.Version.Edit(definition);
        await WriteDocumentAsync(edited, cancellationToken);
        return await ReplaceAsync(edited, expected, by, "template.draft.edited", current.Version.Status, cancellationToken);
    }

    /// <summary>Publishes a draft after validating it.</summary>
    /// <param name="key">The template.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="validFrom">Start of validity.</param>
    /// <param name="validTo">End of validity, or null.</param>
    /// <param name="catalog">What templates may refer to.</param>
    /// <param name="expected">The ETag the caller read.</param>
    /// <param name="by">Who publishes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The published version.</returns>
    public async Task<StoredTemplateVersion> PublishAsync(
        string key, int version, DateTime validFrom, DateTime? validTo, ServiceCatalog catalog, ETag expected, string by, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(key, version, cancellationToken) ?? throw new KeyNotFoundException($"No version {version} of '{key}'.");
        var published = current.Version.Publish(Now(), validFrom, validTo, catalog);
        return await ReplaceAsync(published, expected, by, "template.published", current.Version.Status, cancellationToken);
    }

    /// <summary>Retires a published version.</summary>
    /// <param name="key">The template.</param>
    /// <param name="version">The version.</param>
    /// <param name="expected">The ETag the caller read.</param>
    /// <param name="by">Who retires it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The retired version.</returns>
    public async Task<StoredTemplateVersion> RetireAsync(string key, int version, ETag expected, string by, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(key, version, cancellationToken) ?? throw new KeyNotFoundException($"No version {version} of '{key}'.");
        var retired = current.Version.Retire(Now());
        return await ReplaceAsync(retired, expected, by, "template.retired", current.Version.Status, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<PublishedTemplate?> GetPublishedAsync(string key, CancellationToken cancellationToken = default)
    {
        var now = Now();
        var table = await tables.TableAsync(TableName);
        TableEntity? best = null;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(key)} and Status eq {nameof(TemplateStatus.Published)}"), cancellationToken: cancellationToken))
        {
            var from = row.GetDateTimeOffset("ValidFrom")?.UtcDateTime;
            var to = row.GetDateTimeOffset("ValidTo")?.UtcDateTime;
            if (from <= now && (to is null || now < to) && (best is null || row.GetInt32("Version") > best.GetInt32("Version")))
            {
                best = row;
            }
        }

        return best is null ? null : new PublishedTemplate((await ReadAsync(best, cancellationToken)).Definition, best.GetInt32("Version")!.Value);
    }

    /// <summary>Who the built-in templates' versions are created by.</summary>
    public const string BuiltInAuthor = "system:built-in";

    /// <summary>
    /// Publishes each built-in template as version 1 when the store has none, and a release's changed built-in as the
    /// next version when every version so far is a built-in one (no administrator has made one since): a deployment
    /// upgraded in place gets what it ships with, and applications in flight keep the version they were pinned to. A
    /// template an administrator has versioned is theirs; a changed built-in is then left for them to adopt.
    /// </summary>
    /// <param name="catalog">The catalog the templates are validated against.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The keys published now.</returns>
    public async Task<IReadOnlyList<string>> SeedBuiltInsAsync(ServiceCatalog catalog, CancellationToken cancellationToken = default)
    {
        var seeded = new List<string>();
        foreach (var template in BuiltInTemplates.All)
        {
            var versions = await ListVersionsAsync(template.Key, cancellationToken);
            var latest = versions.Count == 0 ? null : versions.MaxBy(v => v.Version.Version)!.Version;
            // An administrator's version, or a built-in they retired, means the template is theirs now.
            if (latest is not null
                && (versions.Any(v => v.Version.CreatedBy != BuiltInAuthor) || latest.Status == TemplateStatus.Retired
                    || TemplateJson.Write(latest.Definition) == TemplateJson.Write(template)))
            {
                continue;
            }

            // When several hosts start at once, one adds the version and the others skip it.
            var number = (latest?.Version ?? 0) + 1;
            var draft = TemplateVersion.NewDraft(template, number, Now(), BuiltInAuthor);
            await WriteDocumentAsync(draft, cancellationToken);
            var table = await tables.TableAsync(TableName);
            try
            {
                var response = await table.AddEntityAsync(ToEntity(draft), cancellationToken);
                await AuditAsync(draft, draft.CreatedBy, latest is null ? "template.draft.created" : "template.builtin.updated",
                    latest is null ? null : $"v{latest.Version}", nameof(TemplateStatus.Draft));
                await PublishAsync(template.Key, number, Now(), null, catalog, response.Headers.ETag ?? ETag.All, draft.CreatedBy, cancellationToken);
                seeded.Add(template.Key);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another host is seeding this template.
            }
        }

        return seeded;
    }

    async Task<StoredTemplateVersion> ReplaceAsync(TemplateVersion changed, ETag expected, string by, string action, TemplateStatus before, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(TableName);
        try
        {
            var response = await table.UpdateEntityAsync(ToEntity(changed), expected, TableUpdateMode.Replace, cancellationToken);
            await AuditAsync(changed, by, action, before.ToString(), changed.Status.ToString());
            return new StoredTemplateVersion(changed, response.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            throw new TemplateConcurrencyException($"{changed.Key} v{changed.Version} was changed by someone else; reload it and try again.", ex);
        }
    }

    Task<bool> AuditAsync(TemplateVersion version, string by, string action, string? before, string? after) =>
        audit.AppendAsync(new AuditEntry($"template:{version.Key}", $"v{version.Version}:{action}:{Guid.NewGuid():N}", Now(), by, action, before, after,
            $"v{version.Version} {version.Definition.Name} sha256 {Hash(TemplateJson.Write(version.Definition))}"));

    async Task WriteDocumentAsync(TemplateVersion version, CancellationToken cancellationToken)
    {
        var container = await tables.ContainerAsync(ContainerName);
        await container.GetBlobClient(BlobName(version.Key, version.Version))
            .UploadAsync(BinaryData.FromString(TemplateJson.Write(version.Definition)), overwrite: true, cancellationToken);
    }

    async Task<TemplateVersion> ReadAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var key = row.GetString("Key");
        var number = row.GetInt32("Version")!.Value;
        var status = Enum.Parse<TemplateStatus>(row.GetString("Status"));
        BundleTemplate definition;
        if (status != TemplateStatus.Draft && frozen.TryGetValue((key, number), out var cached))
        {
            definition = cached;
        }
        else
        {
            var container = await tables.ContainerAsync(ContainerName);
            var content = await container.GetBlobClient(BlobName(key, number)).DownloadContentAsync(cancellationToken);
            definition = TemplateJson.TryParse(Encoding.UTF8.GetString(content.Value.Content.ToArray()), out var problems)
                ?? throw new InvalidOperationException($"Stored template {key} v{number} cannot be read: {string.Join("; ", problems.Select(p => p.Message))}");
            if (status != TemplateStatus.Draft)
            {
                frozen[(key, number)] = definition;
            }
        }

        return new TemplateVersion(key, number, status, definition,
            row.GetDateTimeOffset("CreatedAt")!.Value.UtcDateTime, row.GetString("CreatedBy"),
            row.GetDateTimeOffset("PublishedAt")?.UtcDateTime, row.GetDateTimeOffset("ValidFrom")?.UtcDateTime,
            row.GetDateTimeOffset("ValidTo")?.UtcDateTime, row.GetDateTimeOffset("RetiredAt")?.UtcDateTime);
    }

    static TableEntity ToEntity(TemplateVersion version) => new(TableKeys.Escape(version.Key), RowKey(version.Version))
    {
        ["Key"] = version.Key,
        ["Version"] = version.Version,
        ["Status"] = version.Status.ToString(),
        ["Name"] = version.Definition.Name,
        ["CreatedAt"] = Utc(version.CreatedAt),
        ["CreatedBy"] = version.CreatedBy,
        ["PublishedAt"] = Utc(version.PublishedAt),
        ["ValidFrom"] = Utc(version.ValidFrom),
        ["ValidTo"] = Utc(version.ValidTo),
        ["RetiredAt"] = Utc(version.RetiredAt),
        ["BlobName"] = BlobName(version.Key, version.Version),
    };

    static DateTime? Utc(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;

    static string RowKey(int version) => version.ToString("D6", CultureInfo.InvariantCulture);

    static string BlobName(string key, int version) => $"{key}/{RowKey(version)}.json";

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    DateTime Now() => time.GetUtcNow().UtcDateTime;
}
