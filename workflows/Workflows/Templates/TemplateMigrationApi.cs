using Microsoft.AspNetCore.Http;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>Moving running applications of a template from one version to another (<see cref="ApiRoutes.Migrations"/>).</summary>
/// <param name="From">The version the applications run now.</param>
/// <param name="To">The later, published version to move them to.</param>
/// <param name="ApplicationIds">These applications; when absent, every running application of <paramref name="From"/> (at most <see cref="AdminApi.MaxBulk"/>).</param>
/// <param name="DryRun">True (the default) to say per application what would change or why not, moving nothing.</param>
/// <param name="Reason">Why (audited with each move); required to move.</param>
public sealed record MigrationRequest(int From, int To, List<string>? ApplicationIds = null, bool DryRun = true, string? Reason = null);

/// <summary>One application in a migration.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="CanMove">Whether it can move.</param>
/// <param name="Sent">Whether the move was sent to it (not in a dry run); the bundle checks it again and audits what it did.</param>
/// <param name="Changes">What it would see (or will), located in the newer version, in the request's language.</param>
/// <param name="Reasons">Why it cannot move, located and coded, in the request's language.</param>
public sealed record MigrationOutcome(string ApplicationId, bool CanMove, bool Sent, IReadOnlyList<TemplateProblem> Changes, IReadOnlyList<TemplateProblem> Reasons);

/// <summary>A migration's answer.</summary>
/// <param name="TemplateKey">The template.</param>
/// <param name="From">From version.</param>
/// <param name="To">To version.</param>
/// <param name="DryRun">Whether nothing was moved.</param>
/// <param name="Applications">Per application.</param>
/// <param name="Truncated">True when more applications matched than one request may act on.</param>
public sealed record MigrationResponse(string TemplateKey, int From, int To, bool DryRun, IReadOnlyList<MigrationOutcome> Applications, bool Truncated);

/// <content>Migrations of applications in flight to another template version (ADR 0025).</content>
public sealed partial class AdminApi
{
    /// <summary>
    /// Says for each running application of a template version whether it can move to a later published version and
    /// what it would see, or why not (<see cref="TemplateMigration"/>); unless a dry run, sends each one that can the move.
    /// </summary>
    /// <param name="caller">The caller (the route table lets administrators only).</param>
    /// <param name="key">The template.</param>
    /// <param name="body">From, to, which applications, dry run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with per-application outcomes, 400 naming the field, 404 for an unknown template.</returns>
    public async Task<IResult> MigrateAsync(Caller caller, string key, MigrationRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        if (!Identifiers.IsSafe(key) || (await templates.ListVersionsAsync(key, cancellationToken)).Count == 0)
        {
            return ApiProblems.NotFound("template");
        }

        var errors = new List<ApiError>();
        var older = body.From >= 1 ? await templates.GetAsync(key, body.From, cancellationToken) : null;
        var newer = body.To >= 1 ? await templates.GetAsync(key, body.To, cancellationToken) : null;
        if (older is null)
        {
            errors.Add(new ApiError("from", "field.invalid", "该模板没有此版本。", "The template has no such version."));
        }

        if (newer is null || body.To <= body.From)
        {
            errors.Add(new ApiError("to", "field.invalid", "请指明该模板晚于 from 的版本。", "Name a version of the template later than from."));
        }
        else if (newer.Version.Status != TemplateStatus.Published)
        {
            errors.Add(new ApiError("to", "field.invalid", "只能迁移到已发布的版本。", "Applications move only to a published version."));
        }

        if (body.ApplicationIds is { Count: > MaxBulk })
        {
            errors.Add(new ApiError("applicationIds", "field.tooMany", $"一次最多 {MaxBulk} 个。", $"At most {MaxBulk} at once."));
        }
        else if (body.ApplicationIds?.FindIndex(id => !Identifiers.IsSafe(id)) is >= 0 and var bad)
        {
            errors.Add(new ApiError($"applicationIds[{bad}]", "field.invalid", "不是申请编号。", "Not an application id."));
        }

        if (!body.DryRun && string.IsNullOrWhiteSpace(body.Reason) || body.Reason is { Length: > 500 })
        {
            errors.Add(new ApiError("reason", "field.required", "迁移须给出不超过 500 个字符的理由；它将被审计记录。", "A move needs a reason of at most 500 characters; it is audited."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (targets, truncated) = body.ApplicationIds is { Count: > 0 }
            ? ([.. body.ApplicationIds.Distinct(StringComparer.Ordinal)], false)
            : await TargetsAsync(new BulkQuery(Template: key, Status: ApplicationStatus.InProgress), cancellationToken);
        var outcomes = new List<MigrationOutcome>();
        foreach (var id in targets)
        {
            var record = await applications.GetAsync(id, cancellationToken);
            // Asked for every running application: only those on the version named.
            if (body.ApplicationIds is not { Count: > 0 } && record?.TemplateVersion != body.From)
            {
                continue;
            }

            outcomes.Add(await MigrateOneAsync(caller, key, body, older!.Version.Definition, newer!.Version.Definition, id, record, cancellationToken));
        }

        return Results.Ok(new MigrationResponse(key, body.From, body.To, body.DryRun, outcomes, truncated));
    }

    async Task<MigrationOutcome> MigrateOneAsync(
        Caller caller, string key, MigrationRequest body, BundleTemplate from, BundleTemplate to, string id, ApplicationRecord? record, CancellationToken cancellationToken)
    {
        // Why this one application does not move: a reason in its outcome (a template problem), not an HTTP problem.
        MigrationOutcome NotMoved(string code, string en, string zh) => new(id, false, false, [], [new TemplateProblem("$", code, en, zh).Localized()]);
        if (record is null)
        {
            return NotMoved("migration.application.unknown", "No such application.", "没有此申请。");
        }

        if (record.TemplateKey != key)
        {
            return NotMoved("migration.template.key", $"The application runs template '{record.TemplateKey}', not '{key}'.", $"该申请使用模板“{record.TemplateKey}”，不是“{key}”。");
        }

        if (record.TemplateVersion != body.From)
        {
            return NotMoved("migration.from", $"The application runs version {record.TemplateVersion}, not {body.From}.", $"该申请使用版本 {record.TemplateVersion}，不是 {body.From}。");
        }

        if (record.Status != ApplicationStatus.InProgress || await service.GetRunningBundleAsync(id, cancellationToken) is not { } bundle)
        {
            return NotMoved("migration.ended", $"The application is not in progress ({record.Status}).", $"该申请不在办理中（{record.Status}）。");
        }

        var input = bundle.Input;
        var outputs = record.Items.Where(i => i is { State: ItemState.Approved, Outputs: not null })
            .ToDictionary(i => i.Key, i => i.Outputs!, StringComparer.Ordinal);
        var state = new MigrationState(
            record.Items.ToDictionary(i => i.Key, i => i.State, StringComparer.Ordinal), input.Answers, record.Materials,
            new HashSet<string>(input.Licences, StringComparer.Ordinal), outputs, DateOnly.FromDateTime(input.SubmittedAt), input.ClockOrDefault().Calendar);
        var verdict = TemplateMigration.Check(from, to, state);
        var reasons = verdict.Reasons.ToList();
        // The version the bundle's last turn reported: older instances refuse a move, so say so before sending one.
        if (!OrchestrationVersions.AtLeast(bundle.Version, OrchestrationVersions.MigrationsPossible))
        {
            reasons.Insert(0, new TemplateProblem("$", "migration.version", "The application started before migration was possible.", "该申请在可迁移之前已开始办理。"));
        }

        var canMove = reasons.Count == 0;
        if (canMove && !body.DryRun)
        {
            await service.MigrateAsync(id, new TemplateMigrationRequested(body.From, body.To, to, caller.AuditName, body.Reason), cancellationToken);
        }

        return new(id, canMove, canMove && !body.DryRun, [.. verdict.Changes.Select(c => c.Localized())], [.. reasons.Select(r => r.Localized())]);
    }
}
