using System.Globalization;
using System.Text;
using Azure;
using Microsoft.AspNetCore.Http;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>A template version as administrators list it.</summary>
/// <param name="Key">The template.</param>
/// <param name="Version">The version.</param>
/// <param name="Status">Draft, published or retired.</param>
/// <param name="Name">The bundle's name in that version.</param>
/// <param name="CreatedAt">When created.</param>
/// <param name="CreatedBy">By whom.</param>
/// <param name="ValidFrom">Validity start once published.</param>
/// <param name="ValidTo">Validity end, if any.</param>
/// <param name="ETag">Send in If-Match to edit, publish or retire.</param>
public sealed record TemplateVersionSummary(string Key, int Version, TemplateStatus Status, string Name, DateTime CreatedAt, string CreatedBy, DateTime? ValidFrom, DateTime? ValidTo, string ETag);

/// <summary>A template version with its document.</summary>
/// <param name="Summary">The version.</param>
/// <param name="Definition">The document.</param>
/// <param name="Problems">What the validator finds in it (a draft may be incomplete; publishing needs none).</param>
/// <param name="Labels">What people read for every code it mentions (departments, systems, licences), in the request's language; on reads.</param>
public sealed record TemplateVersionDetail(TemplateVersionSummary Summary, BundleTemplate Definition, IReadOnlyList<TemplateProblem> Problems, IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>The result of validating a template document.</summary>
/// <param name="Valid">Whether it could be published.</param>
/// <param name="Problems">Every problem, located.</param>
public sealed record ValidationResponse(bool Valid, IReadOnlyList<TemplateProblem> Problems);

/// <summary>Publication settings.</summary>
/// <param name="ValidFrom">Start of validity; now when absent.</param>
/// <param name="ValidTo">End of validity; open when absent.</param>
/// <param name="ConfirmChanges">True to publish a draft whose simulation over every application of the version in force
/// changes decisions (items included or dropped, rule decisions flipped); without it such a draft is refused with 409.</param>
/// <param name="Fingerprint">With <paramref name="ConfirmChanges"/>: the <c>fingerprint</c> of that simulation (the 409 or the
/// simulation route gives it), so what is confirmed is what the administrator saw.</param>
public sealed record PublishRequest(DateTime? ValidFrom = null, DateTime? ValidTo = null, bool? ConfirmChanges = null, string? Fingerprint = null);

/// <summary>One difference between two versions.</summary>
/// <param name="Path">Where, with list elements named by their key (e.g. <c>items[seal].committedDays</c>).</param>
/// <param name="Change">added, removed or changed.</param>
/// <param name="Before">The old value as JSON, if any.</param>
/// <param name="After">The new value as JSON, if any.</param>
public sealed record TemplateChange(string Path, string Change, string? Before, string? After);

/// <summary>Template administration: drafts, edits, validation, publication, retirement, versions and their diff.</summary>
public sealed partial class AdminApi
{
    /// <summary>The largest template document accepted.</summary>
    public const long MaxTemplateBytes = 1024 * 1024;

    /// <summary>Every template with its versions.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200.</returns>
    public async Task<IResult> ListTemplatesAsync(Caller caller, CancellationToken cancellationToken)
    {
        var list = new List<TemplateVersionSummary>();
        foreach (var key in await templates.ListKeysAsync(cancellationToken))
        {
            list.AddRange((await templates.ListVersionsAsync(key, cancellationToken)).Select(Summary));
        }

        return Results.Ok(Paging.Whole<TemplateVersionSummary>(list));
    }

    /// <summary>Every version of one template.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 or 404.</returns>
    public async Task<IResult> ListVersionsAsync(Caller caller, string key, CancellationToken cancellationToken)
    {
        var versions = await templates.ListVersionsAsync(key, cancellationToken);
        return versions.Count == 0 ? ApiProblems.NotFound("template") : Results.Ok(Paging.Whole<TemplateVersionSummary>([.. versions.Select(Summary)]));
    }

    /// <summary>One version with its document and the validator's findings.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with an ETag, or 404.</returns>
    public async Task<IResult> GetVersionAsync(Caller caller, string key, int version, CancellationToken cancellationToken)
    {
        var stored = await templates.GetAsync(key, version, cancellationToken);
        return stored is null
            ? ApiProblems.NotFound("template version")
            : new WithETag(new TemplateVersionDetail(Summary(stored), stored.Version.Definition, Localized(TemplateValidator.Validate(stored.Version.Definition, Catalog)),
                Labels.For(stored.Version.Definition, Catalog)), stored.ETag);
    }

    /// <summary>Checks a document without storing it.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="document">The template JSON.</param>
    /// <returns>200 with every problem.</returns>
    public static IResult Validate(Caller caller, string document)
    {
        var template = TemplateJson.TryParse(document, out var parseProblems);
        var problems = template is null ? parseProblems : TemplateValidator.Validate(template, Catalog);
        return Results.Ok(new ValidationResponse(problems.Count == 0, Localized(problems)));
    }

    /// <summary>Creates the next version of a template as a draft. A document that cannot be read is refused; one that reads but breaks rules is kept as a draft with its problems listed.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="document">The template JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>201 with the draft, or 400.</returns>
    public async Task<IResult> CreateDraftAsync(Caller caller, string document, CancellationToken cancellationToken)
    {
        if (Parse(document) is not { } template)
        {
            return ParseProblem(document);
        }

        if (!TemplateKeyPattern(template.Key))
        {
            return ApiProblems.Invalid(new ApiError("key", "template.key", "小写字母、数字和“-”，2 到 50 个字符。", "Lower-case letters, digits and '-', 2 to 50 characters."));
        }

        var stored = await templates.CreateDraftAsync(template, caller!.AuditName, cancellationToken);
        return new CreatedWithETag($"/api/admin/templates/{template.Key}/versions/{stored.Version.Version}",
            new TemplateVersionDetail(Summary(stored), template, Localized(TemplateValidator.Validate(template, Catalog))), stored.ETag);
    }

    /// <summary>Replaces a draft's document.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="document">The template JSON.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, 400, 404, 409 (not a draft), 412 or 428.</returns>
    public async Task<IResult> EditDraftAsync(Caller caller, string key, int version, string? ifMatch, string document, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return ApiProblems.NeedsIfMatch();
        }

        if (Parse(document) is not { } template)
        {
            return ParseProblem(document);
        }

        if (template.Key != key)
        {
            return ApiProblems.Invalid(new ApiError("key", "template.keyMismatch", $"文档的键必须保持为“{key}”。", $"The document's key must stay '{key}'."));
        }

        return await ChangeAsync(key, version, ifMatch, expected => templates.EditDraftAsync(key, version, template, expected, caller!.AuditName, cancellationToken), cancellationToken);
    }

    /// <summary>Publishes a draft; it must pass validation.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The draft's version.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="body">Validity dates.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, 400, 404, 409, 412, 422 (invalid, with every problem) or 428.</returns>
    public async Task<IResult> PublishAsync(Caller caller, string key, int version, string? ifMatch, PublishRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return ApiProblems.NeedsIfMatch();
        }

        var from = body.ValidFrom?.ToUniversalTime() ?? time.GetUtcNow().UtcDateTime;
        if (body.ValidTo is { } to && to.ToUniversalTime() <= from)
        {
            return ApiProblems.Invalid(new ApiError("validTo", "field.range", "validTo 必须晚于 validFrom。", "validTo must be after validFrom."));
        }

        if (body.ConfirmChanges == true && string.IsNullOrWhiteSpace(body.Fingerprint))
        {
            return ApiProblems.Invalid(new ApiError("fingerprint", "field.required", "确认变更时须附上模拟结果的 fingerprint。", "Confirming changes needs the simulation's fingerprint."));
        }

        // A draft that would decide past applications differently is published only when that outcome is confirmed.
        var (outcome, _) = await simulation.SimulateAsync(key, version, null, null, cancellationToken);
        if (outcome is { Counts.ChangesDecisions: true } changes && (body.ConfirmChanges != true || body.Fingerprint != changes.Fingerprint))
        {
            return Unconfirmed(key, version, changes.Published, changes.Counts, changes.Fingerprint, body.ConfirmChanges == true);
        }

        var result = await ChangeAsync(key, version, ifMatch,
            expected => templates.PublishAsync(key, version, from, body.ValidTo?.ToUniversalTime(), Catalog, expected, caller!.AuditName, cancellationToken), cancellationToken);
        if (outcome is { Counts.ChangesDecisions: true } confirmed && result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK })
        {
            var c = confirmed.Counts;
            await audit.AppendAsync(new Audit.AuditEntry($"template:{key}", $"v{version}:template.changes.confirmed:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime,
                caller!.AuditName, "template.changes.confirmed", $"v{confirmed.Published}", $"v{version}",
                $"模拟 {c.Applications} 件申请：{c.Changed} 件有变化，新纳入 {c.NewlyIncluded} 项，不再纳入 {c.Dropped} 项，规则决定改变 {c.DecisionsFlipped} 项，时限变动 {c.TimeLimitsMoved} 项；指纹 {confirmed.Fingerprint}。",
                $"Simulated {c.Applications} applications: {c.Changed} changed, {c.NewlyIncluded} items newly included, {c.Dropped} dropped, {c.DecisionsFlipped} rule decisions flipped, {c.TimeLimitsMoved} time limits moved; fingerprint {confirmed.Fingerprint}."),
                cancellationToken);
        }

        return result;
    }

    static IResult Unconfirmed(string key, int version, int published, SimulationCounts counts, string fingerprint, bool stale) =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, "simulation.unconfirmed", new Workflows.Templates.LocalText("发布前须确认变更", "Changes to confirm before publishing"),
            stale
                ? new Workflows.Templates.LocalText(
                    $"{key} v{version} 的模拟结果已变化（现为 {counts.Applications} 件申请中 {counts.Changed} 件有变化）；请查看后用新的 fingerprint 再确认。",
                    $"The simulation of {key} v{version} has changed ({counts.Changed} of {counts.Applications} applications now change); review it and confirm with the new fingerprint.")
                : new Workflows.Templates.LocalText(
                    $"按 {key} v{version} 重新决定 v{published} 的申请：{counts.Applications} 件中 {counts.Changed} 件有变化（规则决定改变 {counts.DecisionsFlipped} 项，新纳入 {counts.NewlyIncluded} 项，不再纳入 {counts.Dropped} 项）。确认请带 confirmChanges 与 fingerprint 再发布。",
                    $"Deciding v{published}'s applications by {key} v{version}: {counts.Changed} of {counts.Applications} change ({counts.DecisionsFlipped} rule decisions flip, {counts.NewlyIncluded} items newly included, {counts.Dropped} dropped). Publish again with confirmChanges and the fingerprint to confirm."),
            new Dictionary<string, object?> { ["counts"] = counts, ["fingerprint"] = fingerprint, ["published"] = published });

    /// <summary>Retires a published version; applications on it go on, new ones cannot start on it.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="version">The version.</param>
    /// <param name="ifMatch">The If-Match header.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200, 404, 409, 412 or 428.</returns>
    public async Task<IResult> RetireAsync(Caller caller, string key, int version, string? ifMatch, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return ApiProblems.NeedsIfMatch();
        }

        return await ChangeAsync(key, version, ifMatch, expected => templates.RetireAsync(key, version, expected, caller!.AuditName, cancellationToken), cancellationToken);
    }

    /// <summary>What changed from one version to another.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="key">The template.</param>
    /// <param name="from">The older version.</param>
    /// <param name="to">The newer version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>200 with the changes, 400 or 404.</returns>
    public async Task<IResult> DiffAsync(Caller caller, string key, string? from, string? to, CancellationToken cancellationToken)
    {
        var errors = new List<ApiError>();
        if (!int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var a))
        {
            errors.Add(new ApiError("query:from", "query.invalid", "版本号。", "A version number."));
        }

        if (!int.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
        {
            errors.Add(new ApiError("query:to", "query.invalid", "版本号。", "A version number."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var older = await templates.GetAsync(key, a, cancellationToken);
        var newer = await templates.GetAsync(key, b, cancellationToken);
        if (older is null || newer is null)
        {
            return ApiProblems.NotFound("template version");
        }

        return Results.Ok(Paging.Whole<TemplateChange>(TemplateDiff.Between(TemplateJson.Write(older.Version.Definition), TemplateJson.Write(newer.Version.Definition))));
    }

    async Task<IResult> ChangeAsync(string key, int version, string ifMatch, Func<ETag, Task<StoredTemplateVersion>> change, CancellationToken cancellationToken)
    {
        if (await templates.GetAsync(key, version, cancellationToken) is not { } current)
        {
            return ApiProblems.NotFound("template version");
        }

        // "*" or the tag read names the current version; anything else is a stale read.
        var expected = ApiETags.Expected(ifMatch, current.ETag)!.Value;
        if (current.ETag != expected)
        {
            // Refused before the change starts: the store writes a draft's document before its ETag-guarded row.
            return ApiProblems.Changed($"{key} v{version} 已被他人修改；请重新加载后再试。", $"{key} v{version} was changed by someone else; reload it and try again.");
        }

        try
        {
            var stored = await change(expected);
            // A draft saved with problems is kept; the answer lists them, as a read of it would.
            return new WithETag(new TemplateVersionDetail(Summary(stored), stored.Version.Definition, Localized(TemplateValidator.Validate(stored.Version.Definition, Catalog))), stored.ETag);
        }
        catch (TemplateInvalidException ex)
        {
            return ApiProblems.Refused(ProblemCodes.TemplateInvalid, new Workflows.Templates.LocalText("模板违反规则；未作任何更改。", "The template breaks rules; nothing was changed."),
                [.. ex.Problems.Select(p => new ApiError(p.Path, p.Code, p.In(ApiLanguage.English)))]);
        }
        catch (TemplateLifecycleException ex)
        {
            return ApiProblems.Conflict("template.lifecycle", ex.Text.Zh, ex.Text.En);
        }
        catch (TemplateConcurrencyException ex)
        {
            return ApiProblems.Changed(ex.Text.Zh, ex.Text.En);
        }
    }

    static BundleTemplate? Parse(string document) => TemplateJson.TryParse(document, out _);

    static List<TemplateProblem> Localized(IReadOnlyList<TemplateProblem> problems) => [.. problems.Select(p => p.Localized())];

    static IResult ParseProblem(string document)
    {
        TemplateJson.TryParse(document, out var problems);
        return ApiProblems.Invalid([.. problems.Select(p => new ApiError(p.Path, p.Code, p.In(ApiLanguage.English)))]);
    }

    static bool TemplateKeyPattern(string key) =>
        key.Length is >= 2 and <= 50 && key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    static TemplateVersionSummary Summary(StoredTemplateVersion stored)
    {
        var v = stored.Version;
        return new TemplateVersionSummary(v.Key, v.Version, v.Status, v.Definition.Name, v.CreatedAt, v.CreatedBy, v.ValidFrom, v.ValidTo, ApiETags.ToHeader(stored.ETag));
    }

    /// <summary>Reads a raw template document body with the size limit; null body text means the problem to send.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The document or the problem.</returns>
    public static async Task<(string? Document, IResult? Problem)> ReadDocumentAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.UnsupportedMediaType("application/json"));
        }

        var (body, problem) = await ApiJson.ReadBodyAsync(request, MaxTemplateBytes, cancellationToken);
        return problem is not null ? (null, problem) : (Encoding.UTF8.GetString(body), null);
    }
}

/// <summary>A 201 with a Location, a JSON body and an ETag.</summary>
/// <param name="location">Where the new resource is.</param>
/// <param name="value">The body.</param>
/// <param name="etag">Its ETag.</param>
public sealed class CreatedWithETag(string location, object value, ETag etag) : IResult, IStatusCodeHttpResult
{
    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status201Created;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.Location = location;
        return new WithETag(value, etag, StatusCodes.Status201Created).ExecuteAsync(httpContext);
    }
}
