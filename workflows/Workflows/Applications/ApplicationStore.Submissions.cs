using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>What a bundle was given at submission beyond its record: what a simulation of a draft evaluates again.</summary>
/// <param name="Answers">The form's answers, normalised as the bundle received them.</param>
/// <param name="Licences">Licence types the applicant held at submission.</param>
/// <param name="CalendarRegion">The pinned working calendar's region.</param>
/// <param name="CalendarVersion">The pinned working calendar's version.</param>
public sealed record SubmissionSnapshot(IReadOnlyDictionary<string, string> Answers, IReadOnlyList<string> Licences, string? CalendarRegion = null, int? CalendarVersion = null);

/// <summary>One stored submission: the application, its time and ledger, and the snapshot.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="SubmittedAt">When it was accepted.</param>
/// <param name="Materials">The ledger at submission: material key to how it was satisfied.</param>
/// <param name="Snapshot">The answers, licences and calendar.</param>
public sealed record StoredSubmission(string ApplicationId, DateTime SubmittedAt, IReadOnlyDictionary<string, string> Materials, SubmissionSnapshot Snapshot);

/// <summary>
/// The submissions of each template version (<see cref="SubmissionsTableName"/>): partition <c>{template}|{version:D6}</c>,
/// row <c>{submitted ticks:D19}|{application}</c>, so a period of one version is one range read of its own partition
/// whatever else is stored. Inserted once by the bundle's first save; never replaced.
/// </summary>
public sealed partial class ApplicationStore
{
    /// <summary>The submissions table's name.</summary>
    public const string SubmissionsTableName = "Submissions";

    /// <summary>Records what an application was submitted with, once: a save run again finds the row and leaves it.</summary>
    /// <param name="record">The application's first record (its id, template, version, time and ledger).</param>
    /// <param name="snapshot">The answers, licences and calendar.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the row is there.</returns>
    public async Task RecordSubmissionAsync(ApplicationRecord record, SubmissionSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(snapshot);
        var table = await tables.TableAsync(SubmissionsTableName);
        var entity = SubmissionEntity(record, snapshot);
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Written by an earlier run of the same save: what was submitted does not change.
        }
    }

    /// <summary>The submission row of an application as its first save writes it (for seeding too).</summary>
    /// <param name="record">The application's first record.</param>
    /// <param name="snapshot">The answers, licences and calendar.</param>
    /// <returns>The row.</returns>
    public static TableEntity SubmissionEntity(ApplicationRecord record, SubmissionSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(snapshot);
        var stored = new StoredSubmission(record.ApplicationId, DateTime.SpecifyKind(record.SubmittedAt, DateTimeKind.Utc),
            record.Materials.GroupBy(m => m.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Status.ToString(), StringComparer.Ordinal), snapshot);
        var entity = new TableEntity(SubmissionsPartition(record.TemplateKey, record.TemplateVersion), SubmissionRow(stored.SubmittedAt, record.ApplicationId))
        {
            ["ApplicationId"] = record.ApplicationId,
            ["SubmittedAt"] = stored.SubmittedAt,
        };
        var parts = Split(JsonSerializer.Serialize(stored, Json));
        if (parts.Count > MaxParts)
        {
            throw new TableEntityLimitException("EntityTooLarge", "Record", $"Application {record.ApplicationId}'s submission needs {parts.Count} columns.") { Table = SubmissionsTableName };
        }

        entity[RecordParts] = parts.Count;
        for (var i = 0; i < parts.Count; i++)
        {
            entity[PartColumn(i)] = parts[i];
        }

        return entity;
    }

    /// <summary>One page of a version's submissions in a period, oldest first: a range read of the version's partition.</summary>
    /// <param name="templateKey">The template.</param>
    /// <param name="version">The version the applications ran on.</param>
    /// <param name="from">Submitted at or after; the first when null.</param>
    /// <param name="to">Submitted before; no end when null.</param>
    /// <param name="pageSize">At most this many.</param>
    /// <param name="continuation">The previous page's continuation.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page and the continuation (null after the last).</returns>
    public async Task<(IReadOnlyList<StoredSubmission> Submissions, string? Continuation)> ListSubmissionsAsync(
        string templateKey, int version, DateTime? from, DateTime? to, int pageSize, string? continuation, CancellationToken cancellationToken = default)
    {
        var table = await tables.TableAsync(SubmissionsTableName);
        var partition = SubmissionsPartition(templateKey, version);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {Ticks(from ?? DateTime.MinValue)} and RowKey lt {Ticks(to ?? DateTime.MaxValue)}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, select: RecordColumns, cancellationToken: cancellationToken).AsPages(continuation, pageSize))
        {
            return ([.. page.Values.Select(ReadSubmission)], page.ContinuationToken);
        }

        return ([], null);
    }

    static string SubmissionsPartition(string templateKey, int version) => TableKeys.Escape($"{templateKey}|{version.ToString("D6", CultureInfo.InvariantCulture)}");

    static string SubmissionRow(DateTime submittedAt, string applicationId) => $"{Ticks(submittedAt)}|{TableKeys.Escape(applicationId)}";

    static string Ticks(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc).Ticks.ToString("D19", CultureInfo.InvariantCulture);

    static StoredSubmission ReadSubmission(TableEntity row)
    {
        var count = row.GetInt32(RecordParts) ?? 1;
        var json = string.Concat(Enumerable.Range(0, count).Select(i => row.GetString(PartColumn(i))));
        return JsonSerializer.Deserialize<StoredSubmission>(json, Json) ?? throw new RequestFailedException($"Submission row {row.RowKey} holds nothing.");
    }

    /// <summary>A stored submission as the simulation reads it.</summary>
    /// <param name="submission">The row.</param>
    /// <param name="calendar">Its pinned calendar, when found.</param>
    /// <returns>The past application.</returns>
    public static PastApplication Past(StoredSubmission submission, Calendar.WorkingCalendar? calendar)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return new PastApplication(submission.ApplicationId, submission.SubmittedAt, submission.Snapshot.Answers,
            submission.Snapshot.Licences.ToHashSet(StringComparer.Ordinal), submission.Materials, calendar);
    }
}
