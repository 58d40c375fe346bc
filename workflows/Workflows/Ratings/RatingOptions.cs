namespace Workflows.Ratings;

/// <summary>Settings of ratings (section <c>Ratings</c>).</summary>
public sealed class RatingOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Ratings";

    /// <summary>The highest score that is bad and opens a follow-up (default 2).</summary>
    public int BadScoreAtMost { get; set; } = 2;

    /// <summary>Working days the department has to answer a bad rating (default 3).</summary>
    public int FollowUpDays { get; set; } = 3;

    /// <summary>Checks the options.</summary>
    /// <returns>The problems found, empty when usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BadScoreAtMost is < 0 or >= RatingRules.MaxScore)
        {
            problems.Add($"{SectionName}:{nameof(BadScoreAtMost)} must be 0 to {RatingRules.MaxScore - 1}, not {BadScoreAtMost}.");
        }

        if (FollowUpDays is < 1 or > 60)
        {
            problems.Add($"{SectionName}:{nameof(FollowUpDays)} must be 1 to 60 working days, not {FollowUpDays}.");
        }

        return problems;
    }
}
