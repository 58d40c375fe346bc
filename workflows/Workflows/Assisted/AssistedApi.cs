using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Assisted;

/// <summary>The citizen or company a member of staff files for.</summary>
/// <param name="Id">Their applicant id (the id they sign in with); the application is kept under it.</param>
/// <param name="Kind">citizen or company.</param>
/// <param name="Name">Their name.</param>
public sealed record AssistedApplicant(string Id, ApplicantKind Kind, string Name);

/// <summary>An application filed by staff on behalf of an applicant (帮办代办).</summary>
/// <param name="Applicant">Who it is for.</param>
/// <param name="Consent">The applicant's consent: a reference to the signed authorisation, or its text.</param>
/// <param name="TemplateKey">Which bundle.</param>
/// <param name="Answers">The form's answers.</param>
/// <param name="Materials">Materials; uploads must be the applicant's own.</param>
public sealed record AssistedSubmitRequest(AssistedApplicant Applicant, string Consent, string TemplateKey, Dictionary<string, JsonElement> Answers, List<MaterialProvision>? Materials = null);

/// <summary>Constants of assisted filing.</summary>
public static class AssistedFiling
{
    /// <summary>The department code of the demo service hall's helper.</summary>
    public const string HallDepartment = "service-hall";

    /// <summary>The audit action an assisted filing records.</summary>
    public const string AuditAction = "application.assisted";

    /// <summary>The audit step id (one per application).</summary>
    public const string AuditStep = "assisted";
}

/// <summary>
/// Assisted filing (帮办代办): an officer whose token carries <c>assist=true</c> files for a citizen or company.
/// The submission goes through <see cref="ApplicationService.SubmitAsync"/> with every check a self-filed one
/// gets, under the applicant's id (so it is theirs to track, rate and withdraw), and the audit trail records who
/// filed it for whom and on what consent.
/// </summary>
public sealed class AssistedApi(ApplicationService service, ApplicationStore store, AuditTrail audit, TimeProvider time)
{
    /// <summary>The longest applicant id.</summary>
    public const int MaxIdLength = Identifiers.MaxLength;

    /// <summary>The longest consent.</summary>
    public const int MaxConsent = 500;

    /// <summary>Refuses anyone but an officer with the assist grant, before the body is read.</summary>
    /// <param name="caller">The caller.</param>
    /// <returns>401, 403, or null when the caller may go on.</returns>
    public static IResult? Gate(Caller? caller) =>
        ApiGate.Check(caller, CallerRole.Officer) ?? (caller!.CanAssist ? null : ApiProblems.Forbidden());

    /// <summary>Files an application for an applicant.</summary>
    /// <param name="caller">The assisting officer.</param>
    /// <param name="body">The application.</param>
    /// <param name="idempotencyKey">The Idempotency-Key header, if sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202 (200 for a replay), 400, 404 for an unknown bundle, or 422 with the one notice.</returns>
    public async Task<IResult> SubmitAsync(Caller? caller, AssistedSubmitRequest body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Gate(caller) is { } denied)
        {
            return denied;
        }

        var errors = Validate(body, idempotencyKey);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var applicant = new Applicant(body.Applicant.Id, body.Applicant.Kind, body.Applicant.Name.Trim());
        // A key is the staff member's for this applicant: it can neither collide with the applicant's own keys nor another helper's.
        var applicationId = idempotencyKey is null ? $"app-{Guid.NewGuid():N}" : CitizenApi.IdFor($"assist:{caller!.Id}:{applicant.Id}", idempotencyKey);
        var result = await service.SubmitAsync(new SubmissionRequest(body.TemplateKey, applicant, body.Answers, body.Materials ?? []), applicationId, cancellationToken);
        if (result.IdempotencyConflict)
        {
            return ApiProblems.IdempotencyConflict();
        }

        if (!result.Accepted)
        {
            return result.Problems.Any(p => p.Code == "template.unknown")
                ? ApiProblems.NotFound("bundle")
                : ApiProblems.Refused("submission-refused", "The application cannot be accepted yet; everything missing is listed once.",
                    [.. result.Problems.Select(p => new ApiError(p.Path, p.Code, p.Message, p.Departments))]);
        }

        // One step per application, so a retried filing records it once.
        await audit.AppendAsync(new AuditEntry(applicationId, AssistedFiling.AuditStep, time.GetUtcNow().UtcDateTime, $"staff:{caller!.Id}", AssistedFiling.AuditAction,
            null, $"{ApplicantKindName(applicant.Kind)}:{applicant.Id}",
            $"Filed by staff {caller.Id} ({caller.Name}, {caller.Department}) for {applicant.Name} ({applicant.Id}); consent: {body.Consent.Trim()}"), cancellationToken);
        if (result.AlreadyAccepted)
        {
            var ledger = result.Ledger.Count > 0 ? result.Ledger : (await store.GetAsync(applicationId, cancellationToken))?.Materials ?? [];
            return Results.Ok(new SubmitResponse(applicationId, ledger, Replayed: true));
        }

        return Results.Accepted($"/api/applications/{applicationId}", new SubmitResponse(applicationId, result.Ledger, Replayed: false));
    }

    static List<ApiError> Validate(AssistedSubmitRequest body, string? idempotencyKey)
    {
        var errors = new List<ApiError>();
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > CitizenApi.MaxIdempotencyKeyLength || idempotencyKey.Any(c => c is < '!' or > '~')))
        {
            errors.Add(new ApiError("header:Idempotency-Key", "header.invalid", $"1 to {CitizenApi.MaxIdempotencyKeyLength} printable ASCII characters."));
        }

        if (!Identifiers.IsSafe(body.Applicant.Id))
        {
            errors.Add(new ApiError("applicant.id", "field.invalid", $"The applicant's id: {Identifiers.Rule}"));
        }

        if (string.IsNullOrWhiteSpace(body.Applicant.Name))
        {
            errors.Add(new ApiError("applicant.name", "field.required", "The applicant's name."));
        }
        else if (PersonText.Check("applicant.name", body.Applicant.Name, TextKind.Name) is { } badName)
        {
            errors.Add(badName);
        }

        if (string.IsNullOrWhiteSpace(body.Consent) || body.Consent.Length > MaxConsent)
        {
            errors.Add(new ApiError("consent", "field.required", $"The applicant's consent (a reference or its text), at most {MaxConsent} characters."));
        }

        if (string.IsNullOrWhiteSpace(body.TemplateKey))
        {
            errors.Add(new ApiError("templateKey", "field.required", "Name the bundle."));
        }

        var materials = body.Materials ?? [];
        for (var i = 0; i < materials.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(materials[i].Key))
            {
                errors.Add(new ApiError($"materials[{i}].key", "field.required", "Name the material."));
            }
        }

        errors.AddRange(materials.GroupBy(m => m.Key, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => new ApiError($"materials.{g.Key}", "material.duplicate", "Offer each material once.")));
        return errors;
    }

    static string ApplicantKindName(ApplicantKind kind) => kind == ApplicantKind.Company ? "company" : "citizen";
}
