using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Ratings;

/// <summary>A rating as given: the item (null for the whole bundle), a score, tags and a comment.</summary>
/// <param name="Score">1 (very bad) to 5 (very good).</param>
/// <param name="Item">The item's key; null or absent rates the whole bundle.</param>
/// <param name="Tags">Tags from the fixed set (<see cref="RatingTags.All"/>).</param>
/// <param name="Comment">At most 500 characters.</param>
public sealed record RatingRequest(int Score, string? Item = null, List<string?>? Tags = null, string? Comment = null);

/// <summary>A department's written answer to a bad rating.</summary>
/// <param name="Text">The response the applicant reads; required, at most 2000 characters.</param>
public sealed record FollowUpResponseRequest(string Text);

/// <summary>
/// The HTTP side of ratings: the applicant rates and reads their ratings with the departments' responses; an
/// officer answers a follow-up of their department. Someone else's application is not found (404), whoever asks.
/// </summary>
public sealed class RatingApi(RatingService service, RatingStore ratings, ApplicantApplications applications, TaskStore tasks)
{
    /// <summary>Rates an ended item, or the ended bundle, of the caller's application; once.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="body">The rating.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>201 with the rating, 200 for the same rating again, 400, 404, or 409 (not ended; rated before).</returns>
    public async Task<IResult> RateAsync(Caller caller, string applicationId, RatingRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = RatingRules.Validate(body.Score, body.Tags, body.Comment).Select(p => new ApiError(p.Field, p.Code, p.MessageZh, p.Message)).ToList();
        if (body.Item is { } item && string.IsNullOrWhiteSpace(item))
        {
            errors.Add(new ApiError("item", "field.invalid", "事项的键，或 null 表示整件事。", "An item's key, or null for the whole bundle."));
        }

        var application = await MineAsync(caller!, applicationId, cancellationToken);
        if (application is null)
        {
            return ApiProblems.NotFound("application");
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        try
        {
            var result = await service.RateAsync(application, body.Item, body.Score, [.. body.Tags?.Select(t => t!) ?? []], body.Comment, cancellationToken);
            return result.Replayed ? Results.Ok(result.Rating) : Results.Created($"/api/applications/{Uri.EscapeDataString(applicationId)}/ratings", result.Rating);
        }
        catch (KeyNotFoundException)
        {
            return ApiProblems.Invalid(new ApiError("item", "item.unknown", "该申请没有此事项。", "This application has no such item."));
        }
        catch (RatingTargetNotEndedException ex)
        {
            return ApiProblems.Conflict("rating.notEnded", ex.Text.Zh, ex.Text.En);
        }
        catch (RatingAlreadyGivenException ex)
        {
            return ApiProblems.Conflict("rating.alreadyGiven", ex.Text.Zh, ex.Text.En);
        }
    }

    /// <summary>The caller's ratings of one of their applications, with the departments' responses.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the ratings, or 404.</returns>
    public async Task<IResult> ListAsync(Caller caller, string applicationId, CancellationToken cancellationToken)
    {
        return await MineAsync(caller!, applicationId, cancellationToken) is null
            ? ApiProblems.NotFound("application")
            // At most one rating per item and one for the bundle: one page.
            : Results.Ok(Paging.Whole<Rating>(await ratings.ListAsync(applicationId, cancellationToken)));
    }

    /// <summary>
    /// Answers a follow-up task of the caller's department in writing; the task closes and the applicant reads the
    /// response. Like a decision it needs the ETag read (If-Match), so two officers answer once.
    /// </summary>
    /// <param name="caller">The caller.</param>
    /// <param name="taskId">The follow-up task.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="body">The response.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the answered rating, 400, 404, 409 (not a follow-up; answered), 412 or 428.</returns>
    public async Task<IResult> RespondAsync(Caller caller, string taskId, string? ifMatch, FollowUpResponseRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var stored = await tasks.GetStoredAsync(caller!.Department!, taskId, cancellationToken);
        if (stored is null)
        {
            return ApiProblems.NotFound("task");
        }

        if (ApiETags.Expected(ifMatch, stored.ETag) is not { } expected)
        {
            return ApiProblems.NeedsIfMatch();
        }

        if (TaskKinds.AnswerOf(stored.Task.Kind) != TaskAnswer.WrittenResponse)
        {
            return ApiProblems.Conflict("task.notFollowUp", "只有差评整改任务用答复来处理；请对该任务作出决定。", "Only a follow-up of a bad rating is answered with a response; decide this task instead.");
        }

        if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > RatingRules.MaxResponse)
        {
            return ApiProblems.Invalid(new ApiError("text", "field.required", $"请写下申请人将读到的答复，最多 {RatingRules.MaxResponse} 个字符。", $"Write the response the applicant will read, at most {RatingRules.MaxResponse} characters."));
        }

        // A response mark left by a request that never finished does not block: the rating's own ETag lets one response in.
        if (stored.Task.Status != OfficerTaskStatus.Open)
        {
            return ApiProblems.Conflict("followUp.answered", "该整改任务已答复。", "This follow-up has been answered.");
        }

        if (stored.ClaimedBy is { } holder && holder != caller.Id)
        {
            return ApiProblems.Conflict("task.claimedByOther", $"任务已由 {holder} 认领。", $"The task is claimed by {holder}.");
        }

        if (await tasks.TryUpdateOfficerStateAsync(caller.Department!, taskId, expected, stored.ClaimedBy, "response", cancellationToken) is not { } etag)
        {
            return ApiProblems.Changed("任务在您读取后已被更改（可能同事已答复）；请重新加载。", "The task changed since you read it (perhaps a colleague answered it); reload it.");
        }

        try
        {
            var (answered, now) = await service.AnswerAsync(stored.Task, caller.AuditName, body.Text, cancellationToken);
            return now
                ? Results.Ok(answered)
                : ApiProblems.Conflict("followUp.answered", $"该整改任务已由 {answered.RespondedBy} 于 {answered.RespondedAt:O} 答复；任务现已关闭。", $"This follow-up was answered by {answered.RespondedBy} at {answered.RespondedAt:O}; its task is closed now.");
        }
        catch (Exception ex) when (ex is RatingNotFollowedUpException or FollowUpAlreadyAnsweredException)
        {
            var text = ((ILocalMessage)ex).Text;
            return ApiProblems.Conflict("followUp.answered", text.Zh, text.En);
        }
        catch (KeyNotFoundException)
        {
            // The rating the follow-up answers is gone: nothing is left to answer.
            return ApiProblems.Conflict("followUp.answered", "该整改任务所答复的评价已不存在。", "The rating this follow-up answers no longer exists.");
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not answered: lift the mark so the response can be written again.
            await tasks.TryUpdateOfficerStateAsync(caller.Department!, taskId, etag, stored.ClaimedBy, null, CancellationToken.None);
            throw;
        }
    }

    Task<ApplicationRecord?> MineAsync(Caller caller, string applicationId, CancellationToken cancellationToken) =>
        applications.FindAsync(caller.Id, applicationId, cancellationToken);
}
