using Microsoft.DurableTask;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;

namespace Workflows.Activities;

/// <summary>One certificate an approved item issues.</summary>
/// <param name="OutputKey">The item's output key.</param>
/// <param name="Name">The certificate's name.</param>
/// <param name="LicenceType">Its licence type.</param>
/// <param name="Number">Its number, computed by the orchestrator from the instance, so re-runs issue the same number.</param>
/// <param name="HolderId">Who receives it when it is not <see cref="IssueCertificatesInput.HolderId"/> (another party of the
/// application, such as the buyer); null for that holder.</param>
public sealed record CertificateToIssue(string OutputKey, string Name, string LicenceType, string Number, string? HolderId = null);

/// <summary>The certificates an approved item issues, part of <see cref="FinishItemInput"/>.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="HolderId">Who receives the certificates.</param>
/// <param name="ItemKey">The issuing item.</param>
/// <param name="ItemName">The item's name.</param>
/// <param name="Department">The issuing department.</param>
/// <param name="IssuedAt">Orchestration time of the approval.</param>
/// <param name="Certificates">What to issue.</param>
public sealed record IssueCertificatesInput(
    string ApplicationId,
    string HolderId,
    string ItemKey,
    string ItemName,
    string Department,
    DateTime IssuedAt,
    IReadOnlyList<CertificateToIssue> Certificates);

/// <summary>Input of <see cref="FinishItemActivity"/>: everything an item writes when it ends.</summary>
/// <param name="Certificates">What an approved item issues; null when it issues nothing.</param>
/// <param name="Tasks">Tasks to write: its decision task's last state, the verification of a commitment it was approved on.</param>
/// <param name="Audit">Its audit entries not written yet, its outcome last.</param>
/// <param name="Notifications">What to tell people about the outcome; none when null.</param>
/// <param name="Ending">What an approved item ends in its applicant's licences (revokes, supersedes); none when null.</param>
/// <param name="MoreEndings">What it ends in other parties' licences (the seller's title superseded); none when null.</param>
/// <param name="ApplicationId">The application, with <paramref name="Result"/>; null from items that finished before results were kept.</param>
/// <param name="Result">The result the item ends with, kept for its bundle should the engine lose the item's completion (ADR 0027).</param>
public sealed record FinishItemInput(
    IssueCertificatesInput? Certificates, IReadOnlyList<TaskRecord> Tasks, IReadOnlyList<AuditEntry> Audit, IReadOnlyList<Notification>? Notifications = null,
    LicenceEnding? Ending = null, IReadOnlyList<LicenceEnding>? MoreEndings = null, string? ApplicationId = null, ItemResult? Result = null);

/// <summary>
/// Ends an item in one activity (each activity costs the task hub several storage requests): ends the licences its
/// approval revokes or supersedes, issues its certificates, writes its tasks (<see cref="ItemEndWrites"/>), then its
/// audit, so the trail shows the outcome only once its effects exist. Every write is idempotent: the audit names every
/// licence this item ended, on this run or an earlier one, under a step id of its own; audit steps are added once.
/// </summary>
public sealed class FinishItemActivity(ItemEndWrites ends, AuditTrail trail, Notifier notifier, ItemResultStore results) : TaskActivity<FinishItemInput, int>
{
    /// <inheritdoc />
    /// <returns>How many certificates this run recorded (a re-run finds them recorded).</returns>
    public override async Task<int> RunAsync(TaskActivityContext context, FinishItemInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (ended, issued) = await ends.WriteAsync(input);
        await trail.AppendAsync([.. ended, .. input.Audit]);
        await notifier.NotifyAsync(input.Notifications ?? []);
        // Last: a result found stored means everything above is written too.
        if (input is { ApplicationId: { } applicationId, Result: { } result })
        {
            await results.RecordAsync(applicationId, result);
        }

        return issued;
    }
}

/// <summary>
/// What an item's end writes before its audit: the licences its approval ends, its certificates and its tasks. Every
/// write is idempotent: a licence already ended stays as it ended (the first end stands); certificate numbers come from
/// the orchestrator, so a re-run writes the same blob and finds the licence row there; the decision task is written
/// only over an older step, a verification only if absent.
/// </summary>
public sealed class ItemEndWrites(LicenceRegistry registry, TaskStore tasks)
{
    /// <summary>Writes the item's endings, certificates and tasks.</summary>
    /// <param name="input">What the item ends with.</param>
    /// <returns>An audit entry per licence the item ended (on this run or one before it), and how many certificates this run recorded.</returns>
    public async Task<(IReadOnlyList<AuditEntry> Ended, int Issued)> WriteAsync(FinishItemInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var ended = new List<AuditEntry>();
        foreach (var ending in new[] { input.Ending }.Concat(input.MoreEndings ?? []).OfType<LicenceEnding>())
        {
            ended.AddRange(await EndAsync(ending));
        }

        var issued = input.Certificates is { } certificates ? await IssueAsync(certificates) : 0;
        foreach (var task in input.Tasks)
        {
            // A verification is created here and closed by an officer: created once, never written over.
            await (TaskKinds.CreatedOnce(task.Kind) ? tasks.CreateAsync(task) : tasks.SaveAsync(task));
        }

        return (ended, issued);
    }

    // Ends what the ending names, then reads back every licence this item ended (on this run or one before it that
    // stopped short of the audit), so each gets its audit entry exactly once.
    async Task<IReadOnlyList<AuditEntry>> EndAsync(LicenceEnding ending)
    {
        await registry.EndAsync(ending);
        return [.. (await registry.HistoryAsync(ending.HolderId))
            .Where(l => l.End is { } end && end.ApplicationId == ending.ApplicationId && end.ItemKey == ending.ItemKey)
            .OrderBy(l => l.Licence.LicenceType, StringComparer.Ordinal).ThenBy(l => l.Licence.Number, StringComparer.Ordinal)
            .Select(l => new AuditEntry(ending.ApplicationId, $"{ending.ItemKey}:licence:{l.Licence.LicenceType}:{l.Licence.Number}", l.End!.At, "engine",
                $"licence.{l.Status.ToString().ToLowerInvariant()}", nameof(LicenceStatus.Held), l.Status.ToString(), $"{l.Licence.LicenceType} {l.Licence.Number}"))];
    }

    // Stores each certificate as a document and records it in the electronic licence registry, where later items
    // and later applications find it instead of asking for an upload.
    async Task<int> IssueAsync(IssueCertificatesInput input)
    {
        var issued = 0;
        foreach (var certificate in input.Certificates)
        {
            var holder = certificate.HolderId ?? input.HolderId;
            var licence = new LicenceRecord(
                holder,
                certificate.LicenceType,
                certificate.Number,
                certificate.Name,
                input.Department,
                input.ApplicationId,
                input.ItemKey,
                input.IssuedAt,
                LicenceRegistry.BlobNameFor(holder, certificate.LicenceType, certificate.Number));
            var document = new
            {
                certificate.Name,
                certificate.Number,
                certificate.LicenceType,
                Holder = holder,
                IssuedBy = input.Department,
                Matter = input.ItemName,
                input.ApplicationId,
                input.IssuedAt,
            };
            if (await registry.IssueAsync(licence, document))
            {
                issued++;
            }
        }

        return issued;
    }
}
