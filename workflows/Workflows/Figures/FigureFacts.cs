using Workflows.Applications;
using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Figures;

/// <summary>What the figures need of one ended application, computed once when it ends.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="TemplateKey">Its template.</param>
/// <param name="Status">How it ended.</param>
/// <param name="SubmittedAt">When it was accepted.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="OnTime">Whether it ended by the bundle's committed due time.</param>
/// <param name="ElapsedWorkingDays">Working days from acceptance to end.</param>
/// <param name="CommittedItemDays">The sum of the included items' own committed days: the time one trip per item would have promised.</param>
/// <param name="MaterialsRequired">Materials the included items needed (ledger lines).</param>
/// <param name="MaterialsUploaded">Of those, the ones the applicant uploaded.</param>
/// <param name="ItemsIncluded">Items that were part of the application.</param>
/// <param name="ItemsInstant">Of those, the ones decided by a rule at once (秒批).</param>
public sealed record FigureFact(
    string ApplicationId,
    string TemplateKey,
    ApplicationStatus Status,
    DateTime SubmittedAt,
    DateTime EndedAt,
    bool OnTime,
    double ElapsedWorkingDays,
    int CommittedItemDays,
    int MaterialsRequired,
    int MaterialsUploaded,
    int ItemsIncluded,
    int ItemsInstant)
{
    /// <summary>Whether an application in this status has ended and gets a fact.</summary>
    /// <param name="status">The status.</param>
    /// <returns>True for every end.</returns>
    public static bool Ended(ApplicationStatus status) =>
        status is ApplicationStatus.Completed or ApplicationStatus.PartiallyCompleted or ApplicationStatus.Rejected or ApplicationStatus.Withdrawn or ApplicationStatus.Expired
            or ApplicationStatus.Cancelled or ApplicationStatus.Declined;

    /// <summary>Whether the departments decided it (the timing figures count these; withdrawn and expired ones were not decided).</summary>
    public bool Decided => Status is ApplicationStatus.Completed or ApplicationStatus.PartiallyCompleted or ApplicationStatus.Rejected;

    /// <summary>The fact of an ended application.</summary>
    /// <param name="record">The application as it ended.</param>
    /// <param name="template">Its pinned template version, for the committed days; null counts them as 0.</param>
    /// <param name="clock">The SLA clock working days are counted on (the region's calendar, as due times are).</param>
    /// <returns>The fact.</returns>
    public static FigureFact Of(ApplicationRecord record, BundleTemplate? template, SlaClock clock)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(clock);
        var included = record.Items.Where(i => i.State != ItemState.NotIncluded).ToList();
        var committed = template?.Items.Where(t => included.Exists(i => i.Key == t.Key)).Sum(t => t.CommittedDays) ?? 0;
        // On time against the due time the bundle promised (pinned at submission); an older record without one is
        // measured against its committed days on this clock.
        var due = record.DueAt ?? clock.Due(record.SubmittedAt, template?.CommittedDays ?? 0);
        return new FigureFact(
            record.ApplicationId,
            record.TemplateKey,
            record.Status,
            record.SubmittedAt,
            record.UpdatedAt,
            record.UpdatedAt <= due,
            clock.ElapsedWorkingDays(record.SubmittedAt, record.UpdatedAt),
            committed,
            record.Materials.Count,
            record.Materials.Count(m => m.Status is MaterialStatus.Uploaded or MaterialStatus.Supplied),
            included.Count,
            included.Count(i => i.DecidedBy?.StartsWith("rule:", StringComparison.Ordinal) == true));
    }
}

/// <summary>Additive sums of facts: a month's, a template's, or everything's; rates are taken only at the end.</summary>
/// <param name="Applications">Ended applications.</param>
/// <param name="Completed">Of those, completed (every included item approved).</param>
/// <param name="Decided">Of those, decided by the departments (completed, partly, rejected).</param>
/// <param name="OnTime">Of the decided, ended by the bundle's due time.</param>
/// <param name="ElapsedWorkingDays">Sum over the decided.</param>
/// <param name="CommittedItemDays">Sum over the decided.</param>
/// <param name="MaterialsRequired">Sum over all.</param>
/// <param name="MaterialsUploaded">Sum over all.</param>
/// <param name="ItemsIncluded">Sum over all.</param>
/// <param name="ItemsInstant">Sum over all.</param>
public sealed record FigureSums(
    int Applications, int Completed, int Decided, int OnTime, double ElapsedWorkingDays, int CommittedItemDays,
    int MaterialsRequired, int MaterialsUploaded, int ItemsIncluded, int ItemsInstant)
{
    /// <summary>No applications.</summary>
    public static FigureSums Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>One fact's sums.</summary>
    /// <param name="fact">The fact.</param>
    /// <returns>Its sums.</returns>
    public static FigureSums Of(FigureFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var decided = fact.Decided;
        return new(1, fact.Status == ApplicationStatus.Completed ? 1 : 0, decided ? 1 : 0, decided && fact.OnTime ? 1 : 0,
            decided ? fact.ElapsedWorkingDays : 0, decided ? fact.CommittedItemDays : 0,
            fact.MaterialsRequired, fact.MaterialsUploaded, fact.ItemsIncluded, fact.ItemsInstant);
    }

    /// <summary>Adds two sums.</summary>
    /// <param name="other">The other sums.</param>
    /// <returns>Their total.</returns>
    public FigureSums Plus(FigureSums other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Applications + other.Applications, Completed + other.Completed, Decided + other.Decided, OnTime + other.OnTime,
            ElapsedWorkingDays + other.ElapsedWorkingDays, CommittedItemDays + other.CommittedItemDays, MaterialsRequired + other.MaterialsRequired,
            MaterialsUploaded + other.MaterialsUploaded, ItemsIncluded + other.ItemsIncluded, ItemsInstant + other.ItemsInstant);
    }
}

/// <summary>The figures of a template (or of all, <see cref="TemplateKey"/> null) for a period, as the reports use them.</summary>
/// <param name="TemplateKey">The template, or null for all.</param>
/// <param name="Applications">Ended applications submitted in the period.</param>
/// <param name="Completed">Of those, completed.</param>
/// <param name="CompletionRate">Completed / applications.</param>
/// <param name="OnTimeRate">Of the decided, the share ended by the bundle's due time.</param>
/// <param name="AverageElapsedWorkingDays">Of the decided, the average working days from acceptance to end.</param>
/// <param name="AverageCommittedItemDays">Of the decided, the average sum of the included items' own committed days.</param>
/// <param name="TimeCompression">1 - elapsed / committed sum: the time saved against one trip per item.</param>
/// <param name="MaterialsRequired">Materials the included items needed.</param>
/// <param name="MaterialsUploaded">Materials actually uploaded.</param>
/// <param name="MaterialsSavedRate">1 - uploaded / required: materials the applicant did not have to bring.</param>
/// <param name="InstantShare">Included items decided instantly by rules / included items.</param>
/// <param name="AverageRating">The average rating, when ratings are available.</param>
/// <param name="BadRatingsFollowedUpRate">Bad ratings followed up / bad ratings, when ratings are available.</param>
public sealed record FigureSet(
    string? TemplateKey, int Applications, int Completed, double? CompletionRate, double? OnTimeRate, double? AverageElapsedWorkingDays,
    double? AverageCommittedItemDays, double? TimeCompression, int MaterialsRequired, int MaterialsUploaded, double? MaterialsSavedRate,
    double? InstantShare, double? AverageRating, double? BadRatingsFollowedUpRate)
{
    /// <summary>The figures of sums and ratings.</summary>
    /// <param name="templateKey">The template, or null.</param>
    /// <param name="sums">The sums.</param>
    /// <param name="ratings">The rating figures, or null when not available.</param>
    /// <returns>The figures; a rate with nothing to divide by is null.</returns>
    public static FigureSet From(string? templateKey, FigureSums sums, RatingFigures? ratings)
    {
        ArgumentNullException.ThrowIfNull(sums);
        static double? Ratio(double part, double whole) => whole == 0 ? null : part / whole;
        var elapsed = Ratio(sums.ElapsedWorkingDays, sums.Decided);
        var committed = Ratio(sums.CommittedItemDays, sums.Decided);
        return new FigureSet(templateKey, sums.Applications, sums.Completed, Ratio(sums.Completed, sums.Applications), Ratio(sums.OnTime, sums.Decided),
            elapsed, committed, sums.CommittedItemDays == 0 ? null : 1 - (sums.ElapsedWorkingDays / sums.CommittedItemDays),
            sums.MaterialsRequired, sums.MaterialsUploaded, sums.MaterialsRequired == 0 ? null : 1 - ((double)sums.MaterialsUploaded / sums.MaterialsRequired),
            Ratio(sums.ItemsInstant, sums.ItemsIncluded), ratings?.AverageRating, ratings?.BadRatingsFollowedUpRate);
    }
}
