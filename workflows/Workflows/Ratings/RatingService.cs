using Microsoft.Extensions.Options;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;

namespace Workflows.Ratings;

/// <summary>What a rating call did.</summary>
/// <param name="Rating">The rating as stored.</param>
/// <param name="Replayed">True when the same rating had been given before (a retried request).</param>
public sealed record RatingResult(Rating Rating, bool Replayed);

/// <summary>Notification topics of ratings and follow-ups.</summary>
public static class RatingTopics
{
    /// <summary>A bad rating opened a follow-up for a department.</summary>
    public const string FollowUpOpened = "rating.followUp";

    /// <summary>The department answered the applicant's bad rating.</summary>
    public const string Answered = "rating.answered";
}

/// <summary>
/// Ratings (好差评): the applicant rates an ended item or bundle once; a bad rating opens a follow-up task in the
/// department's list with its own due time, which only a written response closes, and the applicant reads the
/// response with their ratings. Every write is keyed by the application and target, so a retry writes nothing twice.
/// </summary>
public sealed class RatingService(
    RatingStore ratings, TaskStore tasks, AuditTrail audit, NotificationOutbox outbox, SlaClockSource clocks,
    IOptions<RatingOptions> options, TimeProvider time)
{
    /// <summary>Whether an item state is an end an applicant may rate.</summary>
    /// <param name="state">The state.</param>
    /// <returns>True for approved, rejected and cancelled.</returns>
    public static bool Ended(ItemState state) => state is ItemState.Approved or ItemState.Rejected or ItemState.Cancelled;

    /// <summary>Whether an application's bundle has ended, so that it may be rated as a whole.</summary>
    /// <param name="status">The application's status.</param>
    /// <returns>False while it runs or while a proactive application still waits for the applicant's confirmation.</returns>
    public static bool Ended(ApplicationStatus status) => status is not (ApplicationStatus.InProgress or ApplicationStatus.AwaitingConfirmation);

    /// <summary>Rates an item of an application, or the whole bundle.</summary>
    /// <param name="application">The applicant's application.</param>
    /// <param name="itemKey">The item, or null for the bundle.</param>
    /// <param name="score">1 to 5 (checked by <see cref="RatingRules.Validate"/> first).</param>
    /// <param name="tags">Tags.</param>
    /// <param name="comment">The comment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The rating, or the earlier identical one.</returns>
    /// <exception cref="KeyNotFoundException">The application has no such item.</exception>
    /// <exception cref="RatingTargetNotEndedException">The item or bundle has not ended.</exception>
    /// <exception cref="RatingAlreadyGivenException">It was rated before, differently.</exception>
    public async Task<RatingResult> RateAsync(
        ApplicationRecord application, string? itemKey, int score, IReadOnlyList<string> tags, string? comment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(tags);
        string target, department;
        if (itemKey is null)
        {
            target = RatingRules.BundleTarget;
            RatingRules.EnsureEnded(target, Ended(application.Status), application.Status.ToString());
            // The bundle's follow-up goes to its lead department: the first item the application includes.
            department = (application.Items.FirstOrDefault(i => i.State != ItemState.NotIncluded) ?? application.Items[0]).Department;
        }
        else
        {
            var item = application.Items.FirstOrDefault(i => i.Key == itemKey && i.State != ItemState.NotIncluded)
                ?? throw new KeyNotFoundException($"Application {application.ApplicationId} has no item '{itemKey}'.");
            target = item.Key;
            RatingRules.EnsureEnded(target, Ended(item.State), item.State.ToString());
            department = item.Department;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var rating = new Rating(application.ApplicationId, target, application.Applicant.Id, application.TemplateKey, department, score, [.. tags],
            string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), now);
        if (RatingRules.IsBad(score, options.Value.BadScoreAtMost))
        {
            var clock = await clocks.CurrentAsync(cancellationToken);
            rating = rating with { FollowUpTaskId = Rating.FollowUpId(application.ApplicationId, target), FollowUpDueAt = clock.Due(now, options.Value.FollowUpDays) };
        }

        // Checked before the write as well as by it: an identical retry goes on to heal what a crash left undone.
        var replayed = RatingRules.EnsureFirstOrSame(await ratings.GetAsync(application.ApplicationId, target, cancellationToken), rating);
        var (stored, added) = replayed ? (await ratings.GetAsync(application.ApplicationId, target, cancellationToken) ?? rating, false)
            : await ratings.TryAddAsync(rating, cancellationToken);
        if (!added)
        {
            // Lost a race to another request, or a retry: the same rating is a replay, another one a second rating.
            RatingRules.EnsureFirstOrSame(stored, rating);
            await ratings.IndexAsync(stored, cancellationToken);
        }

        await audit.AppendAsync(new AuditEntry(stored.ApplicationId, $"rating:{stored.Target}", stored.RatedAt, $"applicant:{stored.ApplicantId}", "rating.given",
            null, stored.Score.ToString(System.Globalization.CultureInfo.InvariantCulture), DescribeZh(stored), Describe(stored)), cancellationToken);
        if (stored.FollowUpTaskId is not null)
        {
            await OpenFollowUpAsync(application, stored, cancellationToken);
        }

        return new RatingResult(stored, !added);
    }

    /// <summary>
    /// Answers a bad rating: the response is stored on the rating (for the applicant), then the follow-up task is
    /// closed, audited and the applicant told. The caller has already won the task's ETag. A rating answered before
    /// whose task is still open (the process stopped between the two writes) is not answered again: its stored
    /// response closes the task, and the text given now changes nothing.
    /// </summary>
    /// <param name="task">The follow-up task.</param>
    /// <param name="officer">Who answers (officer:ID).</param>
    /// <param name="text">The response.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answered rating, and whether this call answered it (false: an earlier response closed the task now).</returns>
    /// <exception cref="KeyNotFoundException">The task's rating is gone.</exception>
    /// <exception cref="RatingNotFollowedUpException">The rating opened no follow-up.</exception>
    /// <exception cref="FollowUpAlreadyAnsweredException">It was answered before and its task is closed.</exception>
    public async Task<(Rating Rating, bool AnsweredNow)> AnswerAsync(TaskRecord task, string officer, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var found = await ratings.GetStoredAsync(task.ApplicationId, task.ItemKey, cancellationToken)
            ?? throw new KeyNotFoundException($"No rating of '{task.ItemKey}' on {task.ApplicationId}.");
        Rating answered;
        var answeredNow = found.Rating.Response is null;
        if (answeredNow)
        {
            answered = found.Rating.Answer(text.Trim(), officer, time.GetUtcNow().UtcDateTime);
            if (!await ratings.TrySaveAnswerAsync(answered, found.ETag, cancellationToken))
            {
                throw new FollowUpAlreadyAnsweredException(task.TaskId);
            }
        }
        else if (await tasks.GetAsync(task.Department, task.TaskId, cancellationToken) is { Status: OfficerTaskStatus.Open })
        {
            answered = found.Rating;
        }
        else
        {
            throw new FollowUpAlreadyAnsweredException(task.TaskId);
        }

        // Every step below is keyed by the task and the response's own time, so finishing an interrupted answer writes nothing twice.
        var at = answered.RespondedAt!.Value;
        await audit.AppendAsync(new AuditEntry(task.ApplicationId, $"{task.TaskId}:answered", at, answered.RespondedBy!, "rating.followUp.answered",
            nameof(OfficerTaskStatus.Open), nameof(OfficerTaskStatus.Closed), answered.Response), cancellationToken);
        await tasks.SaveAsync(task with { Status = OfficerTaskStatus.Closed, Outcome = "answered", DecidedBy = answered.RespondedBy, Note = answered.Response, NoteEn = null }, cancellationToken);
        await outbox.AddAsync(
        [
            // The response is the officer's own words, in the one language written.
            Notification.Of($"{task.TaskId}:answered", RecipientKind.Applicant, task.ApplicantId, RatingTopics.Answered,
                new($"{task.ItemName}：部门已答复您的评价", $"{task.ItemName}: the department answered your rating"), new(answered.Response!, answered.Response!), at,
                task.ApplicationId, task.ItemKey),
        ], cancellationToken);
        return (answered, answeredNow);
    }

    // Opens the follow-up once: a task that exists (perhaps answered and closed already) is left as it is. The
    // department's notice is keyed by the task and the rating's time, so a retry sends it if a crash kept it back, never twice.
    async Task OpenFollowUpAsync(ApplicationRecord application, Rating rating, CancellationToken cancellationToken)
    {
        var taskId = rating.FollowUpTaskId!;
        var name = rating.Target == RatingRules.BundleTarget
            ? $"{application.TemplateName}（整件事）"
            : application.Items.First(i => i.Key == rating.Target).Name;
        if (await tasks.GetAsync(rating.Department, taskId, cancellationToken) is null)
        {
            await audit.AppendAsync(new AuditEntry(application.ApplicationId, $"{taskId}:opened", rating.RatedAt, "engine", "rating.followUp.opened",
                null, nameof(OfficerTaskStatus.Open), $"{rating.Department}，截止 {rating.FollowUpDueAt:O}", $"{rating.Department}, due {rating.FollowUpDueAt:O}"), cancellationToken);
            var task = new TaskRecord(rating.Department, taskId, TaskKind.FollowUp, application.ApplicationId, rating.Target, $"差评整改: {name}",
                application.TemplateKey, application.Applicant.Id, application.Applicant.Name, OfficerTaskStatus.Open, rating.RatedAt, rating.FollowUpDueAt!.Value,
                Note: DescribeZh(rating), NoteEn: Describe(rating));
            await tasks.SaveAsync(task, cancellationToken);
        }

        await outbox.AddAsync(
        [
            Notification.Of($"{taskId}:opened", RecipientKind.Department, rating.Department, RatingTopics.FollowUpOpened,
                new($"待整改的差评：{name}", $"Bad rating to answer: {name}"),
                new($"评分 {rating.Score}。{DescribeZh(rating)} 请在 {rating.FollowUpDueAt:O} 前答复。", $"Score {rating.Score}. {Describe(rating)} Answer by {rating.FollowUpDueAt:O}."),
                rating.RatedAt,
                application.ApplicationId, rating.Target),
        ], cancellationToken);
    }

    static string DescribeZh(Rating r) =>
        $"评分 {r.Score}{(r.Tags.Count > 0 ? $"；标签 {string.Join("、", r.Tags)}" : string.Empty)}{(r.Comment is null ? string.Empty : $"；“{r.Comment}”")}。";

    static string Describe(Rating r) =>
        $"Score {r.Score}{(r.Tags.Count > 0 ? $"; tags {string.Join(", ", r.Tags)}" : string.Empty)}{(r.Comment is null ? string.Empty : $"; \"{r.Comment}\"")}.";
}
