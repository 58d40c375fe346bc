using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Notifications;

namespace Workflows.EndToEndTests;

/// <summary>
/// The same bad requests on the real server read with <c>Accept-Language: en</c>, <c>zh-CN</c> and none: each answer
/// says every text a person reads (title, detail, errors[].message, a template's problems) in one language, English
/// with no Chinese in it, Chinese (the default) in Chinese; and a refusal's notification likewise.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class LanguageHttpTests(ServerFixture server)
{
    // Each line: what is sent, by whom, and the status it gets (the code is BadInputTests' concern).
    static readonly (string Name, string Who, string Method, string Path, string? Body, int Status)[] Table =
    [
        ("submit: malformed JSON", "citizen", "POST", "/api/applications", """{"templateKey":"newborn","answers":{""", 400),
        ("submit: unknown field", "citizen", "POST", "/api/applications", """{"templateKey":"newborn","answers":{},"surprise":true}""", 400),
        ("submit: nothing answered, nothing supplied", "citizen", "POST", "/api/applications", """{"templateKey":"newborn","answers":{},"materials":[]}""", 422),
        ("submit: bad answers", "citizen", "POST", "/api/applications",
            """{"templateKey":"newborn","answers":{"motherIdNumber":"123","babyBirthDate":"yesterday"},"materials":[]}""", 422),
        ("check: nothing answered", "citizen", "POST", "/api/applications/check", """{"templateKey":"newborn","answers":{},"materials":[]}""", 422),
        ("application: none of that id", "citizen", "GET", "/api/applications/no-such-application", null, 404),
        ("notifications: pageSize=0", "citizen", "GET", "/api/notifications?pageSize=0", null, 400),
        ("tasks: status=bogus", "officer", "GET", "/api/tasks?status=bogus", null, 400),
        ("template: truncated", "admin", "POST", "/api/admin/templates", """{"key": "lang-x", "name": "half""", 400),
        ("template: validate a broken one", "admin", "POST", "/api/admin/templates/validate",
            """{"key":"lang-x","name":"","description":"","applicantKind":"citizen","committedDays":0,"fields":[],"materials":[],"items":[]}""", 200),
        ("audit: no subject", "admin", "GET", "/api/admin/audit?subject=", null, 400),
    ];

    public static TheoryData<string> Cases() => [.. Table.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_ReadInEachLanguage_EveryTextInThatLanguageOnly(string name)
    {
        var (_, who, method, path, body, status) = Table.Single(c => c.Name == name);
        using var client = who switch
        {
            "officer" => server.Officer("hospital"),
            "admin" => server.Admin(),
            _ => server.Citizen($"lang-{Guid.NewGuid():N}"[..20]),
        };

        foreach (var language in new[] { "en", "zh-CN", null })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            if (language is not null)
            {
                request.Headers.AcceptLanguage.ParseAdd(language);
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBe(status, text);
            response.Content.Headers.ContentLanguage.ShouldBe([language == "en" ? "en" : "zh"]);
            var texts = PersonTexts(JsonNode.Parse(text)!);
            texts.ShouldNotBeEmpty(text);
            if (language == "en")
            {
                texts.ShouldAllBe(t => !HasChinese(t), $"{name} in English: {text}");
            }
            else
            {
                texts.ShouldAllBe(t => HasChinese(t), $"{name} in {language ?? "no language"}: {text}");
            }
        }
    }

    [Fact]
    public async Task RefusalNotice_ReadInEachLanguage_TitleAndBodyInThatLanguageOnly()
    {
        var applicant = $"lang-{Guid.NewGuid():N}"[..20];
        using var citizen = server.Citizen(applicant);
        var refused = await Walkthrough.SubmitAsync(citizen, new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = Array.Empty<object>() });
        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.Text);

        foreach (var language in new[] { "en", "zh-CN", null })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/notifications");
            if (language is not null)
            {
                request.Headers.AcceptLanguage.ParseAdd(language);
            }

            using var response = await citizen.SendAsync(request);
            var notice = (await response.ReadItemsAsync<NotificationView>()).ShouldHaveSingleItem();
            notice.Topic.ShouldBe(NotificationTopics.Refused);
            notice.Body.ShouldContain("babyPhoto");
            if (language == "en")
            {
                (notice.Title, notice.Body).ShouldBe(("Not accepted", notice.Body));
                HasChinese(notice.Body).ShouldBeFalse(notice.Body);
            }
            else
            {
                notice.Title.ShouldBe("未予受理");
                notice.Body.ShouldStartWith("您的");
                notice.Body.ShouldNotContain("Your application");
            }
        }
    }

    [Fact]
    public async Task EngineReasons_ABundleDecidedByRulesAndAnOfficer_ReadInEachLanguage_ThatLanguageOnly()
    {
        // Every licence held: rules (秒批) decide four steps; the hospital officer approves without a reason of their own,
        // so every reason on the tracker is one the engine wrote.
        var mother = $"lang-r-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        using var hospital = server.Officer("hospital");
        using var admin = server.Admin();
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;
        using (var decided = await Walkthrough.DecideAsync(hospital, await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate"), new { kind = "approve" }))
        {
            decided.StatusCode.ShouldBe(HttpStatusCode.Accepted, await decided.Content.ReadAsStringAsync());
        }

        await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != Workflows.Applications.ApplicationStatus.InProgress, "the bundle to end");
        foreach (var (who, path) in new[] { (citizen, $"/api/applications/{id}"), (admin, $"/api/admin/applications/{id}") })
        {
            foreach (var language in new[] { "en", "zh-CN" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.AcceptLanguage.ParseAdd(language);
                using var response = await who.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
                var root = JsonNode.Parse(text)!;
                var items = (who == admin ? root["application"]! : root)["items"]!.AsArray();
                items.Count.ShouldBe(5, text);
                var reasons = items.ToDictionary(i => i!["key"]!.GetValue<string>(), i => i!["reason"]!.GetValue<string>());
                reasons.Keys.Where(k => k != "birth-certificate").ShouldAllBe(k => items.Single(i => i!["key"]!.GetValue<string>() == k)!["decidedBy"]!.GetValue<string>().StartsWith("rule:"));
                if (language == "en")
                {
                    reasons.Values.ShouldAllBe(r => !HasChinese(r), $"{path} in English: {text}");
                    reasons["birth-certificate"].ShouldBe("Approved by the department.");
                }
                else
                {
                    reasons.Values.ShouldAllBe(r => HasChinese(r), $"{path} in Chinese: {text}");
                    reasons["birth-certificate"].ShouldBe("部门已批准。");
                }
            }
        }

        // The applicant's notice of each decided item carries the same reason, in the language read.
        foreach (var language in new[] { "en", "zh-CN" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/notifications?pageSize=50");
            request.Headers.AcceptLanguage.ParseAdd(language);
            using var response = await citizen.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            var decided = JsonNode.Parse(text)!["items"]!.AsArray().Where(n => n!["topic"]!.GetValue<string>() == NotificationTopics.ItemDecided)
                .Select(n => n!["body"]!.GetValue<string>()).ToList();
            decided.Count.ShouldBe(5, text);
            decided.ShouldAllBe(b => HasChinese(b) == (language != "en"), $"{language}: {text}");
            decided.ShouldContain(language == "en" ? "Approved by the department." : "部门已批准。");
        }
    }

    static bool HasChinese(string text) => text.Any(c => c is >= '\u4e00' and <= '\u9fff' or >= '\u3000' and <= '\u303f' or >= '\uff00' and <= '\uffef');

    // What a person reads in a problem or a template validation: title, detail and every message.
    static List<string> PersonTexts(JsonNode answer)
    {
        var texts = new List<string>();
        foreach (var member in new[] { "title", "detail" })
        {
            if (answer[member]?.GetValue<string>() is { } text)
            {
                texts.Add(text);
            }
        }

        foreach (var list in new[] { "errors", "problems" })
        {
            if (answer[list] is JsonArray items)
            {
                texts.AddRange(items.Select(i => i!["message"]!.GetValue<string>()));
            }
        }

        return texts;
    }
}
