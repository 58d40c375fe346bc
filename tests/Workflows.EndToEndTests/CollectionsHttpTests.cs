using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// Issue 15's collections on the real server: every list answers the one envelope (items, continuation, next), pages
/// follow their next link to the end with the same filters, the filters filter, the read mark is the caller's own,
/// and a bad page size or continuation is 400 naming the query parameter. Rows are seeded through the stores the
/// engine writes with, on the server's own storage.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class CollectionsHttpTests(ServerFixture server)
{
    static readonly DateTime Day = new(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string, string> Lists() => new()
    {
        { "citizen", "/api/bundles" },
        { "citizen", "/api/applications" },
        { "citizen", "/api/licences" },
        { "citizen", "/api/notifications" },
        { "citizen", "/api/assisted/consents" },
        { "officer", "/api/tasks" },
        { "admin", "/api/admin/templates" },
        { "admin", "/api/admin/templates/newborn/versions" },
        { "admin", "/api/admin/templates/newborn/diff?from=1&to=1" },
        { "admin", "/api/admin/audit?subject=template:newborn" },
        { "admin", "/api/admin/applications?template=newborn" },
        { "admin", "/api/admin/cases" },
        { "anonymous", "/api/auth/demo/users" },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task EveryList_AnswersTheOneEnvelope_NeverABareArray(string who, string path)
    {
        using var client = who switch
        {
            "citizen" => server.Citizen($"env-{Guid.NewGuid():N}"[..20]),
            "officer" => server.Officer("hospital"),
            "admin" => server.Admin(),
            _ => server.Anonymous(),
        };

        var body = await (await client.GetAsync(path)).ReadAsync<JsonElement>();

        body.ValueKind.ShouldBe(JsonValueKind.Object, path);
        body.GetProperty("items").ValueKind.ShouldBe(JsonValueKind.Array, path);
    }

    [Fact]
    public async Task MyApplications_PagedByNextLink_NewestFirstOrOldest_FilteredByStatusTemplateAndTime()
    {
        var me = $"env-{Guid.NewGuid():N}"[..20];
        var store = server.Services.GetRequiredService<ApplicationStore>();
        foreach (var (n, status, template) in new[]
                 {
                     (0, ApplicationStatus.InProgress, "newborn"), (1, ApplicationStatus.AwaitingConfirmation, "newborn"),
                     (2, ApplicationStatus.InProgress, "company-opening"), (3, ApplicationStatus.InProgress, "newborn"), (4, ApplicationStatus.InProgress, "newborn"),
                 })
        {
            await store.SaveAsync(new ApplicationRecord($"{me}-{n}", new Applicant(me, ApplicantKind.Citizen, "王芳"), template, 1, template, status,
                Day.AddDays(n), Day.AddDays(n), [], []));
        }

        using var citizen = server.Citizen(me);
        var ids = await WalkAsync<ApplicationSummary>(citizen, "/api/applications?pageSize=2", a => a.ApplicationId);
        ids.ShouldBe([$"{me}-4", $"{me}-3", $"{me}-2", $"{me}-1", $"{me}-0"]);
        (await WalkAsync<ApplicationSummary>(citizen, "/api/applications?pageSize=3&sort=submittedAt", a => a.ApplicationId))
            .ShouldBe([$"{me}-0", $"{me}-1", $"{me}-2", $"{me}-3", $"{me}-4"]);
        (await WalkAsync<ApplicationSummary>(citizen, "/api/applications?pageSize=1&status=inProgress&template=newborn", a => a.ApplicationId))
            .ShouldBe([$"{me}-4", $"{me}-3", $"{me}-0"]);
        (await WalkAsync<ApplicationSummary>(citizen, $"/api/applications?from={Day.AddDays(1):O}&to={Day.AddDays(3):O}", a => a.ApplicationId))
            .ShouldBe([$"{me}-2", $"{me}-1"]);

        // Another applicant's list holds none of hers, and her continuation does not open another order.
        using var other = server.Citizen($"env-{Guid.NewGuid():N}"[..20]);
        (await (await other.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>()).ShouldBeEmpty();
        var page = await (await citizen.GetAsync("/api/applications?pageSize=2")).ReadAsync<Page<ApplicationSummary>>();
        await (await citizen.GetAsync($"/api/applications?sort=submittedAt&continuation={page.Continuation}")).ShouldBeProblemAsync(400, "query:continuation");
    }

    [Theory]
    [InlineData("/api/applications?pageSize=0", "query:pageSize")]
    [InlineData("/api/applications?pageSize=201", "query:pageSize")]
    [InlineData("/api/applications?continuation=tampered!", "query:continuation")]
    [InlineData("/api/applications?continuation=cDEKYXVkaXQKaw", "query:continuation")]
    [InlineData("/api/applications?sort=name", "query:sort")]
    [InlineData("/api/applications?status=bogus", "query:status")]
    [InlineData("/api/applications?from=yesterday", "query:from")]
    [InlineData("/api/licences?pageSize=x", "query:pageSize")]
    [InlineData("/api/licences?continuation=AAAA", "query:continuation")]
    [InlineData("/api/notifications?pageSize=101", "query:pageSize")]
    [InlineData("/api/notifications?unread=1", "query:unread")]
    [InlineData("/api/notifications?continuation=%2F%2F", "query:continuation")]
    [InlineData("/api/assisted/consents?pageSize=-1", "query:pageSize")]
    [InlineData("/api/assisted/consents?continuation=zz", "query:continuation")]
    public async Task CitizenLists_BadPageSizeOrContinuation_400NamingIt(string path, string field)
    {
        using var citizen = server.Citizen($"env-{Guid.NewGuid():N}"[..20]);

        await (await citizen.GetAsync(path)).ShouldBeProblemAsync(400, field, "query.invalid");
    }

    [Theory]
    [InlineData("/api/admin/audit?subject=template:newborn&pageSize=0", "query:pageSize")]
    [InlineData("/api/admin/audit?subject=template:newborn&continuation=x", "query:continuation")]
    [InlineData("/api/admin/audit?subject=template:newborn&from=x", "query:from")]
    [InlineData("/api/admin/cases?pageSize=500", "query:pageSize")]
    [InlineData("/api/admin/cases?continuation=x", "query:continuation")]
    [InlineData("/api/admin/applications?continuation=not%20a%20table%20token", "query:continuation")]
    [InlineData("/api/admin/applications?applicantName=" + "王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王王", "query:applicantName")]
    public async Task AdminLists_BadQuery_400NamingIt(string path, string field)
    {
        using var admin = server.Admin();

        await (await admin.GetAsync(path)).ShouldBeProblemAsync(400, field, "query.invalid");
    }

    [Fact]
    public async Task Tasks_StoragesTokenIsWrapped_ATamperedOrAnotherStatussTokenIs400()
    {
        using var hospital = server.Officer("hospital");
        await (await hospital.GetAsync("/api/tasks?continuation=1!0!not-a-table-token")).ShouldBeProblemAsync(400, "query:continuation", "query.invalid");
        var token = Paging.Encode("tasks:Open", "1!0!x 1!0!y");
        await (await hospital.GetAsync($"/api/tasks?status=closed&continuation={token}")).ShouldBeProblemAsync(400, "query:continuation", "query.invalid");
    }

    [Fact]
    public async Task Licences_FilteredByApplication_PagedToTheEnd()
    {
        var me = $"env-{Guid.NewGuid():N}"[..20];
        foreach (var (n, application) in new[] { (0, "app-a"), (1, "app-b"), (2, "app-a"), (3, "app-a") })
        {
            await server.Licences.IssueAsync(
                new LicenceRecord(me, $"type-{n}", $"N-{n}-{me}", $"licence {n}", "hospital", $"{me}-{application}", "item", Day.AddMinutes(n), $"{me}/type-{n}.json"),
                new { n });
        }

        using var citizen = server.Citizen(me);
        (await WalkAsync<LicenceRecord>(citizen, "/api/licences?pageSize=2", l => l.Number))
            .ShouldBe([$"N-3-{me}", $"N-2-{me}", $"N-1-{me}", $"N-0-{me}"]);
        (await WalkAsync<LicenceRecord>(citizen, $"/api/licences?pageSize=1&application={me}-app-a", l => l.Number))
            .ShouldBe([$"N-3-{me}", $"N-2-{me}", $"N-0-{me}"]);
    }

    [Fact]
    public async Task Audit_PagedOldestFirst_FilteredByTimeActorAndAction()
    {
        var subject = $"env-{Guid.NewGuid():N}"[..20];
        var audit = server.Services.GetRequiredService<AuditTrail>();
        await audit.AppendAsync(
        [
            new AuditEntry(subject, "bundle:001", Day, "citizen-1", "application.submitted", null, null, null),
            new AuditEntry(subject, "bundle:002", Day.AddMinutes(1), "system", "item.started", null, null, null),
            new AuditEntry(subject, "bundle:003", Day.AddMinutes(2), "officer-hospital", "item.approved", null, null, null),
            new AuditEntry(subject, "bundle:004", Day.AddMinutes(3), "system", "application.completed", null, null, null),
        ]);

        using var admin = server.Admin();
        (await WalkAsync<AuditEntry>(admin, $"/api/admin/audit?subject={subject}&pageSize=3", e => e.StepId))
            .ShouldBe(["bundle:001", "bundle:002", "bundle:003", "bundle:004"]);
        (await WalkAsync<AuditEntry>(admin, $"/api/admin/audit?subject={subject}&actor=system&pageSize=1", e => e.StepId))
            .ShouldBe(["bundle:002", "bundle:004"]);
        (await WalkAsync<AuditEntry>(admin, $"/api/admin/audit?subject={subject}&action=item.", e => e.StepId))
            .ShouldBe(["bundle:002", "bundle:003"]);
        (await WalkAsync<AuditEntry>(admin, $"/api/admin/audit?subject={subject}&from={Day.AddMinutes(1):O}&to={Day.AddMinutes(3):O}", e => e.StepId))
            .ShouldBe(["bundle:002", "bundle:003"]);
    }

    [Fact]
    public async Task Search_ByAPartOfTheApplicantsName_PagedByNextLink()
    {
        var store = server.Services.GetRequiredService<ApplicationStore>();
        var marker = $"测{Guid.NewGuid():N}"[..9];
        // One applicant id under several names (as a company's legal name changes): the id keeps the scan to one partition.
        var applicant = $"env-{Guid.NewGuid():N}"[..20];
        foreach (var (n, name) in new[] { (0, $"王{marker}芳"), (1, $"李{marker}娜"), (2, "张三"), (3, $"{marker.ToUpperInvariant()}") })
        {
            await store.SaveAsync(new ApplicationRecord($"{applicant}-s{n}", new Applicant(applicant, ApplicantKind.Citizen, name), "newborn", 1, "newborn",
                ApplicationStatus.InProgress, Day.AddDays(n), Day.AddDays(n), [], []));
        }

        using var admin = server.Admin();
        var found = await WalkAsync<ApplicationSummary>(admin, $"/api/admin/applications?applicant={applicant}&applicantName={Uri.EscapeDataString(marker)}&pageSize=1", a => a.ApplicationId);

        // Contains, ignoring case: three of the four, across the pages the table's scan takes.
        found.ShouldBe([$"{applicant}-s0", $"{applicant}-s1", $"{applicant}-s3"], ignoreOrder: true);
    }

    [Fact]
    public async Task Notifications_UnreadThenMarkedRead_PagedByNextLink_AnotherPersonsIs404()
    {
        var me = $"env-{Guid.NewGuid():N}"[..20];
        var stranger = $"env-{Guid.NewGuid():N}"[..20];
        var outbox = server.Services.GetRequiredService<NotificationOutbox>();
        await outbox.AddAsync(
        [
            .. Enumerable.Range(0, 3).Select(n => new Notification($"{me}:n{n}", RecipientKind.Applicant, me, NotificationTopics.Accepted, "已受理", "body", Day.AddMinutes(n))),
            new Notification($"{stranger}:n0", RecipientKind.Applicant, stranger, NotificationTopics.Accepted, "已受理", "body", Day),
        ]);

        using var citizen = server.Citizen(me);
        using var other = server.Citizen(stranger, "李娜");
        (await WalkAsync<NotificationView>(citizen, "/api/notifications?pageSize=2", n => n.Id)).ShouldBe([$"{me}:n2", $"{me}:n1", $"{me}:n0"]);

        using var marked = await citizen.PostAsync(new Uri($"/api/notifications/{me}:n1/read", UriKind.Relative), null);
        var view = await marked.ReadAsync<NotificationView>();
        view.ReadAt.ShouldNotBeNull();
        using var again = await citizen.PostAsync(new Uri($"/api/notifications/{me}:n1/read", UriKind.Relative), null);
        (await again.ReadAsync<NotificationView>()).ReadAt.ShouldBe(view.ReadAt);

        (await WalkAsync<NotificationView>(citizen, "/api/notifications?unread=true&pageSize=1", n => n.Id)).ShouldBe([$"{me}:n2", $"{me}:n0"]);

        // Hers to the stranger, and an id nobody has: 404 alike, and hers stays unread.
        using var notHis = await other.PostAsync(new Uri($"/api/notifications/{me}:n2/read", UriKind.Relative), null);
        await notHis.ShouldBeProblemAsync(404);
        using var nobodys = await other.PostAsync(new Uri($"/api/notifications/{stranger}:none/read", UriKind.Relative), null);
        await nobodys.ShouldBeProblemAsync(404);
        (await (await citizen.GetAsync("/api/notifications?unread=true")).ReadItemsAsync<NotificationView>()).Select(n => n.Id).ShouldContain($"{me}:n2");
        (await (await other.GetAsync("/api/notifications?unread=true")).ReadItemsAsync<NotificationView>()).Select(n => n.Id).ShouldBe([$"{stranger}:n0"]);
    }

    // Follows next links from the first page to the last, checking each page's envelope, and returns the keys in order.
    static async Task<List<string>> WalkAsync<T>(HttpClient client, string first, Func<T, string> key)
    {
        var keys = new List<string>();
        string? next = first;
        for (var pages = 0; next is not null; pages++)
        {
            pages.ShouldBeLessThan(50, "the next links should end");
            using var response = await client.GetAsync(new Uri(next, UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var page = await response.ReadAsync<Page<T>>();
            (page.Next is null).ShouldBe(page.Continuation is null);
            keys.AddRange(page.Items.Select(key));
            next = page.Next;
        }

        return keys;
    }
}
