namespace Workflows.Ratings;

/// <summary>
/// One rating (好差评) of an item or of a whole bundle by its applicant, and, when it was bad, the department's
/// written response to it.
/// </summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="Target">The item key, or <see cref="RatingRules.BundleTarget"/> for the whole bundle.</param>
/// <param name="ApplicantId">Who rated (always the applicant).</param>
/// <param name="TemplateKey">The bundle template.</param>
/// <param name="Department">The item's department; for the bundle, the department of its first item (the lead department).</param>
/// <param name="Score">1 (very bad) to 5 (very good).</param>
/// <param name="Tags">Tags from <see cref="RatingTags.All"/>.</param>
/// <param name="Comment">The applicant's words, at most 500 characters.</param>
/// <param name="RatedAt">When.</param>
/// <param name="FollowUpTaskId">The follow-up task a bad rating opened, if any.</param>
/// <param name="FollowUpDueAt">When the follow-up is due.</param>
/// <param name="Response">The department's written response, once answered.</param>
/// <param name="RespondedBy">Who answered (officer:ID).</param>
/// <param name="RespondedAt">When.</param>
public sealed record Rating(
    string ApplicationId,
    string Target,
    string ApplicantId,
    string TemplateKey,
    string Department,
    int Score,
    IReadOnlyList<string> Tags,
    string? Comment,
    DateTime RatedAt,
    string? FollowUpTaskId = null,
    DateTime? FollowUpDueAt = null,
    string? Response = null,
    string? RespondedBy = null,
    DateTime? RespondedAt = null)
{
    /// <summary>The follow-up task id of a bad rating: <c>{application}:{target}:followup</c>.</summary>
    /// <param name="applicationId">The application.</param>
    /// <param name="target">The item key or <c>bundle</c>.</param>
    /// <returns>The task id.</returns>
    public static string FollowUpId(string applicationId, string target) => $"{applicationId}:{target}:followup";

    /// <summary>Whether another rating says the same (score, tags, comment): a retried request, not a second rating.</summary>
    /// <param name="other">The other rating.</param>
    /// <returns>True when the same.</returns>
    public bool SameAs(Rating other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.ApplicationId == ApplicationId && other.Target == Target && other.Score == Score
            && (other.Comment ?? string.Empty) == (Comment ?? string.Empty) && other.Tags.SequenceEqual(Tags, StringComparer.Ordinal);
    }

    /// <summary>Records the department's response: once, and only on a rating that was followed up.</summary>
    /// <param name="text">The response.</param>
    /// <param name="by">Who (officer:ID).</param>
    /// <param name="at">When.</param>
    /// <returns>The answered rating.</returns>
    /// <exception cref="RatingNotFollowedUpException">The rating was not bad.</exception>
    /// <exception cref="FollowUpAlreadyAnsweredException">It was answered before.</exception>
    public Rating Answer(string text, string by, DateTime at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (FollowUpTaskId is null)
        {
            throw new RatingNotFollowedUpException(ApplicationId, Target);
        }

        if (Response is not null)
        {
            throw new FollowUpAlreadyAnsweredException(FollowUpTaskId);
        }

        return this with { Response = text, RespondedBy = by, RespondedAt = at };
    }
}
