using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Licences;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// What a browser needs from the local server: demo sign-in, CORS for the portal's origin, files it can show or save
/// (uploads, certificates, a task's materials) with their type, disposition, ETag and ranges, and the pre-submit check.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class BrowserHttpTests(ServerFixture server)
{
    const string UnknownOrigin = "http://evil.example";

    // A JPEG whose bytes are all different, so a range is checked byte by byte.
    static readonly byte[] Photo = [.. Walkthrough.Jpeg, .. Enumerable.Range(0, 100).Select(i => (byte)i)];

    // ---- demo sign-in

    [Fact]
    public async Task DemoSignIn_KnownUser_GivesATokenTheApiTakesAsThem()
    {
        using var anonymous = server.Anonymous();
        using var signedIn = await anonymous.PostAsync("/api/auth/demo", Http.Body(new { user = "citizen-li" }));
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
        var body = await signedIn.ReadAsync<JsonElement>();
        body.GetProperty("user").GetProperty("id").GetString().ShouldBe("citizen-li");

        using var citizen = server.As(body.GetProperty("accessToken").GetString()!);
        using var mine = await citizen.GetAsync("/api/licences");
        mine.StatusCode.ShouldBe(HttpStatusCode.OK, await mine.Content.ReadAsStringAsync());
        // The seeded licences of citizen-li, the demo user: the token is theirs.
        (await mine.Content.ReadAsStringAsync()).ShouldContain("DEMO-ID-CARD-CITIZEN-LI");

        var users = await (await anonymous.GetAsync("/api/auth/demo/users")).ReadItemsAsync<JsonElement>();
        users.Select(u => u.GetProperty("id").GetString()).ShouldContain("officer-hospital");
    }

    [Fact]
    public async Task DemoSignIn_UnknownUser_Is400NamingTheField()
    {
        using var anonymous = server.Anonymous();
        using var response = await anonymous.PostAsync("/api/auth/demo", Http.Body(new { user = "admin-of-everything" }));

        await response.ShouldBeProblemAsync(400, field: "user", code: "demoUser.unknown");
    }

    // ---- CORS

    [Fact]
    public async Task Preflight_FromThePortalsOrigin_AllowsTheHeadersTheApiReadsAndExposesTheOnesItAnswers()
    {
        using var anonymous = server.Anonymous();
        using var preflight = Preflight(server.PortalOrigin, "POST", "authorization, content-type, if-match, idempotency-key");
        using var response = await anonymous.SendAsync(preflight);

        ((int)response.StatusCode).ShouldBeInRange(200, 204);
        response.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe(server.PortalOrigin);
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        foreach (var header in new[] { "authorization", "content-type", "if-match", "idempotency-key" })
        {
            allowed.ShouldContain(header);
        }

        response.Headers.Contains("Access-Control-Allow-Credentials").ShouldBeFalse("bearer tokens, not cookies");

        // The answer itself names the headers a page may read.
        using var citizen = server.Citizen($"cors-{Guid.NewGuid():N}"[..20]);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/applications");
        get.Headers.Add("Origin", server.PortalOrigin);
        using var answer = await citizen.SendAsync(get);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        answer.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe(server.PortalOrigin);
        var exposed = string.Join(",", answer.Headers.GetValues("Access-Control-Expose-Headers")).ToLowerInvariant();
        foreach (var header in new[] { "etag", "location", "retry-after" })
        {
            exposed.ShouldContain(header);
        }
    }

    [Fact]
    public async Task Preflight_FromAnUnknownOrigin_IsNotAllowed()
    {
        using var anonymous = server.Anonymous();
        using var response = await anonymous.SendAsync(Preflight(UnknownOrigin, "GET", "authorization"));

        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        response.Headers.Contains("Access-Control-Allow-Headers").ShouldBeFalse();

        using var citizen = server.Citizen($"cors-{Guid.NewGuid():N}"[..20]);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/applications");
        get.Headers.Add("Origin", UnknownOrigin);
        using var answer = await citizen.SendAsync(get);
        answer.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse("a page of another origin may not read the answer");
    }

    // ---- files

    [Fact]
    public async Task Upload_ItsLocation_ServesTheFileInlineWithETagAndRanges_ToItsOwnerOnly()
    {
        var id = $"files-{Guid.NewGuid():N}"[..20];
        using var citizen = server.Citizen(id);
        using var uploaded = await PostPhotoAsync(citizen, "newborn");
        uploaded.StatusCode.ShouldBe(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var location = uploaded.Headers.Location!.ToString();
        location.ShouldStartWith("/api/uploads/babyPhoto/");

        using var file = await citizen.GetAsync(location);
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await file.Content.ReadAsByteArrayAsync()).ShouldBe(Photo);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        file.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("inline");
        file.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe("babyPhoto.jpg");
        var etag = file.Headers.ETag!;
        etag.IsWeak.ShouldBeFalse();
        etag.Tag.ShouldBe($"\"{Convert.ToHexStringLower(SHA256.HashData(Photo))}\"");
        file.Headers.AcceptRanges.ShouldContain("bytes");
        file.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");

        using var ranged = new HttpRequestMessage(HttpMethod.Get, location);
        ranged.Headers.Range = new RangeHeaderValue(10, 19);
        using var part = await citizen.SendAsync(ranged);
        part.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await part.Content.ReadAsByteArrayAsync()).ShouldBe(Photo[10..20]);
        part.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes 10-19/{Photo.Length}");

        using var beyond = new HttpRequestMessage(HttpMethod.Get, location);
        beyond.Headers.Range = new RangeHeaderValue(Photo.Length + 10, null);
        using var unsatisfiable = await citizen.SendAsync(beyond);
        unsatisfiable.StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);

        using var again = new HttpRequestMessage(HttpMethod.Get, location);
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await citizen.SendAsync(again);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        // Another person gets what a made-up id gets.
        using var other = server.Citizen($"files-{Guid.NewGuid():N}"[..20]);
        var theirs = await (await other.GetAsync(location)).ShouldBeProblemAsync(404, code: "resource.notFound");
        var madeUp = await (await other.GetAsync($"/api/uploads/babyPhoto/{Guid.NewGuid():N}")).ShouldBeProblemAsync(404, code: "resource.notFound");
        theirs.GetProperty("detail").GetString().ShouldBe(madeUp.GetProperty("detail").GetString());
        await (await server.Officer("hospital").GetAsync(location)).ShouldBeProblemAsync(403, code: "auth.forbidden");
    }

    [Fact]
    public async Task Certificate_ItsHolderDownloadsAPdf_TheSameBytesEveryTime_NobodyElse()
    {
        var id = $"cert-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(id, "id-card");
        using var citizen = server.Citizen(id);
        var licence = (await Walkthrough.LicencesAsync(citizen)).Single();
        var path = $"/api/licences/{licence.LicenceType}/{licence.Number}";

        using var file = await citizen.GetAsync(path);
        file.StatusCode.ShouldBe(HttpStatusCode.OK, await file.Content.ReadAsStringAsync());
        file.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        file.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("inline");
        file.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe($"id-card-{licence.Number}.pdf");
        var pdf = await file.Content.ReadAsByteArrayAsync();
        Encoding.Latin1.GetString(pdf).ShouldStartWith("%PDF-");
        var etag = file.Headers.ETag.ShouldNotBeNull();
        etag.IsWeak.ShouldBeFalse();
        etag.Tag.ShouldBe($"\"{Convert.ToHexStringLower(SHA256.HashData(pdf))}\"");

        // Rendered once and kept: the same bytes again, so a range resumes on them.
        using var ranged = new HttpRequestMessage(HttpMethod.Get, path);
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        using var part = await citizen.SendAsync(ranged);
        part.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await part.Content.ReadAsByteArrayAsync()).ShouldBe(pdf[100..200]);
        part.Headers.ETag!.Tag.ShouldBe(etag.Tag);

        using var other = server.Citizen($"cert-{Guid.NewGuid():N}"[..20]);
        await (await other.GetAsync(path)).ShouldBeProblemAsync(404, code: "resource.notFound");
    }

    [Fact]
    public async Task CertificateCode_AnyoneChecksIt_WithoutSigningIn_AndLearnsOnlyWhatItProves()
    {
        var id = $"code-{Guid.NewGuid():N}"[..20];
        var application = $"app-{Guid.NewGuid():N}";
        var number = $"BMC-{Guid.NewGuid():N}"[..16];
        // As the hospital's item would issue it (an application's certificate, which a failed verification can revoke).
        await server.Licences.IssueAsync(new LicenceRecord(id, "birth-medical-certificate", number, "出生医学证明", "hospital", application, "birth-certificate",
            new DateTime(2026, 11, 21, 2, 0, 0, DateTimeKind.Utc), LicenceRegistry.BlobNameFor(id, "birth-medical-certificate", number)), new { number });
        using var citizen = server.Citizen(id, "王小明");
        var licence = (await Walkthrough.LicencesAsync(citizen)).Single();
        using (var file = await citizen.GetAsync($"/api/licences/{licence.LicenceType}/{licence.Number}"))
        {
            file.StatusCode.ShouldBe(HttpStatusCode.OK, await file.Content.ReadAsStringAsync());
        }

        // The code printed on it, as the registry recorded it when the PDF was made.
        var codes = new CertificateCodes(server.Services.GetRequiredService<StorageTables>());
        var code = await codes.CodeForAsync((await server.Licences.ListAsync(id)).Single());
        using var anonymous = server.Anonymous();
        using var checkedCode = await anonymous.GetAsync($"/api/certificates/{code}");
        var text = await checkedCode.Content.ReadAsStringAsync();
        checkedCode.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        body.GetProperty("status").GetString().ShouldBe("valid");
        body.GetProperty("number").GetString().ShouldBe(licence.Number);
        body.GetProperty("issuedBy").GetString().ShouldBe("hospital");
        text.ShouldNotContain(id, Case.Sensitive, "the holder is never named");
        text.ShouldNotContain("王小明");
        text.ShouldNotContain(application, Case.Sensitive, "nor the application");

        // Typed in lower case with spaces it is the same code; a code nobody was given is 404.
        (await anonymous.GetAsync($"/api/certificates/{code.ToLowerInvariant()[..8]}%20{code.ToLowerInvariant()[8..]}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await anonymous.GetAsync("/api/certificates/ABCDEFGHJKLMNPQR")).ShouldBeProblemAsync(404, code: "resource.notFound");

        // Revoked (a failed commitment's verification): the same code now says so.
        await server.Licences.RevokeAsync(id, application, "birth-certificate", "verification failed", DateTime.UtcNow);
        var revoked = await (await anonymous.GetAsync($"/api/certificates/{code}")).ReadAsync<JsonElement>();
        revoked.GetProperty("status").GetString().ShouldBe("revoked");
        revoked.GetProperty("statusName").GetString().ShouldBe("已注销");
        revoked.GetProperty("endedAt").GetDateTime().ShouldBeLessThanOrEqualTo(DateTime.UtcNow);

        // Superseded (a later item issued its replacement): the old code says so, in the reader's language.
        var older = new LicenceRecord(id, "property-certificate", $"{number}-P", "不动产权证书", "natural-resources", null, null, DateTime.UtcNow,
            LicenceRegistry.BlobNameFor(id, "property-certificate", $"{number}-P"));
        await server.Licences.IssueAsync(older, new { number });
        var olderCode = await codes.CodeForAsync(older);
        (await server.Licences.EndAsync(new LicenceEnding(id, "app-reissue", "title-reissue", [], "property-certificate", "property-certificate", "PC-NEW", DateTime.UtcNow, "不动产权证书换发")))
            .ShouldHaveSingleItem().Status.ShouldBe(LicenceStatus.Superseded);
        using var english = new HttpRequestMessage(HttpMethod.Get, $"/api/certificates/{olderCode}");
        english.Headers.Add("Accept-Language", "en");
        var superseded = await (await anonymous.SendAsync(english)).ReadAsync<JsonElement>();
        superseded.GetProperty("status").GetString().ShouldBe("superseded");
        superseded.GetProperty("statusName").GetString().ShouldBe("Superseded");
    }

    [Fact]
    public async Task TaskMaterial_TheDepartmentDownloadsWhatItsItemNeeds_OthersGet404()
    {
        // The newborn bundle with its photo needed by the hospital too, so the hospital's officer has a file to read.
        var key = $"photo-{Guid.NewGuid():N}"[..20];
        var template = BuiltInTemplates.Get("newborn");
        template = template with
        {
            Key = key,
            Materials = [.. template.Materials.Select(m => m.Key == "babyPhoto" ? m with { RequiredBy = [.. m.RequiredBy, "birth-certificate"] } : m)],
        };
        using var admin = server.Admin();
        using var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(template)));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/templates/{key}/versions/1/publish") { Content = Http.Body(new { }) };
        publish.Headers.TryAddWithoutValidation("If-Match", created.Headers.GetValues("ETag").Single());
        using var published = await admin.SendAsync(publish);
        published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());

        var id = $"task-file-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(id, type);
        }

        using var citizen = server.Citizen(id);
        using var uploaded = await PostPhotoAsync(citizen, key);
        var reference = (await uploaded.ReadAsync<JsonElement>()).GetProperty("reference").GetString();
        var submitted = await Walkthrough.SubmitAsync(citizen, new
        {
            templateKey = key,
            answers = Walkthrough.NewbornAnswers(),
            materials = new[] { new { key = "babyPhoto", kind = "upload", reference } },
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        using var hospital = server.Officer("hospital");
        var task = await Walkthrough.WaitForTaskAsync(hospital, submitted.Body!.ApplicationId, "birth-certificate");
        var path = $"/api/tasks/{Uri.EscapeDataString(task.Task.TaskId)}/materials/babyPhoto";

        using var file = await hospital.GetAsync(path);
        file.StatusCode.ShouldBe(HttpStatusCode.OK, await file.Content.ReadAsStringAsync());
        (await file.Content.ReadAsByteArrayAsync()).ShouldBe(Photo);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        file.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("inline");

        // Another department, a material the item does not need, and the applicant on an officer's route.
        await (await server.Officer("police").GetAsync(path)).ShouldBeProblemAsync(404, code: "resource.notFound");
        await (await hospital.GetAsync($"/api/tasks/{Uri.EscapeDataString(task.Task.TaskId)}/materials/householdRegister")).ShouldBeProblemAsync(404, code: "resource.notFound");
        await (await citizen.GetAsync(path)).ShouldBeProblemAsync(403, code: "auth.forbidden");
    }

    // ---- the pre-submit check

    [Fact]
    public async Task Check_WithSomethingMissing_AnswersTheSubmitsOneNotice_AndStartsAndWritesNothing()
    {
        var id = $"check-{Guid.NewGuid():N}"[..20];
        using var citizen = server.Citizen(id);
        // No licences and no photo: the one notice lists every material across departments.
        var request = new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = Array.Empty<object>() };

        using var checkedResponse = await citizen.PostAsync("/api/applications/check", Http.Body(request));
        var notice = await checkedResponse.ShouldBeProblemAsync(422, code: "submission.refused");
        notice.GetProperty("errors").GetArrayLength().ShouldBeGreaterThan(1);

        // Nothing was started, and no refusal was sent to the applicant's notifications.
        (await (await citizen.GetAsync("/api/applications")).Content.ReadAsStringAsync()).ShouldNotContain("applicationId");
        (await (await citizen.GetAsync("/api/notifications")).ReadItemsAsync<JsonElement>()).ShouldBeEmpty();

        using var submitted = await citizen.PostAsync("/api/applications", Http.Body(request));
        var refused = await submitted.ShouldBeProblemAsync(422, code: "submission.refused");
        refused.GetProperty("errors").GetRawText().ShouldBe(notice.GetProperty("errors").GetRawText(), "the same one notice as a submit");
        refused.GetProperty("detail").GetString().ShouldBe(notice.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Check_Complete_Is200Ready_AndNothingIsStarted()
    {
        var id = $"check-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(id, type);
        }

        using var citizen = server.Citizen(id);
        using var uploaded = await PostPhotoAsync(citizen, "newborn");
        var reference = (await uploaded.ReadAsync<JsonElement>()).GetProperty("reference").GetString();
        var request = new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference } } };

        using var response = await citizen.PostAsync("/api/applications/check", Http.Body(request));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.ReadAsync<JsonElement>()).GetProperty("ready").GetBoolean().ShouldBeTrue();
        (await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<JsonElement>()).ShouldBeEmpty();

        // A malformed body is the submit's 400 naming the field; a bundle not open the submit's 404.
        await (await citizen.PostAsync("/api/applications/check", Http.Body(new { templateKey = "", answers = new { } }))).ShouldBeProblemAsync(400, field: "templateKey");
        await (await citizen.PostAsync("/api/applications/check", Http.Body(new { templateKey = "no-such-bundle", answers = new { } }))).ShouldBeProblemAsync(404);
    }

    static HttpRequestMessage Preflight(string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/applications");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    static Task<HttpResponseMessage> PostPhotoAsync(HttpClient citizen, string template)
    {
        var content = new ByteArrayContent(Photo);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return citizen.PostAsync($"/api/bundles/{template}/materials/babyPhoto/uploads", content);
    }
}
