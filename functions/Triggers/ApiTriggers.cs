using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Cases;
using Workflows.Figures;
using Workflows.Files;
using Workflows.Functions.Http;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Ratings;
using Workflows.Systems;
using Workflows.Tasks;

namespace Workflows.Functions.Triggers;

/// <summary>
/// The HTTP API in Functions: one trigger per <see cref="ApiRoutes"/> entry (the host adds the <c>api</c> prefix, so
/// the URLs are the local server's), named <c>Api</c> + the entry's operationId. Authorization level Anonymous: who
/// calls is settled at the edge by <see cref="FunctionsPrincipal"/> and the entry's <see cref="ApiOperation.Access"/>
/// (401 or 403 before any body is read), then the shared handler answers, checking only ownership. The handlers are built per invocation around the <c>[DurableClient]</c> binding's client.
/// </summary>
public static class ApiTriggers
{

    /// <summary>GET <see cref="ApiRoutes.Bundles"/>: <see cref="CitizenApi.ListBundlesAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListBundles")]
    public static Task<IActionResult> ApiListBundles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Bundles)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Citizens.ListBundlesAsync(caller, ct));

    /// <summary>GET <see cref="ApiRoutes.Bundle"/>: <see cref="CitizenApi.GetFormAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The bundle's key.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetBundleForm")]
    public static Task<IActionResult> ApiGetBundleForm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Bundle)] HttpRequest request, string key, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Citizens.GetFormAsync(caller, key, ct));

    /// <summary>POST <see cref="ApiRoutes.Uploads"/>: <see cref="CitizenApi.UploadAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The bundle's key.</param>
    /// <param name="material">The material's key.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiUploadMaterial")]
    public static Task<IActionResult> ApiUploadMaterial([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Uploads)] HttpRequest request, string key, string material, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Citizens.UploadAsync(caller, key, material, request, ct));

    /// <summary>POST <see cref="ApiRoutes.Applications"/>: <see cref="CitizenApi.SubmitAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiSubmitApplication")]
    public static Task<IActionResult> ApiSubmitApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Applications)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<SubmitRequest>(request, caller, (c, body) => h.Citizens.SubmitAsync(c, body, Header(request, "Idempotency-Key"), ct), ct));

    /// <summary>GET <see cref="ApiRoutes.Applications"/>: <see cref="CitizenApi.ListMineAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListMyApplications")]
    public static Task<IActionResult> ApiListMyApplications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Applications)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Citizens.ListMineAsync(caller, request, ct));

    /// <summary>GET <see cref="ApiRoutes.Application"/>: <see cref="CitizenApi.GetMineAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetMyApplication")]
    public static Task<IActionResult> ApiGetMyApplication([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Application)] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Citizens.GetMineAsync(caller, id, ct));

    /// <summary>POST <see cref="ApiRoutes.Supplement"/>: <see cref="CitizenApi.SupplyAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="item">The item's key.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiSupplyItem")]
    public static Task<IActionResult> ApiSupplyItem([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Supplement)] HttpRequest request, string id, string item, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<SupplyRequest>(request, caller, (c, body) => h.Citizens.SupplyAsync(c, id, item, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.DeferredMaterial"/>: <see cref="CitizenApi.SupplyDeferredAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="material">The material's key.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiSupplyDeferredMaterial")]
    public static Task<IActionResult> ApiSupplyDeferredMaterial([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.DeferredMaterial)] HttpRequest request, string id, string material, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<DeferredSupplyRequest>(request, caller, (c, body) => h.Citizens.SupplyDeferredAsync(c, id, material, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.Withdrawal"/>: <see cref="CitizenApi.WithdrawAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiWithdrawApplication")]
    public static Task<IActionResult> ApiWithdrawApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Withdrawal)] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<WithdrawRequest>(request, caller, (c, body) => h.Citizens.WithdrawAsync(c, id, body, ct), ct));

    /// <summary>GET <see cref="ApiRoutes.Licences"/>: <see cref="CitizenApi.ListLicencesAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListMyLicences")]
    public static Task<IActionResult> ApiListMyLicences([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Licences)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Citizens.ListLicencesAsync(caller, request, ct));

    /// <summary>GET <see cref="ApiRoutes.Tasks"/>: <see cref="OfficerApi.ListTasksAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListTasks")]
    public static Task<IActionResult> ApiListTasks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Tasks)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Officers.ListTasksAsync(caller, request, Query(request, "status"), Query(request, "dueBefore"), Query(request, "template"), Query(request, "pageSize"), Query(request, "continuation"), Query(request, "escalated"), ct));

    /// <summary>GET <see cref="ApiRoutes.TaskById"/>: <see cref="OfficerApi.GetTaskAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="taskId">The task's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetTask")]
    public static Task<IActionResult> ApiGetTask([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TaskById)] HttpRequest request, string taskId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Officers.GetTaskAsync(caller, taskId, ct));

    /// <summary>GET <see cref="ApiRoutes.TaskApplication"/>: <see cref="OfficerApi.GetTaskApplicationAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="taskId">The task's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetTaskApplication")]
    public static Task<IActionResult> ApiGetTaskApplication([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TaskApplication)] HttpRequest request, string taskId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Officers.GetTaskApplicationAsync(caller, taskId, ct));

    /// <summary>POST <see cref="ApiRoutes.Claim"/>: <see cref="OfficerApi.ClaimAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="taskId">The task's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiClaimTask")]
    public static Task<IActionResult> ApiClaimTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Claim)] HttpRequest request, string taskId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Officers.ClaimAsync(caller, taskId, Header(request, "If-Match"), ct));

    /// <summary>POST <see cref="ApiRoutes.Release"/>: <see cref="OfficerApi.ReleaseAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="taskId">The task's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiReleaseTask")]
    public static Task<IActionResult> ApiReleaseTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Release)] HttpRequest request, string taskId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Officers.ReleaseAsync(caller, taskId, Header(request, "If-Match"), ct));

    /// <summary>POST <see cref="ApiRoutes.Decision"/>: <see cref="OfficerApi.DecideAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="taskId">The task's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiDecideTask")]
    public static Task<IActionResult> ApiDecideTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Decision)] HttpRequest request, string taskId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<DecisionRequest>(request, caller, (c, body) => h.Officers.DecideAsync(c, taskId, Header(request, "If-Match"), body, ct), ct));

    /// <summary>GET <see cref="ApiRoutes.Templates"/>: <see cref="AdminApi.ListTemplatesAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListTemplates")]
    public static Task<IActionResult> ApiListTemplates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Templates)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Admin.ListTemplatesAsync(caller, ct));

    /// <summary>POST <see cref="ApiRoutes.Templates"/>: <see cref="AdminApi.CreateDraftAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiCreateTemplateDraft")]
    public static Task<IActionResult> ApiCreateTemplateDraft([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Templates)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.DocumentAsync(request, caller, (c, doc) => h.Admin.CreateDraftAsync(c, doc, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.ValidateTemplate"/>: <see cref="AdminApi.Validate"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiValidateTemplate")]
    public static Task<IActionResult> ApiValidateTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ValidateTemplate)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.DocumentAsync(request, caller, (c, doc) => Task.FromResult(AdminApi.Validate(c, doc)), ct));

    /// <summary>GET <see cref="ApiRoutes.TemplateVersions"/>: <see cref="AdminApi.ListVersionsAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The template's key.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListTemplateVersions")]
    public static Task<IActionResult> ApiListTemplateVersions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TemplateVersions)] HttpRequest request, string key, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Admin.ListVersionsAsync(caller, key, ct));

    /// <summary>GET <see cref="ApiRoutes.TemplateVersion"/>: <see cref="AdminApi.GetVersionAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The template's key.</param>
    /// <param name="version">The version.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetTemplateVersion")]
    public static Task<IActionResult> ApiGetTemplateVersion([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TemplateVersion)] HttpRequest request, string key, int version, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Admin.GetVersionAsync(caller, key, version, ct));

    /// <summary>PUT <see cref="ApiRoutes.TemplateVersion"/>: <see cref="AdminApi.EditDraftAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The template's key.</param>
    /// <param name="version">The version.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiEditTemplateDraft")]
    public static Task<IActionResult> ApiEditTemplateDraft([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.TemplateVersion)] HttpRequest request, string key, int version, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.DocumentAsync(request, caller, (c, doc) => h.Admin.EditDraftAsync(c, key, version, Header(request, "If-Match"), doc, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.Publish"/>: <see cref="AdminApi.PublishAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The template's key.</param>
    /// <param name="version">The version.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiPublishTemplateVersion")]
    public static Task<IActionResult> ApiPublishTemplateVersion([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Publish)] HttpRequest request, string key, int version, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<PublishRequest>(request, caller, (c, body) => h.Admin.PublishAsync(c, key, version, Header(request, "If-Match"), body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.Retire"/>: <see cref="AdminApi.RetireAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The template's key.</param>
    /// <param name="version">The version.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiRetireTemplateVersion")]
    public static Task<IActionResult> ApiRetireTemplateVersion([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Retire)] HttpRequest request, string key, int version, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Admin.RetireAsync(caller, key, version, Header(request, "If-Match"), ct));

    /// <summary>GET <see cref="ApiRoutes.Diff"/>: <see cref="AdminApi.DiffAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The template's key.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiDiffTemplate")]
    public static Task<IActionResult> ApiDiffTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Diff)] HttpRequest request, string key, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Admin.DiffAsync(caller, key, Query(request, "from"), Query(request, "to"), ct));

    /// <summary>POST <see cref="ApiRoutes.Migrations"/>: <see cref="AdminApi.MigrateAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The template's key.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiMigrateApplications")]
    public static Task<IActionResult> ApiMigrateApplications([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Migrations)] HttpRequest request, string key, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<MigrationRequest>(request, caller, (c, body) => h.Admin.MigrateAsync(c, key, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.Simulation"/>: <see cref="SimulationApi.SimulateAsync(Caller, string, int, SimulationRequest, IQueryCollection, CancellationToken)"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The template's key.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The response.</returns>
    [Function("ApiSimulateTemplateDraft")]
    public static Task<IActionResult> ApiSimulateTemplateDraft([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Simulation)] HttpRequest request, string key, int version, FunctionContext context)
        => GuardAsync(request, context, (caller, ct) => ApiGate.JsonAsync<SimulationRequest>(request, caller,
            (c, body) => context.InstanceServices.GetRequiredService<SimulationApi>().SimulateAsync(c, key, version, body, request.Query, ct), ct));

    /// <summary>GET <see cref="ApiRoutes.Audit"/>: <see cref="AdminApi.AuditAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiReadAudit")]
    public static Task<IActionResult> ApiReadAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Audit)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Admin.AuditAsync(caller, request, ct));

    /// <summary>GET <see cref="ApiRoutes.Search"/>: <see cref="AdminApi.SearchAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiSearchApplications")]
    public static Task<IActionResult> ApiSearchApplications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Search)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Admin.SearchAsync(caller, request, ct));

    /// <summary>POST <see cref="ApiRoutes.Bulk"/>: <see cref="AdminApi.BulkAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiBulkApplications")]
    public static Task<IActionResult> ApiBulkApplications([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Bulk)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<BulkRequest>(request, caller, (c, body) => h.Admin.BulkAsync(c, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.Extension"/>: <see cref="AdminApi.ExtendAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="item">The item's key.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiExtendItem")]
    public static Task<IActionResult> ApiExtendItem([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Extension)] HttpRequest request, string id, string item, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<ExtensionRequest>(request, caller, (c, body) => h.Admin.ExtendAsync(c, id, item, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.Callbacks"/>: <see cref="SystemApi.CallbackAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="system">The calling system's name.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiSystemCallback")]
    public static Task<IActionResult> ApiSystemCallback([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Callbacks)] HttpRequest request, string system, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunWithoutCallerAsync(request, client, context, (h, ct) => h.Systems.CallbackAsync(system, request, ct));

    /// <summary>GET <see cref="ApiRoutes.Notifications"/>: <see cref="NotificationApi.ListMineAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListMyNotifications")]
    public static Task<IActionResult> ApiListMyNotifications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Notifications)] HttpRequest request, FunctionContext context)
        // Needs no Durable Task client, so the handler comes straight from the services.
        => GuardAsync(request, context, (caller, ct) => context.InstanceServices.GetRequiredService<NotificationApi>().ListMineAsync(caller, request, ct));

    /// <summary>POST <see cref="ApiRoutes.NotificationRead"/>: <see cref="NotificationApi.MarkReadAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The notification's id.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiMarkNotificationRead")]
    public static Task<IActionResult> ApiMarkNotificationRead([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.NotificationRead)] HttpRequest request, string id, FunctionContext context)
        => GuardAsync(request, context, (caller, ct) => context.InstanceServices.GetRequiredService<NotificationApi>().MarkReadAsync(caller, id, ct));

    /// <summary>POST <see cref="ApiRoutes.Ratings"/>: <see cref="RatingApi.RateAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiRate")]
    public static Task<IActionResult> ApiRate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Ratings)] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<RatingRequest>(request, caller, (c, body) => h.Ratings.RateAsync(c, id, body, ct), ct));

    /// <summary>GET <see cref="ApiRoutes.Ratings"/>: <see cref="RatingApi.ListAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListRatings")]
    public static Task<IActionResult> ApiListRatings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Ratings)] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Ratings.ListAsync(caller, id, ct));

    /// <summary>POST <see cref="ApiRoutes.StuckReport"/>: <see cref="CaseApi.ReportAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiReportStuck")]
    public static Task<IActionResult> ApiReportStuck([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.StuckReport)] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<StuckReportRequest>(request, caller, (c, body) => h.Cases.ReportAsync(c, id, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.FollowUpResponse"/>: <see cref="RatingApi.RespondAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="taskId">The follow-up task's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiAnswerFollowUp")]
    public static Task<IActionResult> ApiAnswerFollowUp([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.FollowUpResponse)] HttpRequest request, string taskId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<FollowUpResponseRequest>(request, caller, (c, body) => h.Ratings.RespondAsync(c, taskId, Header(request, "If-Match"), body, ct), ct));

    /// <summary>GET <see cref="ApiRoutes.Cases"/>: <see cref="CaseApi.ListAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListCases")]
    public static Task<IActionResult> ApiListCases([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Cases)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Cases.ListAsync(caller, request, ct));

    /// <summary>POST <see cref="ApiRoutes.CaseResolution"/>: <see cref="CaseApi.ResolveAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="caseId">The case's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiResolveCase")]
    public static Task<IActionResult> ApiResolveCase([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.CaseResolution)] HttpRequest request, string caseId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<CaseResolutionRequest>(request, caller, (c, body) => h.Cases.ResolveAsync(c, caseId, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.AssistedApplications"/>: <see cref="AssistedApi.SubmitAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiSubmitAssisted")]
    public static Task<IActionResult> ApiSubmitAssisted([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.AssistedApplications)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => AssistedApi.Gate(caller) is { } refused ? Task.FromResult(refused)
            : ApiGate.JsonAsync<AssistedSubmitRequest>(request, caller, (c, body) => h.Assisted.SubmitAsync(c, body, Header(request, "Idempotency-Key"), ct), ct));

    /// <summary>POST <see cref="ApiRoutes.RegisterEvents"/>: <see cref="SystemApi.EventAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="system">The register system's code.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiRegisterEvent")]
    public static Task<IActionResult> ApiRegisterEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.RegisterEvents)] HttpRequest request, string system, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunWithoutCallerAsync(request, client, context, (h, ct) => h.Systems.EventAsync(system, request, ct));

    /// <summary>GET <see cref="ApiRoutes.Consents"/>: <see cref="AssistedApi.ListMineAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListMyConsents")]
    public static Task<IActionResult> ApiListMyConsents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Consents)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Assisted.ListMineAsync(caller, request, ct));

    /// <summary>GET <see cref="ApiRoutes.Consent"/>: <see cref="AssistedApi.GetConsentAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="consentId">The consent request's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetConsent")]
    public static Task<IActionResult> ApiGetConsent([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Consent)] HttpRequest request, string consentId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => h.Assisted.GetConsentAsync(caller, consentId, ct));

    /// <summary>POST <see cref="ApiRoutes.ConsentConfirmation"/>: <see cref="AssistedApi.ConfirmAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="consentId">The consent request's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiConfirmConsent")]
    public static Task<IActionResult> ApiConfirmConsent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ConsentConfirmation)] HttpRequest request, string consentId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<ConsentConfirmationRequest>(request, caller, (c, body) => h.Assisted.ConfirmAsync(c, consentId, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.ConsentRefusal"/>: <see cref="AssistedApi.RefuseAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="consentId">The consent request's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiRefuseConsent")]
    public static Task<IActionResult> ApiRefuseConsent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ConsentRefusal)] HttpRequest request, string consentId, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<ConsentRefusalRequest>(request, caller, (c, body) => h.Assisted.RefuseAsync(c, consentId, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.Confirmation"/>: <see cref="CitizenApi.ConfirmAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiConfirmProactive")]
    public static Task<IActionResult> ApiConfirmProactive([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Confirmation)] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<ConfirmationRequest>(request, caller, (c, body) => h.Citizens.ConfirmAsync(c, id, body, ct), ct));

    /// <summary>POST <see cref="ApiRoutes.Declination"/>: <see cref="CitizenApi.DeclineAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application's id.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiDeclineProactive")]
    public static Task<IActionResult> ApiDeclineProactive([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Declination)] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => ApiGate.JsonAsync<DeclinationRequest>(request, caller, (c, body) => h.Citizens.DeclineAsync(c, id, body, ct), ct));

    /// <summary>GET <see cref="ApiRoutes.AdminApplication"/>: <see cref="AdminApplicationApi.GetAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetAdminApplication")]
    public static Task<IActionResult> ApiGetAdminApplication([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.AdminApplication)] HttpRequest request, string id, FunctionContext context)
        => GuardAsync(request, context, (caller, ct) => context.InstanceServices.GetRequiredService<AdminApplicationApi>().GetAsync(caller, id, ct));

    /// <summary>GET <see cref="ApiRoutes.Figures"/>: <see cref="FiguresApi.GetAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiFigures")]
    public static Task<IActionResult> ApiFigures([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Figures)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (h, caller, ct) => context.InstanceServices.GetRequiredService<FiguresApi>()
            .GetAsync(caller, Query(request, "template"), Query(request, "from"), Query(request, "to"), ct));

    /// <summary>GET <see cref="ApiRoutes.PartyConfirmations"/>: <see cref="PartyConfirmationApi.ListAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiListMyPartyConfirmations")]
    public static Task<IActionResult> ApiListMyPartyConfirmations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.PartyConfirmations)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (_, caller, ct) => Parties(context, client).ListAsync(caller, request, ct));

    /// <summary>POST <see cref="ApiRoutes.PartyConfirmation"/>: <see cref="PartyConfirmationApi.AnswerAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application.</param>
    /// <param name="role">The caller's role.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiConfirmAsParty")]
    public static Task<IActionResult> ApiConfirmAsParty([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.PartyConfirmation)] HttpRequest request, string id, string role, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (_, caller, ct) => Parties(context, client).AnswerAsync(caller, id, role, null, ct));

    /// <summary>POST <see cref="ApiRoutes.PartyDeclination"/>: <see cref="PartyConfirmationApi.AnswerAsync"/> with the reason.</summary>
    /// <param name="request">The request.</param>
    /// <param name="id">The application.</param>
    /// <param name="role">The caller's role.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiDeclineAsParty")]
    public static Task<IActionResult> ApiDeclineAsParty([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.PartyDeclination)] HttpRequest request, string id, string role, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (_, caller, ct) => ApiGate.JsonAsync<DeclinationRequest>(request, caller, (c, body) => Parties(context, client).AnswerAsync(c, id, role, body, ct), ct));

    // The party handler around the invocation's client (the Functions app gets it from the binding, not from DI).
    static PartyConfirmationApi Parties(FunctionContext context, DurableTaskClient client) =>
        ActivatorUtilities.CreateInstance<PartyConfirmationApi>(context.InstanceServices, ActivatorUtilities.CreateInstance<ApplicationService>(context.InstanceServices, client));

    /// <summary>POST <see cref="ApiRoutes.SubmissionCheck"/>: <see cref="SubmissionCheckApi.CheckAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiCheckSubmission")]
    public static Task<IActionResult> ApiCheckSubmission([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.SubmissionCheck)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunAsync(request, client, context, (_, caller, ct) => ApiGate.JsonAsync<SubmitRequest>(request, caller, (c, body) =>
            ActivatorUtilities.CreateInstance<SubmissionCheckApi>(context.InstanceServices, ActivatorUtilities.CreateInstance<ApplicationService>(context.InstanceServices, client))
                .CheckAsync(c, body, ct), ct));

    /// <summary>GET <see cref="ApiRoutes.UploadFile"/>: <see cref="FilesApi.GetUploadAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="material">The material's key.</param>
    /// <param name="uploadId">The upload's id.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetUploadFile")]
    public static Task<IActionResult> ApiGetUploadFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.UploadFile)] HttpRequest request, string material, string uploadId, FunctionContext context)
        => GuardAsync(request, context, (caller, ct) => Files(context).GetUploadAsync(caller, material, uploadId, ct));

    /// <summary>GET <see cref="ApiRoutes.LicenceFile"/>: <see cref="FilesApi.GetLicenceAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="type">The licence type.</param>
    /// <param name="number">The certificate's number.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetLicenceFile")]
    public static Task<IActionResult> ApiGetLicenceFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.LicenceFile)] HttpRequest request, string type, string number, FunctionContext context)
        => GuardAsync(request, context, (caller, ct) => Files(context).GetLicenceAsync(caller, type, number, ct));

    /// <summary>GET <see cref="ApiRoutes.TaskMaterialFile"/>: <see cref="FilesApi.GetTaskMaterialAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="material">The material's key.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetTaskMaterialFile")]
    public static Task<IActionResult> ApiGetTaskMaterialFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.TaskMaterialFile)] HttpRequest request, string taskId, string material, FunctionContext context)
        => GuardAsync(request, context, (caller, ct) => Files(context).GetTaskMaterialAsync(caller, taskId, material, ct));

    /// <summary>GET <see cref="ApiRoutes.CertificateCheck"/>: <see cref="CertificateCodes.CheckAsync"/>, public (no sign-in; App Service Authentication excludes the path).</summary>
    /// <param name="request">The request.</param>
    /// <param name="code">The verification code.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiCheckCertificate")]
    public static Task<IActionResult> ApiCheckCertificate([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.CertificateCheck)] HttpRequest request, string code, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunWithoutCallerAsync(request, client, context, (_, ct) => context.InstanceServices.GetRequiredService<CertificateCodes>().CheckAsync(code, ct));

    /// <summary>GET <see cref="ApiRoutes.BacklogHealth"/>: <see cref="Workflows.Backlog.BacklogApi.GetAsync"/>, public (counts only; App Service Authentication excludes the path).</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The invocation's Durable Task client.</param>
    /// <param name="context">The invocation's context.</param>
    /// <returns>The handler's response.</returns>
    [Function("ApiGetBacklogHealth")]
    public static Task<IActionResult> ApiGetBacklogHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.BacklogHealth)] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext context)
        => RunWithoutCallerAsync(request, client, context, (_, ct) => context.InstanceServices.GetRequiredService<Workflows.Backlog.BacklogApi>().GetAsync(ct));

    /// <summary>The file handlers, from the invocation's services (they need no Durable Task client).</summary>
    static FilesApi Files(FunctionContext context) => ActivatorUtilities.CreateInstance<FilesApi>(context.InstanceServices);

    /// <summary>
    /// The edge: looks up the route's entry by the calling trigger's name (<c>Api</c> + operationId), refuses a missing
    /// caller (401) or a role the entry does not allow (403) before anything else, then builds the handlers around the
    /// invocation's client and adapts the handler's result.
    /// </summary>
    static Task<IActionResult> RunAsync(
        HttpRequest request, DurableTaskClient client, FunctionContext context, Func<ApiHandlers, Caller, CancellationToken, Task<IResult>> handle,
        [CallerMemberName] string trigger = "")
        => GuardAsync(request, context, (caller, ct) => handle(ApiHandlers.Create(context.InstanceServices, client), caller, ct), trigger);

    /// <summary>
    /// The edge for a route that takes no caller: <see cref="ApiAccess.System"/> (the handler checks the system's
    /// signature) or <see cref="ApiAccess.Public"/> (the handler needs nobody).
    /// </summary>
    static async Task<IActionResult> RunWithoutCallerAsync(
        HttpRequest request, DurableTaskClient client, FunctionContext context, Func<ApiHandlers, CancellationToken, Task<IResult>> handle,
        [CallerMemberName] string trigger = "")
    {
        ApiLanguage.Use(request.HttpContext); // a system's problems too are in the language it asks for
        ExposeHeaders(request);
        if (ApiRoutes.ForTrigger(trigger).Access is not (ApiAccess.System or ApiAccess.Public))
        {
            // A person's route served this way would skip the caller check: refuse rather than run it.
            return new ResultActionResult(ApiProblems.Forbidden());
        }

        var services = context.InstanceServices;
        return new ResultActionResult(await StorageFaults.GuardAsync(() => handle(ApiHandlers.Create(services, client), request.HttpContext.RequestAborted)));
    }

    static async Task<IActionResult> GuardAsync(
        HttpRequest request, FunctionContext context, Func<Caller, CancellationToken, Task<IResult>> handle, [CallerMemberName] string trigger = "")
    {
        var services = context.InstanceServices;
        ApiLanguage.Use(request.HttpContext); // Accept-Language picks the language of labels and problems
        ExposeHeaders(request);
        var operation = ApiRoutes.ForTrigger(trigger);
        var caller = Caller.From(await services.GetRequiredService<FunctionsPrincipal>().FromAsync(request));
        if (operation.Access is ApiAccess.System or ApiAccess.Public || caller is null || operation.Refuse(caller) is not null)
        {
            // A system's route has no caller to hand over, so it never comes this way.
            return new ResultActionResult(operation.Refuse(caller) ?? ApiProblems.Forbidden());
        }

        // The route's rate limit, per user, as the local server applies it (after who calls is settled).
        if (operation.RateLimit is { } policy && services.GetRequiredService<ApiRateLimiter>().Refuse(policy, caller.Id) is { } limited)
        {
            return new ResultActionResult(limited);
        }

        var result = await StorageFaults.GuardAsync(() => handle(caller, request.HttpContext.RequestAborted));
        // A polled read answers an ETag of its body and 304 to an If-None-Match naming it, as the local server does.
        return new ResultActionResult(operation.Conditional ? ConditionalGet.Apply(result) : result);
    }

    // App Service CORS (infra/) answers preflights and names the origin but cannot name exposed headers: the app does.
    static void ExposeHeaders(HttpRequest request)
    {
        if (request.Headers.ContainsKey("Origin"))
        {
            request.HttpContext.Response.Headers.AccessControlExposeHeaders = string.Join(", ", CorsHeaders.Exposed);
        }
    }

    /// <summary>A header's value, or null when absent (as the local server's <c>[FromHeader]</c> binds it).</summary>
    static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>A query parameter's value, or null when absent (as the local server binds it).</summary>
    static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}
