using System.Globalization;
using System.Text;

namespace Workflows.Portal.Admin;

/// <summary>One row of figures as the figures page and its CSV show them: a month of the period, or its total.</summary>
/// <param name="Label">The month (yyyy-MM) or the total's name.</param>
/// <param name="Applications">Ended applications.</param>
/// <param name="Completed">Of those, completed.</param>
/// <param name="CompletionRate">Completed / applications (0..1).</param>
/// <param name="OnTimeRate">Of the decided, ended by the due time (0..1).</param>
/// <param name="AverageElapsedWorkingDays">Of the decided, working days from acceptance to end.</param>
/// <param name="AverageCommittedItemDays">Of the decided, the sum of the included items' own limits.</param>
/// <param name="TimeCompression">1 - elapsed / committed.</param>
/// <param name="MaterialsRequired">Materials the included items needed.</param>
/// <param name="MaterialsUploaded">Of those, uploaded.</param>
/// <param name="MaterialsSavedRate">1 - uploaded / required.</param>
/// <param name="InstantShare">Items decided instantly by rules / items (0..1).</param>
/// <param name="AverageRating">The average rating (1..5).</param>
public sealed record FigureRow(
    string Label, int Applications, int Completed, double? CompletionRate, double? OnTimeRate, double? AverageElapsedWorkingDays,
    double? AverageCommittedItemDays, double? TimeCompression, int MaterialsRequired, int MaterialsUploaded, double? MaterialsSavedRate,
    double? InstantShare, double? AverageRating)
{
    /// <summary>The row's cells in <see cref="FigureColumns"/> order, as both the tables and the CSV write them.</summary>
    public IReadOnlyList<string> Cells() =>
    [
        Label, FigureFormat.Count(Applications), FigureFormat.Count(Completed), FigureFormat.Percent(CompletionRate), FigureFormat.Percent(OnTimeRate),
        FigureFormat.Days(AverageElapsedWorkingDays), FigureFormat.Days(AverageCommittedItemDays), FigureFormat.Percent(TimeCompression),
        FigureFormat.Count(MaterialsRequired), FigureFormat.Count(MaterialsUploaded), FigureFormat.Percent(MaterialsSavedRate),
        FigureFormat.Percent(InstantShare), FigureFormat.Rating(AverageRating),
    ];
}

/// <summary>The figures' columns, in the order of <see cref="FigureRow.Cells"/>: the page names each from its texts.</summary>
public static class FigureColumns
{
    /// <summary>Every column's key (also the table cells' data-figure and the text key after "Figures").</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "Month", "Applications", "Completed", "CompletionRate", "OnTimeRate", "AverageElapsedWorkingDays", "AverageCommittedItemDays",
        "TimeCompression", "MaterialsRequired", "MaterialsUploaded", "MaterialsSavedRate", "InstantShare", "AverageRating",
    ];
}

/// <summary>
/// Numbers as the figures show them. Invariant on purpose: the app runs with invariant globalization, both languages
/// write numbers the same way, and a CSV must read back in any spreadsheet. An absent rate (nothing to divide) is empty.
/// </summary>
public static class FigureFormat
{
    /// <summary>A count.</summary>
    public static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A share (0..1) as a percentage with one decimal (83.3), empty when absent.</summary>
    public static string Percent(double? share) => share is { } s ? Math.Round(s * 100, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>Working days with one decimal, empty when absent.</summary>
    public static string Days(double? days) => days is { } d ? Math.Round(d, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>A rating with two decimals, empty when absent.</summary>
    public static string Rating(double? rating) => rating is { } r ? Math.Round(r, 2, MidpointRounding.AwayFromZero).ToString("0.00", CultureInfo.InvariantCulture) : string.Empty;
}

/// <summary>The figures as a CSV file Excel opens as it is: UTF-8 with a byte-order mark (else it reads Chinese as ANSI), CRLF lines.</summary>
public static class FiguresCsv
{
    /// <summary>The file: the header row (in the reader's language), then one line per row.</summary>
    /// <param name="header">The columns' names.</param>
    /// <param name="rows">The rows.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Write(IReadOnlyList<string> header, IEnumerable<FigureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows)
        {
            Line(text, row.Cells());
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    static void Line(StringBuilder text, IReadOnlyList<string> cells)
    {
        text.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
    }

    // RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled. A cell a spreadsheet would
    // run as a formula (=, +, -, @ first) is written with a leading apostrophe: labels are the only text here.
    static string Quote(string cell)
    {
        if (cell.Length > 0 && cell[0] is '=' or '+' or '@' || (cell.Length > 0 && cell[0] == '-' && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            cell = "'" + cell;
        }

        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}

/// <summary>The top of a chart's scale: a round number at or above the largest value (1, 2 or 5 times a power of ten).</summary>
public static class ChartScale
{
    /// <summary>The scale's top for values; 1 when there are none above 0.</summary>
    /// <param name="values">The values drawn.</param>
    /// <returns>The top.</returns>
    public static double Top(IEnumerable<double?> values)
    {
        var max = values.Select(v => v ?? 0).DefaultIfEmpty(0).Max();
        if (max <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1d, 2d, 5d, 10d })
        {
            if (max <= step * power)
            {
                return step * power;
            }
        }

        return 10 * power;
    }
}

/// <summary>A column of a figure's table; with a value it is drawn as bars too.</summary>
/// <param name="Key">The figure's key in <see cref="FigureColumns.Keys"/>.</param>
/// <param name="Name">Its name in the reader's language.</param>
/// <param name="Value">The value drawn (on the chart's scale), or null for a column only in the table.</param>
public sealed record FigureChartColumn(string Key, string Name, Func<FigureRow, double?>? Value = null);
