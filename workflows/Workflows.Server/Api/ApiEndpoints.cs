using System.Security.Claims;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Auth;
using Workflows.Cases;
using Workflows.Files;
using Workflows.Licences;
using Workflows.Ratings;

namespace Workflows.Server.Api;

/// <summary>
/// The local server's routes: <see cref="ApiRoutes"/> under <c>/api</c>; each reads its input, checks who calls through <see cref="ApiGate"/> (deny by
/// default: no caller or the wrong role is refused before the body is read), and hands over to the shared handler in
/// <c>workflows/Workflows/Api</c>, which the Functions app's HTTP triggers call too.
/// </summary>
internal static class ApiEndpoints
{
    public const string SubmitPolicy = "submit";
    public const string UploadPolicy = "upload";

    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api");
        // Storage that cannot be reached is 503 with Retry-After, the same as in the Functions app.
        api.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception ex) when (StorageFaults.IsStorageFault(ex))
            {
                StorageFaults.LogUnavailable(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Api"), ex);
                return StorageFaults.Problem();
            }
        });
        MapCitizens(api.MapGroup("").WithTags("Citizens and companies"));
        MapOfficers(api.MapGroup("").WithTags("Officers"));
        MapAdministrators(api.MapGroup("").WithTags("Administrators"));
        MapVoice(api.MapGroup("").WithTags("Ratings, stuck cases and assisted filing"));
        api.MapPost(ApiRoutes.Callbacks, (string system, HttpRequest request, SystemApi h, CancellationToken ct) => h.CallbackAsync(system, request, ct))
            .WithTags("Outside systems").WithSummary("A signed result from an outside department system.")
            .AcceptsJson<CallbackRequest>().Produces(202).Produces<CallbackApplied>(200).ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        api.MapGet(ApiRoutes.Notifications, (ClaimsPrincipal user, NotificationApi h, string? max, CancellationToken ct) => h.ListMineAsync(Caller.From(user), max, ct))
            .WithTags("Notifications").WithSummary("My notifications, newest first: an applicant's own, an officer's department's (and supervisors'), the administrators'.")
            .Produces<List<NotificationView>>().ProducesProblem(400);
        api.MapPost(ApiRoutes.RegisterEvents, (string system, HttpRequest request, SystemApi h, CancellationToken ct) => h.EventAsync(system, request, ct))
            .WithTags("Outside systems").WithSummary("A signed register event that starts proactive applications; the same event twice starts one.")
            .AcceptsJson<RegisterEventRequest>().Produces<RegisterEventResponse>(202).Produces<RegisterEventResponse>(200)
            .ProducesProblem(401).ProducesProblem(409).ProducesProblem(422);
        MapProactive(api.MapGroup("").WithTags("Citizens and companies"));
        MapBrowser(api);
        return routes;
    }

    static void MapProactive(RouteGroupBuilder g)
    {
        g.MapPost(ApiRoutes.Confirmation, (string id, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<ConfirmationRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.ConfirmAsync(caller, id, body, ct), ct))
            .WithSummary("Confirm a pre-filled application started by a register event, with corrections and materials.")
            .AcceptsJson<ConfirmationRequest>().Produces(202).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        g.MapPost(ApiRoutes.Declination, (string id, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<DeclinationRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.DeclineAsync(caller, id, body, ct), ct))
            .WithSummary("Decline a pre-filled application started by a register event.")
            .AcceptsJson<DeclinationRequest>().Produces(202).ProducesProblem(404).ProducesProblem(409);
        g.MapGet(ApiRoutes.Figures, (string? template, string? from, string? to, ClaimsPrincipal user, FiguresApi h, CancellationToken ct) =>
                h.GetAsync(Caller.From(user), template, from, to, ct))
            .WithTags("Administrators").WithSummary("Figures of the applications submitted in a period of months: template, from, to (yyyy-MM).")
            .Produces<Workflows.Figures.FiguresReport>().ProducesProblem(400);
    }

    static void MapCitizens(RouteGroupBuilder g)
    {
        g.MapGet(ApiRoutes.Bundles, (ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.ListBundlesAsync(Caller.From(user), ct))
            .WithSummary("Bundles open for applications.").Produces<List<BundleSummary>>();
        g.MapGet(ApiRoutes.Bundle, (string key, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.GetFormAsync(Caller.From(user), key, ct))
            .WithSummary("A bundle's one form and one material list, with what you already hold.").Produces<BundleForm>().ProducesProblem(404);
        g.MapPost(ApiRoutes.Uploads, (string key, string material, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                h.UploadAsync(Caller.From(user), key, material, request, ct))
            .WithSummary("Upload one material file (the raw body, its media type in Content-Type; optional X-Content-SHA256).")
            .RequireRateLimiting(UploadPolicy).Produces<UploadResponse>(201).ProducesProblem(400).ProducesProblem(413).ProducesProblem(415);
        g.MapPost(ApiRoutes.Applications, (HttpRequest request, ClaimsPrincipal user, CitizenApi h, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                ApiGate.JsonAsync<SubmitRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.SubmitAsync(caller, body, idempotencyKey, ct), ct))
            .WithSummary("Submit one application; the same Idempotency-Key returns the same application.")
            .RequireRateLimiting(SubmitPolicy).AcceptsJson<SubmitRequest>().Produces<SubmitResponse>(202).Produces<SubmitResponse>(200)
            .ProducesProblem(400).ProducesProblem(422).ProducesProblem(429);
        g.MapGet(ApiRoutes.Applications, (ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.ListMineAsync(Caller.From(user), ct))
            .WithSummary("My applications, newest first.").Produces<List<ApplicationSummary>>();
        g.MapGet(ApiRoutes.Application, (string id, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.GetMineAsync(Caller.From(user), id, ct))
            .WithSummary("One of my applications: each item's state and due time, and what is asked of me.").Produces<ApplicationDetail>().ProducesProblem(404);
        g.MapPost(ApiRoutes.Supplement, (string id, string item, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<SupplyRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.SupplyAsync(caller, id, item, body, ct), ct))
            .WithSummary("Supply what an officer asked for.").AcceptsJson<SupplyRequest>().Produces(202).ProducesProblem(409);
        g.MapPost(ApiRoutes.DeferredMaterial, (string id, string material, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<DeferredSupplyRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.SupplyDeferredAsync(caller, id, material, body, ct), ct))
            .WithSummary("Supply a material accepted as missing (容缺).").AcceptsJson<DeferredSupplyRequest>().Produces(202).ProducesProblem(409);
        g.MapPost(ApiRoutes.Withdrawal, (string id, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<WithdrawRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.WithdrawAsync(caller, id, body, ct), ct))
            .WithSummary("Withdraw: every pending item is cancelled.").AcceptsJson<WithdrawRequest>().Produces(202).ProducesProblem(409);
        g.MapGet(ApiRoutes.Licences, (ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.ListLicencesAsync(Caller.From(user), ct))
            .WithSummary("My electronic licences.").Produces<List<LicenceRecord>>();
    }

    static void MapOfficers(RouteGroupBuilder g)
    {
        g.MapGet(ApiRoutes.Tasks, (ClaimsPrincipal user, OfficerApi h, string? status, string? dueBefore, string? template, string? pageSize, string? continuation, string? escalated, CancellationToken ct) =>
                h.ListTasksAsync(Caller.From(user), status, dueBefore, template, pageSize, continuation, escalated, ct))
            .WithSummary("My department's tasks, soonest due first, a page at a time; escalated=true lists what passed its due time (a supervisor's list).").Produces<TaskListResponse>().ProducesProblem(400);
        g.MapGet(ApiRoutes.TaskById, (string taskId, ClaimsPrincipal user, OfficerApi h, CancellationToken ct) => h.GetTaskAsync(Caller.From(user), taskId, ct))
            .WithSummary("One task, with the ETag to send when acting on it.").Produces<TaskView>().ProducesProblem(404);
        g.MapGet(ApiRoutes.TaskApplication, (string taskId, ClaimsPrincipal user, OfficerApi h, CancellationToken ct) => h.GetTaskApplicationAsync(Caller.From(user), taskId, ct))
            .WithSummary("The answers and materials the task's item needs.").Produces<TaskApplicationView>().ProducesProblem(404);
        g.MapPost(ApiRoutes.Claim, (string taskId, ClaimsPrincipal user, OfficerApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                h.ClaimAsync(Caller.From(user), taskId, ifMatch, ct))
            .WithSummary("Claim a task.").Produces<TaskView>().ProducesProblem(409).ProducesProblem(412).ProducesProblem(428);
        g.MapPost(ApiRoutes.Release, (string taskId, ClaimsPrincipal user, OfficerApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                h.ReleaseAsync(Caller.From(user), taskId, ifMatch, ct))
            .WithSummary("Release your claim.").Produces<TaskView>().ProducesProblem(409).ProducesProblem(412).ProducesProblem(428);
        g.MapPost(ApiRoutes.Decision, (string taskId, HttpRequest request, ClaimsPrincipal user, OfficerApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                ApiGate.JsonAsync<DecisionRequest>(request, Caller.From(user), CallerRole.Officer, (caller, body) => h.DecideAsync(caller, taskId, ifMatch, body, ct), ct))
            .WithSummary("Approve, reject (reason required) or ask for a supplement; If-Match makes it count once.")
            .AcceptsJson<DecisionRequest>().Produces(202).ProducesProblem(409).ProducesProblem(412).ProducesProblem(428);
    }

    static void MapAdministrators(RouteGroupBuilder g)
    {
        g.MapGet(ApiRoutes.Templates, (ClaimsPrincipal user, AdminApi h, CancellationToken ct) => h.ListTemplatesAsync(Caller.From(user), ct))
            .WithSummary("Every template version.").Produces<List<TemplateVersionSummary>>();
        g.MapPost(ApiRoutes.Templates, (HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                ApiGate.DocumentAsync(request, Caller.From(user), (caller, doc) => h.CreateDraftAsync(caller, doc, ct), ct))
            .WithSummary("Create the next version of a template as a draft.").Produces<TemplateVersionDetail>(201).ProducesProblem(400);
        g.MapPost(ApiRoutes.ValidateTemplate, (HttpRequest request, ClaimsPrincipal user, CancellationToken ct) =>
                ApiGate.DocumentAsync(request, Caller.From(user), (caller, doc) => Task.FromResult(AdminApi.Validate(caller, doc)), ct))
            .WithSummary("Validate a template document without storing it.").Produces<ValidationResponse>();
        g.MapGet(ApiRoutes.TemplateVersions, (string key, ClaimsPrincipal user, AdminApi h, CancellationToken ct) => h.ListVersionsAsync(Caller.From(user), key, ct))
            .WithSummary("A template's versions.").Produces<List<TemplateVersionSummary>>().ProducesProblem(404);
        g.MapGet(ApiRoutes.TemplateVersion, (string key, int version, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                h.GetVersionAsync(Caller.From(user), key, version, ct))
            .WithSummary("One version with its document and problems.").Produces<TemplateVersionDetail>().ProducesProblem(404);
        g.MapPut(ApiRoutes.TemplateVersion, (string key, int version, HttpRequest request, ClaimsPrincipal user, AdminApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                ApiGate.DocumentAsync(request, Caller.From(user), (caller, doc) => h.EditDraftAsync(caller, key, version, ifMatch, doc, ct), ct))
            .WithSummary("Replace a draft's document.").Produces<TemplateVersionDetail>().ProducesProblem(409).ProducesProblem(412).ProducesProblem(428);
        g.MapPost(ApiRoutes.Publish, (string key, int version, HttpRequest request, ClaimsPrincipal user, AdminApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                ApiGate.JsonAsync<PublishRequest>(request, Caller.From(user), CallerRole.Administrator, (caller, body) => h.PublishAsync(caller, key, version, ifMatch, body, ct), ct))
            .WithSummary("Publish a draft (it must validate).").AcceptsJson<PublishRequest>().Produces<TemplateVersionDetail>().ProducesProblem(422);
        g.MapPost(ApiRoutes.Retire, (string key, int version, ClaimsPrincipal user, AdminApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                h.RetireAsync(Caller.From(user), key, version, ifMatch, ct))
            .WithSummary("Retire a published version.").Produces<TemplateVersionDetail>().ProducesProblem(409);
        g.MapGet(ApiRoutes.Diff, (string key, string? from, string? to, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                h.DiffAsync(Caller.From(user), key, from, to, ct))
            .WithSummary("What changed between two versions.").Produces<List<TemplateChange>>();
        g.MapGet(ApiRoutes.Audit, (string? subject, ClaimsPrincipal user, AdminApi h, CancellationToken ct) => h.AuditAsync(Caller.From(user), subject, ct))
            .WithSummary("The audit trail of an application or template:KEY.");
        g.MapGet(ApiRoutes.Search, (HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) => h.SearchAsync(Caller.From(user), request, ct))
            .WithSummary("Search applications: template, status, applicant, department, from, to, pageSize, continuation.").Produces<SearchResponse>();
        g.MapPost(ApiRoutes.Bulk, (HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<BulkRequest>(request, Caller.From(user), CallerRole.Administrator, (caller, body) => h.BulkAsync(caller, body, ct), ct))
            .WithSummary("Cancel, reassign or extend every application a query matches; reports per application.").AcceptsJson<BulkRequest>().Produces<BulkResponse>();
        g.MapPost(ApiRoutes.Extension, (string id, string item, HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<ExtensionRequest>(request, Caller.From(user), CallerRole.Administrator, (caller, body) => h.ExtendAsync(caller, id, item, body, ct), ct))
            .WithSummary("Extend a running item's due time by working days, with a reason (audited); its reminder and escalation follow.")
            .AcceptsJson<ExtensionRequest>().Produces<ExtensionResponse>(202).ProducesProblem(404).ProducesProblem(409);
    }

    // The citizen's voice: ratings and their follow-ups (好差评), stuck cases (办不成事), assisted filing (帮办代办).
    static void MapVoice(RouteGroupBuilder g)
    {
        g.MapPost(ApiRoutes.Ratings, (string id, HttpRequest request, ClaimsPrincipal user, RatingApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<RatingRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.RateAsync(caller, id, body, ct), ct))
            .WithSummary("Rate an ended item (item = its key) or the ended bundle (item = null): score 1-5, tags, comment; once.")
            .AcceptsJson<RatingRequest>().Produces<Rating>(201).Produces<Rating>(200).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        g.MapGet(ApiRoutes.Ratings, (string id, ClaimsPrincipal user, RatingApi h, CancellationToken ct) => h.ListAsync(Caller.From(user), id, ct))
            .WithSummary("My ratings of one application, with the departments' responses.").Produces<List<Rating>>().ProducesProblem(404);
        g.MapPost(ApiRoutes.StuckReport, (string id, HttpRequest request, ClaimsPrincipal user, CaseApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<StuckReportRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.ReportAsync(caller, id, body, ct), ct))
            .WithSummary("Report that one of my applications is stuck (办不成事); opens a supervised case.")
            .AcceptsJson<StuckReportRequest>().Produces<StuckReportResponse>(202).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        g.MapPost(ApiRoutes.FollowUpResponse, (string taskId, HttpRequest request, ClaimsPrincipal user, RatingApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                ApiGate.JsonAsync<FollowUpResponseRequest>(request, Caller.From(user), CallerRole.Officer, (caller, body) => h.RespondAsync(caller, taskId, ifMatch, body, ct), ct))
            .WithSummary("Answer a bad rating's follow-up in writing; closes it. If-Match required.")
            .AcceptsJson<FollowUpResponseRequest>().Produces<Rating>().ProducesProblem(409).ProducesProblem(412).ProducesProblem(428);
        g.MapGet(ApiRoutes.Cases, (string? status, ClaimsPrincipal user, CaseApi h, CancellationToken ct) => h.ListAsync(Caller.From(user), status, ct))
            .WithSummary("Stuck cases, soonest due first; status = open or resolved.").Produces<List<StuckCase>>().ProducesProblem(400);
        g.MapPost(ApiRoutes.CaseResolution, (string caseId, HttpRequest request, ClaimsPrincipal user, CaseApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<CaseResolutionRequest>(request, Caller.From(user), CallerRole.Administrator, (caller, body) => h.ResolveAsync(caller, caseId, body, ct), ct))
            .WithSummary("Resolve a stuck case; the applicant is sent the resolution.")
            .AcceptsJson<CaseResolutionRequest>().Produces(202).ProducesProblem(404).ProducesProblem(409);
        g.MapPost(ApiRoutes.AssistedApplications, (HttpRequest request, ClaimsPrincipal user, AssistedApi h, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                AssistedApi.Gate(Caller.From(user)) is { } refused ? Task.FromResult(refused)
                    : ApiGate.JsonAsync<AssistedSubmitRequest>(request, Caller.From(user), CallerRole.Officer, (caller, body) => h.SubmitAsync(caller, body, idempotencyKey, ct), ct))
            .WithSummary("Prepare an application for a citizen or company to confirm (帮办代办; officers with assist=true); nothing starts until they do.")
            .RequireRateLimiting(SubmitPolicy).AcceptsJson<AssistedSubmitRequest>().Produces<ConsentView>(201).Produces<ConsentView>(200)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(422).ProducesProblem(429);
        g.MapGet(ApiRoutes.Consents, (ClaimsPrincipal user, AssistedApi h, CancellationToken ct) => h.ListMineAsync(Caller.From(user), ct))
            .WithSummary("Applications staff prepared for me, newest first, with where each stands.").Produces<List<ConsentView>>();
        g.MapGet(ApiRoutes.Consent, (string consentId, ClaimsPrincipal user, AssistedApi h, CancellationToken ct) => h.GetConsentAsync(Caller.From(user), consentId, ct))
            .WithSummary("An application staff prepared for me, exactly as a confirmation would file it.").Produces<ConsentView>().ProducesProblem(404);
        g.MapPost(ApiRoutes.ConsentConfirmation, (string consentId, HttpRequest request, ClaimsPrincipal user, AssistedApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<ConsentConfirmationRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.ConfirmAsync(caller, consentId, body, ct), ct))
            .WithSummary("Confirm what staff prepared (its sha256 as shown): the application is filed under my own identity.")
            .AcceptsJson<ConsentConfirmationRequest>().Produces<SubmitResponse>(202).Produces<SubmitResponse>(200)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(410).ProducesProblem(422);
        g.MapPost(ApiRoutes.ConsentRefusal, (string consentId, HttpRequest request, ClaimsPrincipal user, AssistedApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<ConsentRefusalRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.RefuseAsync(caller, consentId, body, ct), ct))
            .WithSummary("Refuse what staff prepared; nothing is filed.")
            .AcceptsJson<ConsentRefusalRequest>().Produces<ConsentView>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(410);
    }

    // Documents a JSON body without routing's own media-type check: .Accepts<T>("application/json") makes routing answer
    // any other Content-Type with a bare 415 before the handler runs, so an anonymous caller got 415 instead of 401 and
    // the body was not our problem+json. The handlers check the media type themselves, after the caller.
    static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder) => builder.WithMetadata(new JsonBody(typeof(T)));

    sealed class JsonBody(Type requestType) : IAcceptsMetadata
    {
        // Empty: routing then lets every media type through to the handler.
        public IReadOnlyList<string> ContentTypes => [];

        public Type? RequestType => requestType;

        public bool IsOptional => false;
    }

    // ==== h-browser (issue 15, what a browser needs): demo sign-in, files, the pre-submit check, certificates.
    static void MapBrowser(RouteGroupBuilder api)
    {
        // Local only: Azure signs people in with Entra ID (README, "Sign-in").
        var signIn = api.MapGroup("").WithTags("Sign-in (local demo users)");
        signIn.MapPost(ApiRoutes.DemoSignIn, (HttpRequest request, DemoSignIn h, CancellationToken ct) => h.SignInAsync(request, ct))
            .WithSummary("Sign in as a demo user (only where Auth:DemoUsers is on; 404 elsewhere): the token ./run.sh token USER prints.")
            .AcceptsJson<DemoSignInRequest>().Produces<DemoSignInResponse>().ProducesProblem(400).ProducesProblem(404);
        signIn.MapGet(ApiRoutes.DemoSignInUsers, (DemoSignIn h) => h.ListUsers())
            .WithSummary("The demo users one may sign in as (only where Auth:DemoUsers is on; 404 elsewhere).")
            .Produces<List<DemoUserView>>().ProducesProblem(404);

        var g = api.MapGroup("").WithTags("Files and checks");
        g.MapPost(ApiRoutes.SubmissionCheck, (HttpRequest request, ClaimsPrincipal user, SubmissionCheckApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<SubmitRequest>(request, Caller.From(user), CallerRole.Applicant, (caller, body) => h.CheckAsync(caller, body, ct), ct))
            .WithTags("Citizens and companies").WithSummary("Check a submission without starting anything: the same one notice (422) as a submit, or 200 when it would be accepted.")
            .AcceptsJson<SubmitRequest>().Produces<SubmissionCheckResponse>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);
        g.MapGet(ApiRoutes.UploadFile, (string material, string uploadId, ClaimsPrincipal user, FilesApi h, CancellationToken ct) => h.GetUploadAsync(Caller.From(user), material, uploadId, ct))
            .WithTags("Citizens and companies").WithSummary("One of my uploads (an upload's 201 Location): the file, inline for images and PDF; ranges and ETag.")
            .Produces(200, contentType: "application/octet-stream").Produces(206).ProducesProblem(404).ProducesProblem(416);
        g.MapGet(ApiRoutes.LicenceFile, (string type, string number, ClaimsPrincipal user, FilesApi h, CancellationToken ct) => h.GetLicenceAsync(Caller.From(user), type, number, ct))
            .WithTags("Citizens and companies").WithSummary("One of my certificates as a document; ranges and ETag.")
            .Produces(200, contentType: "application/octet-stream").Produces(206).ProducesProblem(404).ProducesProblem(416);
        g.MapGet(ApiRoutes.TaskMaterialFile, (string taskId, string material, ClaimsPrincipal user, FilesApi h, CancellationToken ct) => h.GetTaskMaterialAsync(Caller.From(user), taskId, material, ct))
            .WithTags("Officers").WithSummary("A material the task's item needs, as the applicant uploaded or supplied it; ranges and ETag.")
            .Produces(200, contentType: "application/octet-stream").Produces(206).ProducesProblem(404).ProducesProblem(416);
        // Public: anyone holding a certificate's code may check it, without signing in; it answers only what the code proves.
        g.MapGet(ApiRoutes.CertificateCheck, (string code, CertificateCodes h, CancellationToken ct) => h.CheckAsync(code, ct))
            .WithTags("Certificates (public)").WithSummary("Check a certificate's verification code (no sign-in): valid or revoked, type, number, issuer, date; never the holder.")
            .Produces<CertificateVerification>().ProducesProblem(404);
    }
    // ==== end h-browser
}
