using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Audit;
using Workflows.Auth;
using Workflows.Cases;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Ratings;
using Workflows.Systems;
using Workflows.Tasks;
using static Workflows.Api.ApiResponse;

namespace Workflows.Api;

/// <summary>One HTTP route of the API: its method and its template relative to the <c>/api</c> prefix.</summary>
/// <param name="Method">The HTTP method in upper case (GET, POST, PUT).</param>
/// <param name="Template">The route template after <c>/api/</c>, e.g. <c>bundles/{key}</c>.</param>
public sealed record ApiRoute(string Method, string Template);

/// <summary>
/// The API's route table, written once. Each <see cref="ApiOperation"/> in <see cref="Operations"/> says what one
/// route is: method, path (the constants below, relative to <c>/api</c>), operationId, who may call it
/// (<see cref="ApiAccess"/>), tag, summary, request type, the responses it can answer by status with their headers,
/// and its rate-limit policy. The local server maps its endpoints' metadata from it and the Functions app's trigger
/// named <c>Api</c> + operationId serves it; both enforce <see cref="ApiOperation.Access"/> at the edge, so handlers
/// check only ownership. To add a route: a path constant, one entry in <see cref="Operations"/>, one endpoint in
/// ApiEndpoints and one trigger in ApiTriggers; the tests hold all three together.
/// </summary>
public static class ApiRoutes
{
    /// <summary>Bundles open for applications.</summary>
    public const string Bundles = "bundles";

    /// <summary>One bundle's form.</summary>
    public const string Bundle = "bundles/{key}";

    /// <summary>Uploads of one material.</summary>
    public const string Uploads = "bundles/{key}/materials/{material}/uploads";

    /// <summary>The caller's applications.</summary>
    public const string Applications = "applications";

    /// <summary>One of the caller's applications.</summary>
    public const string Application = "applications/{id}";

    /// <summary>A supplement to one item.</summary>
    public const string Supplement = "applications/{id}/items/{item}/supplement";

    /// <summary>A material accepted as missing, supplied later.</summary>
    public const string DeferredMaterial = "applications/{id}/materials/{material}";

    /// <summary>The withdrawal of an application.</summary>
    public const string Withdrawal = "applications/{id}/withdrawal";

    /// <summary>The caller's licences.</summary>
    public const string Licences = "licences";

    /// <summary>Confirmations asked of the caller as a party of someone else's application.</summary>
    public const string PartyConfirmations = "confirmations";

    /// <summary>A party's confirmation of an application.</summary>
    public const string PartyConfirmation = "applications/{id}/parties/{role}/confirmation";

    /// <summary>A party's declination of an application.</summary>
    public const string PartyDeclination = "applications/{id}/parties/{role}/declination";

    /// <summary>The officer's task list.</summary>
    public const string Tasks = "tasks";

    /// <summary>One task.</summary>
    public const string TaskById = "tasks/{taskId}";

    /// <summary>A task's application view.</summary>
    public const string TaskApplication = "tasks/{taskId}/application";

    /// <summary>Claiming a task.</summary>
    public const string Claim = "tasks/{taskId}/claim";

    /// <summary>Releasing a task.</summary>
    public const string Release = "tasks/{taskId}/release";

    /// <summary>Deciding a task.</summary>
    public const string Decision = "tasks/{taskId}/decision";

    /// <summary>Every template version; a new draft.</summary>
    public const string Templates = "admin/templates";

    /// <summary>Validating a template document.</summary>
    public const string ValidateTemplate = "admin/templates/validate";

    /// <summary>A template's versions.</summary>
    public const string TemplateVersions = "admin/templates/{key}/versions";

    /// <summary>One template version.</summary>
    public const string TemplateVersion = "admin/templates/{key}/versions/{version:int}";

    /// <summary>Publishing a version.</summary>
    public const string Publish = "admin/templates/{key}/versions/{version:int}/publish";

    /// <summary>Retiring a version.</summary>
    public const string Retire = "admin/templates/{key}/versions/{version:int}/retire";

    /// <summary>Simulating a draft on the applications of the version in force.</summary>
    public const string Simulation = "admin/templates/{key}/versions/{version:int}/simulation";

    /// <summary>The difference between two versions.</summary>
    public const string Diff = "admin/templates/{key}/diff";

    /// <summary>Moving running applications of a template to another version (dry run first).</summary>
    public const string Migrations = "admin/templates/{key}/migrations";

    /// <summary>The audit trail.</summary>
    public const string Audit = "admin/audit";

    /// <summary>Searching applications.</summary>
    public const string Search = "admin/applications";

    /// <summary>Bulk actions on applications.</summary>
    public const string Bulk = "admin/applications/bulk";

    /// <summary>Extending one item's due time.</summary>
    public const string Extension = "admin/applications/{id}/items/{item}/extension";

    /// <summary>The caller's notifications.</summary>
    public const string Notifications = "notifications";

    /// <summary>Marking one of the caller's notifications read.</summary>
    public const string NotificationRead = "notifications/{id}/read";

    /// <summary>Callbacks from outside systems.</summary>
    public const string Callbacks = "systems/{system}/callbacks";

    /// <summary>Ratings of one of the caller's applications (好差评).</summary>
    public const string Ratings = "applications/{id}/ratings";

    /// <summary>Reporting an application as stuck (办不成事).</summary>
    public const string StuckReport = "applications/{id}/stuck";

    /// <summary>Answering a follow-up of a bad rating.</summary>
    public const string FollowUpResponse = "tasks/{taskId}/response";

    /// <summary>Stuck cases, for administrators.</summary>
    public const string Cases = "admin/cases";

    /// <summary>Resolving a stuck case.</summary>
    public const string CaseResolution = "admin/cases/{caseId}/resolution";

    /// <summary>Applications filed by staff on behalf of an applicant (帮办代办).</summary>
    public const string AssistedApplications = "assisted/applications";

    /// <summary>The caller's consent requests of assisted filing.</summary>
    public const string Consents = "assisted/consents";

    /// <summary>A consent request of assisted filing, as its applicant sees it.</summary>
    public const string Consent = "assisted/consents/{consentId}";

    /// <summary>The applicant's confirmation of a consent request: only it files the application.</summary>
    public const string ConsentConfirmation = "assisted/consents/{consentId}/confirmation";

    /// <summary>The applicant's refusal of a consent request.</summary>
    public const string ConsentRefusal = "assisted/consents/{consentId}/refusal";

    /// <summary>Confirming a proactive application.</summary>
    public const string Confirmation = "applications/{id}/confirmation";

    /// <summary>Declining a proactive application.</summary>
    public const string Declination = "applications/{id}/declination";

    /// <summary>Events from outside registers that start proactive applications.</summary>
    public const string RegisterEvents = "systems/{system}/events";

    /// <summary>The figures of a period.</summary>
    public const string Figures = "admin/figures";

    /// <summary>One application as an administrator sees it: tasks, audit trail, ratings, stuck case and labels.</summary>
    public const string AdminApplication = "admin/applications/{id}";

    /// <summary>Demo sign-in (local server only, where <c>Auth:DemoUsers</c> is on): a token for a demo user.</summary>
    public const string DemoSignIn = "auth/demo";

    /// <summary>The demo users a page may sign in as (local server only, where <c>Auth:DemoUsers</c> is on).</summary>
    public const string DemoSignInUsers = "auth/demo/users";

    /// <summary>Checking a submission without starting anything: the same one notice as a submit.</summary>
    public const string SubmissionCheck = "applications/check";

    /// <summary>One of the caller's uploads (the upload's 201 Location).</summary>
    public const string UploadFile = "uploads/{material}/{uploadId}";

    /// <summary>One of the caller's certificates, as a document.</summary>
    public const string LicenceFile = "licences/{type}/{number}";

    /// <summary>A material of the application a task needs, as the applicant uploaded it.</summary>
    public const string TaskMaterialFile = "tasks/{taskId}/materials/{material}";

    /// <summary>The public check of a certificate's verification code (no sign-in).</summary>
    public const string CertificateCheck = "certificates/{code}";

    /// <summary>The backlog's health: applications accepted and not yet started, against the bound (no sign-in).</summary>
    public const string BacklogHealth = "health/backlog";

    /// <summary>Rate-limit policy of submissions (per user).</summary>
    public const string SubmitPolicy = "submit";

    /// <summary>Rate-limit policy of uploads (per user).</summary>
    public const string UploadPolicy = "upload";

    const string Citizens = "Citizens and companies";
    const string Officers = "Officers";
    const string Administrators = "Administrators";
    const string Voice = "Ratings, stuck cases and assisted filing";
    const string Systems = "Outside systems";
    const string NotificationsTag = "Notifications";
    const string SignIn = "Sign-in (local demo users)";
    const string Certificates = "Certificates (public)";
    const string Health = "Health (public)";

    /// <summary>Every route: what it is, who may call it, what it answers.</summary>
    public static IReadOnlyList<ApiOperation> Operations { get; } =
    [
        // Citizens and companies.
        new("GET", Bundles, "ListBundles", ApiAccess.SignedIn, Citizens, "Bundles open for applications.") { Responses = [Ok<Page<BundleSummary>>()] },
        new("GET", Bundle, "GetBundleForm", ApiAccess.SignedIn, Citizens, "A bundle's one form and one material list, with what you already hold.")
            { Responses = [Ok<BundleForm>(), Problem(404)] },
        new("POST", Uploads, "UploadMaterial", ApiAccess.Applicant, Citizens, "Upload one material file (the raw body, its media type in Content-Type; optional X-Content-SHA256).")
            { RawBody = true, RateLimit = UploadPolicy, Responses = [Of<UploadResponse>(201, Location), Problem(400), Problem(404), Problem(413), Problem(415)] },
        new("POST", Applications, "SubmitApplication", ApiAccess.Applicant, Citizens, "Submit one application; the same Idempotency-Key returns the same application.")
            { Request = typeof(SubmitRequest), RateLimit = SubmitPolicy, Responses = [Of<SubmitResponse>(202, Location), Ok<SubmitResponse>(), Problem(404), Problem(422)] },
        new("POST", SubmissionCheck, "CheckSubmission", ApiAccess.Applicant, Citizens, "Check a submission without starting anything: the same one notice (422) as a submit, or 200 when it would be accepted.")
            { Request = typeof(SubmitRequest), Responses = [Ok<SubmissionCheckResponse>(), Problem(404), Problem(422)] },
        new("GET", UploadFile, "GetUploadFile", ApiAccess.Applicant, Citizens, "One of my uploads (an upload's 201 Location): the file, inline for images and PDF; ranges and ETag.")
            { Responses = FileResponses },
        new("GET", LicenceFile, "GetLicenceFile", ApiAccess.Applicant, Citizens, "One of my certificates as a PDF with its verification code; ranges and ETag.")
            { Responses = FileResponses },
        new("GET", Applications, "ListMyApplications", ApiAccess.Applicant, Citizens, "My applications, newest first (sort=submittedAt: oldest first), a page at a time; status, template, from, to.")
            { Conditional = true, Responses = [Ok<Page<ApplicationSummary>>(), Problem(400)] },
        new("GET", Application, "GetMyApplication", ApiAccess.Applicant, Citizens, "One of my applications: each item's state and due time, and what is asked of me.")
            { Conditional = true, Responses = [Ok<ApplicationDetail>(), Problem(404)] },
        new("POST", Supplement, "SupplyItem", ApiAccess.Applicant, Citizens, "Answer an item's supplement request with corrected answers and materials.")
            { Request = typeof(SupplyRequest), Responses = [Empty(202, Location), Problem(404), Problem(409)] },
        new("POST", DeferredMaterial, "SupplyDeferredMaterial", ApiAccess.Applicant, Citizens, "Supply a material accepted as missing (容缺).")
            { Request = typeof(DeferredSupplyRequest), Responses = [Empty(202, Location), Problem(404), Problem(409)] },
        new("POST", Withdrawal, "WithdrawApplication", ApiAccess.Applicant, Citizens, "Withdraw: every pending item is cancelled.")
            { Request = typeof(WithdrawRequest), Responses = [Empty(202, Location), Problem(404), Problem(409)] },
        new("GET", Licences, "ListMyLicences", ApiAccess.Applicant, Citizens, "My electronic licences, held, revoked or superseded (status, and how each ended), newest first, a page at a time; application: only those it issued.")
            { Conditional = true, Responses = [Ok<Page<LicenceView>>(), Problem(400)] },
        new("GET", PartyConfirmations, "ListMyPartyConfirmations", ApiAccess.Applicant, Citizens, "Confirmations asked of me as a party of someone else's application (the seller of a house), soonest due first, a page at a time.")
            { Responses = [Ok<Page<PartyConfirmationView>>(), Problem(400)] },
        new("POST", PartyConfirmation, "ConfirmAsParty", ApiAccess.Applicant, Citizens, "Confirm my part in an application that names me (the items that need me then start); audited with who and when.")
            { Responses = [Empty(202, Location), Problem(404), Problem(409)] },
        new("POST", PartyDeclination, "DeclineAsParty", ApiAccess.Applicant, Citizens, "Decline my part in an application that names me, with a reason: the bundle ends or the items that need me are cancelled, as its template says.")
            { Request = typeof(DeclinationRequest), Responses = [Empty(202, Location), Problem(400), Problem(404), Problem(409)] },
        new("POST", Confirmation, "ConfirmProactive", ApiAccess.Applicant, Citizens, "Confirm a pre-filled application started by a register event, with corrections and materials.")
            { Request = typeof(ConfirmationRequest), Responses = [Empty(202, Location), Problem(404), Problem(409), Problem(422)] },
        new("POST", Declination, "DeclineProactive", ApiAccess.Applicant, Citizens, "Decline a pre-filled application started by a register event.")
            { Request = typeof(DeclinationRequest), Responses = [Empty(202, Location), Problem(404), Problem(409)] },

        // Officers.
        new("GET", Tasks, "ListTasks", ApiAccess.Officer, Officers, "My department's tasks, soonest due first, a page at a time; escalated=true lists what passed its due time (a supervisor's list).")
            { Conditional = true, Responses = [Ok<Page<TaskRecord>>(), Problem(400)] },
        new("GET", TaskById, "GetTask", ApiAccess.Officer, Officers, "One task, with the ETag to send when acting on it.")
            { Responses = [Of<TaskView>(200, ETag), Problem(404)] },
        new("GET", TaskApplication, "GetTaskApplication", ApiAccess.Officer, Officers, "The answers and materials the task's item needs.")
            { Responses = [Ok<TaskApplicationView>(), Problem(404)] },
        new("GET", TaskMaterialFile, "GetTaskMaterialFile", ApiAccess.Officer, Officers, "A material the task's item needs, as the applicant uploaded or supplied it; ranges and ETag.")
            { Responses = FileResponses },
        new("POST", Claim, "ClaimTask", ApiAccess.Officer, Officers, "Claim a task.")
            { Responses = [Of<TaskView>(200, ETag), Problem(404), Problem(409), Problem(412), Problem(428)] },
        new("POST", Release, "ReleaseTask", ApiAccess.Officer, Officers, "Release your claim.")
            { Responses = [Of<TaskView>(200, ETag), Problem(404), Problem(409), Problem(412), Problem(428)] },
        new("POST", Decision, "DecideTask", ApiAccess.Officer, Officers, "Approve, reject (reason required) or ask for a supplement; If-Match makes it count once.")
            { Request = typeof(DecisionRequest), Responses = [Of<DecisionAccepted>(202, ETag, Location), Problem(404), Problem(409), Problem(412), Problem(428)] },

        // Administrators.
        new("GET", Templates, "ListTemplates", ApiAccess.Administrator, Administrators, "Every template version.") { Responses = [Ok<Page<TemplateVersionSummary>>()] },
        new("POST", Templates, "CreateTemplateDraft", ApiAccess.Administrator, Administrators, "Create the next version of a template as a draft.")
            { Document = true, Responses = [Of<TemplateVersionDetail>(201, Location, ETag)] },
        new("POST", ValidateTemplate, "ValidateTemplate", ApiAccess.Administrator, Administrators, "Validate a template document without storing it.")
            { Document = true, Responses = [Ok<ValidationResponse>()] },
        new("GET", TemplateVersions, "ListTemplateVersions", ApiAccess.Administrator, Administrators, "A template's versions.")
            { Responses = [Ok<Page<TemplateVersionSummary>>(), Problem(404)] },
        new("GET", TemplateVersion, "GetTemplateVersion", ApiAccess.Administrator, Administrators, "One version with its document and problems.")
            { Responses = [Of<TemplateVersionDetail>(200, ETag), Problem(404)] },
        new("PUT", TemplateVersion, "EditTemplateDraft", ApiAccess.Administrator, Administrators, "Replace a draft's document.")
            { Document = true, Responses = [Of<TemplateVersionDetail>(200, ETag), Problem(404), Problem(409), Problem(412), Problem(428)] },
        new("POST", Publish, "PublishTemplateVersion", ApiAccess.Administrator, Administrators, "Publish a draft (it must validate).")
            { Request = typeof(PublishRequest), Responses = [Of<TemplateVersionDetail>(200, ETag), Problem(404), Problem(409), Problem(412), Problem(422), Problem(428)] },
        new("POST", Retire, "RetireTemplateVersion", ApiAccess.Administrator, Administrators, "Retire a published version.")
            { Responses = [Of<TemplateVersionDetail>(200, ETag), Problem(404), Problem(409), Problem(412), Problem(428)] },
        new("POST", Simulation, "SimulateTemplateDraft", ApiAccess.Administrator, Administrators,
            "What a draft would have changed for the applications of the version in force submitted from, to (all when absent): counts first, then each changed application; pageSize, continuation.")
            { Request = typeof(SimulationRequest), Responses = [Ok<SimulationReport>(), Problem(400), Problem(404), Problem(409)] },
        new("GET", Diff, "DiffTemplate", ApiAccess.Administrator, Administrators, "What changed between two versions.")
            { Responses = [Ok<Page<TemplateChange>>(), Problem(400), Problem(404)] },
        new("POST", Migrations, "MigrateApplications", ApiAccess.Administrator, Administrators, "Per running application of version from: what moving it to version to would change, or why it cannot; dryRun false sends the move.")
            { Request = typeof(MigrationRequest), Responses = [Ok<MigrationResponse>(), Problem(404)] },
        new("GET", Audit, "ReadAudit", ApiAccess.Administrator, Administrators, "The audit trail of an application or template:KEY, oldest first, a page at a time; from, to, actor, action.")
            { Responses = [Ok<Page<AuditEntry>>(), Problem(400)] },
        new("GET", Search, "SearchApplications", ApiAccess.Administrator, Administrators, "Search applications: template, status, applicant, applicantName (contains), department, from, to, pageSize, continuation.")
            { Responses = [Ok<Page<ApplicationSummary>>(), Problem(400)] },
        new("POST", Bulk, "BulkApplications", ApiAccess.Administrator, Administrators, "Cancel, reassign or extend every application a query matches, or with dryRun only preview what it would touch; reports per application.")
            { Request = typeof(BulkRequest), Responses = [Ok<BulkResponse>()] },
        new("POST", Extension, "ExtendItem", ApiAccess.Administrator, Administrators, "Extend a running item's due time by working days, with a reason (audited); its reminder and escalation follow.")
            { Request = typeof(ExtensionRequest), Responses = [Of<ExtensionResponse>(202, Location), Problem(404), Problem(409)] },
        new("GET", AdminApplication, "GetAdminApplication", ApiAccess.Administrator, Administrators, "One application with its tasks, audit trail, ratings, stuck case and labels.")
            { Responses = [Ok<AdminApplicationView>(), Problem(404)] },
        new("GET", Figures, "Figures", ApiAccess.Administrator, Administrators, "Figures of the applications submitted in a period of months: template, from, to (yyyy-MM).")
            { Responses = [Ok<Figures.FiguresReport>(), Problem(400)] },

        // The citizen's voice: ratings and their follow-ups (好差评), stuck cases (办不成事), assisted filing (帮办代办).
        new("POST", Ratings, "Rate", ApiAccess.Applicant, Voice, "Rate an ended item (item = its key) or the ended bundle (item = null): score 1-5, tags, comment; once.")
            { Request = typeof(RatingRequest), Responses = [Of<Rating>(201, Location), Ok<Rating>(), Problem(404), Problem(409)] },
        new("GET", Ratings, "ListRatings", ApiAccess.Applicant, Voice, "My ratings of one application, with the departments' responses.")
            { Conditional = true, Responses = [Ok<Page<Rating>>(), Problem(404)] },
        new("POST", StuckReport, "ReportStuck", ApiAccess.Applicant, Voice, "Report that one of my applications is stuck (办不成事); opens a supervised case.")
            { Request = typeof(StuckReportRequest), Responses = [Of<StuckReportResponse>(202), Problem(404), Problem(409)] },
        new("POST", FollowUpResponse, "AnswerFollowUp", ApiAccess.Officer, Voice, "Answer a bad rating's follow-up in writing; closes it. If-Match required.")
            { Request = typeof(FollowUpResponseRequest), Responses = [Ok<Rating>(), Problem(404), Problem(409), Problem(412), Problem(428)] },
        new("GET", Cases, "ListCases", ApiAccess.Administrator, Voice, "Stuck cases, soonest due first, a page at a time; status = open or resolved.")
            { Responses = [Ok<Page<StuckCase>>(), Problem(400)] },
        new("POST", CaseResolution, "ResolveCase", ApiAccess.Administrator, Voice, "Resolve a stuck case; the applicant is sent the resolution.")
            { Request = typeof(CaseResolutionRequest), Responses = [Empty(202), Problem(404), Problem(409)] },
        new("POST", AssistedApplications, "SubmitAssisted", ApiAccess.Officer, Voice, "Prepare an application for a citizen or company to confirm (帮办代办; officers with assist=true); nothing starts until they do.")
            { Request = typeof(AssistedSubmitRequest), RateLimit = SubmitPolicy, Responses = [Of<ConsentView>(201, Location), Ok<ConsentView>(), Problem(404), Problem(422)] },
        new("GET", Consents, "ListMyConsents", ApiAccess.Applicant, Voice, "Applications staff prepared for me, newest first, with where each stands, a page at a time.")
            { Responses = [Ok<Page<ConsentView>>(), Problem(400)] },
        new("GET", Consent, "GetConsent", ApiAccess.Applicant, Voice, "An application staff prepared for me, exactly as a confirmation would file it.")
            { Responses = [Ok<ConsentView>(), Problem(404)] },
        new("POST", ConsentConfirmation, "ConfirmConsent", ApiAccess.Applicant, Voice, "Confirm what staff prepared (its sha256 as shown): the application is filed under my own identity.")
            { Request = typeof(ConsentConfirmationRequest), Responses = [Of<SubmitResponse>(202, Location), Ok<SubmitResponse>(), Problem(404), Problem(409), Problem(410), Problem(422)] },
        new("POST", ConsentRefusal, "RefuseConsent", ApiAccess.Applicant, Voice, "Refuse what staff prepared; nothing is filed.")
            { Request = typeof(ConsentRefusalRequest), Responses = [Ok<ConsentView>(), Problem(404), Problem(409), Problem(410)] },

        // Everyone signed in.
        new("GET", Notifications, "ListMyNotifications", ApiAccess.SignedIn, NotificationsTag, "My notifications, newest first, a page at a time (unread=true: only those not marked read): an applicant's own, an officer's department's (and supervisors'), the administrators'.")
            { Conditional = true, Responses = [Ok<Page<NotificationView>>(), Problem(400), Problem(403)] },
        new("POST", NotificationRead, "MarkNotificationRead", ApiAccess.SignedIn, NotificationsTag, "Mark one of my notifications read (again: the same answer, the first time kept); another person's is 404.")
            { Responses = [Ok<NotificationView>(), Problem(403), Problem(404)] },

        // Anyone: a certificate's code is checked without signing in; it answers only what the code proves.
        new("GET", CertificateCheck, "CheckCertificate", ApiAccess.Public, Certificates, "Check a certificate's verification code (no sign-in): valid, revoked or superseded (and since when), type, number, issuer, date; never the holder.")
            { Responses = [Ok<CertificateVerification>(), Problem(404)] },

        // Anyone: a probe reads the backlog that makes submits answer 503 (counts only).
        new("GET", BacklogHealth, "GetBacklogHealth", ApiAccess.Public, Health, "How many accepted applications wait for their bundle to start, the bound past which a submit answers 503 engine.backlog with Retry-After, and whether submits are taken now.")
            { Responses = [Ok<Backlog.BacklogReading>()] },

        // Demo sign-in: the local server only, where Auth:DemoUsers is on (404 elsewhere); Azure signs people in with Entra ID.
        new("POST", DemoSignIn, "DemoSignIn", ApiAccess.Public, SignIn, "Sign in as a demo user (only where Auth:DemoUsers is on; 404 elsewhere): the token ./run.sh token USER prints.")
            { LocalOnly = true, Request = typeof(DemoSignInRequest), Responses = [Ok<DemoSignInResponse>(), Problem(404)] },
        new("GET", DemoSignInUsers, "ListDemoUsers", ApiAccess.Public, SignIn, "The demo users one may sign in as (only where Auth:DemoUsers is on; 404 elsewhere).")
            { LocalOnly = true, Responses = [Ok<Page<DemoUserView>>(), Problem(404)] },

        // Outside systems: signed requests, no caller; the handler checks the signature (401).
        new("POST", Callbacks, "SystemCallback", ApiAccess.System, Systems, "A signed result from an outside department system.")
            { Request = typeof(CallbackRequest), Responses = [Empty(202), Ok<CallbackApplied>(), Problem(401), Problem(404), Problem(409)] },
        new("POST", RegisterEvents, "RegisterEvent", ApiAccess.System, Systems, "A signed register event that starts proactive applications; the same event twice starts one.")
            { Request = typeof(RegisterEventRequest), Responses = [Of<RegisterEventResponse>(202, Location), Ok<RegisterEventResponse>(), Problem(401), Problem(409), Problem(422)] },
    ];

    // A file: 200 whole (inline for images and PDF), 206 a range, 304 when If-None-Match names it, 416 a range past its end.
    static ApiResponse[] FileResponses =>
        [ApiResponse.File(200, ETag, ApiResponse.ContentDisposition), ApiResponse.File(206, ApiResponse.ContentRange), Empty(304), Empty(416), Problem(404)];

    /// <summary>Every route with its method.</summary>
    public static IReadOnlyList<ApiRoute> All { get; } = [.. Operations.Select(o => o.Route)];

    /// <summary>The operation a Functions trigger serves: the trigger is named <c>Api</c> + its operationId.</summary>
    /// <param name="functionName">The trigger's function name.</param>
    /// <returns>The operation.</returns>
    /// <exception cref="InvalidOperationException">No operation has that trigger: a trigger added without its table entry.</exception>
    public static ApiOperation ForTrigger(string functionName) =>
        Operations.FirstOrDefault(o => o.FunctionName == functionName)
        ?? throw new InvalidOperationException($"No route of ApiRoutes.Operations is served by the trigger {functionName}.");
}
