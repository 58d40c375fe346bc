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
public sealed class TemplateConcurrencyException : InvalidOperationException, ILocalMessage
{
    /// <summary>Creates the exception.</summary>
    public TemplateConcurrencyException() => Text = new("模板版本已被他人修改；请重新加载后再试。", Message);

    /// <summary>Creates the exception with a message (English only: the Chinese reader gets a general text).</summary>
    /// <param name="message">What happened.</param>
    public TemplateConcurrencyException(string message) : base(message) => Text = new("模板版本已被他人修改；请重新加载后再试。", message);

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public TemplateConcurrencyException(string message, Exception innerException) : base(message, innerException) => Text = new("模板版本已被他人修改；请重新加载后再试。", message);

    /// <summary>Creates the exception with what happened in both languages and its cause.</summary>
    /// <param name="text">What happened.</param>
    /// <param name="innerException">The cause, or null.</param>
    public TemplateConcurrencyException(LocalText text, Exception? innerException = null) : base(text?.En, innerException) => Text = text!;

    /// <inheritdoc />
    public LocalText Text { get; }
}

/// <summary>
/// Template versions: a row per version in <c>Templates</c> (partition = template key, row = version, zero-padded,
/// so a template's versions are one ordered partition read) and the document in the <c>templates</c> container,
/// named by its SHA-256 and never overwritten. The document is written before the row, so a row never points at a
/// missing document, and a change moves the row to another document under the row's ETag: two administrators
/// creating drafts at once keep their own documents, and an edit that loses the race changes nothing (a publish
/// publishes exactly the document it validated). Published documents never change, so they are cached. Every change
/// is audited under <c>template:KEY</c>.
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
            var document = await WriteDocumentAsync(draft, cancellationToken);
            try
            {
                var response = await table.AddEntityAsync(ToEntity(draft, document), cancellationToken);
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
        return await ReplaceAsync(current, edited, expected, by, "template.draft.edited", cancellationToken);
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
        return await ReplaceAsync(current, published, expected, by, "template.published", cancellationToken);
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
        return await ReplaceAsync(current, retired, expected, by, "template.retired", cancellationToken);
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
    /// Publishes each built-in template of this release (<see cref="BuiltInTemplates.Release"/>); see
    /// <see cref="SeedBuiltInsAsync(ServiceCatalog, IReadOnlyList{BundleTemplate}, int, CancellationToken)"/>.
    /// </summary>
    /// <param name="catalog">The catalog the templates are validated against.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The keys published now.</returns>
    public Task<IReadOnlyList<string>> SeedBuiltInsAsync(ServiceCatalog catalog, CancellationToken cancellationToken = default) =>
        SeedBuiltInsAsync(catalog, BuiltInTemplates.All, BuiltInTemplates.Release, cancellationToken);

    /// <summary>
    /// Publishes each shipped template as version 1 when the store has none, and a changed one as the next version
    /// when every version so far is a built-in one (no administrator has made one since) and the store's built-in
    /// versions come from older releases: a deployment upgraded in place gets what it ships with, an older host
    /// still running during a rolling deploy never republishes its own release over a newer one, and applications in
    /// flight keep the version they were pinned to. A version is inserted already published (validated first), in
    /// one conditional write, so no crash leaves it a draft; a built-in draft left by an earlier seeding that did
    /// stop halfway is published. A template an administrator has versioned or retired is theirs.
    /// </summary>
    /// <param name="catalog">The catalog the templates are validated against.</param>
    /// <param name="shipped">The templates this release ships.</param>
    /// <param name="release">This release's number of the built-ins (recorded in each row it writes).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The keys published now.</returns>
    public async Task<IReadOnlyList<string>> SeedBuiltInsAsync(ServiceCatalog catalog, IReadOnlyList<BundleTemplate> shipped, int release, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shipped);
        var seeded = new List<string>();
        var table = await tables.TableAsync(TableName);
        foreach (var template in shipped)
        {
            var versions = await ListVersionsAsync(template.Key, cancellationToken);
            var latest = versions.Count == 0 ? null : versions.MaxBy(v => v.Version.Version)!;
            // An administrator's version, or a built-in they retired, means the template is theirs now.
            if (latest is not null && (versions.Any(v => v.Version.CreatedBy != BuiltInAuthor) || latest.Version.Status == TemplateStatus.Retired))
            {
                continue;
            }

            var newest = await NewestReleaseAsync(template.Key, cancellationToken);
            if (latest is { Version.Status: TemplateStatus.Draft } stranded)
            {
                // An earlier seeding stopped between its draft and its publish: finish it, unless ours replaces it.
                if (newest > release || TemplateJson.Write(stranded.Version.Definition) == TemplateJson.Write(template))
                {
                    try
                    {
                        await PublishAsync(template.Key, stranded.Version.Version, Now(), null, catalog, stranded.ETag, BuiltInAuthor, cancellationToken);
                        seeded.Add(template.Key);
                    }
                    catch (TemplateConcurrencyException)
                    {
                        // Another host finished it.
                    }

                    continue;
                }
            }
            else if (latest is not null && (newest >= release || TemplateJson.Write(latest.Version.Definition) == TemplateJson.Write(template)))
            {
                continue;
            }

            var number = (latest?.Version.Version ?? 0) + 1;
            var now = Now();
            var published = TemplateVersion.NewDraft(template, number, now, BuiltInAuthor).Publish(now, now, null, catalog);
            var document = await WriteDocumentAsync(published, cancellationToken);
            try
            {
                // When several hosts start at once, one adds the version and the others skip it.
                await table.AddEntityAsync(ToEntity(published, document, release), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                continue;
            }

            await AuditAsync(published, BuiltInAuthor, latest is null ? "template.draft.created" : "template.builtin.updated",
                latest is null ? null : $"v{latest.Version.Version}", nameof(TemplateStatus.Draft));
            await AuditAsync(published, BuiltInAuthor, "template.published", nameof(TemplateStatus.Draft), nameof(TemplateStatus.Published));
            seeded.Add(template.Key);
        }

        return seeded;
    }

    // The newest release any built-in version of a template was seeded by; 0 for versions from before releases were kept.
    async Task<int> NewestReleaseAsync(string key, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(TableName);
        var newest = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(key)}"), select: ["BuiltInRelease"], cancellationToken: cancellationToken))
        {
            newest = Math.Max(newest, row.GetInt32("BuiltInRelease") ?? 0);
        }

        return newest;
    }

    // The row moves to the changed version's document under the ETag of the row that was read (and validated, for a
    // publish), which must be the caller's: whoever changed it in between wins, and this change writes nothing but
    // a document no row points at.
    async Task<StoredTemplateVersion> ReplaceAsync(StoredTemplateVersion current, TemplateVersion changed, ETag expected, string by, string action, CancellationToken cancellationToken)
    {
        var conflict = new LocalText($"{changed.Key} v{changed.Version} 已被他人修改；请重新加载后再试。", $"{changed.Key} v{changed.Version} was changed by someone else; reload it and try again.");
        if (expected != ETag.All && expected != current.ETag)
        {
            throw new TemplateConcurrencyException(conflict);
        }

        var document = await WriteDocumentAsync(changed, cancellationToken);
        var table = await tables.TableAsync(TableName);
        try
        {
            var entity = ToEntity(changed, document);
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, select: ["BuiltInRelease"], cancellationToken: cancellationToken);
            if (existing.HasValue && existing.Value?.GetInt32("BuiltInRelease") is { } release)
            {
                entity["BuiltInRelease"] = release;
            }

            var response = await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken);
            await AuditAsync(changed, by, action, current.Version.Status.ToString(), changed.Status.ToString());
            return new StoredTemplateVersion(changed, response.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            throw new TemplateConcurrencyException(conflict, ex);
        }
    }

    Task<bool> AuditAsync(TemplateVersion version, string by, string action, string? before, string? after) =>
        audit.AppendAsync(new AuditEntry($"template:{version.Key}", $"v{version.Version}:{action}:{Guid.NewGuid():N}", Now(), by, action, before, after,
            $"v{version.Version} {version.Definition.Name} sha256 {Hash(TemplateJson.Write(version.Definition))}"));

    // Named by its hash, so it is only ever created: the same name can only hold the same bytes.
    async Task<(string BlobName, string Sha256)> WriteDocumentAsync(TemplateVersion version, CancellationToken cancellationToken)
    {
        var text = TemplateJson.Write(version.Definition);
        var hash = Hash(text);
        var name = $"{version.Key}/{hash}.json";
        var container = await tables.ContainerAsync(ContainerName);
        try
        {
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(text), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Written before by another version or change with the same content.
        }

        return (name, hash);
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
            // Rows from before content addressing name their document by version and carry no hash.
            var content = await container.GetBlobClient(row.GetString("BlobName") ?? $"{key}/{RowKey(number)}.json").DownloadContentAsync(cancellationToken);
            var text = Encoding.UTF8.GetString(content.Value.Content.ToArray());
            if (row.GetString("Sha256") is { } expected && Hash(text) != expected)
            {
                throw new InvalidOperationException($"Stored template {key} v{number} does not match the hash saved with it; the document was changed.");
            }

            definition = TemplateJson.TryParse(text, out var problems)
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

    static TableEntity ToEntity(TemplateVersion version, (string BlobName, string Sha256) document, int? builtInRelease = null) => new(TableKeys.Escape(version.Key), RowKey(version.Version))
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
        ["BlobName"] = document.BlobName,
        ["Sha256"] = document.Sha256,
        ["BuiltInRelease"] = builtInRelease,
    };

    static DateTime? Utc(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;

    static string RowKey(int version) => version.ToString("D6", CultureInfo.InvariantCulture);

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    DateTime Now() => time.GetUtcNow().UtcDateTime;
}
