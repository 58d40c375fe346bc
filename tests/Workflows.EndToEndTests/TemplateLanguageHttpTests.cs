using System.Globalization;
using System.Net;
using System.Text.Json;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// Issue 18's template language over HTTP, on the engine over Azurite: an administrator publishes a bundle with a
/// multi-choice field that includes items, a field required only when an option is chosen, and a material required only
/// when a date lies more than 30 days before the submission; a company files it.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class TemplateLanguageHttpTests(ServerFixture server)
{
    // The company registrations bundle (rules decide every item at once on the business licence), with the new parts.
    static BundleTemplate Template(string key)
    {
        var builtIn = BuiltInTemplates.Get("company-registrations");
        return builtIn with
        {
            Key = key,
            Proactive = null,
            Fields =
            [
                .. builtIn.Fields,
                new FieldDefinition("registrations", "同时办理的登记", FieldType.MultiChoice, Required: false, Options: ["social-insurance", "housing-fund"],
                    LabelEn: "Registrations to make as well",
                    OptionLabels: new Dictionary<string, LocalText> { ["social-insurance"] = new("社会保险登记", "Social insurance"), ["housing-fund"] = new("住房公积金缴存登记", "Housing fund") }),
                new FieldDefinition("housingFundRate", "住房公积金缴存比例（%）", FieldType.Number, Min: 5, Max: 12, LabelEn: "Housing fund rate (%)",
                    RequiredWhen: new FieldIncludes("registrations", "housing-fund")),
            ],
            Materials =
            [
                .. builtIn.Materials,
                new MaterialDefinition("lateStatement", "逾期办理情况说明", ["tax-registration"], new UploadRule(["application/pdf"], 1024 * 1024),
                    NameEn: "Statement on late registration",
                    RequiredWhen: new DateCompare("establishedOn", DateRelation.Before, DateCompare.Submission, 30)),
            ],
            Items =
            [
                .. builtIn.Items.Select(i => i.Key switch
                {
                    "social-insurance" => i with { IncludeWhen = new FieldIncludes("registrations", "social-insurance") },
                    "housing-fund" => i with { IncludeWhen = new FieldIncludes("registrations", "housing-fund"), Fields = [.. i.Fields, "registrations", "housingFundRate"] },
                    _ => i,
                }),
            ],
        };
    }

    async Task<string> PublishAsync()
    {
        var key = $"tl-{Guid.NewGuid():N}"[..20];
        using var admin = server.Admin();
        using var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(Template(key))));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        (await created.ReadAsync<JsonElement>()).GetProperty("problems").GetArrayLength().ShouldBe(0);
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{key}/versions/1/publish") { Content = Http.Raw("{}") };
        publish.Headers.TryAddWithoutValidation("If-Match", created.Headers.GetValues("ETag").Single());
        using var published = await admin.SendAsync(publish);
        published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        return key;
    }

    async Task<HttpClient> CompanyAsync()
    {
        var company = $"tl-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(company, "business-licence");
        return server.Company(company);
    }

    static Dictionary<string, object> Answers(int establishedDaysAgo, decimal? housingFundRate, params string[] registrations)
    {
        var answers = new Dictionary<string, object>
        {
            ["companyName"] = "杭州云栖数据科技有限公司",
            ["creditCode"] = "91350100M000100Y43",
            ["companyType"] = "llc-natural-person-invested",
            ["registeredAddress"] = "杭州市西湖区文三路1号",
            ["businessScope"] = "软件开发",
            ["legalRepName"] = "张伟",
            ["legalRepIdNumber"] = "11010519491231002X",
            ["establishedOn"] = DateTime.UtcNow.AddDays(-establishedDaysAgo).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["registrations"] = registrations,
        };
        if (housingFundRate is { } rate)
        {
            answers["housingFundRate"] = rate;
        }

        return answers;
    }

    static async Task<List<string?>> CheckAsync(HttpClient company, object request)
    {
        using var response = await company.PostAsync("/api/applications/check", Http.Body(request));
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return [];
        }

        var problem = await response.ShouldBeProblemAsync(422);
        return [.. problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())];
    }

    [Fact]
    public async Task ConditionalMaterialAndField_AreAskedForOnlyWhenTheirConditionsHold_AndTheBundleRunsWithThem()
    {
        var key = await PublishAsync();
        using var company = await CompanyAsync();

        // The form says when the material is needed, so a client asks for it only then.
        using (var form = await company.GetAsync($"/api/bundles/{key}"))
        {
            var shown = (await form.ReadAsync<BundleForm>()).Materials.Single(m => m.Key == "lateStatement");
            shown.RequiredWhen.ShouldBe(new DateCompare("establishedOn", DateRelation.Before, DateCompare.Submission, 30));
        }

        // Established 60 days ago, the housing fund chosen: the statement and the rate are both in the one notice.
        var late = new { templateKey = key, answers = Answers(60, null, "housing-fund") };
        (await CheckAsync(company, late)).ShouldBe(["answers.housingFundRate", "materials.lateStatement"], ignoreOrder: true);
        var refused = await Walkthrough.SubmitAsync(company, late);
        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.Text);
        refused.Text.ShouldContain("materials.lateStatement");

        // Established 10 days ago, the social insurance only: neither is asked for.
        (await CheckAsync(company, new { templateKey = key, answers = Answers(10, null, "social-insurance") })).ShouldBeEmpty();

        // The late company gives both; the statement is in the ledger and every item runs.
        var statement = await Walkthrough.UploadAsync(company, key, "lateStatement");
        var submitted = await Walkthrough.SubmitAsync(company, new
        {
            templateKey = key,
            answers = Answers(60, 12, "housing-fund"),
            materials = new[] { new { key = "lateStatement", kind = "upload", reference = statement } },
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var done = await Walkthrough.WaitForApplicationAsync(company, submitted.Body!.ApplicationId, a => a.Status == ApplicationStatus.Completed, "the late registrations completed");
        done.Materials.ShouldContain(m => m.Key == "lateStatement" && m.Status == MaterialStatus.Uploaded);
        done.Items.Single(i => i.Key == "housing-fund").State.ShouldBe(ItemState.Approved);
        done.Items.Single(i => i.Key == "social-insurance").State.ShouldBe(ItemState.NotIncluded);
    }

    [Fact]
    public async Task MultiChoice_IncludesTheItemsItsOptionsName_AndItsOptionsAreLabelled()
    {
        var key = await PublishAsync();
        using var company = await CompanyAsync();

        var submitted = await Walkthrough.SubmitAsync(company, new { templateKey = key, answers = Answers(10, null, "social-insurance") });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var done = await Walkthrough.WaitForApplicationAsync(company, submitted.Body!.ApplicationId, a => a.Status == ApplicationStatus.Completed, "the registrations completed");
        done.Materials.ShouldNotContain(m => m.Key == "lateStatement");
        done.Items.Single(i => i.Key == "tax-registration").State.ShouldBe(ItemState.Approved);
        done.Items.Single(i => i.Key == "social-insurance").State.ShouldBe(ItemState.Approved);
        done.Items.Single(i => i.Key == "housing-fund").State.ShouldBe(ItemState.NotIncluded);

        // The option labels come in the reader's language.
        using var english = new HttpRequestMessage(HttpMethod.Get, $"/api/applications/{done.ApplicationId}");
        english.Headers.AcceptLanguage.ParseAdd("en");
        using var read = await company.SendAsync(english);
        var labels = (await read.ReadAsync<ApplicationDetail>()).Labels.ShouldNotBeNull();
        labels["option:registrations.housing-fund"].ShouldBe("Housing fund");
        done.Labels.ShouldNotBeNull()["option:registrations.housing-fund"].ShouldBe("住房公积金缴存登记");

        // A list that names an option the field does not have is refused by name.
        var wrong = await Walkthrough.SubmitAsync(company, new { templateKey = key, answers = Answers(10, null, "pension") });
        wrong.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, wrong.Text);
        wrong.Text.ShouldContain("answers.registrations");
    }
}
