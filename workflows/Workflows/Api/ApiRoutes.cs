namespace Workflows.Api;

/// <summary>One HTTP route of the API: its method and its template relative to the <c>/api</c> prefix.</summary>
/// <param name="Method">The HTTP method in upper case (GET, POST, PUT).</param>
/// <param name="Template">The route template after <c>/api/</c>, e.g. <c>bundles/{key}</c>.</param>
public sealed record ApiRoute(string Method, string Template);

/// <summary>
/// The API's route table, written once: the local server maps these templates under <c>/api</c> and the Functions
/// app's HTTP triggers use them as their routes (the Functions host adds its default <c>api</c> prefix). A test
/// holds both hosts to <see cref="All"/>.
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

    /// <summary>The difference between two versions.</summary>
    public const string Diff = "admin/templates/{key}/diff";

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

    /// <summary>Every route with its method.</summary>
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("GET", Bundles),
        new("GET", Bundle),
        new("POST", Uploads),
        new("POST", Applications),
        new("GET", Applications),
        new("GET", Application),
        new("POST", Supplement),
        new("POST", DeferredMaterial),
        new("POST", Withdrawal),
        new("GET", Licences),
        new("GET", Tasks),
        new("GET", TaskById),
        new("GET", TaskApplication),
        new("POST", Claim),
        new("POST", Release),
        new("POST", Decision),
        new("GET", Templates),
        new("POST", Templates),
        new("POST", ValidateTemplate),
        new("GET", TemplateVersions),
        new("GET", TemplateVersion),
        new("PUT", TemplateVersion),
        new("POST", Publish),
        new("POST", Retire),
        new("GET", Diff),
        new("GET", Audit),
        new("GET", Search),
        new("POST", Bulk),
        new("POST", Extension),
        new("POST", Callbacks),
        new("GET", Notifications),
        new("POST", Ratings),
        new("GET", Ratings),
        new("POST", StuckReport),
        new("POST", FollowUpResponse),
        new("GET", Cases),
        new("POST", CaseResolution),
        new("POST", AssistedApplications),
        new("GET", Consents),
        new("GET", Consent),
        new("POST", ConsentConfirmation),
        new("POST", ConsentRefusal),
        new("POST", Confirmation),
        new("POST", Declination),
        new("POST", RegisterEvents),
        new("GET", Figures),
    ];

    // ==== h-browser (issue 15, what a browser needs): demo sign-in, files, the pre-submit check, certificates.
    // Kept in one block so the route table's rewrite can take it over on merge.

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

    /// <summary>Routes of the browser work that both hosts map (the Functions app has a trigger for each).</summary>
    public static IReadOnlyList<ApiRoute> Browser { get; } =
    [
        new("POST", SubmissionCheck),
        new("GET", UploadFile),
        new("GET", LicenceFile),
        new("GET", TaskMaterialFile),
        new("GET", CertificateCheck),
    ];

    /// <summary>Routes only the local server maps: Azure signs people in with Entra ID, never as demo users.</summary>
    public static IReadOnlyList<ApiRoute> LocalOnly { get; } =
    [
        new("POST", DemoSignIn),
        new("GET", DemoSignInUsers),
    ];

    // ==== end h-browser
}
