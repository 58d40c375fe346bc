using System.Globalization;
using Microsoft.AspNetCore.Http;
using Workflows.Api;

namespace Workflows.Figures;

/// <summary>The figures administrators watch (completion, on time, time compression, materials saved, instant share, ratings).</summary>
public sealed class FiguresApi(FiguresStore figures)
{
    /// <summary>The longest period asked for at once, in months.</summary>
    public const int MaxMonths = 120;

    /// <summary>The figures of the applications submitted in a period of whole months.</summary>
    /// <param name="caller">The caller; administrators only.</param>
    /// <param name="template">One template's key, or null for all.</param>
    /// <param name="from">The first month, yyyy-MM.</param>
    /// <param name="to">The last month, yyyy-MM (inclusive).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the figures; 400 naming the bad query parameter.</returns>
    public async Task<IResult> GetAsync(Caller caller, string? template, string? from, string? to, CancellationToken cancellationToken)
    {
        var errors = new List<ApiError>();
        var first = ParseMonth(from, "from", errors);
        var last = ParseMonth(to, "to", errors);
        if (template is not null && (template.Length is 0 or > 64 || !template.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')))
        {
            errors.Add(new ApiError("query:template", "query.invalid", "模板键：小写字母、数字和“-”。", "A template key: lower-case letters, digits and '-'."));
        }

        if (first is { } f && last is { } l && (l < f || ((l.Year - f.Year) * 12) + l.Month - f.Month >= MaxMonths))
        {
            errors.Add(new ApiError("query:to", "period.invalid", $"期间的结束不得早于开始，且最长 {MaxMonths} 个月。", $"The period must end no earlier than it starts and span at most {MaxMonths} months."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return Results.Ok(await figures.ComputeAsync(template, first!.Value, last!.Value, cancellationToken));
    }

    static DateOnly? ParseMonth(string? value, string name, List<ApiError> errors)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) && month.Year >= 2000)
        {
            return month;
        }

        errors.Add(new ApiError($"query:{name}", "query.invalid", "月份，格式 yyyy-MM（自 2000-01 起）。", "A month, yyyy-MM (from 2000-01)."));
        return null;
    }
}
