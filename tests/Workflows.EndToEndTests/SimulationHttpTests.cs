using System.Net;
using System.Text.Json;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// Issue 17's simulation over HTTP, on the engine over Azurite: companies file a bundle decided by rules; a draft that
/// refers one company type to an officer is simulated on those applications and says exactly which decisions flip, with
/// both rationales; bad requests are problems naming what is wrong; publishing it asks for the confirmation, which is audited.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class SimulationHttpTests(ServerFixture server)
{
    const string SocialInsurance = "social-insurance";

    static BundleTemplate Template(string key) => BuiltInTemplates.Get("company-registrations") with { Key = key, Proactive = null };

    // Joint-stock companies are no longer enrolled by the rule: they fall to the officer.
    static BundleTemplate Draft(string key)
    {
        var template = Template(key);
        return template with
        {
            Items = [.. template.Items.Select(i => i.Key != SocialInsurance ? i : i with
            {
                Decision = new RuleDecision(
                    [.. ((RuleDecision)i.Decision).Rules.Select(r => r with
                    {
                        When = new AllOf([new HasLicence("business-licence"), new FieldIn("companyType", ["llc-sole-natural-person", "llc-natural-person-invested"])]),
                    })],
                    RuleOutcome.ReferToOfficer),
            })],
        };
    }

    static Dictionary<string, object> Answers(string companyType) => new Dictionary<string, object>
    {
        ["companyName"] = "杭州云栖数据科技有限公司",
        ["creditCode"] = "91350100M000100Y43",
        ["companyType"] = companyType,
        ["registeredAddress"] = "杭州市西湖区文三路1号",
        ["businessScope"] = "软件开发",
        ["legalRepName"] = "张伟",
        ["legalRepIdNumber"] = "11010519491231002X",
        ["establishedOn"] = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Publishes a copy of the company registrations, files four applications (two joint-stock companies, whose
    /// social insurance the draft refers to an officer) to completion, and makes the draft as version 2.</summary>
    internal static async Task<(string Key, List<string> Flipped, List<string> Kept, string DraftETag)> FileAndDraftAsync(ServerFixture server)
    {
        var key = $"sim-{Guid.NewGuid():N}"[..20];
        using var admin = server.Admin();
        using (var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(Template(key)))))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{key}/versions/1/publish") { Content = Http.Raw("{}") };
            publish.Headers.TryAddWithoutValidation("If-Match", created.Headers.GetValues("ETag").Single());
            using var published = await admin.SendAsync(publish);
            published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        }

        var flipped = new List<string>();
        var kept = new List<string>();
        foreach (var type in new[] { "joint-stock-unlisted", "llc-natural-person-invested", "joint-stock-unlisted", "llc-sole-natural-person" })
        {
            var id = $"sim-{Guid.NewGuid():N}"[..20];
            await server.GiveLicenceAsync(id, "business-licence");
            using var company = server.Company(id);
            var submitted = await Walkthrough.SubmitAsync(company, new { templateKey = key, answers = Answers(type) });
            submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
            await Walkthrough.WaitForApplicationAsync(company, submitted.Body!.ApplicationId, a => a.Status == ApplicationStatus.Completed, "the registrations completed");
            (type == "joint-stock-unlisted" ? flipped : kept).Add(submitted.Body.ApplicationId);
        }

        using var draft = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(Draft(key))));
        draft.StatusCode.ShouldBe(HttpStatusCode.Created, await draft.Content.ReadAsStringAsync());
        return (key, flipped, kept, draft.Headers.GetValues("ETag").Single());
    }

    [Fact]
    public async Task Simulation_OfAStricterRule_SaysExactlyWhichDecisionsFlip_WithBothRationales_APageAtATime()
    {
        var (key, flipped, _, _) = await FileAndDraftAsync(server);
        using var admin = server.Admin();

        using var response = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation", Http.Body(new { }));
        var report = await response.ReadAsync<SimulationReport>();

        report.Published.ShouldBe(1);
        report.Draft.ShouldBe(2);
        report.Counts.ShouldBe(new SimulationCounts(4, 2, 0, 0, 2, 0));
        report.Changed.Items.Select(a => a.ApplicationId).ShouldBe(flipped, ignoreOrder: true);
        foreach (var application in report.Changed.Items)
        {
            var flip = application.Changes.ShouldHaveSingleItem();
            flip.Kind.ShouldBe(SimulatedChangeKind.DecisionFlipped);
            flip.Item.ShouldBe(SocialInsurance);
            flip.Before!.Outcome.ShouldBe(RuleOutcome.Approve);
            flip.Before.Rule.ShouldBe("domestic-company-licensed");
            flip.Before.Rationale.ShouldBe("内资企业设立登记信息由市场监管部门共享：自动完成单位社会保险登记。");
            flip.Before.RationaleEn.ShouldBe("Registration shared by market regulation: enrolled at once.");
            flip.After.ShouldBe(new SimulatedVerdict(RuleOutcome.ReferToOfficer, null, RuleEngine.NoRuleHeldZh, RuleEngine.NoRuleHeld));
        }

        // A page at a time: the counts each time, one changed application per page.
        using var first = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation?pageSize=1", Http.Body(new { }));
        var one = await first.ReadAsync<SimulationReport>();
        one.Counts.Changed.ShouldBe(2);
        one.Changed.Items.Count.ShouldBe(1);
        using var second = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation?pageSize=1&continuation={Uri.EscapeDataString(one.Changed.Continuation!)}", Http.Body(new { }));
        var two = await second.ReadAsync<SimulationReport>();
        two.Changed.Continuation.ShouldBeNull();
        one.Changed.Items.Concat(two.Changed.Items).Select(a => a.ApplicationId).ShouldBe(flipped, ignoreOrder: true);

        // A period after every submission holds none.
        using var later = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation", Http.Body(new { from = DateTime.UtcNow.AddMinutes(5) }));
        (await later.ReadAsync<SimulationReport>()).Counts.ShouldBe(SimulationCounts.Zero);
    }

    [Fact]
    public async Task Simulation_OfBadRequests_AreProblemsNamingWhatIsWrong()
    {
        var (key, _, _, _) = await FileAndDraftAsync(server);
        using var admin = server.Admin();

        using (var published = await admin.PostAsync($"/api/admin/templates/{key}/versions/1/simulation", Http.Body(new { })))
        {
            await published.ShouldBeProblemAsync(409, code: "simulation.notDraft");
        }

        using (var unknown = await admin.PostAsync($"/api/admin/templates/no-such-{key}/versions/1/simulation", Http.Body(new { })))
        {
            await unknown.ShouldBeProblemAsync(404);
        }

        using (var backwards = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation", Http.Body(new { from = "2026-12-01T00:00:00Z", to = "2026-11-01T00:00:00Z" })))
        {
            await backwards.ShouldBeProblemAsync(400, field: "to");
        }

        using (var unreadable = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation", Http.Raw("""{"from":"yesterday"}""")))
        {
            await unreadable.ShouldBeProblemAsync(400);
        }

        using (var page = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation?pageSize=0", Http.Body(new { })))
        {
            await page.ShouldBeProblemAsync(400, field: "query:pageSize");
        }

        using (var token = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation?continuation=nonsense", Http.Body(new { })))
        {
            await token.ShouldBeProblemAsync(400, field: "query:continuation");
        }
    }

    [Fact]
    public async Task Publish_OfADraftThatChangesDecisions_AsksForTheConfirmation_AndAuditsWhoConfirmedWhat()
    {
        var (key, _, _, etag) = await FileAndDraftAsync(server);
        using var admin = server.Admin();

        async Task<HttpResponseMessage> PublishAsync(object body)
        {
            using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{key}/versions/2/publish") { Content = Http.Body(body) };
            publish.Headers.TryAddWithoutValidation("If-Match", etag);
            return await admin.SendAsync(publish);
        }

        // Refused with the counts and the fingerprint to confirm.
        using var refused = await PublishAsync(new { });
        var problem = await refused.ShouldBeProblemAsync(409, code: "simulation.unconfirmed");
        problem.GetProperty("counts").GetProperty("decisionsFlipped").GetInt32().ShouldBe(2);
        problem.GetProperty("counts").GetProperty("applications").GetInt32().ShouldBe(4);
        var fingerprint = problem.GetProperty("fingerprint").GetString()!;
        using (var simulated = await admin.PostAsync($"/api/admin/templates/{key}/versions/2/simulation", Http.Body(new { })))
        {
            (await simulated.ReadAsync<SimulationReport>()).Fingerprint.ShouldBe(fingerprint);
        }

        // A confirmation without the fingerprint, or with another, publishes nothing.
        using (var bare = await PublishAsync(new { confirmChanges = true }))
        {
            await bare.ShouldBeProblemAsync(400, field: "fingerprint");
        }

        using (var stale = await PublishAsync(new { confirmChanges = true, fingerprint = new string('0', 64) }))
        {
            await stale.ShouldBeProblemAsync(409, code: "simulation.unconfirmed");
        }

        using var confirmed = await PublishAsync(new { confirmChanges = true, fingerprint });
        (await confirmed.ReadAsync<TemplateVersionDetail>()).Summary.Status.ShouldBe(TemplateStatus.Published);

        using var trail = await admin.GetAsync($"/api/admin/audit?subject={Uri.EscapeDataString($"template:{key}")}&pageSize=200");
        var entries = await trail.ReadItemsAsync<JsonElement>();
        var entry = entries.Where(e => e.GetProperty("action").GetString() == "template.changes.confirmed").ShouldHaveSingleItem();
        entry.GetProperty("actor").GetString().ShouldBe(new Caller("admin", "系统管理员", CallerRole.Administrator).AuditName);
        entry.GetProperty("detail").GetString()!.ShouldContain("规则决定改变 2 项");
        entry.GetProperty("detail").GetString()!.ShouldContain(fingerprint);
    }

    [Fact]
    public async Task Publish_OfADraftThatChangesNoDecision_NeedsNoConfirmation()
    {
        var key = $"sim-{Guid.NewGuid():N}"[..20];
        using var admin = server.Admin();
        foreach (var version in new[] { 1, 2 })
        {
            using var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(Template(key))));
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{key}/versions/{version}/publish") { Content = Http.Raw("{}") };
            publish.Headers.TryAddWithoutValidation("If-Match", created.Headers.GetValues("ETag").Single());
            using var published = await admin.SendAsync(publish);
            published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        }
    }
}
