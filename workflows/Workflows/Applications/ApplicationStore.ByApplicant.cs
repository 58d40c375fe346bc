using Azure;
using Azure.Data.Tables;
using Workflows.Api;
using Workflows.Storage;

namespace Workflows.Applications;

/// <summary>One row of an applicant's list: what the list shows, without the application's record.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="TemplateKey">The template.</param>
/// <param name="TemplateName">The bundle's name.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="SubmittedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Approved">Items approved.</param>
/// <param name="Included">Items included.</param>
public sealed record ApplicantListRow(
    string ApplicationId, string TemplateKey, string TemplateName, ApplicationStatus Status, DateTime SubmittedAt, DateTime UpdatedAt, int Approved, int Included);

/// <summary>The filters of an applicant's list; null means any.</summary>
/// <param name="Status">Only this status.</param>
/// <param name="TemplateKey">Only this template.</param>
/// <param name="From">Submitted at or after.</param>
/// <param name="To">Submitted before.</param>
/// <param name="NewestFirst">The order: newest submission first, or oldest first.</param>
public sealed record ApplicantListQuery(ApplicationStatus? Status = null, string? TemplateKey = null, DateTime? From = null, DateTime? To = null, bool NewestFirst = true);

// ApplicationsByApplicant: partition = applicant, two small rows per application, `n|{newest ticks}|{id}` and
// `o|{oldest ticks}|{id}`, so a page of "my applications" in either order is one range read of the applicant's
// partition, whatever the number of applications stored (theirs or anyone's). The rows hold only what the list shows;
// the record stays in Applications. Applicants whose applications were saved before this index get theirs written
// once, on their first list (the marker row says it was done).
public sealed partial class ApplicationStore
{
    /// <summary>The applicant's list table's name.</summary>
    public const string ByApplicantTableName = "ApplicationsByApplicant";

    /// <summary>The row that says an applicant's rows were all written (by the engine's saves, or once from their older records).</summary>
    public const string ByApplicantMarker = "~indexed";

    const string NewestPrefix = "n|";
    const string OldestPrefix = "o|";

    /// <summary>The row keys of one application in its applicant's list, newest-first and oldest-first.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="submittedAt">When it was accepted.</param>
    /// <returns>The two row keys.</returns>
    public static (string Newest, string Oldest) ByApplicantKeys(string applicationId, DateTime submittedAt) =>
        (NewestPrefix + Paging.Newest(submittedAt) + "|" + TableKeys.Escape(applicationId), OldestPrefix + Paging.Oldest(submittedAt) + "|" + TableKeys.Escape(applicationId));

    /// <summary>The two list rows of an application as the engine writes them (for seeding too).</summary>
    /// <param name="record">The application.</param>
    /// <returns>The newest-first and the oldest-first row.</returns>
    public static IReadOnlyList<TableEntity> ByApplicantRows(ApplicationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var (newest, oldest) = ByApplicantKeys(record.ApplicationId, record.SubmittedAt);
        return [ListRow(record, newest), ListRow(record, oldest)];
    }

    static TableEntity ListRow(ApplicationRecord record, string rowKey) => new(TableKeys.Escape(record.Applicant.Id), rowKey)
    {
        ["ApplicationId"] = record.ApplicationId,
        ["TemplateKey"] = record.TemplateKey,
        ["TemplateName"] = record.TemplateName,
        ["Status"] = record.Status.ToString(),
        ["SubmittedAt"] = DateTime.SpecifyKind(record.SubmittedAt, DateTimeKind.Utc),
        ["UpdatedAt"] = DateTime.SpecifyKind(record.UpdatedAt, DateTimeKind.Utc),
        ["Approved"] = record.Items.Count(i => i.State == Orchestration.ItemState.Approved),
        ["Included"] = record.Items.Count(i => i.State != Orchestration.ItemState.NotIncluded),
        [RevisionColumn] = record.Revision,
    };

    // The list rows follow the record under the same rule: never over a later state.
    async Task SaveListRowsAsync(ApplicationRecord record, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(ByApplicantTableName);
        foreach (var row in ByApplicantRows(record))
        {
            await WriteIfNotLaterAsync(table, row, record, cancellationToken);
        }
    }

    /// <summary>
    /// One page of an applicant's applications in the order asked, after <paramref name="after"/> (the last page's
    /// <see cref="ApplicantListRow"/> key, <see cref="ListKey"/>): one range read of the applicant's partition.
    /// </summary>
    /// <param name="applicantId">The applicant.</param>
    /// <param name="query">The filters and order.</param>
    /// <param name="after">The key the previous page ended at; null for the first page.</param>
    /// <param name="size">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows and whether more follow.</returns>
    public async Task<(IReadOnlyList<ApplicantListRow> Rows, bool More)> ListPageByApplicantAsync(
        string applicantId, ApplicantListQuery query, string? after, int size, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(applicantId);
        ArgumentNullException.ThrowIfNull(query);
        var table = await tables.TableAsync(ByApplicantTableName);
        await EnsureListedAsync(table, applicantId, cancellationToken);
        var filter = ListFilter(TableKeys.Escape(applicantId), query, after);
        var rows = new List<ApplicantListRow>(size + 1);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, size + 1), cancellationToken: cancellationToken))
        {
            rows.Add(ReadListRow(row));
            if (rows.Count > size)
            {
                break;
            }
        }

        return rows.Count > size ? (rows[..size], true) : (rows, false);
    }

    /// <summary>The key of a list row in an order (what a continuation holds): the submission's ticks, then the id.</summary>
    /// <param name="row">The row.</param>
    /// <param name="newestFirst">The order.</param>
    /// <returns>The key.</returns>
    public static string ListKey(ApplicantListRow row, bool newestFirst)
    {
        ArgumentNullException.ThrowIfNull(row);
        return (newestFirst ? Paging.Newest(row.SubmittedAt) : Paging.Oldest(row.SubmittedAt)) + "|" + TableKeys.Escape(row.ApplicationId);
    }

    /// <summary>The table filter of one page: the applicant's partition, the order's key range (after the last page, within the submission times), status and template.</summary>
    /// <param name="partition">The applicant's partition key.</param>
    /// <param name="query">The filters and order.</param>
    /// <param name="after">The key the previous page ended at; null for the first page.</param>
    /// <returns>The OData filter.</returns>
    public static string ListFilter(string partition, ApplicantListQuery query, string? after)
    {
        ArgumentNullException.ThrowIfNull(query);
        var prefix = query.NewestFirst ? NewestPrefix : OldestPrefix;

        // '}' follows '|': "n|{ticks}}" comes after every row of those ticks and before the next ticks'.
        var lower = prefix + (after ?? string.Empty);
        var lowerInclusive = after is null;
        var upper = prefix[..^1] + "}";
        if (query.NewestFirst)
        {
            // Newest ticks fall as the submission time rises: "at or after From" is an upper bound, "before To" a lower.
            if (query.From is { } from && string.CompareOrdinal(prefix + Paging.Newest(from) + "}", upper) < 0)
            {
                upper = prefix + Paging.Newest(from) + "}";
            }

            if (query.To is { } to && string.CompareOrdinal(prefix + Paging.Newest(to) + "}", lower) > 0)
            {
                (lower, lowerInclusive) = (prefix + Paging.Newest(to) + "}", false);
            }
        }
        else
        {
            if (query.From is { } from && string.CompareOrdinal(prefix + Paging.Oldest(from) + "|", lower) > 0)
            {
                (lower, lowerInclusive) = (prefix + Paging.Oldest(from) + "|", true);
            }

            if (query.To is { } to && string.CompareOrdinal(prefix + Paging.Oldest(to) + "|", upper) < 0)
            {
                upper = prefix + Paging.Oldest(to) + "|";
            }
        }

        var filter = lowerInclusive
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {lower} and RowKey lt {upper}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {lower} and RowKey lt {upper}");
        if (query.Status is { } status)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status.ToString()}");
        }

        if (query.TemplateKey is { } template)
        {
            filter += " and " + TableClient.CreateQueryFilter($"TemplateKey eq {template}");
        }

        return filter;
    }

    static ApplicantListRow ReadListRow(TableEntity row) => new(
        row.GetString("ApplicationId"), row.GetString("TemplateKey"), row.GetString("TemplateName") ?? string.Empty,
        Enum.TryParse<ApplicationStatus>(row.GetString("Status"), out var s) ? s : ApplicationStatus.InProgress,
        row.GetDateTimeOffset("SubmittedAt")?.UtcDateTime ?? DateTime.MinValue, row.GetDateTimeOffset("UpdatedAt")?.UtcDateTime ?? DateTime.MinValue,
        row.GetInt32("Approved") ?? 0, row.GetInt32("Included") ?? 0);

    // Once per applicant: rows of applications saved before the index are written from their records, then the marker.
    // A save racing this one is kept by the rule both follow (never over a later state).
    async Task EnsureListedAsync(TableClient table, string applicantId, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Escape(applicantId);
        if ((await table.GetEntityIfExistsAsync<TableEntity>(partition, ByApplicantMarker, select: ["PartitionKey"], cancellationToken: cancellationToken)).HasValue)
        {
            return;
        }

        var applications = await tables.TableAsync(TableName);
        await foreach (var row in applications.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken))
        {
            var record = Read(row);
            foreach (var listRow in ByApplicantRows(record))
            {
                await WriteIfNotLaterAsync(table, listRow, record, cancellationToken);
            }
        }

        try
        {
            await table.AddEntityAsync(new TableEntity(partition, ByApplicantMarker), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another list did it too.
        }
    }
}
