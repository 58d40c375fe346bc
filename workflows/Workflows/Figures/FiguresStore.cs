using System.Globalization;
using Azure.Data.Tables;
using Workflows.Applications;
using Workflows.Storage;

namespace Workflows.Figures;

/// <summary>The figures of a period: one set per template with applications in it, and the total.</summary>
/// <param name="From">The first month, yyyy-MM.</param>
/// <param name="To">The last month, yyyy-MM (inclusive).</param>
/// <param name="Overall">Every template together (or the one asked for).</param>
/// <param name="Templates">Per template.</param>
/// <param name="Months">The same figures month by month (every template together, or the one asked for), each month of the
/// period in order, months without applications included: the series a chart draws, in the same call.</param>
public sealed record FiguresReport(string From, string To, FigureSet Overall, IReadOnlyList<FigureSet> Templates, IReadOnlyList<FigureMonth>? Months = null);

/// <summary>One month of a figures series.</summary>
/// <param name="Month">The month, yyyy-MM (applications submitted in it).</param>
/// <param name="Figures">Its figures.</param>
public sealed record FigureMonth(string Month, FigureSet Figures);

/// <summary>
/// Figures from facts, not from scans. <c>FigureFacts</c>: partition <c>{template}|{yyyyMM of submission}</c>, row =
/// application, one upserted row per ended application. <c>FigureMonths</c>: partition = template, rows
/// <c>{yyyyMM}|stamp</c> (rewritten after every fact of that month) and <c>{yyyyMM}|sums</c> (the month's sums,
/// cached for ended months, valid while its stamp matches). A period reads the months' stamps and cached sums in one
/// range query per template and reads a month's facts only when its sums are missing or stale.
/// </summary>
public sealed class FiguresStore(StorageTables tables, IRatingFigures ratings, TimeProvider time)
{
    /// <summary>The facts table.</summary>
    public const string FactsTableName = "FigureFacts";

    /// <summary>The per-month table (stamps and cached sums).</summary>
    public const string MonthsTableName = "FigureMonths";

    const string StampSuffix = "|stamp";
    const string SumsSuffix = "|sums";

    /// <summary>Writes an ended application's fact, then its month's new stamp (so a cached sum read before is seen as stale).</summary>
    /// <param name="fact">The fact.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>A task that completes when both are written.</returns>
    public async Task RecordAsync(FigureFact fact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var month = Month(fact.SubmittedAt);
        var facts = await tables.TableAsync(FactsTableName);
        await facts.UpsertEntityAsync(new TableEntity($"{TableKeys.Escape(fact.TemplateKey)}|{month}", TableKeys.Escape(fact.ApplicationId))
        {
            ["Status"] = fact.Status.ToString(),
            ["SubmittedAt"] = DateTime.SpecifyKind(fact.SubmittedAt, DateTimeKind.Utc),
            ["EndedAt"] = DateTime.SpecifyKind(fact.EndedAt, DateTimeKind.Utc),
            ["OnTime"] = fact.OnTime,
            ["ElapsedWorkingDays"] = fact.ElapsedWorkingDays,
            ["CommittedItemDays"] = fact.CommittedItemDays,
            ["MaterialsRequired"] = fact.MaterialsRequired,
            ["MaterialsUploaded"] = fact.MaterialsUploaded,
            ["ItemsIncluded"] = fact.ItemsIncluded,
            ["ItemsInstant"] = fact.ItemsInstant,
        }, TableUpdateMode.Replace, cancellationToken);
        var months = await tables.TableAsync(MonthsTableName);
        await months.UpsertEntityAsync(new TableEntity(TableKeys.Escape(fact.TemplateKey), month + StampSuffix)
        {
            ["Stamp"] = Guid.NewGuid().ToString("N"),
            ["TemplateKey"] = fact.TemplateKey,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The figures of the applications submitted in a period of whole months.</summary>
    /// <param name="templateKey">One template, or null for all.</param>
    /// <param name="from">The first month (its first day).</param>
    /// <param name="to">The last month (its first day), inclusive.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The figures.</returns>
    public async Task<FiguresReport> ComputeAsync(string? templateKey, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var months = await tables.TableAsync(MonthsTableName);
        var low = Month(from);
        var high = Month(to.AddMonths(1));
        var filter = templateKey is null
            ? TableClient.CreateQueryFilter($"RowKey ge {low} and RowKey lt {high}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(templateKey)} and RowKey ge {low} and RowKey lt {high}");
        // Stamps are read before any fact: a fact written after this read changes its stamp, so sums cached now from
        // fewer facts are recognised as stale next time.
        var rows = new List<TableEntity>();
        await foreach (var row in months.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var endedBefore = Month(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var perTemplate = new List<FigureSet>();
        var total = FigureSums.Zero;
        var periodEnd = to.AddMonths(1);
        var byMonth = new Dictionary<string, FigureSums>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var key = TableKeys.Unescape(group.Key);
            var sums = FigureSums.Zero;
            foreach (var stamp in group.Where(r => r.RowKey.EndsWith(StampSuffix, StringComparison.Ordinal)))
            {
                var month = stamp.RowKey[..^StampSuffix.Length];
                var cached = group.FirstOrDefault(r => r.RowKey == month + SumsSuffix);
                var monthSums = cached is not null && cached.GetString("Stamp") == stamp.GetString("Stamp")
                    ? ReadSums(cached)
                    : await SumMonthAsync(months, group.Key, month, stamp.GetString("Stamp"), string.CompareOrdinal(month, endedBefore) < 0, cancellationToken);
                sums = sums.Plus(monthSums);
                byMonth[month] = byMonth.TryGetValue(month, out var earlier) ? earlier.Plus(monthSums) : monthSums;
            }

            perTemplate.Add(FigureSet.From(key, sums, await ratings.GetAsync(key, from, periodEnd, cancellationToken)));
            total = total.Plus(sums);
        }

        var overall = FigureSet.From(templateKey, total, await ratings.GetAsync(templateKey, from, periodEnd, cancellationToken));
        // The series comes from the same month sums; only the ratings are read per month.
        var series = new List<FigureMonth>();
        for (var start = new DateOnly(from.Year, from.Month, 1); start < periodEnd; start = start.AddMonths(1))
        {
            var month = Month(start);
            series.Add(new FigureMonth(start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                FigureSet.From(templateKey, byMonth.GetValueOrDefault(month, FigureSums.Zero), await ratings.GetAsync(templateKey, start, start.AddMonths(1), cancellationToken))));
        }

        return new FiguresReport(from.ToString("yyyy-MM", CultureInfo.InvariantCulture), to.ToString("yyyy-MM", CultureInfo.InvariantCulture), overall, perTemplate, series);
    }

    // One month's facts summed; cached when the month has ended (the current month keeps changing).
    async Task<FigureSums> SumMonthAsync(TableClient months, string partition, string month, string? stamp, bool ended, CancellationToken cancellationToken)
    {
        var facts = await tables.TableAsync(FactsTableName);
        var sums = FigureSums.Zero;
        await foreach (var row in facts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition + "|" + month}"), cancellationToken: cancellationToken))
        {
            sums = sums.Plus(FigureSums.Of(ReadFact(row)));
        }

        if (ended && stamp is not null)
        {
            await months.UpsertEntityAsync(new TableEntity(partition, month + SumsSuffix)
            {
                ["Stamp"] = stamp,
                ["Applications"] = sums.Applications,
                ["Completed"] = sums.Completed,
                ["Decided"] = sums.Decided,
                ["OnTime"] = sums.OnTime,
                ["ElapsedWorkingDays"] = sums.ElapsedWorkingDays,
                ["CommittedItemDays"] = sums.CommittedItemDays,
                ["MaterialsRequired"] = sums.MaterialsRequired,
                ["MaterialsUploaded"] = sums.MaterialsUploaded,
                ["ItemsIncluded"] = sums.ItemsIncluded,
                ["ItemsInstant"] = sums.ItemsInstant,
            }, TableUpdateMode.Replace, cancellationToken);
        }

        return sums;
    }

    static FigureSums ReadSums(TableEntity row) => new(
        row.GetInt32("Applications") ?? 0, row.GetInt32("Completed") ?? 0, row.GetInt32("Decided") ?? 0, row.GetInt32("OnTime") ?? 0,
        row.GetDouble("ElapsedWorkingDays") ?? 0, row.GetInt32("CommittedItemDays") ?? 0, row.GetInt32("MaterialsRequired") ?? 0,
        row.GetInt32("MaterialsUploaded") ?? 0, row.GetInt32("ItemsIncluded") ?? 0, row.GetInt32("ItemsInstant") ?? 0);

    static FigureFact ReadFact(TableEntity row) => new(
        TableKeys.Unescape(row.RowKey), string.Empty, Enum.Parse<ApplicationStatus>(row.GetString("Status") ?? nameof(ApplicationStatus.Rejected)),
        row.GetDateTime("SubmittedAt") ?? default, row.GetDateTime("EndedAt") ?? default, row.GetBoolean("OnTime") ?? false,
        row.GetDouble("ElapsedWorkingDays") ?? 0, row.GetInt32("CommittedItemDays") ?? 0, row.GetInt32("MaterialsRequired") ?? 0,
        row.GetInt32("MaterialsUploaded") ?? 0, row.GetInt32("ItemsIncluded") ?? 0, row.GetInt32("ItemsInstant") ?? 0);

    /// <summary>A month as keys write it.</summary>
    /// <param name="at">Any moment in it.</param>
    /// <returns>yyyyMM.</returns>
    public static string Month(DateTime at) => at.ToString("yyyyMM", CultureInfo.InvariantCulture);

    static string Month(DateOnly day) => day.ToString("yyyyMM", CultureInfo.InvariantCulture);
}
