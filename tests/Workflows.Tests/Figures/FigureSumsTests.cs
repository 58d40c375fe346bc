using Workflows.Applications;
using Workflows.Figures;

namespace Workflows.Tests.Figures;

/// <summary>
/// The sums the figures' months are made of: a period's sums are its months' sums added, and every rate is taken from
/// the sums at the end (never an average of the months' rates), so the months of a chart add up to the period's total.
/// </summary>
public sealed class FigureSumsTests
{
    static FigureFact Fact(ApplicationStatus status, bool onTime, double elapsed, int committed, int required, int uploaded, int items, int instant, int month) =>
        new($"a-{Guid.NewGuid():N}", "newborn", status, new DateTime(2026, month, 10, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, month, 12, 0, 0, 0, DateTimeKind.Utc),
            onTime, elapsed, committed, required, uploaded, items, instant);

    static readonly FigureFact[] November =
    [
        Fact(ApplicationStatus.Completed, true, 2, 20, 4, 1, 3, 1, 11),
        Fact(ApplicationStatus.Rejected, false, 12, 10, 3, 3, 2, 0, 11),
        Fact(ApplicationStatus.Withdrawn, false, 40, 30, 5, 0, 3, 0, 11),
    ];

    static readonly FigureFact[] December = [Fact(ApplicationStatus.Completed, true, 1, 15, 2, 0, 2, 2, 12)];

    static FigureSums Sum(IEnumerable<FigureFact> facts) => facts.Aggregate(FigureSums.Zero, (sums, fact) => sums.Plus(FigureSums.Of(fact)));

    [Fact]
    public void Month_CountsEveryEndedApplication_AndTimesOnlyTheDecidedOnes()
    {
        var sums = Sum(November);

        sums.ShouldBe(new FigureSums(3, 1, 2, 1, 14, 30, 12, 4, 8, 1), "the withdrawal counts as an application and its materials, not in the timing");
        var figures = FigureSet.From("newborn", sums, null);
        figures.CompletionRate.ShouldBe(1d / 3);
        figures.OnTimeRate.ShouldBe(0.5);
        figures.AverageElapsedWorkingDays.ShouldBe(7);
        figures.AverageCommittedItemDays.ShouldBe(15);
        figures.TimeCompression.ShouldBe(1 - (14d / 30));
        figures.MaterialsSavedRate.ShouldBe(1 - (4d / 12));
        figures.InstantShare.ShouldBe(1d / 8);
    }

    [Fact]
    public void Period_IsItsMonthsAdded_AndItsRatesComeFromTheAddedSums()
    {
        var november = Sum(November);
        var december = Sum(December);

        var period = november.Plus(december);

        period.ShouldBe(Sum(November.Concat(December)));
        period.Applications.ShouldBe(november.Applications + december.Applications);
        var figures = FigureSet.From(null, period, null);
        figures.CompletionRate.ShouldBe(2d / 4, "not the average of 1/3 and 1/1");
        figures.OnTimeRate.ShouldBe(2d / 3);
        figures.TimeCompression.ShouldBe(1 - (15d / 45));
        figures.InstantShare.ShouldBe(3d / 10);
    }

    [Fact]
    public void EmptyMonth_HasCountsOfZero_AndNoRates()
    {
        var figures = FigureSet.From("newborn", FigureSums.Zero, new RatingFigures(null, null));

        figures.Applications.ShouldBe(0);
        figures.CompletionRate.ShouldBeNull();
        figures.OnTimeRate.ShouldBeNull();
        figures.TimeCompression.ShouldBeNull();
        figures.MaterialsSavedRate.ShouldBeNull();
        figures.InstantShare.ShouldBeNull();
        figures.AverageRating.ShouldBeNull();
        FigureSums.Zero.Plus(FigureSums.Zero).ShouldBe(FigureSums.Zero);
    }
}
