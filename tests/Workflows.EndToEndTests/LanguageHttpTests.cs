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
