using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Systems;
using Workflows.Tasks;
using Workflows.Templates;
using Xunit.Abstractions;

namespace Workflows.EndToEndTests;

/// <summary>
/// What each kind of bad input gets from the real server, as a table: the status, and the field and code the
/// problem names. A refused submission leaves no application behind; a refused decision leaves the task as it was.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed partial class BadInputTests(ServerFixture server, ITestOutputHelper output) : IDisposable
{
    const string Key = "bad-input-1";
    const string StaleETag = "W/\"datetime'2000-01-01T00%3A00%3A00.0000000Z'\"";
    const string Photo = "/api/bundles/newborn/materials/babyPhoto/uploads";

    static readonly string[] Licences = ["id-card", "household-register", "marriage-certificate"];
    static readonly string[] HouseholdRegister = ["householdRegister"];
    static readonly string[] HospitalAndPolice = ["hospital", "police"];
    static readonly string[] Police = ["police"];
    static readonly string[] HumanResources = ["human-resources"];

    static readonly object Gate = new();
    static Task<Shared>? shared;
    static Task<string>? bankWaiting;

    readonly string citizen = $"bad-{Guid.NewGuid():N}"[..20];
    readonly List<IDisposable> disposables = [];
    HttpClient? citizenClient;

    // Each line: the bad input, the status it gets, and the field and code the problem must name (null: not asserted).
    static readonly Case[] Table =
    [
        // Submissions: a fresh citizen each, so "no application was created" can be checked afterwards.
        new("submit: unknown field", 400, "surprise", "field.unknown", t => t.SubmitAsync("""{"templateKey":"newborn","answers":{},"surprise":true}""")),
        new("submit: unknown field inside a material", 400, "materials[0].colour", "field.unknown",
            t => t.SubmitAsync("""{"templateKey":"newborn","answers":{},"materials":[{"key":"babyPhoto","kind":"upload","reference":"r","colour":"red"}]}""")),
        new("submit: a number for the bundle's key (a string)", 400, "templateKey", "field.invalid", t => t.SubmitAsync("""{"templateKey":7,"answers":{}}""")),
        new("submit: a string for the answers (an object)", 400, "answers", "field.invalid", t => t.SubmitAsync("""{"templateKey":"newborn","answers":"all fine"}""")),
        new("submit: an integer for the material kind (an enum)", 400, "materials[0].kind", "field.invalid",
            t => t.SubmitAsync("""{"templateKey":"newborn","answers":{},"materials":[{"key":"babyPhoto","kind":0,"reference":"r"}]}""")),
        new("submit: an unknown name for the material kind", 400, "materials[0].kind", "field.invalid",
            t => t.SubmitAsync("""{"templateKey":"newborn","answers":{},"materials":[{"key":"babyPhoto","kind":"borrowed","reference":"r"}]}""")),
        new("submit: no bundle key", 400, "templateKey", "field.required", t => t.SubmitAsync("""{"answers":{}}""")),
        new("submit: no answers", 400, "answers", "field.required", t => t.SubmitAsync("""{"templateKey":"newborn"}""")),
        new("submit: null answers", 400, "answers", null, t => t.SubmitAsync("""{"templateKey":"newborn","answers":null}""")),
        new("submit: malformed JSON", 400, "body", "body.malformed", t => t.SubmitAsync("""{"templateKey":"newborn","answers":{""")),
        new("submit: a trailing comma", 400, "body", "body.malformed", t => t.SubmitAsync("""{"templateKey":"newborn","answers":{},}""")),
        new("submit: empty body", 400, "body", "body.empty", t => t.SubmitAsync("")),
        new("submit: a JSON null", 400, "body", "body.null", t => t.SubmitAsync("null")),
        new("submit: text/plain", 415, "header:Content-Type", "header.contentType", t => t.SubmitAsync("""{"templateKey":"newborn","answers":{}}""", "text/plain")),
        new("submit: text/plain from an anonymous caller (who calls is settled first)", 401, null, "auth.required",
            t => t.AnonymousAsync("/api/applications", """{"templateKey":"newborn","answers":{}}""", "text/plain")),
        new("submit: no content type", 415, "header:Content-Type", "header.contentType", t => t.SubmitAsync("""{"templateKey":"newborn","answers":{}}""", contentType: null)),
        new("submit: over 256 KiB, refused before it is sent", 413, "body", "body.tooLarge", t => t.SubmitTooLargeAsync(chunked: false)),
        new("submit: over 256 KiB in chunks", 413, "body", "body.tooLarge", t => t.SubmitTooLargeAsync(chunked: true)),
        new("submit: an unknown bundle", 404, null, "resource.notFound", t => t.SubmitAsync(NewbornJson(templateKey: "no-such-bundle"))),
        new("submit: missing materials, one notice naming each with its departments", 422, "materials.babyPhoto", "material.missing",
            t => t.SubmitAsync(NewbornJson()), (_, problem) => OneNoticeOfMissingMaterials(problem)),
        new("submit: a string for a yes/no answer (told in the one notice)", 422, "answers.parentInsuredLocally", "answer.invalid",
            t => t.SubmitAsync(NewbornJson(a => a["parentInsuredLocally"] = "yes"))),
        new("submit: citing another citizen's upload", 422, "materials.babyPhoto", "material.upload.unknown", async t =>
            await t.SubmitAsync(NewbornJson(materials: $$"""[{"key":"babyPhoto","kind":"upload","reference":"{{(await t.SharedAsync()).Photo}}"}]"""))),
        new("submit: a null in the materials", 400, "materials[0]", "field.null", t => t.SubmitAsync("""{"templateKey":"newborn","answers":{},"materials":[null]}""")),
        new("submit: a lone UTF-16 surrogate in an answer", 400, "answers.babyName", "text.invalidCharacter",
            t => t.SubmitAsync(NewbornJson(a => a["babyName"] = "LONE").Replace("LONE", "王\\ud800", StringComparison.Ordinal))),
        new("submit: a lone low surrogate in an answer", 400, "answers.birthPlace", "text.invalidCharacter",
            t => t.SubmitAsync(NewbornJson(a => a["birthPlace"] = "LONE").Replace("LONE", "\\udc00市", StringComparison.Ordinal))),
        new("submit: a NUL in a name", 400, "answers.babyName", "text.invalidCharacter", t => t.SubmitAsync(NewbornJson(a => a["babyName"] = "王\u0000小明"))),
        new("submit: a terminal escape in a name", 400, "answers.motherName", "text.invalidCharacter", t => t.SubmitAsync(NewbornJson(a => a["motherName"] = "\u001b[2J\u001b[31m王芳"))),
        new("submit: a bidi override in an answer", 400, "answers.registrationAddress", "text.invalidCharacter",
            t => t.SubmitAsync(NewbornJson(a => a["registrationAddress"] = "市中心区\u202E号1路民人")) ),
        new("submit: a line break in a one-line answer (told in the one notice)", 422, "answers.babyName", "answer.invalid", t => t.SubmitAsync(NewbornJson(a => a["babyName"] = "王\n小明"))),
        new("submit: a newborn born in 2030", 422, "answers.babyBirthDate", "answer.invalid", t => t.SubmitAsync(NewbornJson(a => a["babyBirthDate"] = "2030-01-01"))),
        new("submit: a newborn born in 1900", 422, "answers.babyBirthDate", "answer.invalid", t => t.SubmitAsync(NewbornJson(a => a["babyBirthDate"] = "1900-01-01"))),
        new("submit: an ID number whose birth date is in the future", 422, "answers.motherIdNumber", "answer.invalid",
            t => t.SubmitAsync(NewbornJson(a => a["motherIdNumber"] = FutureIdNumber))),
        new("company submit: 1.5 employees", 422, "answers.employeeCount", "answer.invalid", t => t.CompanySubmitAsync(a => a["employeeCount"] = 1.5)),
        new("company submit: the employees as text, not a number", 422, "answers.employeeCount", "answer.invalid", t => t.CompanySubmitAsync(a => a["employeeCount"] = "3")),
        new("company submit: the capital as text, as a yes/no as text is", 422, "answers.registeredCapital", "answer.invalid", t => t.CompanySubmitAsync(a => a["registeredCapital"] = "100")),
        new("submit: an Idempotency-Key of 101 characters", 400, "header:Idempotency-Key", "header.invalid",
            t => t.SubmitAsync(NewbornJson(), idempotencyKey: new string('k', CitizenApi.MaxIdempotencyKeyLength + 1))),
        new("submit: an Idempotency-Key with a space", 400, "header:Idempotency-Key", "header.invalid", t => t.SubmitAsync(NewbornJson(), idempotencyKey: "two words")),
        new("submit: a non-ASCII Idempotency-Key", 400, "header:Idempotency-Key", "header.invalid", t => t.SubmitAsync(NewbornJson(), idempotencyKey: "申请-1")),

        // Uploads of the newborn's photo (JPEG or PNG, at most 2 MiB).
        new("upload: PDF bytes sent as image/jpeg", 400, "content", "upload.contentMismatch", t => t.UploadAsync(Walkthrough.Pdf, "image/jpeg")),
        new("upload: a wrong X-Content-SHA256", 400, "header:X-Content-SHA256", "upload.hashMismatch", t => t.UploadAsync(Walkthrough.Jpeg, "image/jpeg", sha256: new string('0', 64))),
        new("upload: a type the material does not take", 415, "header:Content-Type", "upload.contentType", t => t.UploadAsync(Walkthrough.Pdf, "application/pdf")),
        new("upload: an empty file", 400, "content", "upload.empty", t => t.UploadAsync([], "image/jpeg")),
        new("upload: over the material's limit, refused before it is sent", 413, "body", "body.tooLarge", t => t.UploadTooLargeAsync(chunked: false)),
        new("upload: over the material's limit in chunks", 413, "body", "body.tooLarge", t => t.UploadTooLargeAsync(chunked: true)),
        new("upload: a material the bundle does not have", 404, null, "resource.notFound", t => t.UploadAsync(Walkthrough.Jpeg, "image/jpeg", "/api/bundles/newborn/materials/selfie/uploads")),

        // The hospital officer's decision on a real open task; the If-Match is stale unless the line says otherwise,
        // so a validation that did not happen shows as 412 and the task is never touched.
        new("decision: an integer for the kind (an enum)", 400, "kind", "field.invalid", t => t.DecideAsync("""{"kind":0}""")),
        new("decision: an unknown kind", 400, "kind", "field.invalid", t => t.DecideAsync("""{"kind":"maybe"}""")),
        new("decision: no kind", 400, "kind", "field.required", t => t.DecideAsync("{}")),
        new("decision: unknown field", 400, "approvedBy", "field.unknown", t => t.DecideAsync("""{"kind":"approve","approvedBy":"someone"}""")),
        new("decision: a string for the materials (a list)", 400, "materials", "field.invalid", t => t.DecideAsync("""{"kind":"requestSupplement","reason":"r","materials":"parentsIdCards"}""")),
        new("decision: reject without a reason", 400, "reason", "field.required", t => t.DecideAsync("""{"kind":"reject"}""")),
        new("decision: supplement without materials", 400, "materials", "field.required", t => t.DecideAsync("""{"kind":"requestSupplement","reason":"unclear"}""")),
        new("decision: supplement naming an unknown material", 400, "materials[0]", "material.unknown",
            t => t.DecideAsync("""{"kind":"requestSupplement","reason":"unclear","materials":["selfie"]}""")),
        new("decision: without If-Match", 428, "header:If-Match", "header.required", t => t.DecideAsync("""{"kind":"approve"}""", ifMatch: null)),
        // If-Match: * is the task as it is now (accepted since h-views): the body is still checked, and the task untouched.
        new("decision: If-Match * with a reject without a reason", 400, "reason", "field.required", t => t.DecideAsync("""{"kind":"reject"}""", ifMatch: "*")),
        new("decision: a stale ETag", 412, null, "precondition.failed", t => t.DecideAsync("""{"kind":"approve"}""")),
        new("decision: malformed JSON", 400, "body", "body.malformed", t => t.DecideAsync("""{"kind":""")),
        new("decision: empty body", 400, "body", "body.empty", t => t.DecideAsync("")),
        new("decision: text/plain", 415, "header:Content-Type", "header.contentType", t => t.DecideAsync("""{"kind":"approve"}""", contentType: "text/plain")),
        new("decision: over 256 KiB", 413, "body", "body.tooLarge", t => t.DecideAsync($$"""{"kind":"approve","reason":"{{new string('x', 300 * 1024)}}"}""")),

        // The applicant supplying what the police asked for (a clearer household register) on another application.
        new("supplement: no references", 400, "references", "field.required", t => t.SupplyAsync("""{"references":{}}""")),
        new("supplement: a reference that is no upload of yours", 400, "references.householdRegister", "material.upload.unknown",
            t => t.SupplyAsync("""{"references":{"householdRegister":"someone-else/householdRegister/0"}}""")),
        new("decision: supplement asking for a material nobody can upload", 400, "materials[0]", "material.notUploadable",
            t => t.DecideAsync("""{"kind":"requestSupplement","reason":"unclear","materials":["parentsIdCards"]}""")),
        new("supplement: a list for the references (an object)", 400, "references", "field.invalid", t => t.SupplyAsync("""{"references":["x"]}""")),
        new("decision: a NUL in the reason", 400, "reason", "text.invalidCharacter", t => t.DecideAsync("""{"kind":"reject","reason":"a\u0000b"}""")),
        new("decision: a terminal escape in the reason", 400, "reason", "text.invalidCharacter", t => t.DecideAsync("""{"kind":"reject","reason":"\u001b]0;pwned\u0007"}""")),
        new("decision: a null among the materials asked for", 400, "materials[0]", "field.null", t => t.DecideAsync("""{"kind":"requestSupplement","reason":"r","materials":[null]}""")),
        new("withdrawal: a bidi isolate in the reason", 400, "reason", "text.invalidCharacter",
            t => t.AsCitizenAsync(HttpMethod.Post, $"/api/applications/app-{Guid.Empty:N}/withdrawal", """{"reason":"\u2066no longer needed\u2069"}""")),
        new("withdrawal: no reason", 400, "reason", "field.required", t => t.AsCitizenAsync(HttpMethod.Post, $"/api/applications/app-{Guid.Empty:N}/withdrawal", "{}")),
        new("withdrawal: a blank reason", 400, "reason", "field.required", t => t.AsCitizenAsync(HttpMethod.Post, $"/api/applications/app-{Guid.Empty:N}/withdrawal", """{"reason":"  "}""")),

        // The officers' task list.
        new("tasks: status=bogus", 400, "query:status", "query.invalid", t => t.AsHospitalAsync("/api/tasks?status=bogus")),
        new("tasks: status given as a number", 400, "query:status", "query.invalid", t => t.AsHospitalAsync("/api/tasks?status=1")),
        new("tasks: pageSize=0", 400, "query:pageSize", "query.invalid", t => t.AsHospitalAsync("/api/tasks?pageSize=0")),
        new("tasks: pageSize=201", 400, "query:pageSize", "query.invalid", t => t.AsHospitalAsync("/api/tasks?pageSize=201")),
        new("tasks: pageSize=ten", 400, "query:pageSize", "query.invalid", t => t.AsHospitalAsync("/api/tasks?pageSize=ten")),
        new("tasks: dueBefore=notadate", 400, "query:dueBefore", "query.invalid", t => t.AsHospitalAsync("/api/tasks?dueBefore=notadate")),
        new("tasks: escalated=yes", 400, "query:escalated", "query.invalid", t => t.AsHospitalAsync("/api/tasks?escalated=yes")),
        new("tasks: escalated=1", 400, "query:escalated", "query.invalid", t => t.AsHospitalAsync("/api/tasks?escalated=1")),

        // Administrators: templates, audit, search, bulk actions.
        new("template: a string for committedDays", 400, "$.committedDays", "template.json", t => t.CreateTemplateAsync(doc => doc["committedDays"] = "ten"),
            (t, _) => t.NoTemplateAsync()),
        new("template: an unknown property", 400, null, "template.json", t => t.CreateTemplateAsync(doc => doc["colour"] = "red"), (t, _) => t.NoTemplateAsync()),
        new("template: a truncated document", 400, null, "template.json", t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/templates", $$"""{"key": "{{t.TemplateKey}}", "name": "half"""),
            (t, _) => t.NoTemplateAsync()),
        new("template: text/plain", 415, "header:Content-Type", "header.contentType", t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/templates", "{}", "text/plain")),
        new("template: edit without If-Match", 428, "header:If-Match", "header.required", t => t.EditDraftAsync(ifMatch: null), (t, _) => t.DraftUnchangedAsync()),
        new("template: edit with a stale ETag", 412, null, "precondition.failed", t => t.EditDraftAsync(ifMatch: "stale"), (t, _) => t.DraftUnchangedAsync()),
        new("template: publish an invalid draft", 422, "$.items[birth-certificate].department", "item.department.unknown",
            t => t.PublishAsync("{}", invalid: true), (t, problem) => t.InvalidDraftStaysADraftAsync(problem)),
        new("template: publish without If-Match", 428, "header:If-Match", "header.required", t => t.PublishAsync("{}", ifMatch: false), (t, _) => t.DraftUnchangedAsync()),
        new("template: publish with validTo before validFrom", 400, "validTo", "field.range",
            t => t.PublishAsync("""{"validFrom":"2030-01-02T00:00:00Z","validTo":"2030-01-01T00:00:00Z"}"""), (t, _) => t.DraftUnchangedAsync()),
        new("template: publish with a number for validFrom (a date)", 400, "validFrom", "field.invalid", t => t.PublishAsync("""{"validFrom":20300101}"""),
            (t, _) => t.DraftUnchangedAsync()),
        new("template: diff from=abc", 400, "query:from", "query.invalid", t => t.AsAdminAsync(HttpMethod.Get, "/api/admin/templates/newborn/diff?from=abc&to=1")),
        new("audit: no subject", 400, "query:subject", "query.required", t => t.AsAdminAsync(HttpMethod.Get, "/api/admin/audit")),
        new("search: status=bogus", 400, "query:status", "query.invalid", t => t.AsAdminAsync(HttpMethod.Get, "/api/admin/applications?status=bogus")),
        new("search: status given as a number", 400, "query:status", "query.invalid", t => t.AsAdminAsync(HttpMethod.Get, "/api/admin/applications?status=1")),
        new("search: status given as a signed number", 400, "query:status", "query.invalid", t => t.AsAdminAsync(HttpMethod.Get, "/api/admin/applications?status=%2B1")),
        new("search: pageSize=0", 400, "query:pageSize", "query.invalid", t => t.AsAdminAsync(HttpMethod.Get, "/api/admin/applications?pageSize=0")),
        new("search: from=notadate", 400, "query:from", "query.invalid", t => t.AsAdminAsync(HttpMethod.Get, "/api/admin/applications?from=notadate")),
        new("bulk: an unknown action", 400, "action", "field.invalid",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/bulk", """{"action":"explode","query":{"applicationIds":["app-0"]},"reason":"r"}""")),
        new("bulk: an integer for the status (an enum)", 400, "query.status", "field.invalid",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/bulk", """{"action":"cancel","query":{"status":0},"reason":"r"}""")),
        new("bulk: a null among the application ids", 400, "query.applicationIds[0]", "field.null",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/bulk", """{"action":"cancel","query":{"applicationIds":[null]},"reason":"r"}""")),
        new("bulk: no reason", 400, "reason", "field.required", t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/bulk", """{"action":"cancel","query":{"applicationIds":["app-0"]}}""")),
        new("bulk: no query", 400, "query", "field.required", t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/bulk", """{"action":"cancel","reason":"r"}""")),
        new("bulk: reassign without a department", 400, "department", "field.invalid",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/bulk", """{"action":"reassign","query":{"applicationIds":["app-0"]},"reason":"r","officer":"o"}""")),
        new("bulk: more than 500 ids", 400, "query.applicationIds", "field.tooMany",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/bulk", JsonSerializer.Serialize(new
            {
                action = "cancel", reason = "r", query = new { applicationIds = Enumerable.Range(0, AdminApi.MaxBulk + 1).Select(i => $"app-{i}").ToList() },
            }))),

        new("extension: zero working days", 400, "workingDays", "field.invalid",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/app-0/items/birth-certificate/extension", """{"workingDays":0,"reason":"r"}""")),
        new("extension: more than 60 working days", 400, "workingDays", "field.invalid",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/app-0/items/birth-certificate/extension", """{"workingDays":61,"reason":"r"}""")),
        new("extension: a blank reason", 400, "reason", "field.required",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/app-0/items/birth-certificate/extension", """{"workingDays":2,"reason":" "}""")),
        new("bulk: extend without working days", 400, "workingDays", "field.invalid",
            t => t.AsAdminAsync(HttpMethod.Post, "/api/admin/applications/bulk", """{"action":"extend","query":{"applicationIds":["app-0"]},"reason":"r"}""")),

        // Outside systems' callbacks, signed with HMAC-SHA256 under the bank system's secret.
        new("callback: a wrong signature", 401, "header:X-Workflows-Signature", "signature.invalid", t => t.CallbackAsync(Callback("app-0"), signature: "sha256=" + new string('0', 64))),
        new("callback: no signature", 401, "header:X-Workflows-Signature", "signature.invalid", t => t.CallbackAsync(Callback("app-0"), signature: "")),
        new("callback: signed under another secret", 401, "header:X-Workflows-Signature", "signature.invalid",
            t => t.CallbackAsync(Callback("app-0"), secret: "not-the-bank-account-system-secret-0123456789")),
        new("callback: signed ten minutes ago", 401, "header:X-Workflows-Signature", "signature.invalid",
            t => t.CallbackAsync(Callback("app-0"), timestamp: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))),
        new("callback: a timestamp that is not a number", 401, "header:X-Workflows-Signature", "signature.invalid", t => t.CallbackAsync(Callback("app-0"), timestamp: "yesterday")),
        new("callback: an unknown system", 401, "header:X-Workflows-Signature", "signature.invalid", t => t.CallbackAsync(Callback("app-0"), system: "weather-system")),
        new("callback: signed, a string for approved (a yes/no)", 400, "approved", "field.invalid",
            t => t.CallbackAsync("""{"applicationId":"app-0","itemKey":"bank-account","approved":"yes"}""")),
        new("callback: signed, text/plain", 415, "header:Content-Type", "header.contentType", t => t.CallbackAsync(Callback("app-0"), contentType: "text/plain")),
        new("callback: unsigned, text/plain (the signature is checked first)", 401, "header:X-Workflows-Signature", "signature.invalid",
            t => t.CallbackAsync(Callback("app-0"), signature: "", contentType: "text/plain")),
        new("callback: over 64 KiB", 413, "body", "body.tooLarge", t => t.CallbackAsync(Callback("app-0", reason: new string('x', 70 * 1024)))),
        new("callback: signed, for an application that does not exist, sent twice", 409, null, "callback.replayed",
            t => t.CallbackTwiceAsync(Callback($"app-{Guid.NewGuid():N}"), HttpStatusCode.NotFound)),
        new("callback: signed, an output the item does not declare", 400, "outputs.colour", "output.unknown",
            async t => await t.CallbackAsync(CallbackWith(await t.BankWaitingAsync(), new() { ["accountNumber"] = "1202021109900123456", ["colour"] = "red" }))),
        new("callback: signed, an output of 201 characters", 400, "outputs.accountNumber", "text.tooLong",
            async t => await t.CallbackAsync(CallbackWith(await t.BankWaitingAsync(), new() { ["accountNumber"] = new string('1', PersonText.MaxOutput + 1) }))),
        new("callback: signed, a bidi override in an output", 400, "outputs.accountNumber", "text.invalidCharacter",
            async t => await t.CallbackAsync(CallbackWith(await t.BankWaitingAsync(), new() { ["accountNumber"] = "12\u202E34" }))),
        new("event: signed, a subject id that leaves its folder", 400, "subjectId", "field.invalid", t => t.EventAsync(EventFor("../wfuploads"))),
        new("event: signed, a terminal escape in the subject's name", 400, "subjectName", "text.invalidCharacter",
            t => t.EventAsync(EventFor($"bad-{Guid.NewGuid():N}"[..20], "\u001b[31m王芳"))),
        new("assisted: an applicant id that leaves its folder", 400, "applicant.id", "field.invalid", t => t.AssistAsync("../wfuploads")),
        new("assisted: a name the helper types for the applicant", 400, "applicant.name", "field.unknown", t => t.AssistAsync($"bad-{Guid.NewGuid():N}"[..20], "王芳")),
        new("assisted: free-text consent", 400, "consent", "field.unknown", t => t.AssistAsync($"bad-{Guid.NewGuid():N}"[..20], null, "她同意了")),
        new("token: a subject that leaves its folder", 401, null, "auth.required",
            t => t.AsSubjectAsync("../wfuploads", "/api/applications")),
        new("callback: the bank's answer played again", 409, null, "callback.replayed",
            async t => await t.CallbackTwiceAsync(Callback(await t.BankWaitingAsync(), accountNumber: "1202021109900123456"), HttpStatusCode.Accepted)),
    ];

    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (var c in Table)
        {
            names.Add(c.Name);
        }

        return names;
    }

    [Fact]
    public void Table_Names_AreUnique() =>
        Table.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_WithBadInput_GetsTheProblemTheTableNames(string name)
    {
        var c = Table.Single(x => x.Name == name);
        using var response = await c.Send(this);
        var problem = await response.ShouldBeProblemAsync(c.Status, c.Field, c.Code);
        if (c.Then is not null)
        {
            await c.Then(this, problem);
        }

        if (name.StartsWith("submit:", StringComparison.Ordinal))
        {
            await NoApplicationAsync();
        }
        else if (name.StartsWith("decision:", StringComparison.Ordinal))
        {
            await TaskUnchangedAsync();
        }
        else if (name.StartsWith("supplement:", StringComparison.Ordinal))
        {
            var s = await SharedAsync();
            using var police = server.Officer("police");
            (await Walkthrough.GetTaskAsync(police, s.AskedTask)).Task.Status.ShouldBe(OfficerTaskStatus.AwaitingApplicant, "a refused supplement resumed the item");
        }
    }

    [Fact]
    public async Task Submit_TwentyFirstWithinAMinute_TooManyRequestsWithRetryAfter()
    {
        using var client = server.Citizen(citizen);
        for (var i = 0; i < ServerFixture.SubmitsPerMinute; i++)
        {
            using var allowed = await client.PostAsync("/api/applications", Http.Raw(NewbornJson()));
            allowed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, $"submit {i + 1} of {ServerFixture.SubmitsPerMinute}");
        }

        using var refused = await client.PostAsync("/api/applications", Http.Raw(NewbornJson()));
        await refused.ShouldBeProblemAsync(429, code: "rate.limited");
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        retryAfter.ShouldNotBeNull("429 without Retry-After");
        retryAfter.Value.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

        // The limit is per user: another citizen submits at the same moment.
        using var other = server.Citizen($"bad-{Guid.NewGuid():N}"[..20]);
        using var theirs = await other.PostAsync("/api/applications", Http.Raw(NewbornJson()));
        theirs.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    public void Dispose()
    {
        foreach (var d in disposables)
        {
            d.Dispose();
        }
    }

    // ---- requests

    T Keep<T>(T disposable)
        where T : IDisposable
    {
        disposables.Add(disposable);
        return disposable;
    }

    HttpClient CitizenClient => citizenClient ??= Keep(server.Citizen(citizen));

    Task<HttpResponseMessage> SubmitAsync(string body, string? contentType = "application/json", string? idempotencyKey = Key) =>
        SubmitAsync(Content(body, contentType), idempotencyKey);

    async Task<HttpResponseMessage> SubmitAsync(HttpContent content, string? idempotencyKey = Key, bool expectContinue = false)
    {
        // UTF-8 header values, so a non-ASCII key reaches the server as the client wrote it.
        var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8, Expect100ContinueTimeout = TimeSpan.FromSeconds(30) };
        var client = Keep(new HttpClient(server.Checked(handler)) { BaseAddress = server.BaseAddress });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Tokens.Mint(citizen, "王芳", CallerRole.Applicant, ApplicantKind.Citizen));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = Keep(content) };
        request.Headers.ExpectContinue = expectContinue;
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }

    async Task<HttpResponseMessage> SubmitTooLargeAsync(bool chunked)
    {
        var body = new CountingContent(Encoding.UTF8.GetBytes(NewbornJson(a => a["babyName"] = new string('x', 300 * 1024))), "application/json", chunked);
        var response = await SubmitAsync(body, expectContinue: !chunked);
        if (!chunked)
        {
            // Asked to wait for "100 Continue", the client sends nothing until the server starts reading: the refusal came first.
            body.Sent.ShouldBe(0, "the server read the body before refusing it");
        }

        return response;
    }

    async Task<HttpResponseMessage> UploadAsync(byte[] file, string contentType, string path = Photo, string? sha256 = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Keep(new ByteArrayContent(file)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (sha256 is not null)
        {
            request.Headers.Add("X-Content-SHA256", sha256);
        }

        return await CitizenClient.SendAsync(request);
    }

    async Task<HttpResponseMessage> UploadTooLargeAsync(bool chunked)
    {
        const int limit = 2 * 1024 * 1024;
        var file = new byte[limit + 1];
        Walkthrough.Jpeg.CopyTo(file, 0);
        var body = Keep(new CountingContent(file, "image/jpeg", chunked));
        var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) };
        var client = Keep(new HttpClient(server.Checked(handler)) { BaseAddress = server.BaseAddress });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Tokens.Mint(citizen, "王芳", CallerRole.Applicant, ApplicantKind.Citizen));
        using var request = new HttpRequestMessage(HttpMethod.Post, Photo) { Content = body };
        request.Headers.ExpectContinue = !chunked;
        var response = await client.SendAsync(request);
        if (!chunked)
        {
            body.Sent.ShouldBe(0, "the server read the file before refusing it");
        }

        return response;
    }

    async Task<HttpResponseMessage> DecideAsync(string body, string? contentType = "application/json", string? ifMatch = "stale")
    {
        var s = await SharedAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{Uri.EscapeDataString(s.Task)}/decision")
        {
            Content = Keep(Content(body, contentType)),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch == "stale" ? s.StaleTaskETag : ifMatch);
        }

        return await Keep(server.Officer("hospital")).SendAsync(request);
    }

    async Task<HttpResponseMessage> SupplyAsync(string body)
    {
        var s = await SharedAsync();
        using var owner = server.Citizen(s.AskedOwner);
        return await owner.PostAsync($"/api/applications/{s.Asked}/items/household-registration/supplement", Http.Raw(body));
    }

    async Task<HttpResponseMessage> AsCitizenAsync(HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = Keep(Http.Raw(body)) };
        return await CitizenClient.SendAsync(request);
    }

    async Task<HttpResponseMessage> AnonymousAsync(string path, string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Keep(Content(body, contentType)) };
        return await Keep(server.Anonymous()).SendAsync(request);
    }

    Task<HttpResponseMessage> AsHospitalAsync(string path) => Keep(server.Officer("hospital")).GetAsync(path);

    async Task<HttpResponseMessage> AsAdminAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Keep(Content(body, contentType)) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Keep(server.Admin()).SendAsync(request);
    }

    // ---- templates: each case its own draft, named after this test's citizen

    string TemplateKey => citizen;

    static string TemplateDocument(string key, Action<JsonObject>? change = null, string name = "坏输入测试草稿")
    {
        var doc = JsonNode.Parse(TemplateJson.Write(BuiltInTemplates.Get("newborn") with { Key = key, Name = name }))!.AsObject();
        change?.Invoke(doc);
        return doc.ToJsonString();
    }

    Task<HttpResponseMessage> CreateTemplateAsync(Action<JsonObject> change) =>
        AsAdminAsync(HttpMethod.Post, "/api/admin/templates", TemplateDocument(TemplateKey, change));

    async Task<string> CreateDraftAsync(bool invalid = false)
    {
        using var created = await AsAdminAsync(HttpMethod.Post, "/api/admin/templates",
            TemplateDocument(TemplateKey, invalid ? doc => doc["items"]![0]!["department"] = "nowhere" : null));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return created.Headers.GetValues("ETag").Single();
    }

    async Task<HttpResponseMessage> EditDraftAsync(string? ifMatch)
    {
        var etag = await CreateDraftAsync();
        return await AsAdminAsync(HttpMethod.Put, $"/api/admin/templates/{TemplateKey}/versions/1", TemplateDocument(TemplateKey, name: "改过的名字"),
            ifMatch: ifMatch == "stale" ? StaleETag : ifMatch);
    }

    async Task<HttpResponseMessage> PublishAsync(string body, bool ifMatch = true, bool invalid = false)
    {
        var etag = await CreateDraftAsync(invalid);
        return await AsAdminAsync(HttpMethod.Post, $"/api/admin/templates/{TemplateKey}/versions/1/publish", body, ifMatch: ifMatch ? etag : null);
    }

    async Task<JsonElement> DraftAsync()
    {
        using var response = await Keep(server.Admin()).GetAsync($"/api/admin/templates/{TemplateKey}/versions/1");
        return await response.ReadAsync<JsonElement>();
    }

    async Task DraftUnchangedAsync()
    {
        var draft = await DraftAsync();
        draft.GetProperty("summary").GetProperty("status").GetString().ShouldBe("draft");
        draft.GetProperty("definition").GetProperty("name").GetString().ShouldBe("坏输入测试草稿", "a refused change was written");
    }

    async Task InvalidDraftStaysADraftAsync(JsonElement problem)
    {
        // Every problem located, not a summary; and the version was left as it was.
        problem.GetProperty("errors").EnumerateArray().ShouldAllBe(e => !string.IsNullOrEmpty(e.GetProperty("field").GetString()) && e.GetProperty("field").GetString() != "$");
        var draft = await DraftAsync();
        draft.GetProperty("summary").GetProperty("status").GetString().ShouldBe("draft");
        draft.GetProperty("problems").GetArrayLength().ShouldBeGreaterThan(0);
    }

    async Task NoTemplateAsync()
    {
        using var versions = await Keep(server.Admin()).GetAsync($"/api/admin/templates/{TemplateKey}/versions");
        await versions.ShouldBeProblemAsync(404);
    }

    // ---- callbacks

    static string Callback(string applicationId, string? reason = null, string? accountNumber = null) => JsonSerializer.Serialize(new
    {
        applicationId,
        itemKey = "bank-account",
        approved = true,
        reason = reason ?? "Basic deposit account opened.",
        outputs = accountNumber is null ? null : new Dictionary<string, string> { ["accountNumber"] = accountNumber },
    }, Http.Json);

    async Task<HttpResponseMessage> CallbackAsync(
        string body, string system = "bank-account-system", string? timestamp = null, string? signature = null, string secret = ServerFixture.BankSecret, string contentType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var at = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/systems/{system}/callbacks") { Content = Keep(new ByteArrayContent(bytes)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add(SystemApi.TimestampHeader, at);
        request.Headers.Add(SystemApi.SignatureHeader, signature ?? SystemApi.Sign(secret, long.TryParse(at, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0, bytes));
        return await Keep(server.Anonymous()).SendAsync(request);
    }

    static string CallbackWith(string applicationId, Dictionary<string, string> outputs) =>
        JsonSerializer.Serialize(new { applicationId, itemKey = "bank-account", approved = true, reason = "Opened.", outputs }, Http.Json);

    // The signed JSON escapes stay escapes: a test writes "\u001b" in a C# string, and the serializer escapes it again.
    static string EventFor(string subjectId, string subjectName = "王芳") => JsonSerializer.Serialize(new
    {
        eventId = $"bad-event-{Guid.NewGuid():N}",
        type = "birth-recorded",
        subjectId,
        subjectKind = "citizen",
        subjectName,
        data = new { babyName = "王小明" },
    });

    async Task<HttpResponseMessage> EventAsync(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/systems/birth-register-system/events") { Content = Keep(new ByteArrayContent(bytes)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SystemApi.TimestampHeader, at.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SystemApi.SignatureHeader, SystemApi.Sign(ServerFixture.BirthRegisterSecret, at, bytes));
        return await Keep(server.Anonymous()).SendAsync(request);
    }

    // The filing as it is, plus a name or a consent text a helper might still try to send.
    async Task<HttpResponseMessage> AssistAsync(string applicantId, string? name = null, string? consent = null)
    {
        var helper = Keep(server.As(server.Tokens.Mint("helper-hall", "政务服务中心帮办员", CallerRole.Officer, department: "service-hall", assist: true)));
        var filing = new JsonObject
        {
            ["applicant"] = new JsonObject { ["id"] = applicantId, ["kind"] = "citizen" },
            ["templateKey"] = "newborn",
            ["answers"] = JsonSerializer.SerializeToNode(Walkthrough.NewbornAnswers(), Http.Json),
        };
        if (name is not null)
        {
            filing["applicant"]!["name"] = name;
        }

        if (consent is not null)
        {
            filing["consent"] = consent;
        }

        var body = filing.ToJsonString(Http.Json);
        return await helper.PostAsync("/api/assisted/applications", Keep(Http.Raw(body)));
    }

    async Task<HttpResponseMessage> AsSubjectAsync(string subject, string path) =>
        await Keep(server.As(server.Tokens.Mint(subject, "x", CallerRole.Applicant, ApplicantKind.Citizen))).GetAsync(path);

    // A company-opening submit with one answer changed (a fresh company each, no materials: the one notice lists all).
    async Task<HttpResponseMessage> CompanySubmitAsync(Action<JsonObject> change)
    {
        var answers = new JsonObject
        {
            ["companyName"] = "杭州云栖数据科技有限公司", ["nameCheckPassed"] = true, ["companyType"] = "llc-natural-person-invested",
            ["registeredCapital"] = 100, ["capitalContributionYears"] = 5, ["registeredAddress"] = "杭州市西湖区文三路100号501室",
            ["businessScope"] = "软件开发", ["legalRepName"] = "陈明", ["legalRepIdNumber"] = "110108199007074567", ["contactPhone"] = "13912345678",
            ["wantsSeal"] = false, ["taxpayerType"] = "small-scale", ["invoiceQuantity"] = 25, ["accountBank"] = "icbc", ["employeeCount"] = 3,
            ["housingFundRate"] = 12, ["needsWaterConnection"] = false, ["needsPowerConnection"] = false, ["needsGasConnection"] = false,
        };
        change(answers);
        var client = Keep(server.Company($"bad-co-{Guid.NewGuid():N}"[..20]));
        return await client.PostAsync("/api/applications", Keep(Http.Raw($$"""{"templateKey":"company-opening","answers":{{answers.ToJsonString()}}}""")));
    }

    // A valid check digit over a birth date in 2030.
    static string FutureIdNumber
    {
        get
        {
            const string first17 = "11010520300101002";
            int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            return first17 + "10X98765432"[first17.Select((c, i) => (c - '0') * weights[i]).Sum() % 11];
        }
    }

    // The same signed bytes twice, as someone who captured them would send them.
    async Task<HttpResponseMessage> CallbackTwiceAsync(string body, HttpStatusCode first)
    {
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using (var original = await CallbackAsync(body, timestamp: at))
        {
            original.StatusCode.ShouldBe(first, await original.Content.ReadAsStringAsync());
        }

        return await CallbackAsync(body, timestamp: at);
    }

    // ---- what must not have happened

    async Task NoApplicationAsync()
    {
        var mine = await (await CitizenClient.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>();
        mine.ShouldBeEmpty("a refused submission left an application");
        // The read model may lag; the id a retry with the same key would get must not exist as an instance either.
        using var byKey = await CitizenClient.GetAsync($"/api/applications/{CitizenApi.IdFor(citizen, Key)}");
        await byKey.ShouldBeProblemAsync(404, code: "resource.notFound");
    }

    async Task TaskUnchangedAsync()
    {
        var s = await SharedAsync();
        var task = await Walkthrough.GetTaskAsync(Keep(server.Officer("hospital")), s.Task);
        task.Task.Status.ShouldBe(OfficerTaskStatus.Open);
        task.DecisionPending.ShouldBeFalse();
        task.ETag.ShouldBe(s.TaskETag, "a refused decision wrote the task");
    }

    static Task OneNoticeOfMissingMaterials(JsonElement problem)
    {
        problem.GetProperty("code").GetString().ShouldBe("submission.refused");
        var missing = problem.GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("field").GetString()!, e => (Code: e.GetProperty("code").GetString(), Departments: e.GetProperty("departments").EnumerateArray().Select(d => d.GetString()!).ToList()));
        missing.Keys.ShouldBe(["materials.parentsIdCards", "materials.householdRegister", "materials.babyPhoto"], ignoreOrder: true);
        missing.Values.ShouldAllBe(m => m.Code == "material.missing");
        missing["materials.parentsIdCards"].Departments.ShouldBe(HospitalAndPolice, ignoreOrder: true);
        missing["materials.householdRegister"].Departments.ShouldBe(Police);
        missing["materials.babyPhoto"].Departments.ShouldBe(HumanResources);
        return Task.CompletedTask;
    }

    // ---- bodies

    static string NewbornJson(Action<JsonObject>? answers = null, string templateKey = "newborn", string materials = "[]")
    {
        var given = JsonSerializer.SerializeToNode(Walkthrough.NewbornAnswers(), Http.Json)!.AsObject();
        answers?.Invoke(given);
        return $$"""{"templateKey":"{{templateKey}}","answers":{{given.ToJsonString()}},"materials":{{materials}}}""";
    }

    static ByteArrayContent Content(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        return content;
    }

    // ---- data shared by the cases, made once

    Task<Shared> SharedAsync()
    {
        lock (Gate)
        {
            return shared ??= SetUpAsync();
        }
    }

    Task<string> BankWaitingAsync()
    {
        lock (Gate)
        {
            return bankWaiting ??= CompanyWaitingForTheBankAsync();
        }
    }

    async Task<Shared> SetUpAsync()
    {
        var owner = $"bad-owner-{Guid.NewGuid():N}"[..20];
        foreach (var type in Licences)
        {
            await server.GiveLicenceAsync(owner, type);
        }

        using var citizenClient = server.Citizen(owner);
        var photo = await Walkthrough.UploadAsync(citizenClient, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var request = new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } };
        var decided = await Walkthrough.SubmitAsync(citizenClient, request);
        decided.Status.ShouldBe(HttpStatusCode.Accepted, decided.Text);

        using var hospital = server.Officer("hospital");
        // A stale ETag for real: the one read before a claim and its release.
        var first = await Walkthrough.WaitForTaskAsync(hospital, decided.Body!.ApplicationId, "birth-certificate");
        using (var claim = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{Uri.EscapeDataString(first.Task.TaskId)}/claim"))
        {
            claim.Headers.TryAddWithoutValidation("If-Match", first.ETag);
            using var claimed = await hospital.SendAsync(claim);
            claimed.StatusCode.ShouldBe(HttpStatusCode.OK, await claimed.Content.ReadAsStringAsync());
            var etag = claimed.Headers.GetValues("ETag").Single();
            using var release = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{Uri.EscapeDataString(first.Task.TaskId)}/release");
            release.Headers.TryAddWithoutValidation("If-Match", etag);
            using var released = await hospital.SendAsync(release);
            released.StatusCode.ShouldBe(HttpStatusCode.OK, await released.Content.ReadAsStringAsync());
        }

        var current = await Walkthrough.GetTaskAsync(hospital, first.Task.TaskId);
        current.ETag.ShouldNotBe(first.ETag);

        // Another mother, who uploaded her household register instead of holding it: the police decide that step and ask
        // for a clearer copy, which can be uploaded (the parents' ID cards come from licences and cannot be asked for).
        var askedOwner = $"bad-asked-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(askedOwner, "id-card");
        using var askedClient = server.Citizen(askedOwner);
        var askedMaterials = new List<object>();
        foreach (var key in new[] { "marriageCertificate", "householdRegister" })
        {
            askedMaterials.Add(new { key, kind = "upload", reference = await Walkthrough.UploadAsync(askedClient, "newborn", key) });
        }

        askedMaterials.Add(new { key = "babyPhoto", kind = "upload", reference = await Walkthrough.UploadAsync(askedClient, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg") });
        var asked = await Walkthrough.SubmitAsync(askedClient, new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = askedMaterials });
        asked.Status.ShouldBe(HttpStatusCode.Accepted, asked.Text);
        using (var approved = await Walkthrough.DecideAsync(hospital, await Walkthrough.WaitForTaskAsync(hospital, asked.Body!.ApplicationId, "birth-certificate"), new { kind = "approve" }))
        {
            approved.StatusCode.ShouldBe(HttpStatusCode.Accepted, await approved.Content.ReadAsStringAsync());
        }

        using var police = server.Officer("police");
        var toAsk = await Walkthrough.WaitForTaskAsync(police, asked.Body.ApplicationId, "household-registration");
        using (var supplement = await Walkthrough.DecideAsync(police, toAsk, new { kind = "requestSupplement", reason = "户口簿扫描件不清晰", materials = HouseholdRegister }))
        {
            supplement.StatusCode.ShouldBe(HttpStatusCode.Accepted, await supplement.Content.ReadAsStringAsync());
        }

        await Walkthrough.WaitForTaskAsync(police, asked.Body.ApplicationId, "household-registration", OfficerTaskStatus.AwaitingApplicant);
        return new Shared(owner, photo, first.Task.TaskId, current.ETag!, first.ETag!, asked.Body.ApplicationId, toAsk.Task.TaskId, askedOwner);
    }

    // A company-opening application whose bank account item waits for the bank's system to call back.
    async Task<string> CompanyWaitingForTheBankAsync()
    {
        var company = $"bad-co-{Guid.NewGuid():N}"[..20];
        // The legal representative's ID card is their own licence (the submission names them); the shareholder's identity
        // is uploaded, as the company holds no ID card.
        var representative = $"bad-rep-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(representative, "id-card");
        using var client = server.Company(company);
        var materials = new List<object>();
        foreach (var key in new[] { "articlesOfAssociation", "premisesProof", "taxAgentIdentity", "shareholderIdentity" })
        {
            materials.Add(new { key, kind = "upload", reference = await Walkthrough.UploadAsync(client, "company-opening", key) });
        }

        var submitted = await Walkthrough.SubmitAsync(client, new
        {
            templateKey = "company-opening",
            answers = new
            {
                companyName = "杭州云栖数据科技有限公司",
                nameCheckPassed = true,
                companyType = "llc-natural-person-invested",
                registeredCapital = 100,
                capitalContributionYears = 5,
                registeredAddress = "杭州市西湖区文三路100号501室",
                businessScope = "软件开发；信息技术咨询服务",
                legalRepName = "陈明",
                legalRepIdNumber = "110108199007074567",
                contactPhone = "13912345678",
                wantsSeal = false,
                taxpayerType = "small-scale",
                invoiceQuantity = 25,
                accountBank = "icbc",
                employeeCount = 3,
                housingFundRate = 12,
                needsWaterConnection = false,
                needsPowerConnection = false,
                needsGasConnection = false,
            },
            materials,
            parties = new Dictionary<string, object> { ["legalRepresentative"] = new { id = representative, name = "陈明" } },
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;
        await Walkthrough.WaitForApplicationAsync(client, id, a => a.Items.Single(i => i.Key == "bank-account").State == ItemState.Running, "the bank account item to wait for the bank");
        return id;
    }

    sealed record Shared(string Owner, string Photo, string Task, string TaskETag, string StaleTaskETag, string Asked, string AskedTask, string AskedOwner);

    sealed record Case(string Name, int Status, string? Field, string? Code, Func<BadInputTests, Task<HttpResponseMessage>> Send, Func<BadInputTests, JsonElement, Task>? Then = null);

    /// <summary>A body that counts what the client actually sent; chunked when it has no length.</summary>
    sealed class CountingContent : HttpContent
    {
        readonly byte[] bytes;
        readonly bool chunked;

        public CountingContent(byte[] bytes, string contentType, bool chunked)
        {
            this.bytes = bytes;
            this.chunked = chunked;
            Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        public int Sent { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var at = 0; at < bytes.Length; at += 16 * 1024)
            {
                var count = Math.Min(16 * 1024, bytes.Length - at);
                await stream.WriteAsync(bytes.AsMemory(at, count));
                Sent += count;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return !chunked;
        }
    }
}
