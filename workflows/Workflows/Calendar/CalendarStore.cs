using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Workflows.Audit;
using Workflows.Storage;

namespace Workflows.Calendar;

/// <summary>A calendar version as stored.</summary>
/// <param name="Calendar">The calendar.</param>
/// <param name="PublishedAt">When it was saved.</param>
/// <param name="PublishedBy">Who saved it.</param>
public sealed record StoredCalendar(WorkingCalendar Calendar, DateTime PublishedAt, string PublishedBy);

/// <summary>
/// Calendar versions: a row per version in <c>Calendars</c> (partition = region, row = version, zero-padded, so a
/// region's versions are one ordered partition read) and the document in the <c>calendars</c> container, named
/// with its SHA-256 so two hosts racing for one version never overwrite each other's document. The document is
/// written before the row, so a row never points at a missing document. A version is only ever inserted, never
/// replaced: once saved it is what every orchestration pinned to it replays with, and a later version supersedes
/// it for new work. Every version is audited under <c>calendar:REGION</c>.
/// </summary>
public sealed class CalendarStore(StorageTables tables, AuditTrail audit, TimeProvider time)
{
    /// <summary>The table's name.</summary>
    public const string TableName = "Calendars";

    /// <summary>The documents container's name.</summary>
    public const string ContainerName = "calendars";

    /// <summary>Who saves the built-in calendars.</summary>
    public const string BuiltInActor = "system:built-in";

    readonly ConcurrentDictionary<(string Region, int Version), WorkingCalendar> frozen = new();

    /// <summary>
    /// Saves a new version of a region's calendar after validating it. Its number must be above every saved
    /// version of the region (gaps are allowed, so a built-in version can follow an administrator's).
    /// </summary>
    /// <param name="calendar">The calendar, with its region and version number.</param>
    /// <param name="by">Who saves it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored version.</returns>
    /// <exception cref="CalendarInvalidException">The calendar breaks rules; nothing is written.</exception>
    /// <exception cref="CalendarVersionConflictException">The number is not above the latest, or another save took it first.</exception>
    public async Task<StoredCalendar> PublishAsync(WorkingCalendar calendar, string by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        var problems = CalendarValidator.Validate(calendar);
        if (problems.Count > 0)
        {
            throw new CalendarInvalidException(problems);
        }

        var latest = await LatestVersionAsync(calendar.Region, cancellationToken);
        if (calendar.Version <= latest)
        {
            throw new CalendarVersionConflictException($"Calendar {calendar.Region} is at version {latest}; a new version needs a higher number than {calendar.Version}.");
        }

        var document = CalendarJson.Write(calendar);
        var hash = Hash(document);
        var blobName = BlobName(calendar.Region, calendar.Version, hash);
        var container = await tables.ContainerAsync(ContainerName);
        // The name carries the content's hash: overwriting can only write the same bytes again.
        await container.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(document), overwrite: true, cancellationToken);

        var stored = new StoredCalendar(calendar, time.GetUtcNow().UtcDateTime, by);
        var table = await tables.TableAsync(TableName);
        try
        {
            await table.AddEntityAsync(new TableEntity(TableKeys.Escape(calendar.Region), RowKey(calendar.Version))
            {
                ["Region"] = calendar.Region,
                ["Version"] = calendar.Version,
                ["Name"] = calendar.Name,
                ["FirstYear"] = calendar.FirstYear,
                ["LastYear"] = calendar.LastYear,
                ["PublishedAt"] = stored.PublishedAt,
                ["PublishedBy"] = by,
                ["BlobName"] = blobName,
                ["Sha256"] = hash,
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            throw new CalendarVersionConflictException($"Version {calendar.Version} of calendar {calendar.Region} was saved by someone else first; reload and choose the next number.", ex);
        }

        frozen[(calendar.Region, calendar.Version)] = calendar;
        await audit.AppendAsync(new AuditEntry($"calendar:{calendar.Region}", $"v{calendar.Version}:calendar.published", stored.PublishedAt, by,
            "calendar.published", null, $"v{calendar.Version}", $"v{calendar.Version} {calendar.Name} {calendar.FirstYear}-{calendar.LastYear} sha256 {hash}"), cancellationToken);
        return stored;
    }

    /// <summary>One version of a region's calendar.</summary>
    /// <param name="region">The region.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version, or null when it was never saved.</returns>
    public async Task<StoredCalendar?> GetAsync(string region, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(region);
        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(region), RowKey(version), cancellationToken: cancellationToken);
        return row.HasValue ? await ReadAsync(row.Value!, cancellationToken) : null;
    }

    /// <summary>The version of a region's calendar that new work uses: the highest saved.</summary>
    /// <param name="region">The region.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The latest version, or null when the region has none.</returns>
    public async Task<StoredCalendar?> GetLatestAsync(string region, CancellationToken cancellationToken = default)
    {
        var rows = await RowsAsync(region, cancellationToken);
        return rows.Count == 0 ? null : await ReadAsync(rows[^1], cancellationToken);
    }

    /// <summary>Every version of a region's calendar, oldest first.</summary>
    /// <param name="region">The region.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The versions.</returns>
    public async Task<IReadOnlyList<StoredCalendar>> ListVersionsAsync(string region, CancellationToken cancellationToken = default)
    {
        var list = new List<StoredCalendar>();
        foreach (var row in await RowsAsync(region, cancellationToken))
        {
            list.Add(await ReadAsync(row, cancellationToken));
        }

        return list;
    }

    /// <summary>
    /// Saves each built-in calendar whose version is above the region's latest: a fresh store gets them all, a
    /// restart or a second host adds nothing, and a release that ships a newer version (next year's holidays) adds it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was saved now, e.g. <c>CN v1</c>.</returns>
    public async Task<IReadOnlyList<string>> SeedBuiltInsAsync(CancellationToken cancellationToken = default)
    {
        var seeded = new List<string>();
        foreach (var calendar in BuiltInCalendars.All)
        {
            if (await LatestVersionAsync(calendar.Region, cancellationToken) >= calendar.Version)
            {
                continue;
            }

            try
            {
                await PublishAsync(calendar, BuiltInActor, cancellationToken);
                seeded.Add($"{calendar.Region} v{calendar.Version}");
            }
            catch (CalendarVersionConflictException)
            {
                // Another host is seeding the same version.
            }
        }

        return seeded;
    }

    async Task<int> LatestVersionAsync(string region, CancellationToken cancellationToken)
    {
        var rows = await RowsAsync(region, cancellationToken);
        return rows.Count == 0 ? 0 : rows[^1].GetInt32("Version")!.Value;
    }

    // Row keys are zero-padded, so the service returns a partition's versions oldest first.
    async Task<List<TableEntity>> RowsAsync(string region, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(region);
        var table = await tables.TableAsync(TableName);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(region)}"), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    async Task<StoredCalendar> ReadAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var region = row.GetString("Region");
        var version = row.GetInt32("Version")!.Value;
        if (!frozen.TryGetValue((region, version), out var calendar))
        {
            var container = await tables.ContainerAsync(ContainerName);
            var content = await container.GetBlobClient(row.GetString("BlobName")).DownloadContentAsync(cancellationToken);
            var document = Encoding.UTF8.GetString(content.Value.Content.ToArray());
            if (Hash(document) != row.GetString("Sha256"))
            {
                throw new InvalidOperationException($"Stored calendar {region} v{version} does not match the hash saved with it; the document was changed.");
            }

            calendar = CalendarJson.TryParse(document, out var problems)
                ?? throw new InvalidOperationException($"Stored calendar {region} v{version} cannot be read: {string.Join("; ", problems.Select(p => p.Message))}");
            frozen[(region, version)] = calendar;
        }

        return new StoredCalendar(calendar, row.GetDateTimeOffset("PublishedAt")!.Value.UtcDateTime, row.GetString("PublishedBy"));
    }

    static string RowKey(int version) => version.ToString("D6", CultureInfo.InvariantCulture);

    static string BlobName(string region, int version, string hash) => $"{region}/{RowKey(version)}-{hash[..16]}.json";

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
