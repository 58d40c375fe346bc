using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Workflows.Calendar;
using Workflows.Figures;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>
/// The applications read model. <c>Applications</c>: partition = applicant, row = application, so "my
/// applications" is one partition query. <c>ApplicationIndex</c>: partition = application, to find one by id.
/// Written only by activities, as whole rows of the orchestration's state, and never over a later state (a re-run of
/// an old save after a crash changes nothing; see <see cref="ApplicationRecord.Revision"/>).
/// The record is JSON with Chinese text unescaped, split over the columns <c>Record</c>, <c>Record1</c>, ...
/// (<see cref="RecordParts"/>) so no column passes Azure's 64 KiB while the row stays one entity: written and read
/// whole, never half (docs/decisions/0008-rows-that-grow.md).
/// </summary>
public sealed partial class ApplicationStore(StorageTables tables, TemplateStore templates, FiguresStore figures, SlaClockSource clocks)
{
    /// <summary>The main table's name.</summary>
    public const string TableName = "Applications";

    /// <summary>The by-id index table's name.</summary>
    public const string IndexTableName = "ApplicationIndex";

    /// <summary>The by-template table's name (partition = template, with the status as a column).</summary>
    public const string ByTemplateTableName = "ApplicationsByTemplate";

    /// <summary>Characters of record JSON per column: under a string property's 32 Ki characters (64 KiB of UTF-16).</summary>
    public const int PartChars = 32_000;

    /// <summary>
    /// At most this many record columns: 16 full ones (about 1,000 KB) and the other columns still fit Azure's
    /// 1 MiB entity; a bigger record is refused before it is sent.
    /// </summary>
    public const int MaxParts = 16;

    /// <summary>The column counting the record's parts; rows written before the split have none and one part.</summary>
    public const string RecordParts = "RecordParts";

    const string RevisionColumn = "Revision";

    static readonly JsonSerializerOptions Json = StoredJson.Options();

    static readonly string[] RecordColumns = [RecordParts, .. Enumerable.Range(0, MaxParts).Select(PartColumn)];

    /// <summary>Writes the application's current state.</summary>
    /// <param name="record">The state.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when both rows are written.</returns>
    public async Task SaveAsync(ApplicationRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await tables.TableAsync(TableName);
        var index = await tables.TableAsync(IndexTableName);
        var entity = Row(record);

        // Replace, not merge: a record that shrank leaves no stale part behind. Only over an earlier state: a save
        // re-run after a crash, once the orchestration has written a later one, changes nothing.
        if (!await WriteIfNotLaterAsync(table, entity, record, cancellationToken))
        {
            return;
        }

        await index.UpsertEntityAsync(IndexRow(record), TableUpdateMode.Replace, cancellationToken);
        var byTemplate = await tables.TableAsync(ByTemplateTableName);
        await WriteIfNotLaterAsync(byTemplate, ByTemplateRow(record), record, cancellationToken);
        await SaveListRowsAsync(record, cancellationToken);

        // Each party asked to confirm finds the application in their own partition (GET /api/confirmations).
        foreach (var party in (record.Parties ?? []).Where(p => p.Confirmation is not null))
        {
            var confirmations = await tables.TableAsync(ConfirmationsTableName);
            await WriteIfNotLaterAsync(confirmations, new TableEntity(TableKeys.Escape(party.Id), ConfirmationRowKey(record.ApplicationId, party.Role))
            {
                ["ApplicationId"] = record.ApplicationId,
                ["Role"] = party.Role,
                ["UpdatedAt"] = DateTime.SpecifyKind(record.UpdatedAt, DateTimeKind.Utc),
                [RevisionColumn] = record.Revision,
                ["Record"] = JsonSerializer.Serialize(new PartyConfirmationRow(record.ApplicationId, record.TemplateKey, record.TemplateName, record.Applicant.Name, record.Status, party), Json),
            }, record, cancellationToken);
        }

        // An ended application leaves its fact for the figures, counted against its pinned version's committed days.
        if (FigureFact.Ended(record.Status))
        {
            var pinned = await templates.GetAsync(record.TemplateKey, record.TemplateVersion, cancellationToken);
            await figures.RecordAsync(FigureFact.Of(record, pinned?.Version.Definition, await clocks.CurrentAsync(cancellationToken)), cancellationToken);
        }
    }

    /// <summary>The table of confirmations asked of parties (partition = the party, row = application and role).</summary>
    public const string ConfirmationsTableName = "PartyConfirmations";

    static string ConfirmationRowKey(string applicationId, string role) => TableKeys.Escape($"{applicationId}|{role}");

    /// <summary>Every confirmation asked of one party, as the applications' last saves left them.</summary>
    /// <param name="partyId">The party.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows, in no particular order.</returns>
    public async Task<IReadOnlyList<PartyConfirmationRow>> ListConfirmationsAsync(string partyId, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(ConfirmationsTableName);
        var rows = new List<PartyConfirmationRow>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(partyId)}"), cancellationToken: cancellationToken))
        {
            rows.Add(JsonSerializer.Deserialize<PartyConfirmationRow>(row.GetString("Record"), Json)!);
        }

        return rows;
    }

    /// <summary>The confirmation asked of one party in one role of one application; null when none is (not theirs).</summary>
    /// <param name="partyId">The party.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The row, or null.</returns>
    public async Task<PartyConfirmationRow?> GetConfirmationAsync(string partyId, string applicationId, string role, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(ConfirmationsTableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(partyId), ConfirmationRowKey(applicationId, role), cancellationToken: cancellationToken);
        return row.HasValue ? JsonSerializer.Deserialize<PartyConfirmationRow>(row.Value!.GetString("Record"), Json) : null;
    }

    /// <summary>The ids of a template's applications, optionally of one status, newest first.</summary>
    /// <param name="templateKey">The template.</param>
    /// <param name="status">Only this status; null for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The application ids.</returns>
    public async Task<IReadOnlyList<string>> ListIdsByTemplateAsync(string templateKey, ApplicationStatus? status = null, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(ByTemplateTableName);
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(templateKey)} and Status eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(templateKey)}");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "SubmittedAt"], cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return [.. rows.OrderByDescending(r => r.GetDateTimeOffset("SubmittedAt")).Select(r => TableKeys.Unescape(r.RowKey))];
    }

    /// <summary>One application by id.</summary>
    /// <param name="applicationId">The id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The application, or null.</returns>
    public async Task<ApplicationRecord?> GetAsync(string applicationId, CancellationToken cancellationToken = default)
    {
        var index = await tables.TableAsync(IndexTableName);
        var pointer = await index.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(applicationId), "application", cancellationToken: cancellationToken);
        if (!pointer.HasValue || pointer.Value!.GetString("ApplicantId") is not { } applicantId)
        {
            return null;
        }

        var table = await tables.TableAsync(TableName);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(applicantId), TableKeys.Escape(applicationId), cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>
    /// One page of applications matching a query, oldest submission first within each applicant. Filters on
    /// template, status, applicant and submission time run in the table service; the department and applicant-name
    /// filters run on the page read, so a page may hold fewer than <paramref name="pageSize"/>: read on while a
    /// continuation comes back.
    /// </summary>
    /// <param name="query">The filters.</param>
    /// <param name="pageSize">At most this many rows read per page.</param>
    /// <param name="continuation">The previous page's continuation.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The matching applications and the continuation.</returns>
    public async Task<(IReadOnlyList<ApplicationRecord> Applications, string? Continuation)> SearchAsync(
        ApplicationQuery query, int pageSize, string? continuation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = await tables.TableAsync(TableName);
        var filters = new List<string>();
        if (query.ApplicantId is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(query.ApplicantId)}"));
        }

        if (query.TemplateKey is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"TemplateKey eq {query.TemplateKey}"));
        }

        if (query.Status is { } status)
        {
            filters.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        }

        if (query.SubmittedFrom is { } from)
        {
            filters.Add(TableClient.CreateQueryFilter($"SubmittedAt ge {DateTime.SpecifyKind(from, DateTimeKind.Utc)}"));
        }

        if (query.SubmittedTo is { } to)
        {
            filters.Add(TableClient.CreateQueryFilter($"SubmittedAt lt {DateTime.SpecifyKind(to, DateTimeKind.Utc)}"));
        }

        var filter = filters.Count == 0 ? null : string.Join(" and ", filters);
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, select: RecordColumns, cancellationToken: cancellationToken).AsPages(continuation, pageSize))
        {
            var found = page.Values.Select(Read)
                .Where(a => query.Department is null || a.Items.Any(i => i.Department == query.Department && i.State != Orchestration.ItemState.NotIncluded))
                // The name lives only in the record (the table cannot match a part of a string), so it is matched on the page read.
                .Where(a => query.ApplicantName is null || a.Applicant.Name.Contains(query.ApplicantName, StringComparison.OrdinalIgnoreCase))
                .ToList();
            return (found, page.ContinuationToken);
        }

        return ([], null);
    }

    // Writes the row unless the stored one is later by (UpdatedAt, Revision): UpdatedAt is orchestration time, which
    // orders the saves of the proactive offer before those of its bundle; Revision orders one orchestration's saves
    // even within one moment. Checked and written under the row's ETag, so a later save between the two is never lost.
    static async Task<bool> WriteIfNotLaterAsync(TableClient table, TableEntity entity, ApplicationRecord record, CancellationToken cancellationToken)
    {
        var mine = (DateTime.SpecifyKind(record.UpdatedAt, DateTimeKind.Utc), record.Revision);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, select: ["UpdatedAt", RevisionColumn], cancellationToken: cancellationToken);
            try
            {
                if (!stored.HasValue)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                    return true;
                }

                var row = stored.Value!;
                var theirs = (row.GetDateTimeOffset("UpdatedAt")?.UtcDateTime ?? DateTime.MinValue, row.GetInt64(RevisionColumn) ?? 0);
                if (theirs.CompareTo(mine) > 0)
                {
                    return false;
                }

                await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 5)
            {
                // Another save came between the read and the write: compare with it.
            }
        }
    }

    /// <summary>
    /// Writes applications' rows as the engine's saves leave them (<c>Applications</c>, <c>ApplicationIndex</c>,
    /// <c>ApplicationsByTemplate</c>, <c>ApplicationsByApplicant</c> with each applicant's marker), as table
    /// transactions of up to 100 rows of one partition, replacing what is there. For seeding and migrations only:
    /// the engine never calls it (it writes one application at a time, never over a later state).
    /// </summary>
    /// <param name="records">The applications; each id once.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>A task that completes when every row is written.</returns>
    public async Task ImportAsync(IReadOnlyList<ApplicationRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.GroupBy(r => r.ApplicationId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"Application {duplicate.Key} is given more than once.", nameof(records));
        }

        await ImportRowsAsync(await tables.TableAsync(TableName), records.Select(Row), cancellationToken);
        await ImportRowsAsync(await tables.TableAsync(IndexTableName), records.Select(IndexRow), cancellationToken);
        await ImportRowsAsync(await tables.TableAsync(ByTemplateTableName), records.Select(ByTemplateRow), cancellationToken);
        await ImportRowsAsync(
            await tables.TableAsync(ByApplicantTableName),
            records.SelectMany(ByApplicantRows).Concat(records.Select(r => TableKeys.Escape(r.Applicant.Id)).Distinct(StringComparer.Ordinal).Select(p => new TableEntity(p, ByApplicantMarker))),
            cancellationToken);
    }

    /// <summary>Upserts rows as transactions of one partition, at most 100 each, a few at once.</summary>
    /// <param name="table">The table.</param>
    /// <param name="rows">The rows; no row twice.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>A task that completes when every row is written.</returns>
    public static async Task ImportRowsAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var transactions = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal)
            .SelectMany(p => p.Chunk(100))
            .Select(chunk => chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList());
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (actions, ct) =>
            {
                // A partition of one row (an application's index or audit) goes as a plain write: the same row, less to parse.
                if (actions.Count == 1)
                {
                    await table.UpsertEntityAsync(actions[0].Entity, TableUpdateMode.Replace, ct);
                }
                else
                {
                    await table.SubmitTransactionAsync(actions, ct);
                }
            });
    }

    // The main row: the record split over its columns, refused by name when it cannot fit one entity.
    static TableEntity Row(ApplicationRecord record)
    {
        var entity = new TableEntity(TableKeys.Escape(record.Applicant.Id), TableKeys.Escape(record.ApplicationId))
        {
            ["ApplicationId"] = record.ApplicationId,
            ["ApplicantId"] = record.Applicant.Id,
            ["TemplateKey"] = record.TemplateKey,
            ["TemplateVersion"] = record.TemplateVersion,
            ["Status"] = record.Status.ToString(),
            ["SubmittedAt"] = DateTime.SpecifyKind(record.SubmittedAt, DateTimeKind.Utc),
            ["UpdatedAt"] = DateTime.SpecifyKind(record.UpdatedAt, DateTimeKind.Utc),
        };
        var parts = Split(JsonSerializer.Serialize(record, Json));
        if (parts.Count > MaxParts)
        {
            throw new TableEntityLimitException("EntityTooLarge", "Record", $"Application {record.ApplicationId}'s record needs {parts.Count} columns of {PartChars} characters; at most {MaxParts} fit one entity.") { Table = TableName };
        }

        entity[RecordParts] = parts.Count;
        for (var i = 0; i < parts.Count; i++)
        {
            entity[PartColumn(i)] = parts[i];
        }

        entity[RevisionColumn] = record.Revision;
        return entity;
    }

    static TableEntity IndexRow(ApplicationRecord record) => new(TableKeys.Escape(record.ApplicationId), "application") { ["ApplicantId"] = record.Applicant.Id };

    static TableEntity ByTemplateRow(ApplicationRecord record) => new(TableKeys.Escape(record.TemplateKey), TableKeys.Escape(record.ApplicationId))
    {
        ["ApplicantId"] = record.Applicant.Id,
        ["Status"] = record.Status.ToString(),
        ["TemplateVersion"] = record.TemplateVersion,
        ["SubmittedAt"] = DateTime.SpecifyKind(record.SubmittedAt, DateTimeKind.Utc),
        ["UpdatedAt"] = DateTime.SpecifyKind(record.UpdatedAt, DateTimeKind.Utc),
        [RevisionColumn] = record.Revision,
    };

    static string PartColumn(int i) => i == 0 ? "Record" : $"Record{i}";

    /// <summary>Cuts text into parts of at most <see cref="PartChars"/>, never between the two halves of a surrogate pair.</summary>
    /// <param name="json">The record's JSON.</param>
    /// <returns>The parts, in order; one for a record that fits a column.</returns>
    public static IReadOnlyList<string> Split(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parts = new List<string>();
        for (var at = 0; at < json.Length || parts.Count == 0;)
        {
            var length = Math.Min(PartChars, json.Length - at);
            if (at + length < json.Length && char.IsHighSurrogate(json[at + length - 1]))
            {
                length--;
            }

            parts.Add(json.Substring(at, length));
            at += length;
        }

        return parts;
    }

    // Rows written before the split have the whole record, escaped, in Record and no RecordParts: read as one part.
    static ApplicationRecord Read(TableEntity row)
    {
        var count = row.GetInt32(RecordParts) ?? 1;
        var json = count == 1 ? row.GetString("Record") : string.Concat(Enumerable.Range(0, count).Select(i => row.GetString(PartColumn(i))));
        return (json is null ? null : JsonSerializer.Deserialize<ApplicationRecord>(json, Json))
            ?? throw new RequestFailedException($"Application row {row.RowKey} holds no record.");
    }
}

/// <summary>Filters for the administrators' application search; null means any.</summary>
/// <param name="TemplateKey">The template.</param>
/// <param name="Status">The status.</param>
/// <param name="ApplicantId">The applicant.</param>
/// <param name="Department">A department with an included item.</param>
/// <param name="SubmittedFrom">Submitted at or after.</param>
/// <param name="SubmittedTo">Submitted before.</param>
/// <param name="ApplicantName">A part of the applicant's name (contains, ignoring case).</param>
public sealed record ApplicationQuery(
    string? TemplateKey = null, ApplicationStatus? Status = null, string? ApplicantId = null, string? Department = null, DateTime? SubmittedFrom = null, DateTime? SubmittedTo = null,
    string? ApplicantName = null);
