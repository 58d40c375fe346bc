using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Auth;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.EndToEndTests;

/// <summary>
/// Every route of the API, tried by every kind of caller against real data: no or bad credentials get 401, a role
/// that may not use the route 403, and another person's application or another department's task 404 with the very
/// body a made-up id gets. Where a refused call could have changed something, the test looks that it did not.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class AuthorizationMatrixTests(ServerFixture server)
{
    /// <summary>The kinds of caller, the bad credentials first.</summary>
    public enum Who
    {
        Anonymous,
        MalformedToken,
        ExpiredToken,
        WrongKeyToken,
        WrongIssuerToken,
        UnsignedToken,
        TwoRolesToken,
        OfficerWithoutDepartment,
        CitizenA,
        CitizenB,
        Officer,
        OtherOfficer,
        Admin,
    }

    /// <summary>Not tried by this caller here: the owner's withdrawal runs on {spare}, the administrator's bulk cancel on an unknown id.</summary>
    const int Elsewhere = 0;

    // A valid tag in the storage's format that no row has had since 2000.
    const string StaleETag = "W/\"datetime'2000-01-01T00%3A00%3A00.0000000Z'\"";
    const string OtherSigningKey = "another-issuers-signing-key-0123456789abcdef";

    static readonly Who[] BadCredentials =
        [Who.Anonymous, Who.MalformedToken, Who.ExpiredToken, Who.WrongKeyToken, Who.WrongIssuerToken, Who.UnsignedToken, Who.TwoRolesToken, Who.OfficerWithoutDepartment];

    static readonly string[] Licences = ["id-card", "household-register", "marriage-certificate"];
    static readonly string[] SlowTag = ["slow"];
    static readonly string[] ProblemMembers = ["type", "title", "status", "detail", "code", "errors"];

    static readonly object Gate = new();
    static Task<Scenario>? scenario;

    // Citizen A owns {app} (waiting for the hospital) and {spare}; {task} is the hospital's task on {app}; {tpl} is a draft
    // the administrator made. Routes taking If-Match get the CURRENT ETag from every caller except the role that may use
    // them, which sends a stale one: a refused caller would succeed if the gate let them through, the allowed one
    // changes nothing and gets 412.
    //
    //                                                                            no/bad   A     B  officer other admin
    static readonly Line[] Lines =
    [
        new("GET /api/bundles",                                                    401, 200, 200, 200, 200, 200),
        new("GET /api/bundles/newborn",                                            401, 200, 200, 200, 200, 200),
        new("POST /api/bundles/newborn/materials/babyPhoto/uploads",               401, 201, 201, 403, 403, 403),
        new("POST /api/applications",                                              401, 202, 422, 403, 403, 403),
        new("GET /api/applications",                                               401, 200, 200, 403, 403, 403),
        new("GET /api/applications/{app}",                                         401, 200, 404, 403, 403, 403),
        new("POST /api/applications/{app}/items/birth-certificate/supplement",     401, 409, 404, 403, 403, 403),
        new("POST /api/applications/{app}/materials/babyPhoto",                    401, 409, 404, 403, 403, 403),
        new("POST /api/applications/{app}/withdrawal",                             401, Elsewhere, 404, 403, 403, 403),
        new("POST /api/applications/{spare}/withdrawal",                           401, 202, 404, 403, 403, 403),
        new("GET /api/licences",                                                   401, 200, 200, 403, 403, 403),
        new("GET /api/tasks",                                                      401, 403, 403, 200, 200, 403),
        new("GET /api/tasks/{task}",                                               401, 403, 403, 200, 404, 403),
        new("GET /api/tasks/{task}/application",                                   401, 403, 403, 200, 404, 403),
        new("POST /api/tasks/{task}/claim",                                        401, 403, 403, 412, 404, 403),
        new("POST /api/tasks/{task}/release",                                      401, 403, 403, 409, 404, 403),
        new("POST /api/tasks/{task}/decision",                                     401, 403, 403, 412, 404, 403),
        new("GET /api/admin/templates",                                            401, 403, 403, 403, 403, 200),
        new("POST /api/admin/templates",                                           401, 403, 403, 403, 403, 201),
        new("POST /api/admin/templates/validate",                                  401, 403, 403, 403, 403, 200),
        new("GET /api/admin/templates/newborn/versions",                           401, 403, 403, 403, 403, 200),
        new("GET /api/admin/templates/newborn/versions/1",                         401, 403, 403, 403, 403, 200),
        new("PUT /api/admin/templates/{tpl}/versions/1",                           401, 403, 403, 403, 403, 412),
        new("POST /api/admin/templates/{tpl}/versions/1/publish",                  401, 403, 403, 403, 403, 412),
        new("POST /api/admin/templates/newborn/versions/1/retire",                 401, 403, 403, 403, 403, 412),
        new("GET /api/admin/templates/newborn/diff?from=1&to=1",                   401, 403, 403, 403, 403, 200),
        new("POST /api/admin/templates/newborn/migrations",                        401, 403, 403, 403, 403, 400),
        new("POST /api/admin/templates/newborn/versions/1/simulation",             401, 403, 403, 403, 403, 409),
        new("GET /api/admin/audit?subject={app}",                                  401, 403, 403, 403, 403, 200),
        new("GET /api/admin/applications?applicant={A}",                           401, 403, 403, 403, 403, 200),
        new("POST /api/admin/applications/bulk cancelling {app}",                  401, 403, 403, 403, 403, Elsewhere),
        new("POST /api/admin/applications/bulk cancelling an unknown id",          401, 403, 403, 403, 403, 200),
        new("POST /api/admin/applications/{app}/items/birth-certificate/extension by 0 days", 401, 403, 403, 403, 403, 400),
        new("POST /api/systems/bank-account-system/callbacks without a signature", 401, 401, 401, 401, 401, 401),
        new("GET /api/notifications",                                              401, 200, 200, 200, 200, 200),
        // Only the recipient marks a notification read; to anyone else it is 404, as one that does not exist.
        new("POST /api/notifications/{app}:accepted/read",                         401, 200, 404, 404, 404, 404),
        new("POST /api/applications/{app}/ratings",                                401, 409, 404, 403, 403, 403),
        new("GET /api/applications/{app}/ratings",                                 401, 200, 404, 403, 403, 403),
        new("POST /api/applications/{app}/stuck",                                  401, 202, 404, 403, 403, 403),
        new("POST /api/tasks/{task}/response",                                     401, 403, 403, 409, 404, 403),
        new("GET /api/admin/cases",                                                401, 403, 403, 403, 403, 200),
        new("POST /api/admin/cases/{case}/resolution",                             401, 403, 403, 403, 403, 202),
        new("POST /api/assisted/applications",                                     401, 403, 403, 403, 403, 403),
        new("GET /api/assisted/consents",                                          401, 200, 200, 403, 403, 403),
        new("GET /api/assisted/consents/{consent}",                                401, 200, 404, 403, 403, 403),
        // A sends a digest other than the one she was shown (409, nothing filed); her refusal is AssistedConsentHttpTests'.
        new("POST /api/assisted/consents/{consent}/confirmation",                  401, 409, 404, 403, 403, 403),
        new("POST /api/assisted/consents/{consent}/refusal",                       401, Elsewhere, 404, 403, 403, 403),
        new("POST /api/applications/{app}/confirmation",                          401, 409, 404, 403, 403, 403),
        new("POST /api/applications/{app}/declination",                           401, 409, 404, 403, 403, 403),
        // A party's confirmations: only a party the application names in that role has one (A applied, she is no party of it).
        new("GET /api/confirmations",                                              401, 200, 200, 403, 403, 403),
        new("POST /api/applications/{app}/parties/seller/confirmation",           401, 404, 404, 403, 403, 403),
        new("POST /api/applications/{app}/parties/seller/declination",            401, 404, 404, 403, 403, 403),
        new("POST /api/systems/birth-register-system/events without a signature", 401, 401, 401, 401, 401, 401),
        new("GET /api/admin/figures?from=2026-01&to=2026-03",                     401, 403, 403, 403, 403, 200),
        new("GET /api/admin/applications/{app}",                                   401, 403, 403, 403, 403, 200),
        // Demo sign-in needs no token (local server only, Auth:DemoUsers on here); files; the check.
        new("POST /api/auth/demo",                                                 200, 200, 200, 200, 200, 200),
        new("GET /api/auth/demo/users",                                            200, 200, 200, 200, 200, 200),
        new("POST /api/applications/check",                                        401, 200, 422, 403, 403, 403),
        new("GET /api/uploads/babyPhoto/{upload}",                                 401, 200, 404, 403, 403, 403),
        new("GET /api/licences/id-card/{licence}",                                 401, 200, 404, 403, 403, 403),
        // The hospital's item does not need the photo: the department that sees the task gets 404 too.
        new("GET /api/tasks/{task}/materials/babyPhoto",                           401, 403, 403, 404, 404, 403),
        // Public: a code nobody was given is 404 to everyone, signed in or not (BrowserHttpTests checks a real one).
        new("GET /api/certificates/ABCDEFGHJKLMNPQR",                              404, 404, 404, 404, 404, 404),
        // Public: the backlog's counts, the same to everyone (a probe signs in as nobody).
        new("GET /api/health/backlog",                                             200, 200, 200, 200, 200, 200),
    ];

    /// <summary>The matrix as rows: (route, caller, expected status).</summary>
    public static TheoryData<string, Who, int> Matrix()
    {
        var rows = new TheoryData<string, Who, int>();
        foreach (var line in Lines)
        {
            foreach (var who in BadCredentials)
            {
                rows.Add(line.Route, who, line.BadCredentials);
            }

            foreach (var (who, status) in new[] { (Who.CitizenA, line.CitizenA), (Who.CitizenB, line.CitizenB), (Who.Officer, line.Officer), (Who.OtherOfficer, line.OtherOfficer), (Who.Admin, line.Admin) })
            {
                if (status != Elsewhere)
                {
                    rows.Add(line.Route, who, status);
                }
            }
        }

        return rows;
    }

    [Fact]
    public async Task Matrix_EveryRouteTheServerDescribes_HasALine()
    {
        // The server's own OpenAPI document lists every route it maps; a new route fails this until it gets its line.
        using var anonymous = server.Anonymous();
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();
        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => operation.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(operation => Generalise($"{operation.Name.ToUpperInvariant()} {path.Name}")))
            .ToHashSet(StringComparer.Ordinal);
        described.Count.ShouldBeGreaterThan(25);
        Lines.Select(l => Generalise(l.Route)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .ShouldBe(described.Order(StringComparer.Ordinal));

        // Routing does not check media types (the handlers do, after the caller), yet the JSON bodies stay documented.
        var submit = document.GetProperty("paths").GetProperty("/api/applications").GetProperty("post").GetProperty("requestBody");
        submit.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString().ShouldEndWith("/SubmitRequest");
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Route_CalledByEachKindOfCaller_AnswersWhatTheMatrixSays(string route, Who caller, int expected)
    {
        var s = await ScenarioAsync();
        using var client = Client(s, caller);
        using var request = Request(s, route, caller, missing: false);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(expected, $"{route} as {caller}: {text}");

        if (caller is not (Who.CitizenA or Who.Officer or Who.Admin))
        {
            // Whatever the status, nobody else is told A's application id or A's id.
            text.ShouldNotContain(s.App, Case.Sensitive, $"{route} as {caller} leaks the application id: {text}");
            text.ShouldNotContain(s.CitizenA, Case.Sensitive, $"{route} as {caller} leaks the applicant's id: {text}");
        }

        if (expected < 400)
        {
            return;
        }

        var problem = await response.ShouldBeProblemAsync(expected, code: ExpectedCode(route, expected));
        if (expected == 401 && !route.Contains("/systems/", StringComparison.Ordinal))
        {
            // RFC 6750: a 401 for a bearer-protected route names the scheme to use.
            response.Headers.WwwAuthenticate.Select(h => h.Scheme).ShouldBe(["Bearer"], $"{route} as {caller}");
        }

        if (expected == 404)
        {
            // "Exists but not yours" must read exactly like "does not exist at all".
            using var again = Request(s, route, caller, missing: true);
            using var missing = await client.SendAsync(again);
            var nothing = await missing.ShouldBeProblemAsync(404);
            Visible(problem).ShouldBe(Visible(nothing), $"{route} as {caller}: the 404 tells an existing id from a made-up one");
        }

        await NothingChangedAsync(s, route);
    }

    // ---- what each route sends

    static HttpRequestMessage Request(Scenario s, string route, Who caller, bool missing)
    {
        var parts = route.Split(' ');
        var path = parts[1]
            .Replace("{app}", Uri.EscapeDataString(missing ? s.MissingApp : s.App), StringComparison.Ordinal)
            .Replace("{spare}", Uri.EscapeDataString(missing ? s.MissingApp : s.Spare), StringComparison.Ordinal)
            .Replace("{task}", Uri.EscapeDataString(missing ? ItemOrchestrator.InstanceId(s.MissingApp, "birth-certificate") : s.Task), StringComparison.Ordinal)
            .Replace("{case}", Uri.EscapeDataString($"case:{(missing ? s.MissingApp : s.Spare)}"), StringComparison.Ordinal)
            .Replace("{consent}", missing ? s.MissingConsent : s.Consent, StringComparison.Ordinal)
            .Replace("{tpl}", s.Tpl, StringComparison.Ordinal)
            .Replace("{A}", Uri.EscapeDataString(s.CitizenA), StringComparison.Ordinal)
            .Replace("{upload}", missing ? $"{Guid.NewGuid():N}" : s.Photo[(s.Photo.LastIndexOf('/') + 1)..], StringComparison.Ordinal)
            .Replace("{licence}", missing ? "id-card-missing" : $"id-card-{s.CitizenA}", StringComparison.Ordinal);
        var message = new HttpRequestMessage(new HttpMethod(parts[0]), path) { Content = Body(s, route) };
        var (current, owner) = route switch
        {
            _ when route.StartsWith("POST /api/tasks/", StringComparison.Ordinal) => (s.TaskETag, Who.Officer),
            _ when route.Contains("/{tpl}/versions/1", StringComparison.Ordinal) => (s.TplETag, Who.Admin),
            _ when route.Contains("/retire", StringComparison.Ordinal) => (s.NewbornETag, Who.Admin),
            _ => ((string?)null, Who.Anonymous),
        };
        if (current is not null)
        {
            message.Headers.TryAddWithoutValidation("If-Match", caller == owner ? StaleETag : current);
        }

        return message;
    }

    static HttpContent? Body(Scenario s, string route)
    {
        var photo = new[] { new { key = "babyPhoto", kind = "upload", reference = s.Photo } };
        switch (route)
        {
            case var r when r.EndsWith("/uploads", StringComparison.Ordinal):
                var file = new ByteArrayContent(Walkthrough.Jpeg);
                file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                return file;
            case "POST /api/applications" or "POST /api/applications/check":
                return Http.Body(new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = photo });
            case var r when r.EndsWith("/supplement", StringComparison.Ordinal):
                return Http.Body(new { references = new Dictionary<string, string> { ["babyPhoto"] = s.Photo } });
            case var r when r.EndsWith("/materials/babyPhoto", StringComparison.Ordinal):
                return Http.Body(new { reference = s.Photo });
            case var r when r.EndsWith("/withdrawal", StringComparison.Ordinal):
                return Http.Body(new { reason = "authorization matrix" });
            case var r when r.EndsWith("/decision", StringComparison.Ordinal):
                return Http.Body(new { kind = "approve", reason = "authorization matrix" });
            case "POST /api/admin/templates" or "POST /api/admin/templates/validate":
                return Http.Raw(TemplateJson.Write(BuiltInTemplates.Get("newborn") with { Key = s.Tpl, Name = s.TplName }));
            case var r when r.StartsWith("PUT ", StringComparison.Ordinal):
                return Http.Raw(TemplateJson.Write(BuiltInTemplates.Get("newborn") with { Key = s.Tpl, Name = "edited through the matrix" }));
            case var r when r.EndsWith("/publish", StringComparison.Ordinal) || r.EndsWith("/simulation", StringComparison.Ordinal):
                return Http.Body(new { });
            case var r when r.Contains("/bulk", StringComparison.Ordinal):
                var target = r.EndsWith("{app}", StringComparison.Ordinal) ? s.App : s.MissingApp;
                return Http.Body(new { action = "cancel", query = new { applicationIds = new[] { target } }, reason = "authorization matrix" });
            case var r when r.EndsWith("/migrations", StringComparison.Ordinal):
                // To the same version: the administrator gets 400 naming the field, and nothing is looked at or moved.
                return Http.Body(new { from = 1, to = 1 });
            case var r when r.Contains("/extension", StringComparison.Ordinal):
                // Zero days: the administrator gets 400 naming the field, so the item the other lines use keeps its due time.
                return Http.Body(new { workingDays = 0, reason = "authorization matrix" });
            case var r when r.EndsWith("/ratings", StringComparison.Ordinal) && r.StartsWith("POST", StringComparison.Ordinal):
                return Http.Body(new { item = "birth-certificate", score = 1, tags = SlowTag, comment = "authorization matrix" });
            case var r when r.EndsWith("/stuck", StringComparison.Ordinal):
                return Http.Body(new { description = "authorization matrix" });
            case var r when r.EndsWith("/response", StringComparison.Ordinal) || r.EndsWith("/resolution", StringComparison.Ordinal):
                return Http.Body(new { text = "authorization matrix" });
            case "POST /api/assisted/applications":
                return Http.Body(new
                {
                    applicant = new { id = s.CitizenA, kind = "citizen" },
                    templateKey = "newborn",
                    answers = Walkthrough.NewbornAnswers(),
                    materials = photo,
                });
            case var r when r.Contains("/callbacks", StringComparison.Ordinal):
                return Http.Body(new { applicationId = s.App, itemKey = "birth-certificate", approved = true });
            case var r when r.Contains("/consents/", StringComparison.Ordinal) && r.EndsWith("/confirmation", StringComparison.Ordinal):
                return Http.Body(new { sha256 = new string('0', 64) });
            case var r when r.EndsWith("/refusal", StringComparison.Ordinal):
                return Http.Body(new { reason = "authorization matrix" });
            case var r when r.EndsWith("/confirmation", StringComparison.Ordinal):
                return Http.Body(new { answers = new { babyName = "王小明" } });
            case var r when r.EndsWith("/declination", StringComparison.Ordinal):
                return Http.Body(new { reason = "authorization matrix" });
            case "POST /api/auth/demo":
                return Http.Body(new { user = "citizen-wang" });
            case var r when r.Contains("/events", StringComparison.Ordinal):
                return Http.Body(new { eventId = "matrix-1", type = "birth-recorded", subjectId = s.CitizenA, subjectName = "matrix", data = new { babyName = "王小明" } });
            default:
                return null;
        }
    }

    static string? ExpectedCode(string route, int status) => status switch
    {
        401 => route.Contains("/callbacks", StringComparison.Ordinal) || route.Contains("/events", StringComparison.Ordinal) ? "signature.invalid" : "auth.required",
        403 => "auth.forbidden",
        404 => "resource.notFound",
        412 => "precondition.failed",
        422 => "submission.refused",
        _ => null,
    };

    // What a client can read in a problem, without the per-request trace id.
    static string Visible(JsonElement problem) => string.Join("\n",
        ProblemMembers.Select(p => problem.TryGetProperty(p, out var v) ? $"{p}={v.GetRawText()}" : $"{p}=-"));

    // ---- what a refused call must have left alone

    async Task NothingChangedAsync(Scenario s, string route)
    {
        if (route.Contains("{app}", StringComparison.Ordinal) || route.Contains("/decision", StringComparison.Ordinal) || route.Contains("/callbacks", StringComparison.Ordinal))
        {
            using var citizen = server.Citizen(s.CitizenA);
            var application = await (await citizen.GetAsync($"/api/applications/{s.App}")).ReadAsync<ApplicationDetail>();
            application.Status.ShouldBe(ApplicationStatus.InProgress, $"{route} changed the application");
            application.Items.Single(i => i.Key == "birth-certificate").State.ShouldBe(ItemState.Running, $"{route} changed the item");
        }

        if (route.Contains("{consent}", StringComparison.Ordinal))
        {
            using var citizen = server.Citizen(s.CitizenA);
            var consent = await (await citizen.GetAsync($"/api/assisted/consents/{s.Consent}")).ReadAsync<JsonElement>();
            consent.GetProperty("status").GetString().ShouldBe("awaitingConfirmation", $"{route} answered the consent request");
            (await (await citizen.GetAsync($"/api/applications/{consent.GetProperty("applicationId").GetString()}")).Content.ReadAsStringAsync())
                .ShouldContain("resource.notFound", Case.Sensitive, $"{route} filed the assisted application");
        }

        if (route.Contains("{task}", StringComparison.Ordinal))
        {
            using var hospital = server.Officer("hospital");
            var task = await Walkthrough.GetTaskAsync(hospital, s.Task);
            task.Task.Status.ShouldBe(OfficerTaskStatus.Open, $"{route} changed the task");
            task.ClaimedBy.ShouldBeNull($"{route} claimed the task");
            task.DecisionPending.ShouldBeFalse($"{route} decided the task");
            task.ETag.ShouldBe(s.TaskETag, $"{route} wrote the task");
        }

        if (route.StartsWith("POST /api/admin/templates", StringComparison.Ordinal) || route.Contains("{tpl}", StringComparison.Ordinal))
        {
            using var admin = server.Admin();
            using var response = await admin.GetAsync($"/api/admin/templates/{s.Tpl}/versions/1");
            var detail = await response.ReadAsync<JsonElement>();
            detail.GetProperty("summary").GetProperty("status").GetString().ShouldBe("draft", $"{route} changed the draft");
            detail.GetProperty("definition").GetProperty("name").GetString().ShouldBe(s.TplName, $"{route} changed the draft's document");
            response.Headers.GetValues("ETag").Single().ShouldBe(s.TplETag, $"{route} wrote the draft");
            var versions = await (await admin.GetAsync($"/api/admin/templates/{s.Tpl}/versions")).ReadItemsAsync<JsonElement>();
            versions.Select(v => v.GetProperty("createdBy").GetString()).ShouldAllBe(by => by == "admin:admin", $"{route} created a version");
        }

        if (route.Contains("/retire", StringComparison.Ordinal))
        {
            using var admin = server.Admin();
            using var response = await admin.GetAsync("/api/admin/templates/newborn/versions/1");
            var detail = await response.ReadAsync<JsonElement>();
            detail.GetProperty("summary").GetProperty("status").GetString().ShouldBe("published", $"{route} retired the bundle");
            response.Headers.GetValues("ETag").Single().ShouldBe(s.NewbornETag, $"{route} wrote the bundle's version");
        }
    }

    // ---- callers

    HttpClient Client(Scenario s, Who who) => who switch
    {
        Who.Anonymous => server.Anonymous(),
        Who.MalformedToken => server.As("not-a-jwt"),
        // Everything that must not work is tried with an administrator's identity, the one that would open most.
        Who.ExpiredToken => server.As(server.Tokens.Mint("admin", "系统管理员", CallerRole.Administrator, lifetime: TimeSpan.FromSeconds(-45))),
        Who.WrongKeyToken => server.As(new TokenMinter(new AuthOptions { SigningKey = OtherSigningKey }, TimeProvider.System).Mint("admin", "系统管理员", CallerRole.Administrator)),
        Who.WrongIssuerToken => server.As(new TokenMinter(new AuthOptions { SigningKey = ServerFixture.SigningKey, Issuer = "someone-else" }, TimeProvider.System)
            .Mint("admin", "系统管理员", CallerRole.Administrator)),
        Who.UnsignedToken => server.As(Craft(signed: false, new Claim(ApiClaims.Subject, "admin"), new Claim(ApiClaims.Role, "admin"))),
        // Citizen A's own id with an administrator's role on top: ambiguous, so nothing, not the union.
        Who.TwoRolesToken => server.As(Craft(signed: true,
            new Claim(ApiClaims.Subject, s.CitizenA), new Claim(ApiClaims.Role, "applicant"), new Claim(ApiClaims.Role, "admin"), new Claim(ApiClaims.ApplicantKind, "citizen"))),
        Who.OfficerWithoutDepartment => server.As(Craft(signed: true, new Claim(ApiClaims.Subject, "officer-nowhere"), new Claim(ApiClaims.Role, "officer"))),
        Who.CitizenA => server.Citizen(s.CitizenA),
        Who.CitizenB => server.Citizen(s.CitizenB, "李强"),
        Who.Officer => server.Officer("hospital"),
        Who.OtherOfficer => server.Officer("police"),
        _ => server.Admin(),
    };

    // A token the minter would never make, signed (or not) under the server's key.
    static string Craft(bool signed, params Claim[] claims)
    {
        var options = new AuthOptions { SigningKey = ServerFixture.SigningKey };
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity([.. claims, new Claim(ApiClaims.Name, "crafted")]),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = signed ? new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ServerFixture.SigningKey)), SecurityAlgorithms.HmacSha256) : null,
        });
    }

    static string Generalise(string route)
    {
        var parts = route.Split(' ');
        var path = parts[1].Split('?')[0].Split('/').Select(segment => segment switch
        {
            "newborn" or "{tpl}" or "{key}" => "{key}",
            "{app}" or "{spare}" or "{id}" or "{app}:accepted" => "{id}",
            "{task}" or "{taskId}" => "{taskId}",
            "1" or "{version}" => "{version}",
            "babyPhoto" or "{material}" => "{material}",
            "birth-certificate" or "{item}" => "{item}",
            "bank-account-system" or "birth-register-system" or "{system}" => "{system}",
            "{case}" or "{caseId}" => "{caseId}",
            "{consent}" or "{consentId}" => "{consentId}",
            "{upload}" or "{uploadId}" => "{uploadId}",
            "id-card" or "{type}" => "{type}",
            "seller" or "{role}" => "{role}",
            "{licence}" or "{number}" => "{number}",
            "ABCDEFGHJKLMNPQR" or "{code}" => "{code}",
            _ => segment,
        });
        return $"{parts[0]} {string.Join('/', path)}";
    }

    // ---- the data every row runs against, made once

    Task<Scenario> ScenarioAsync()
    {
        lock (Gate)
        {
            return scenario ??= SetUpAsync();
        }
    }

    async Task<Scenario> SetUpAsync()
    {
        var a = $"authz-a-{Guid.NewGuid():N}"[..20];
        var b = $"authz-b-{Guid.NewGuid():N}"[..20];
        foreach (var type in Licences)
        {
            await server.GiveLicenceAsync(a, type);
        }

        using var citizen = server.Citizen(a);
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var request = new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } };
        // The service hall prepares an application for A to confirm: {consent}.
        using var helper = server.As(server.Tokens.Mint("helper-hall", "政务服务中心帮办员", CallerRole.Officer, department: "service-hall", assist: true));
        using var filed = await helper.PostAsync("/api/assisted/applications", Http.Body(new
        {
            applicant = new { id = a, kind = "citizen" },
            templateKey = "newborn",
            answers = Walkthrough.NewbornAnswers(),
            materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } },
        }));
        filed.StatusCode.ShouldBe(HttpStatusCode.Created, await filed.Content.ReadAsStringAsync());
        var consentId = (await filed.ReadAsync<JsonElement>()).GetProperty("consentId").GetString()!;
        var app = await Walkthrough.SubmitAsync(citizen, request);
        app.Status.ShouldBe(HttpStatusCode.Accepted, app.Text);
        var spare = await Walkthrough.SubmitAsync(citizen, request);
        spare.Status.ShouldBe(HttpStatusCode.Accepted, spare.Text);
        var id = app.Body!.ApplicationId;

        using var hospital = server.Officer("hospital");
        var task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        await Walkthrough.WaitForApplicationAsync(citizen, id, d => d.Items.Single(i => i.Key == "birth-certificate").State == ItemState.Running, "the hospital's item to run");

        // A's spare application is reported stuck, so the administrator's resolution row has an open case to resolve.
        await Walkthrough.WaitForApplicationAsync(citizen, spare.Body!.ApplicationId, d => d.Items.Any(i => i.State == ItemState.Running), "the spare application to start");
        using (var reported = await citizen.PostAsync($"/api/applications/{spare.Body!.ApplicationId}/stuck", Http.Body(new { description = "authorization matrix" })))
        {
            reported.StatusCode.ShouldBe(HttpStatusCode.Accepted, await reported.Content.ReadAsStringAsync());
        }

        using var admin = server.Admin();
        await Http.PollAsync(async () =>
        {
            var cases = await (await admin.GetAsync("/api/admin/cases?status=open")).ReadItemsAsync<JsonElement>();
            return cases.Any(c => c.GetProperty("caseId").GetString() == $"case:{spare.Body!.ApplicationId}") ? cases : null;
        }, _ => true, "the spare application's case");
        var tpl = $"authz-{Guid.NewGuid():N}"[..20];
        const string tplName = "授权矩阵测试草稿";
        using var created = await admin.PostAsync("/api/admin/templates", Http.Raw(TemplateJson.Write(BuiltInTemplates.Get("newborn") with { Key = tpl, Name = tplName })));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        using var newborn = await admin.GetAsync("/api/admin/templates/newborn/versions/1");
        newborn.StatusCode.ShouldBe(HttpStatusCode.OK, await newborn.Content.ReadAsStringAsync());

        return new Scenario(a, b, photo, id, spare.Body!.ApplicationId, task.Task.TaskId, task.ETag!,
            tpl, tplName, created.Headers.GetValues("ETag").Single(), newborn.Headers.GetValues("ETag").Single(), $"app-{Guid.NewGuid():N}",
            consentId, $"con-{Guid.NewGuid():N}");
    }

    sealed record Scenario(
        string CitizenA, string CitizenB, string Photo, string App, string Spare, string Task, string TaskETag,
        string Tpl, string TplName, string TplETag, string NewbornETag, string MissingApp, string Consent, string MissingConsent);

    sealed record Line(string Route, int BadCredentials, int CitizenA, int CitizenB, int Officer, int OtherOfficer, int Admin);
}
