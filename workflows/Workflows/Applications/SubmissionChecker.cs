using Workflows.Calendar;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Templates;

namespace Workflows.Applications;

/// <summary>
/// The whole check of a submission against a template: the planner's rules with the applicant's licences, and every
/// cited upload being the applicant's own. Submitting, confirming a proactive application (in the API, to answer at
/// once) and the proactive orchestration's own check (in an activity) all use this one check.
/// </summary>
public sealed class SubmissionChecker(LicenceRegistry licences, MaterialUploads uploads)
{
    /// <summary>Checks a submission.</summary>
    /// <param name="template">The template version it will be pinned to.</param>
    /// <param name="request">The submission.</param>
    /// <param name="now">Acceptance time.</param>
    /// <param name="clock">The pinned SLA clock for deferral deadlines; weekends-only when null.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The plan (with every problem) and the licence types the applicant holds.</returns>
    public async Task<(SubmissionPlan Plan, IReadOnlyList<string> HeldLicences)> CheckAsync(
        BundleTemplate template, SubmissionRequest request, DateTime now, SlaClock? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(request);
        var history = await licences.HistoryAsync(request.Applicant.Id, cancellationToken);
        var held = history.Where(l => l.Status == LicenceStatus.Held).Select(l => l.Licence.LicenceType).ToHashSet(StringComparer.Ordinal);
        // Each party's own licences (the seller's title, the parents' ID cards), read for every id the submission could
        // name for a declared role: the named ones with a safe id and the applicant standing in for one.
        var partyLicences = new Dictionary<string, IReadOnlyList<LicenceRecord>>(StringComparer.Ordinal)
        {
            [request.Applicant.Id] = [.. history.Where(l => l.Status == LicenceStatus.Held).Select(l => l.Licence)],
        };
        var declared = (template.Parties ?? []).Select(p => p.Role).ToHashSet(StringComparer.Ordinal);
        foreach (var (_, party) in (request.Parties ?? new Dictionary<string, PartyIdentity>()).Where(p => declared.Contains(p.Key) && p.Value is not null))
        {
            if (Api.Identifiers.IsSafe(party.Id) && !partyLicences.ContainsKey(party.Id))
            {
                partyLicences[party.Id] = [.. (await licences.HistoryAsync(party.Id, cancellationToken)).Where(l => l.Status == LicenceStatus.Held).Select(l => l.Licence)];
            }
        }

        var plan = SubmissionPlanner.Plan(template, request, held, now, clock, partyLicences);
        var problems = plan.Problems.Concat(StillHeld(template, history, held)).Concat(await CheckUploadsAsync(request, cancellationToken)).ToList();
        return (plan with { Problems = problems }, [.. held]);
    }

    // A bundle whose purpose is done is refused in the one notice: the applicant no longer holds a licence the template
    // requires (a company deregistered has no business licence), and the notice says when and by what it ended; or holds
    // one it refuses.
    static IEnumerable<SubmissionProblem> StillHeld(BundleTemplate template, IReadOnlyList<LicenceStanding> history, HashSet<string> held)
    {
        foreach (var type in (template.RequiresLicences ?? []).Where(t => !held.Contains(t)))
        {
            var (name, nameEn) = Names(type);
            var last = history.Where(l => l.Licence.LicenceType == type && l.End is not null).MaxBy(l => l.End!.At)?.End;
            yield return last is null
                ? SubmissionProblem.Of($"applicant.licences.{type}", "applicant.licence.missing",
                    $"申请人未持有{name}，不能办理这件事。", $"The applicant holds no {nameEn}, which this bundle needs.")
                : SubmissionProblem.Of($"applicant.licences.{type}", "applicant.licence.ended",
                    $"申请人的{name}已于 {last.At:yyyy-MM-dd} {(last.Status == LicenceStatus.Superseded ? "被替代" : "注销")}（{last.Reason.TrimEnd('。')}），这件事已经办过，不能再次申请。",
                    $"The applicant's {nameEn} was {last.Status.ToString().ToLowerInvariant()} on {last.At:yyyy-MM-dd} ({(last.ReasonEn ?? last.Reason).TrimEnd('.')}): this bundle's purpose is already done.");
        }

        // The other way round: holding what the bundle issues means it was done (a retiree already holds the pension approval).
        foreach (var type in (template.RefusesLicences ?? []).Where(held.Contains))
        {
            var (name, nameEn) = Names(type);
            var since = history.Where(l => l.Licence.LicenceType == type && l.Status == LicenceStatus.Held).Min(l => (DateTime?)l.Licence.IssuedAt);
            yield return SubmissionProblem.Of($"applicant.licences.{type}", "applicant.licence.held",
                $"申请人已持有{name}{(since is { } s ? $"（{s:yyyy-MM-dd} 签发）" : "")}，这件事已经办过，不能再次申请。",
                $"The applicant already holds a {nameEn}{(since is { } e ? $" (issued {e:yyyy-MM-dd})" : "")}: this bundle's purpose is already done.");
        }
    }

    // A licence type's name in both languages, from the catalog (its code when the catalog does not know it).
    static (string Name, string NameEn) Names(string type)
    {
        var known = BuiltInTemplates.Catalog.FindLicenceType(type);
        return (known?.Name ?? type, known?.NameEn ?? known?.Name ?? type);
    }

    // Every cited upload must exist, belong to the applicant and have been uploaded for that material.
    async Task<IReadOnlyList<SubmissionProblem>> CheckUploadsAsync(SubmissionRequest request, CancellationToken cancellationToken)
    {
        var problems = new List<SubmissionProblem>();
        foreach (var provision in request.Materials.Where(m => m.Kind == ProvisionKind.Upload && !string.IsNullOrWhiteSpace(m.Reference)))
        {
            var upload = await uploads.GetAsync(request.Applicant.Id, provision.Reference!, cancellationToken);
            if (upload is null || upload.MaterialKey != provision.Key)
            {
                problems.Add(SubmissionProblem.Of($"materials.{provision.Key}", "material.upload.unknown",
                    "所引用的上传文件不存在，或不是您为此材料上传的；请重新上传。",
                    "The cited upload does not exist or was not uploaded by you for this material; upload the file again."));
            }
        }

        return problems;
    }
}
