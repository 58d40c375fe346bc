namespace Workflows.Figures;

/// <summary>The rating figures of a template (or all) for a period.</summary>
/// <param name="AverageRating">The average rating; null when none.</param>
/// <param name="BadRatingsFollowedUpRate">Bad ratings followed up / bad ratings; null when there were none.</param>
public sealed record RatingFigures(double? AverageRating, double? BadRatingsFollowedUpRate);

/// <summary>Where the figures get their rating figures from (the ratings' own store computes them).</summary>
public interface IRatingFigures
{
    /// <summary>The rating figures of applications submitted in a period.</summary>
    /// <param name="templateKey">The template, or null for all.</param>
    /// <param name="periodStart">The first day of the period.</param>
    /// <param name="periodEnd">The day after the period.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The figures, or null when ratings are not available.</returns>
    Task<RatingFigures?> GetAsync(string? templateKey, DateOnly periodStart, DateOnly periodEnd, CancellationToken cancellationToken = default);
}
