using System.Security.Claims;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Auth;
using Workflows.Cases;
using Workflows.Figures;
using Workflows.Files;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Ratings;
using Workflows.Systems;
using Workflows.Tasks;

namespace Workflows.Server.Api;

/// <summary>
/// The local server's routes: each is one entry of <see cref="ApiRoutes.Operations"/> under <c>/api</c>, mapped by its
/// operationId through <see cref="Map"/>, which takes every piece of metadata (name, summary, tag, request and response
/// types, rate limit) from the table. An endpoint filter refuses a missing caller (401) or a role the entry does not allow
/// (403) before the handler runs or the body is read; the handlers (shared with the Functions app's HTTP triggers) then
/// check only ownership.
/// </summary>
internal static class ApiEndpoints
{
    public const string SubmitPolicy = ApiRoutes.SubmitPolicy;
    public const string UploadPolicy = ApiRoutes.UploadPolicy;

    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api");
        // Accept-Language picks the language of what people read in the answer (labels, problems); see ApiLanguage.
        api.AddEndpointFilter((context, next) =>
        {
            ApiLanguage.Use(context.HttpContext);
            return next(context);
        });
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
        // The edge: the route's entry says who may call it. An endpoint without an entry gets nobody (deny by default).
        api.AddEndpointFilter(async (context, next) =>
        {
            var operation = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ApiOperation>();
            var refused = operation is null ? ApiProblems.Forbidden() : operation.Refuse(Caller.From(context.HttpContext.User));
            return refused ?? await next(context);
        });
        // A polled read answers an ETag of its body and 304 to an If-None-Match naming it (ConditionalGet).
        api.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            return result is IResult answered && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ApiOperation>() is { Conditional: true }
                ? ConditionalGet.Apply(answered)
                : result;
        });
        MapCitizens(api);
        MapOfficers(api);
        MapAdministrators(api);
        MapVoice(api);
        api.Map("SystemCallback", (string system, HttpRequest request, SystemApi h, CancellationToken ct) => h.CallbackAsync(system, request, ct));
        api.Map("ListMyNotifications", (HttpRequest request, ClaimsPrincipal user, NotificationApi h, CancellationToken ct) => h.ListMineAsync(Signed(user), request, ct));
        api.Map("MarkNotificationRead", (string id, ClaimsPrincipal user, NotificationApi h, CancellationToken ct) => h.MarkReadAsync(Signed(user), id, ct));
        api.Map("RegisterEvent", (string system, HttpRequest request, SystemApi h, CancellationToken ct) => h.EventAsync(system, request, ct));
        MapProactive(api);
        api.Map("GetAdminApplication", (string id, ClaimsPrincipal user, AdminApplicationApi h, CancellationToken ct) => h.GetAsync(Signed(user), id, ct));
        MapBrowser(api);
        return routes;
    }

    static void MapProactive(IEndpointRouteBuilder g)
    {
        g.Map("ConfirmProactive", (string id, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<ConfirmationRequest>(request, Signed(user), (caller, body) => h.ConfirmAsync(caller, id, body, ct), ct));
        g.Map("DeclineProactive", (string id, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<DeclinationRequest>(request, Signed(user), (caller, body) => h.DeclineAsync(caller, id, body, ct), ct));
        g.Map("Figures", (string? template, string? from, string? to, ClaimsPrincipal user, FiguresApi h, CancellationToken ct) =>
                h.GetAsync(Signed(user), template, from, to, ct));
    }

    static void MapCitizens(IEndpointRouteBuilder g)
    {
        g.Map("ListBundles", (ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.ListBundlesAsync(Signed(user), ct));
        g.Map("GetBundleForm", (string key, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.GetFormAsync(Signed(user), key, ct));
        g.Map("UploadMaterial", (string key, string material, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                h.UploadAsync(Signed(user), key, material, request, ct));
        g.Map("SubmitApplication", (HttpRequest request, ClaimsPrincipal user, CitizenApi h, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                ApiGate.JsonAsync<SubmitRequest>(request, Signed(user), (caller, body) => h.SubmitAsync(caller, body, idempotencyKey, ct), ct));
        g.Map("ListMyApplications", (HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.ListMineAsync(Signed(user), request, ct));
        g.Map("GetMyApplication", (string id, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.GetMineAsync(Signed(user), id, ct));
        g.Map("SupplyItem", (string id, string item, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<SupplyRequest>(request, Signed(user), (caller, body) => h.SupplyAsync(caller, id, item, body, ct), ct));
        g.Map("SupplyDeferredMaterial", (string id, string material, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<DeferredSupplyRequest>(request, Signed(user), (caller, body) => h.SupplyDeferredAsync(caller, id, material, body, ct), ct));
        g.Map("ListMyPartyConfirmations", (HttpRequest request, ClaimsPrincipal user, PartyConfirmationApi h, CancellationToken ct) => h.ListAsync(Signed(user), request, ct));
        g.Map("ConfirmAsParty", (string id, string role, ClaimsPrincipal user, PartyConfirmationApi h, CancellationToken ct) => h.AnswerAsync(Signed(user), id, role, null, ct));
        g.Map("DeclineAsParty", (string id, string role, HttpRequest request, ClaimsPrincipal user, PartyConfirmationApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<DeclinationRequest>(request, Signed(user), (caller, body) => h.AnswerAsync(caller, id, role, body, ct), ct));
        g.Map("WithdrawApplication", (string id, HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<WithdrawRequest>(request, Signed(user), (caller, body) => h.WithdrawAsync(caller, id, body, ct), ct));
        g.Map("ListMyLicences", (HttpRequest request, ClaimsPrincipal user, CitizenApi h, CancellationToken ct) => h.ListLicencesAsync(Signed(user), request, ct));
    }

    static void MapOfficers(IEndpointRouteBuilder g)
    {
        g.Map("ListTasks", (HttpRequest request, ClaimsPrincipal user, OfficerApi h, string? status, string? dueBefore, string? template, string? pageSize, string? continuation, string? escalated, CancellationToken ct) =>
                h.ListTasksAsync(Signed(user), request, status, dueBefore, template, pageSize, continuation, escalated, ct));
        g.Map("GetTask", (string taskId, ClaimsPrincipal user, OfficerApi h, CancellationToken ct) => h.GetTaskAsync(Signed(user), taskId, ct));
        g.Map("GetTaskApplication", (string taskId, ClaimsPrincipal user, OfficerApi h, CancellationToken ct) => h.GetTaskApplicationAsync(Signed(user), taskId, ct));
        g.Map("ClaimTask", (string taskId, ClaimsPrincipal user, OfficerApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                h.ClaimAsync(Signed(user), taskId, ifMatch, ct));
        g.Map("ReleaseTask", (string taskId, ClaimsPrincipal user, OfficerApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                h.ReleaseAsync(Signed(user), taskId, ifMatch, ct));
        g.Map("DecideTask", (string taskId, HttpRequest request, ClaimsPrincipal user, OfficerApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                ApiGate.JsonAsync<DecisionRequest>(request, Signed(user), (caller, body) => h.DecideAsync(caller, taskId, ifMatch, body, ct), ct));
    }

    static void MapAdministrators(IEndpointRouteBuilder g)
    {
        g.Map("ListTemplates", (ClaimsPrincipal user, AdminApi h, CancellationToken ct) => h.ListTemplatesAsync(Signed(user), ct));
        g.Map("CreateTemplateDraft", (HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                ApiGate.DocumentAsync(request, Signed(user), (caller, doc) => h.CreateDraftAsync(caller, doc, ct), ct));
        g.Map("ValidateTemplate", (HttpRequest request, ClaimsPrincipal user, CancellationToken ct) =>
                ApiGate.DocumentAsync(request, Signed(user), (caller, doc) => Task.FromResult(AdminApi.Validate(caller, doc)), ct));
        g.Map("ListTemplateVersions", (string key, ClaimsPrincipal user, AdminApi h, CancellationToken ct) => h.ListVersionsAsync(Signed(user), key, ct));
        g.Map("GetTemplateVersion", (string key, int version, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                h.GetVersionAsync(Signed(user), key, version, ct));
        g.Map("EditTemplateDraft", (string key, int version, HttpRequest request, ClaimsPrincipal user, AdminApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                ApiGate.DocumentAsync(request, Signed(user), (caller, doc) => h.EditDraftAsync(caller, key, version, ifMatch, doc, ct), ct));
        g.Map("PublishTemplateVersion", (string key, int version, HttpRequest request, ClaimsPrincipal user, AdminApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                ApiGate.JsonAsync<PublishRequest>(request, Signed(user), (caller, body) => h.PublishAsync(caller, key, version, ifMatch, body, ct), ct));
        g.Map("RetireTemplateVersion", (string key, int version, ClaimsPrincipal user, AdminApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                h.RetireAsync(Signed(user), key, version, ifMatch, ct));
        g.Map("SimulateTemplateDraft", (string key, int version, HttpRequest request, ClaimsPrincipal user, SimulationApi h, string? pageSize, string? continuation, CancellationToken ct) =>
                ApiGate.JsonAsync<SimulationRequest>(request, Signed(user), (caller, body) => h.SimulateAsync(caller, key, version, body, request.Query, ct), ct));
        g.Map("DiffTemplate", (string key, string? from, string? to, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                h.DiffAsync(Signed(user), key, from, to, ct));
        g.Map("MigrateApplications", (string key, HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<MigrationRequest>(request, Signed(user), (caller, body) => h.MigrateAsync(caller, key, body, ct), ct));
        g.Map("ReadAudit", (HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) => h.AuditAsync(Signed(user), request, ct));
        g.Map("SearchApplications", (HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) => h.SearchAsync(Signed(user), request, ct));
        g.Map("BulkApplications", (HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<BulkRequest>(request, Signed(user), (caller, body) => h.BulkAsync(caller, body, ct), ct));
        g.Map("ExtendItem", (string id, string item, HttpRequest request, ClaimsPrincipal user, AdminApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<ExtensionRequest>(request, Signed(user), (caller, body) => h.ExtendAsync(caller, id, item, body, ct), ct));
    }

    // The citizen's voice: ratings and their follow-ups (好差评), stuck cases (办不成事), assisted filing (帮办代办).
    static void MapVoice(IEndpointRouteBuilder g)
    {
        g.Map("Rate", (string id, HttpRequest request, ClaimsPrincipal user, RatingApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<RatingRequest>(request, Signed(user), (caller, body) => h.RateAsync(caller, id, body, ct), ct));
        g.Map("ListRatings", (string id, ClaimsPrincipal user, RatingApi h, CancellationToken ct) => h.ListAsync(Signed(user), id, ct));
        g.Map("ReportStuck", (string id, HttpRequest request, ClaimsPrincipal user, CaseApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<StuckReportRequest>(request, Signed(user), (caller, body) => h.ReportAsync(caller, id, body, ct), ct));
        g.Map("AnswerFollowUp", (string taskId, HttpRequest request, ClaimsPrincipal user, RatingApi h, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
                ApiGate.JsonAsync<FollowUpResponseRequest>(request, Signed(user), (caller, body) => h.RespondAsync(caller, taskId, ifMatch, body, ct), ct));
        g.Map("ListCases", (HttpRequest request, ClaimsPrincipal user, CaseApi h, CancellationToken ct) => h.ListAsync(Signed(user), request, ct));
        g.Map("ResolveCase", (string caseId, HttpRequest request, ClaimsPrincipal user, CaseApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<CaseResolutionRequest>(request, Signed(user), (caller, body) => h.ResolveAsync(caller, caseId, body, ct), ct));
        g.Map("SubmitAssisted", (HttpRequest request, ClaimsPrincipal user, AssistedApi h, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                AssistedApi.Gate(Signed(user)) is { } refused ? Task.FromResult(refused)
                    : ApiGate.JsonAsync<AssistedSubmitRequest>(request, Signed(user), (caller, body) => h.SubmitAsync(caller, body, idempotencyKey, ct), ct));
        g.Map("ListMyConsents", (HttpRequest request, ClaimsPrincipal user, AssistedApi h, CancellationToken ct) => h.ListMineAsync(Signed(user), request, ct));
        g.Map("GetConsent", (string consentId, ClaimsPrincipal user, AssistedApi h, CancellationToken ct) => h.GetConsentAsync(Signed(user), consentId, ct));
        g.Map("ConfirmConsent", (string consentId, HttpRequest request, ClaimsPrincipal user, AssistedApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<ConsentConfirmationRequest>(request, Signed(user), (caller, body) => h.ConfirmAsync(caller, consentId, body, ct), ct));
        g.Map("RefuseConsent", (string consentId, HttpRequest request, ClaimsPrincipal user, AssistedApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<ConsentRefusalRequest>(request, Signed(user), (caller, body) => h.RefuseAsync(caller, consentId, body, ct), ct));
    }

    /// <summary>Maps the table's entry <paramref name="operationId"/> to <paramref name="handler"/>, with all its metadata from the table.</summary>
    static RouteHandlerBuilder Map(this IEndpointRouteBuilder routes, string operationId, Delegate handler)
    {
        var operation = ApiRoutes.Operations.SingleOrDefault(o => o.OperationId == operationId)
            ?? throw new InvalidOperationException($"ApiRoutes.Operations has no operation {operationId}.");
        var builder = routes.MapMethods(operation.Template, [operation.Method], handler)
            .WithName(operation.OperationId).WithSummary(operation.Summary).WithTags(operation.Tag).WithMetadata(operation);
        if (operation.Request is { } request)
        {
            builder.WithMetadata(new JsonBody(request));
        }

        if (operation.RateLimit is { } policy)
        {
            builder.RequireRateLimiting(policy);
        }

        foreach (var response in operation.AllResponses)
        {
            _ = response switch
            {
                { IsProblem: true } => builder.ProducesProblem(response.Status),
                // A file of the media type it was stored with: the usual ones, and octet-stream for any other a template accepts.
                { IsFile: true } => builder.Produces<Stream>(response.Status, "application/pdf", "image/jpeg", "image/png", "application/octet-stream"),
                { Body: { } body } => builder.Produces(response.Status, body),
                _ => builder.Produces(response.Status),
            };
        }

        return builder;
    }

    /// <summary>The caller the edge has let in; only routes of <see cref="ApiAccess.System"/> have none, and they do not ask.</summary>
    static Caller Signed(ClaimsPrincipal user) =>
        Caller.From(user) ?? throw new InvalidOperationException("The edge let a request without a caller through to a route that needs one.");

    // Documents a JSON body without routing's own media-type check: .Accepts<T>("application/json") makes routing answer
    // any other Content-Type with a bare 415 before the handler runs, so an anonymous caller got 415 instead of 401 and
    // the body was not our problem+json. The handlers check the media type themselves, after the caller.
    sealed class JsonBody(Type requestType) : IAcceptsMetadata
    {
        // Empty: routing then lets every media type through to the handler.
        public IReadOnlyList<string> ContentTypes => [];

        public Type? RequestType => requestType;

        public bool IsOptional => false;
    }

    static void MapBrowser(IEndpointRouteBuilder g)
    {
        g.Map("CheckSubmission", (HttpRequest request, ClaimsPrincipal user, SubmissionCheckApi h, CancellationToken ct) =>
                ApiGate.JsonAsync<SubmitRequest>(request, Signed(user), (caller, body) => h.CheckAsync(caller, body, ct), ct));
        g.Map("GetUploadFile", (string material, string uploadId, ClaimsPrincipal user, FilesApi h, CancellationToken ct) => h.GetUploadAsync(Signed(user), material, uploadId, ct));
        g.Map("GetLicenceFile", (string type, string number, ClaimsPrincipal user, FilesApi h, CancellationToken ct) => h.GetLicenceAsync(Signed(user), type, number, ct));
        g.Map("GetTaskMaterialFile", (string taskId, string material, ClaimsPrincipal user, FilesApi h, CancellationToken ct) => h.GetTaskMaterialAsync(Signed(user), taskId, material, ct));
        g.Map("CheckCertificate", (string code, CertificateCodes h, CancellationToken ct) => h.CheckAsync(code, ct));
        g.Map("GetBacklogHealth", (Workflows.Backlog.BacklogApi h, CancellationToken ct) => h.GetAsync(ct));
        g.Map("DemoSignIn", (HttpRequest request, DemoSignIn h, CancellationToken ct) => h.SignInAsync(request, ct));
        g.Map("ListDemoUsers", (DemoSignIn h) => h.ListUsers());
    }
}
