using Microsoft.AspNetCore.Http;
using Workflows.Api;

namespace Workflows.Notifications;

/// <summary>One notification as its recipient sees it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Topic">One of <see cref="NotificationTopics"/>.</param>
/// <param name="Title">A short line, in the request's language (a notification stored before there was English: as stored).</param>
/// <param name="Body">What happened and what to do, in the request's language (likewise).</param>
/// <param name="At">When.</param>
/// <param name="Audience">Who it was for: <c>Applicant</c>, <c>Department</c>, <c>Supervisor</c> or <c>Administrators</c>.</param>
/// <param name="ApplicationId">The application it is about, if any.</param>
/// <param name="ItemKey">The item it is about, if any.</param>
/// <param name="Delivery">Pending, Sent or Failed.</param>
/// <param name="ReadAt">When it was marked read (for a department's notifications: by any of its officers); null while unread.</param>
public sealed record NotificationView(
    string Id, string Topic, string Title, string Body, DateTime At, string Audience, string? ApplicationId, string? ItemKey, string Delivery, DateTime? ReadAt);

/// <summary>
/// "My notifications", for every kind of user, read from the outbox partitions the caller's own token names:
/// an applicant their own, an officer their department's (and its supervisors' when the token says so), an
/// administrator the administrators'. Nothing the caller sends chooses a partition, so nobody reads another's.
/// </summary>
/// <param name="outbox">The outbox.</param>
public sealed class NotificationApi(NotificationOutbox outbox)
{
    /// <summary>The most a page may hold.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The default page size.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The recipient of notifications for the administrators.</summary>
    public const string AdministratorsRecipient = "admin";

    /// <summary>The caller's notifications, newest first, a page at a time; <c>unread=true</c>: only those not marked read.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="request">The request: its query holds <c>unread</c>, <c>pageSize</c> (1 to <see cref="MaxPageSize"/>,
    /// <see cref="DefaultPageSize"/> when absent) and <c>continuation</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with a page, 400 naming a bad query parameter, 403 for a role with no notifications.</returns>
    public async Task<IResult> ListMineAsync(Caller caller, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var errors = new List<ApiError>();
        var size = Paging.Size(q, errors, DefaultPageSize, MaxPageSize);
        var unread = Paging.Choice(q, "unread", errors, "false", "true") == "true";
        var list = unread ? "notifications:unread" : "notifications";
        if (!Paging.TryDecode(list, Paging.Text(q, "continuation"), out var after))
        {
            errors.Add(Paging.BadContinuation);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (Partitions(caller) is not { } partitions)
        {
            return ApiProblems.Forbidden();
        }

        // Each partition is ordered newest first by row key; the first size + 1 after the last page's row of each,
        // merged, hold this page and tell whether another follows.
        var found = new List<StoredNotification>();
        foreach (var (kind, recipient) in partitions)
        {
            found.AddRange(await outbox.ListAfterAsync(kind, recipient, after, size + 1, unread, cancellationToken));
        }

        var page = Paging.Slice(found, n => n.RowKey!, list, after, size, request);
        return Results.Ok(new Page<NotificationView>([.. page.Items.Select(View)], page.Continuation, page.Next));
    }

    /// <summary>Marks one of the caller's notifications read; again is the same answer (the first mark's time stays).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="id">The notification's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the notification, 404 for one that is not the caller's, 403 for a role with no notifications.</returns>
    public async Task<IResult> MarkReadAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Partitions(caller) is not { } partitions)
        {
            return ApiProblems.Forbidden();
        }

        if (string.IsNullOrEmpty(id) || id.Length > 400)
        {
            return ApiProblems.NotFound("notification");
        }

        return await outbox.MarkReadAsync(id, partitions, cancellationToken) is { } marked
            ? Results.Ok(View(marked))
            : ApiProblems.NotFound("notification");
    }

    // Deny by default: a role added later reads nothing until a row here says what it may read.
    static List<(RecipientKind, string)>? Partitions(Caller caller) => caller.Role switch
    {
        CallerRole.Applicant => [(RecipientKind.Applicant, caller.Id)],
        CallerRole.Officer when caller.Department is not { } department => null,
        CallerRole.Officer when caller.Supervisor => [(RecipientKind.Department, caller.Department), (RecipientKind.Supervisor, caller.Department)],
        CallerRole.Officer => [(RecipientKind.Department, caller.Department)],
        CallerRole.Administrator => [(RecipientKind.Administrators, AdministratorsRecipient)],
        _ => null,
    };

    static NotificationView View(StoredNotification n) => new(
        n.Notification.Id, n.Notification.Topic, n.Notification.TitleIn(ApiLanguage.English), n.Notification.BodyIn(ApiLanguage.English), n.Notification.At, n.Notification.Kind.ToString(),
        n.Notification.ApplicationId, n.Notification.ItemKey, n.Status.ToString(), n.ReadAt);
}
