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

    static readonly string[] BabyPhoto = ["babyPhoto"];

    [Fact]
    public async Task EngineNotesAuditDetailsAndConflicts_ReadInEachLanguage_ThatLanguageOnly()
    {
        // The officer's own words are ASCII here, so whatever Chinese an English answer holds would be the engine's.
        const string reason = "Photo is blurred";
        var mother = $"lang-n-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        using var hospital = server.Officer("hospital");
        using var admin = server.Admin();
        // The built-in newborn's officer item needs nothing that can be uploaded: a copy of it whose photo the hospital
        // needs too (and no register event, so no offer of it reaches other tests), published for this test.
        var tpl = $"lang-{Guid.NewGuid():N}"[..20];
        var newborn = Workflows.Templates.BuiltInTemplates.Get("newborn");
        var copy = newborn with
        {
            Key = tpl, Name = "语言测试新生儿", Proactive = null,
            Materials = [.. newborn.Materials.Select(m => m.Key == "babyPhoto" ? m with { RequiredBy = [.. m.RequiredBy, "birth-certificate"] } : m)],
        };
        using (var created = await admin.PostAsync("/api/admin/templates", Http.Raw(Workflows.Templates.TemplateJson.Write(copy))))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        using (var published = await SendAsync(admin, HttpMethod.Post, $"/api/admin/templates/{tpl}/versions/1/publish", new { }, "*", "zh-CN"))
        {
            published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        }

        var photo = await Walkthrough.UploadAsync(citizen, tpl, "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new { templateKey = tpl, answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;
        var task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        using (var asked = await Walkthrough.DecideAsync(hospital, task, new { kind = "requestSupplement", reason, materials = BabyPhoto }))
        {
            asked.StatusCode.ShouldBe(HttpStatusCode.Accepted, await asked.Content.ReadAsStringAsync());
        }

        task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate", Workflows.Tasks.OfficerTaskStatus.AwaitingApplicant);
        string? requestId = null;
        foreach (var language in new[] { "en", "zh-CN" })
        {
            // The officer's task: the note in the language read; what was asked in its own members, as written.
            var view = await ReadAsync(hospital, $"/api/tasks/{Uri.EscapeDataString(task.Task.TaskId)}", language);
            var row = view["task"]!;
            row["supplementReason"]!.GetValue<string>().ShouldBe(reason);
            row["supplementMaterials"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldBe(["babyPhoto"]);
            row["supplementAskedAt"].ShouldNotBeNull(view.ToJsonString());
            row["noteEn"].ShouldBeNull(view.ToJsonString());
            var note = row["note"]!.GetValue<string>();
            if (language == "en")
            {
                note.ShouldBe($"Supplement requested (babyPhoto): {reason}");
            }
            else
            {
                note.ShouldBe($"需补正材料（babyPhoto）：{reason}");
            }

            // The applicant: what was asked and why, from the fields: the officer's words whatever the language.
            var mine = await ReadAsync(citizen, $"/api/applications/{id}", language);
            var supplement = mine["asked"]!.AsArray().Single(a => a!["kind"]!.GetValue<string>() == "supplement")!;
            supplement["message"]!.GetValue<string>().ShouldBe(reason);
            requestId = supplement["requestId"]!.GetValue<string>();
        }

        var again = await Walkthrough.UploadAsync(citizen, tpl, "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        using (var supplied = await citizen.PostAsync($"/api/applications/{id}/items/birth-certificate/supplement", Http.Body(new { requestId, references = new Dictionary<string, string> { ["babyPhoto"] = again } })))
        {
            supplied.StatusCode.ShouldBe(HttpStatusCode.Accepted, await supplied.Content.ReadAsStringAsync());
        }

        task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        using (var decided = await Walkthrough.DecideAsync(hospital, task, new { kind = "approve" }))
        {
            decided.StatusCode.ShouldBe(HttpStatusCode.Accepted, await decided.Content.ReadAsStringAsync());
        }

        await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != Workflows.Applications.ApplicationStatus.InProgress, "the bundle to end");

        // The audit trail: every detail the engine wrote in the language read; data (keys, times) in both.
        foreach (var language in new[] { "en", "zh-CN" })
        {
            var trail = (await ReadAsync(admin, $"/api/admin/audit?subject={id}&pageSize=200", language))["items"]!.AsArray();
            var details = trail.ToDictionary(e => $"{e!["action"]!.GetValue<string>()} {e["stepId"]!.GetValue<string>()}", e => e!["detail"]?.GetValue<string>() ?? string.Empty);
            trail.ShouldAllBe(e => e!["detailEn"] == null);
            var started = details.Where(d => d.Key.StartsWith("item.started ", StringComparison.Ordinal)).Select(d => d.Value).ToList();
            started.Count.ShouldBe(5, string.Join("\n", details));
            var requested = details.Single(d => d.Key.StartsWith("item.supplement.requested ", StringComparison.Ordinal)).Value;
            if (language == "en")
            {
                // A rule's evidence quotes the answers it looked at ('市第一人民医院'): data, not the engine's words.
                details.Values.ShouldAllBe(d => !HasChinese(System.Text.RegularExpressions.Regex.Replace(d, "'[^']*'", string.Empty)), string.Join("\n", details));
                started.ShouldAllBe(d => d.StartsWith("due ", StringComparison.Ordinal));
                requested.ShouldStartWith($"Supplement requested (babyPhoto): {reason}");
            }
            else
            {
                started.ShouldAllBe(d => d.StartsWith("截止 ", StringComparison.Ordinal));
                requested.ShouldStartWith($"需补正材料（babyPhoto）：{reason}");
                details.Where(d => d.Key.StartsWith("item.rules.evaluated ", StringComparison.Ordinal)).ShouldAllBe(d => HasChinese(d.Value));
            }
        }

        // Conflicts told by the engine's named exceptions: a second rating, a second stuck report, a published version published again.
        using (var rated = await citizen.PostAsync($"/api/applications/{id}/ratings", Http.Body(new { item = "birth-certificate", score = 5 })))
        {
            rated.StatusCode.ShouldBe(HttpStatusCode.Created, await rated.Content.ReadAsStringAsync());
        }

        using (var reported = await citizen.PostAsync($"/api/applications/{id}/stuck", Http.Body(new { description = "想再确认一下" })))
        {
            reported.StatusCode.ShouldBe(HttpStatusCode.Accepted, await reported.Content.ReadAsStringAsync());
        }

        foreach (var (who, path, body, ifMatch, code) in new (HttpClient, string, object, string?, string)[]
        {
            (citizen, $"/api/applications/{id}/ratings", new { item = "birth-certificate", score = 1 }, null, "rating.alreadyGiven"),
            (citizen, $"/api/applications/{id}/stuck", new { description = "还是办不成" }, null, "case.open"),
            (admin, $"/api/admin/templates/{tpl}/versions/1/publish", new { }, "*", "template.lifecycle"),
        })
        {
            foreach (var language in new[] { "en", "zh-CN" })
            {
                using var response = await SendAsync(who, HttpMethod.Post, path, body, ifMatch, language);
                var text = await response.Content.ReadAsStringAsync();
                ((int)response.StatusCode).ShouldBe(409, text);
                var problem = JsonNode.Parse(text)!;
                problem["code"]!.GetValue<string>().ShouldBe(code, text);
                var texts = PersonTexts(problem);
                texts.ShouldAllBe(t => HasChinese(t) == (language != "en"), $"{code} in {language}: {text}");
            }
        }

        using var retired = await SendAsync(admin, HttpMethod.Post, $"/api/admin/templates/{tpl}/versions/1/retire", null, "*", "zh-CN");
        retired.StatusCode.ShouldBe(HttpStatusCode.OK, await retired.Content.ReadAsStringAsync());
    }

    static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body, string? ifMatch, string language)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Http.Body(body) };
        request.Headers.AcceptLanguage.ParseAdd(language);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    static async Task<JsonNode> ReadAsync(HttpClient client, string path, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {text}");
        return JsonNode.Parse(text)!;
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
