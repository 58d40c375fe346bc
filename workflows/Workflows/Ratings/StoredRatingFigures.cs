using Microsoft.Extensions.Options;
using Workflows.Figures;

namespace Workflows.Ratings;

/// <summary>
/// The rating figures from the ratings' month index: the average score of the ratings given in the period, and the
/// share of its bad ratings whose follow-up has been answered. Ratings are counted by when they were given (the index
/// is kept by rating time), which for a period of whole months is what an evaluator reads as "this month's 好差评".
/// </summary>
/// <param name="store">The ratings.</param>
/// <param name="options">Which score counts as bad.</param>
public sealed class StoredRatingFigures(RatingStore store, IOptions<RatingOptions> options) : IRatingFigures
{
    /// <inheritdoc />
    public async Task<RatingFigures?> GetAsync(string? templateKey, DateOnly periodStart, DateOnly periodEnd, CancellationToken cancellationToken = default)
    {
        var ratings = (await store.ListByPeriodAsync(
                periodStart.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), periodEnd.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), cancellationToken: cancellationToken))
            .Where(r => templateKey is null || r.TemplateKey == templateKey)
            .ToList();
        if (ratings.Count == 0)
        {
            return new RatingFigures(null, null);
        }

        var bad = ratings.Where(r => r.Score <= options.Value.BadScoreAtMost).ToList();
        return new RatingFigures(
            Math.Round(ratings.Average(r => r.Score), 2),
            bad.Count == 0 ? null : Math.Round((double)bad.Count(r => r.Response is not null) / bad.Count, 4));
    }
}
