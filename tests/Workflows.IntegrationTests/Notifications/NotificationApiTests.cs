using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Notifications;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Notifications;

/// <summary>
/// "My notifications" on Azurite, trying to read what is not the caller's: each caller gets exactly the partitions
/// their token names, an escalation only a supervisor, and a caller the rules do not name nothing at all.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class NotificationApiTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly DateTime At = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);
    ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Storage:TablePrefix"] = storage.NewHub("nap").TablePrefix,
        }).Build();
        services = new ServiceCollection().AddLogging().AddWorkflows(configuration).BuildServiceProvider();
        await services.GetRequiredService<NotificationOutbox>().AddAsync(
        [
            New("wang:1", RecipientKind.Applicant, "citizen-wang", 0),
            New("wang:2", RecipientKind.Applicant, "citizen-wang", 1),
            New("li:1", RecipientKind.Applicant, "citizen-li", 2),
            // An applicant whose id is a department's code reads her own, never the department's.
            New("applicant-hospital:1", RecipientKind.Applicant, "hospital", 3),
            New("hospital:task", RecipientKind.Department, "hospital", 4),
            New("hospital:escalation", RecipientKind.Supervisor, "hospital", 5),
            New("police:task", RecipientKind.Department, "police", 6),
            New("admin:case", RecipientKind.Administrators, NotificationApi.AdministratorsRecipient, 7),
            Notification.Of("zhao:new", RecipientKind.Applicant, "citizen-zhao", NotificationTopics.Accepted,
                new LocalText("申请已受理", "Application accepted"), new LocalText("您的申请已受理。", "Your application was accepted."), At.AddMinutes(9)),
            // A row from before notifications had an English text: one mixed string, shown as it is in either language.
            new("zhao:old", RecipientKind.Applicant, "citizen-zhao", NotificationTopics.Accepted, "申请已受理 Application accepted", "Your application was accepted.", At.AddMinutes(8)),
        ]);
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    public static TheoryData<string, string[]> Callers() => new()
    {
        { "applicant:citizen-wang", ["wang:2", "wang:1"] },
        { "applicant:hospital", ["applicant-hospital:1"] },
        { "officer:hospital", ["hospital:task"] },
        { "supervisor:hospital", ["hospital:escalation", "hospital:task"] },
        { "officer:police", ["police:task"] },
        { "supervisor:tax", [] },
        { "admin", ["admin:case"] },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task ListMineAsync_EachCaller_ExactlyTheirOwnNewestFirst(string who, string[] expected)
    {
        var result = await Api().ListMineAsync(Caller(who), Query(""), CancellationToken.None);

        var ok = result.ShouldBeOfType<Ok<Page<NotificationView>>>();
        ok.Value.ShouldNotBeNull().Items.Select(n => n.Id).ShouldBe(expected);
        ok.Value.Continuation.ShouldBeNull();
        ok.Value.Next.ShouldBeNull();
    }

    [Fact]
    public async Task ListMineAsync_PageSizeOne_TheNewestOfBothPartitionsThenTheNextByItsLink()
    {
        var first = (await Api().ListMineAsync(Caller("supervisor:hospital"), Query("?pageSize=1"), CancellationToken.None))
            .ShouldBeOfType<Ok<Page<NotificationView>>>().Value.ShouldNotBeNull();
        first.Items.Select(n => n.Id).ShouldBe(["hospital:escalation"]);
        first.Continuation.ShouldNotBeNull();
        var next = first.Next.ShouldNotBeNull();
        next.ShouldBe("/api/notifications?pageSize=1&continuation=" + first.Continuation);

        var second = (await Api().ListMineAsync(Caller("supervisor:hospital"), Query(next[next.IndexOf('?', StringComparison.Ordinal)..]), CancellationToken.None))
            .ShouldBeOfType<Ok<Page<NotificationView>>>().Value.ShouldNotBeNull();
        second.Items.Select(n => n.Id).ShouldBe(["hospital:task"]);
        second.Continuation.ShouldBeNull();
        second.Next.ShouldBeNull();
    }

    [Theory]
    [InlineData("?pageSize=0", "query:pageSize")]
    [InlineData("?pageSize=101", "query:pageSize")]
    [InlineData("?pageSize=x", "query:pageSize")]
    [InlineData("?unread=yes", "query:unread")]
    [InlineData("?continuation=not-a-token", "query:continuation")]
    public async Task ListMineAsync_BadQuery_400NamingIt(string query, string field)
    {
        var result = await Api().ListMineAsync(Caller("applicant:citizen-wang"), Query(query), CancellationToken.None);

        var (status, body) = await ExecuteAsync(result);
        status.ShouldBe(StatusCodes.Status400BadRequest);
        body.ShouldContain(field);
    }

    [Fact]
    public async Task MarkReadAsync_Own_ReadOnceLeftOutOfUnread_AnothersIs404AndStaysUnread()
    {
        var api = Api();
        var marked = (await api.MarkReadAsync(Caller("applicant:citizen-wang"), "wang:1", CancellationToken.None))
            .ShouldBeOfType<Ok<NotificationView>>().Value.ShouldNotBeNull();
        marked.ReadAt.ShouldNotBeNull();

        // Again: the same answer, the first mark's time kept.
        (await api.MarkReadAsync(Caller("applicant:citizen-wang"), "wang:1", CancellationToken.None))
            .ShouldBeOfType<Ok<NotificationView>>().Value.ShouldNotBeNull().ReadAt.ShouldBe(marked.ReadAt);

        // Another applicant's, a department's and an unknown id: all 404, never "it exists".
        foreach (var id in new[] { "li:1", "hospital:task", "nobody:1" })
        {
            var (status, _) = await ExecuteAsync(await api.MarkReadAsync(Caller("applicant:citizen-wang"), id, CancellationToken.None));
            status.ShouldBe(StatusCodes.Status404NotFound);
        }

        (await api.ListMineAsync(Caller("applicant:citizen-wang"), Query("?unread=true"), CancellationToken.None))
            .ShouldBeOfType<Ok<Page<NotificationView>>>().Value.ShouldNotBeNull().Items.Select(n => n.Id).ShouldBe(["wang:2"]);
        var all = (await api.ListMineAsync(Caller("applicant:citizen-wang"), Query(""), CancellationToken.None))
            .ShouldBeOfType<Ok<Page<NotificationView>>>().Value.ShouldNotBeNull().Items;
        all.Single(n => n.Id == "wang:1").ReadAt.ShouldBe(marked.ReadAt);
        (await api.ListMineAsync(Caller("applicant:citizen-li"), Query("?unread=true"), CancellationToken.None))
            .ShouldBeOfType<Ok<Page<NotificationView>>>().Value.ShouldNotBeNull().Items.Select(n => n.Id).ShouldBe(["li:1"]);
    }

    [Fact]
    public async Task ListMineAsync_AContinuationOfTheOtherList_400()
    {
        var all = (await Api().ListMineAsync(Caller("supervisor:hospital"), Query("?pageSize=1"), CancellationToken.None))
            .ShouldBeOfType<Ok<Page<NotificationView>>>().Value.ShouldNotBeNull();

        var (status, body) = await ExecuteAsync(await Api().ListMineAsync(
            Caller("supervisor:hospital"), Query("?unread=true&continuation=" + all.Continuation), CancellationToken.None));
        status.ShouldBe(StatusCodes.Status400BadRequest);
        body.ShouldContain("query:continuation");
    }

    [Fact]
    public async Task ListMineAsync_ARoleNoRuleNames_403AndNothing()
    {
        var unknown = new Caller("someone", "someone", (CallerRole)42);

        var result = await Api().ListMineAsync(unknown, Query(""), CancellationToken.None);

        result.ShouldBeAssignableTo<IStatusCodeHttpResult>().ShouldNotBeNull().StatusCode.ShouldBe(StatusCodes.Status403Forbidden);
    }

    [Fact]
    public async Task ListMineAsync_OfficerWithoutADepartment_403()
    {
        var result = await Api().ListMineAsync(new Caller("officer-x", "x", CallerRole.Officer, Supervisor: true), Query(""), CancellationToken.None);

        result.ShouldBeAssignableTo<IStatusCodeHttpResult>().ShouldNotBeNull().StatusCode.ShouldBe(StatusCodes.Status403Forbidden);
    }

    [Theory]
    [InlineData(ApiLanguage.Zh, "申请已受理", "您的申请已受理。")]
    [InlineData(ApiLanguage.En, "Application accepted", "Your application was accepted.")]
    public async Task ListMineAsync_BilingualAndOldMixedRows_NewOnesInTheRequestsLanguageOldOnesAsStored(string language, string title, string body)
    {
        List<NotificationView> list;
        try
        {
            ApiLanguage.Set(language);
            list = [.. (await Api().ListMineAsync(Caller("applicant:citizen-zhao"), Query(""), CancellationToken.None))
                .ShouldBeOfType<Ok<Page<NotificationView>>>().Value.ShouldNotBeNull().Items];
        }
        finally
        {
            ApiLanguage.Set(ApiLanguage.Zh);
        }

        list.Select(n => n.Id).ShouldBe(["zhao:new", "zhao:old"]);
        (list[0].Title, list[0].Body).ShouldBe((title, body));
        (list[1].Title, list[1].Body).ShouldBe(("申请已受理 Application accepted", "Your application was accepted."));
    }

    NotificationApi Api() => new(services.GetRequiredService<NotificationOutbox>());

    static HttpRequest Query(string query) =>
        new DefaultHttpContext { Request = { Path = "/api/notifications", QueryString = new QueryString(query.Length == 0 ? null : query) } }.Request;

    static async Task<(int Status, string Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    static Caller Caller(string who) => who.Split(':') switch
    {
        ["applicant", var id] => new Caller(id, id, CallerRole.Applicant, Kind: ApplicantKind.Citizen),
        ["officer", var department] => new Caller($"officer-{department}", department, CallerRole.Officer, Department: department),
        ["supervisor", var department] => new Caller($"chief-{department}", department, CallerRole.Officer, Department: department, Supervisor: true),
        _ => new Caller("admin", "admin", CallerRole.Administrator),
    };

    static Notification New(string id, RecipientKind kind, string recipient, int minutes) =>
        new(id, kind, recipient, NotificationTopics.NewTask, "t", "b", At.AddMinutes(minutes));
}
