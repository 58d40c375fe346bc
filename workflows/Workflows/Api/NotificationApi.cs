using System.Globalization;
using Microsoft.AspNetCore.Http;
using Workflows.Notifications;

namespace Workflows.Api;

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
public sealed record NotificationView(
    string Id, string Topic, string Title, string Body, DateTime At, string Audience, string? ApplicationId, string? ItemKey, string Delivery);

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

    /// <summary>The caller's notifications, newest first.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="max">At most this many, 1 to <see cref="MaxPageSize"/>; <see cref="DefaultPageSize"/> when absent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the list, 400 for a bad <c>max</c>, 401 without a caller, 403 for a role with no notifications.</returns>
    public async Task<IResult> ListMineAsync(Caller caller, string? max, CancellationToken cancellationToken)
    {
        var size = DefaultPageSize;
        if (max is not null && (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            return ApiProblems.Invalid(new ApiError("query:max", "query.invalid", $"1 到 {MaxPageSize} 之间的整数。", $"A whole number from 1 to {MaxPageSize}."));
        }

        // Deny by default: a role added later reads nothing until a row here says what it may read.
        List<(RecipientKind, string)>? partitions = caller.Role switch
        {
            CallerRole.Applicant => [(RecipientKind.Applicant, caller.Id)],
            CallerRole.Officer when caller.Department is not { } department => null,
            CallerRole.Officer when caller.Supervisor => [(RecipientKind.Department, caller.Department), (RecipientKind.Supervisor, caller.Department)],
            CallerRole.Officer => [(RecipientKind.Department, caller.Department)],
            CallerRole.Administrator => [(RecipientKind.Administrators, AdministratorsRecipient)],
            _ => null,
        };
        if (partitions is null)
        {
            return ApiProblems.Forbidden();
        }

        var list = new List<StoredNotification>();
        foreach (var (kind, recipient) in partitions)
        {
            list.AddRange(await outbox.ListAsync(kind, recipient, size, cancellationToken));
        }

        return Results.Ok(list
            .OrderByDescending(n => n.Notification.At)
            .ThenBy(n => n.Notification.Id, StringComparer.Ordinal)
            .Take(size)
            .Select(n => new NotificationView(
                n.Notification.Id, n.Notification.Topic, n.Notification.TitleIn(ApiLanguage.English), n.Notification.BodyIn(ApiLanguage.English), n.Notification.At, n.Notification.Kind.ToString(),
                n.Notification.ApplicationId, n.Notification.ItemKey, n.Status.ToString()))
            .ToList());
    }
}
