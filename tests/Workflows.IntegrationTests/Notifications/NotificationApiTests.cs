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
        var result = await Api().ListMineAsync(Caller(who), max: null, CancellationToken.None);

        var ok = result.ShouldBeOfType<Ok<List<NotificationView>>>();
        ok.Value.ShouldNotBeNull().Select(n => n.Id).ShouldBe(expected);
    }

    [Fact]
    public async Task ListMineAsync_MaxOne_OnlyTheNewestOfBothPartitions()
    {
        var result = await Api().ListMineAsync(Caller("supervisor:hospital"), max: "1", CancellationToken.None);

        result.ShouldBeOfType<Ok<List<NotificationView>>>().Value.ShouldNotBeNull().Select(n => n.Id).ShouldBe(["hospital:escalation"]);
    }

    [Fact]
    public async Task ListMineAsync_ARoleNoRuleNames_403AndNothing()
    {
        var unknown = new Caller("someone", "someone", (CallerRole)42);

        var result = await Api().ListMineAsync(unknown, max: null, CancellationToken.None);

        result.ShouldBeAssignableTo<IStatusCodeHttpResult>().ShouldNotBeNull().StatusCode.ShouldBe(StatusCodes.Status403Forbidden);
    }

    [Fact]
    public async Task ListMineAsync_OfficerWithoutADepartment_403()
    {
        var result = await Api().ListMineAsync(new Caller("officer-x", "x", CallerRole.Officer, Supervisor: true), max: null, CancellationToken.None);

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
            list = (await Api().ListMineAsync(Caller("applicant:citizen-zhao"), max: null, CancellationToken.None))
                .ShouldBeOfType<Ok<List<NotificationView>>>().Value.ShouldNotBeNull();
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
