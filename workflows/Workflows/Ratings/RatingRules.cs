using Workflows.Templates;

namespace Workflows.Ratings;

/// <summary>
/// The tags an applicant may put on a rating (好差评). A fixed set, so figures can count them and nobody tags a
/// department with free text: five that praise and six that name what went wrong.
/// </summary>
public static class RatingTags
{
    /// <summary>Every tag, in the order a form shows them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "fast", "clear-guidance", "helpful-staff", "no-trip", "fewer-materials",
        "slow", "unclear-guidance", "extra-materials", "extra-trips", "poor-attitude", "not-resolved",
    ];

    /// <summary>What people read for each tag, in Chinese and English.</summary>
    public static IReadOnlyDictionary<string, Workflows.Templates.LocalText> Labels { get; } = new Dictionary<string, Workflows.Templates.LocalText>(StringComparer.Ordinal)
    {
        ["fast"] = new("办理快", "Fast"),
        ["clear-guidance"] = new("指引清楚", "Clear guidance"),
        ["helpful-staff"] = new("服务热情", "Helpful staff"),
        ["no-trip"] = new("一次不用跑", "No trip needed"),
        ["fewer-materials"] = new("材料精简", "Fewer materials"),
        ["slow"] = new("办理慢", "Slow"),
        ["unclear-guidance"] = new("指引不清", "Unclear guidance"),
        ["extra-materials"] = new("要求额外材料", "Extra materials asked"),
        ["extra-trips"] = new("多次跑动", "Extra trips"),
        ["poor-attitude"] = new("态度不好", "Poor attitude"),
        ["not-resolved"] = new("问题未解决", "Not resolved"),
    };

    /// <summary>Whether a tag is one of <see cref="All"/> (exact, lower case).</summary>
    /// <param name="tag">The tag.</param>
    /// <returns>True when known.</returns>
    public static bool IsKnown(string? tag) => tag is not null && All.Contains(tag, StringComparer.Ordinal);
}

/// <summary>A rating's target was rated before, with something else.</summary>
/// <param name="applicationId">The application.</param>
/// <param name="target">The item key or <c>bundle</c>.</param>
public sealed class RatingAlreadyGivenException(string applicationId, string target)
    : InvalidOperationException($"'{target}' of application {applicationId} has already been rated; a rating cannot be changed."), ILocalMessage
{
    /// <inheritdoc />
    public LocalText Text { get; } = new($"申请 {applicationId} 的“{target}”已评价过；评价不能更改。", $"'{target}' of application {applicationId} has already been rated; a rating cannot be changed.");
}

/// <summary>The item or bundle has not ended, so there is nothing to rate yet.</summary>
/// <param name="target">The item key or <c>bundle</c>.</param>
/// <param name="state">Where it stands.</param>
public sealed class RatingTargetNotEndedException(string target, string state)
    : InvalidOperationException($"'{target}' has not ended (it is {state}); it can be rated once it is decided."), ILocalMessage
{
    /// <inheritdoc />
    public LocalText Text { get; } = new($"“{target}”尚未办结（状态 {state}）；办结后才能评价。", $"'{target}' has not ended (it is {state}); it can be rated once it is decided.");
}

/// <summary>A follow-up was answered already; its response cannot be changed.</summary>
/// <param name="taskId">The follow-up task.</param>
public sealed class FollowUpAlreadyAnsweredException(string taskId)
    : InvalidOperationException($"Follow-up {taskId} has already been answered."), ILocalMessage
{
    /// <inheritdoc />
    public LocalText Text { get; } = new($"整改任务 {taskId} 已答复。", $"Follow-up {taskId} has already been answered.");
}

/// <summary>The rating has no follow-up (it was not bad), so there is nothing to answer.</summary>
/// <param name="applicationId">The application.</param>
/// <param name="target">The item key or <c>bundle</c>.</param>
public sealed class RatingNotFollowedUpException(string applicationId, string target)
    : InvalidOperationException($"The rating of '{target}' of application {applicationId} has no follow-up."), ILocalMessage
{
    /// <inheritdoc />
    public LocalText Text { get; } = new($"申请 {applicationId} 对“{target}”的评价没有整改任务。", $"The rating of '{target}' of application {applicationId} has no follow-up.");
}

/// <summary>One thing wrong with a rating as given, located by its field.</summary>
/// <param name="Field">The field: <c>score</c>, <c>tags[1]</c>, <c>comment</c>.</param>
/// <param name="Code">A stable code.</param>
/// <param name="Message">What is wrong, in English.</param>
/// <param name="MessageZh">What is wrong, in Chinese; the API answers one of the two by the request's language.</param>
public sealed record RatingProblem(string Field, string Code, string Message, string MessageZh);

/// <summary>The rules of a rating: what may be given, and the guarded transitions (once only; answered once).</summary>
public static class RatingRules
{
    /// <summary>The lowest score.</summary>
    public const int MinScore = 1;

    /// <summary>The highest score.</summary>
    public const int MaxScore = 5;

    /// <summary>The longest comment.</summary>
    public const int MaxComment = 500;

    /// <summary>The longest follow-up response.</summary>
    public const int MaxResponse = 2000;

    /// <summary>The row key of a rating of the whole bundle.</summary>
    public const string BundleTarget = "bundle";

    /// <summary>Checks what the applicant gave.</summary>
    /// <param name="score">1 to 5.</param>
    /// <param name="tags">Tags from <see cref="RatingTags.All"/>, each at most once.</param>
    /// <param name="comment">At most <see cref="MaxComment"/> characters.</param>
    /// <returns>Every problem; empty when valid.</returns>
    public static IReadOnlyList<RatingProblem> Validate(int score, IReadOnlyList<string?>? tags, string? comment)
    {
        var problems = new List<RatingProblem>();
        if (score is < MinScore or > MaxScore)
        {
            problems.Add(new RatingProblem("score", "field.outOfRange", $"A whole number from {MinScore} to {MaxScore}.", $"{MinScore} 至 {MaxScore} 的整数。"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (tags?.Count ?? 0); i++)
        {
            var tag = tags![i];
            if (!RatingTags.IsKnown(tag))
            {
                problems.Add(new RatingProblem($"tags[{i}]", "tag.unknown", $"One of {string.Join(", ", RatingTags.All)}.", $"{string.Join("、", RatingTags.All)} 之一。"));
            }
            else if (!seen.Add(tag!))
            {
                problems.Add(new RatingProblem($"tags[{i}]", "tag.duplicate", "Give each tag once.", "每个标签只能给一次。"));
            }
        }

        if (comment is { Length: > MaxComment })
        {
            problems.Add(new RatingProblem("comment", "field.tooLong", $"At most {MaxComment} characters.", $"最多 {MaxComment} 个字符。"));
        }

        return problems;
    }

    /// <summary>Whether a score is bad, i.e. opens a follow-up.</summary>
    /// <param name="score">The score.</param>
    /// <param name="badAtMost">The highest bad score (<see cref="RatingOptions.BadScoreAtMost"/>).</param>
    /// <returns>True when it must be followed up.</returns>
    public static bool IsBad(int score, int badAtMost) => score <= badAtMost;

    /// <summary>
    /// Guards the once-only rule: no earlier rating, or the very same one again (a retried request), may go on;
    /// anything else is a second rating.
    /// </summary>
    /// <param name="existing">The rating already stored, if any.</param>
    /// <param name="given">The rating given now.</param>
    /// <returns>True when <paramref name="given"/> repeats <paramref name="existing"/>; false when there is none.</returns>
    /// <exception cref="RatingAlreadyGivenException">A different rating was given before.</exception>
    public static bool EnsureFirstOrSame(Rating? existing, Rating given)
    {
        ArgumentNullException.ThrowIfNull(given);
        if (existing is null)
        {
            return false;
        }

        return existing.SameAs(given) ? true : throw new RatingAlreadyGivenException(given.ApplicationId, given.Target);
    }

    /// <summary>Guards that only a decided item (approved, rejected, cancelled) or an ended bundle is rated.</summary>
    /// <param name="target">The item key or <c>bundle</c>.</param>
    /// <param name="ended">Whether it ended.</param>
    /// <param name="state">Where it stands, for the message.</param>
    /// <exception cref="RatingTargetNotEndedException">It has not ended.</exception>
    public static void EnsureEnded(string target, bool ended, string state)
    {
        if (!ended)
        {
            throw new RatingTargetNotEndedException(target, state);
        }
    }
}
