using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Calendar;
using Workflows.Orchestration;

namespace Workflows.Applications;

/// <summary>
/// A party of someone else's application (the seller of a house) confirms or declines it in their own session. The
/// party sees only the confirmations asked of them (the rows the bundle's saves write into their own partition), and
/// answers only while theirs is awaited and the application runs; the bundle takes the answer only from the party it
/// names in that role, and audits who and when.
/// </summary>
/// <param name="store">The applications read model and its confirmations table.</param>
/// <param name="applications">Raises the answer on the bundle.</param>
/// <param name="time">The clock (a fake in tests).</param>
/// <param name="clocks">The SLA clock in force, for the working days left to answer.</param>
public sealed class PartyConfirmationApi(ApplicationStore store, ApplicationService applications, TimeProvider time, SlaClockSource clocks)
{
    /// <summary>The confirmations asked of the caller, soonest due first, a page at a time.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request: its query holds <c>pageSize</c> and <c>continuation</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page, or 400 naming the bad query parameter.</returns>
    public async Task<IResult> ListAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var errors = new List<ApiError>();
        var size = Paging.Size(q, errors);
        const string list = "confirmations";
        if (!Paging.TryDecode(list, Paging.Text(q, "continuation"), out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // The working days left to answer are counted on the clock in force now, as the applicant's countdowns are.
        var clock = await clocks.CurrentAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var rows = (await store.ListConfirmationsAsync(caller.Id, cancellationToken)).Select(row => View(row, clock, now));
        return Results.Ok(Paging.Slice(rows, v => $"{v.DueAt?.Ticks ?? 0:D19}|{v.ApplicationId}|{v.Role}", list, after, size, request));
    }

    /// <summary>Confirms (or, with a reason, declines) the caller's part in an application.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="applicationId">The application.</param>
    /// <param name="role">The caller's role in it.</param>
    /// <param name="declination">Null to confirm; the declination and its reason to decline.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202; 400 for a declination without a reason; 404 when no confirmation in that role is asked of the caller;
    /// 409 when it is no longer awaited, its deadline passed or the application ended.</returns>
    public async Task<IResult> AnswerAsync(Caller caller, string applicationId, string role, DeclinationRequest? declination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (declination is not null && (string.IsNullOrWhiteSpace(declination.Reason) || declination.Reason.Length > 500))
        {
            return ApiProblems.Invalid(new ApiError("reason", "field.required", "请给出不超过 500 个字符的理由。", "Give a reason of at most 500 characters."));
        }

        // Deny by default: only a party the application names in that role finds a row in their own partition.
        var row = await store.GetConfirmationAsync(caller.Id, applicationId, role, cancellationToken);
        if (row is null)
        {
            return ApiProblems.NotFound("confirmation");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (row.ApplicationStatus != ApplicationStatus.InProgress)
        {
            return ApiProblems.Conflict("application.ended", $"申请已经结束（{row.ApplicationStatus}）。", $"The application has already ended ({row.ApplicationStatus}).");
        }

        if (row.Party.Confirmation != PartyConfirmationStatus.Awaiting)
        {
            return ApiProblems.Conflict("confirmation.settled", $"您在此申请中的确认已办结（{row.Party.Confirmation}）。", $"Your confirmation of this application is settled ({row.Party.Confirmation}).");
        }

        if (row.Party.DueAt is { } due && due <= now)
        {
            return ApiProblems.Conflict("confirmation.expired", $"确认期限已于 {due:yyyy-MM-dd HH:mm} UTC 届满。", $"The deadline passed at {due:yyyy-MM-dd HH:mm} UTC.");
        }

        await applications.AnswerAsPartyAsync(applicationId, new PartyConfirmationGiven(role, caller.Id, declination is null, declination?.Reason, now), cancellationToken);
        return Results.Accepted($"/api/{ApiRoutes.PartyConfirmations}");
    }

    static PartyConfirmationView View(PartyConfirmationRow row, SlaClock clock, DateTime now) => new(
        row.ApplicationId, row.TemplateKey, row.TemplateName, row.ApplicantName, row.ApplicationStatus, row.Party.Role,
        ApiLanguage.Pick(row.Party.Label, row.Party.LabelEn), row.Party.Confirmation ?? PartyConfirmationStatus.Awaiting, row.Party.DueAt, row.Party.At,
        row.Party is { Confirmation: PartyConfirmationStatus.Awaiting or null, DueAt: { } due } && row.ApplicationStatus == ApplicationStatus.InProgress
            ? Countdown.Of(clock, null, due, now)
            : null);
}
