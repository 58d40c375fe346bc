using Microsoft.DurableTask;
using Workflows.Licences;

namespace Workflows.Activities;

/// <summary>One certificate an approved item issues.</summary>
/// <param name="OutputKey">The item's output key.</param>
/// <param name="Name">The certificate's name.</param>
/// <param name="LicenceType">Its licence type.</param>
/// <param name="Number">Its number, computed by the orchestrator from the instance, so re-runs issue the same number.</param>
public sealed record CertificateToIssue(string OutputKey, string Name, string LicenceType, string Number);

/// <summary>Input of <see cref="IssueCertificatesActivity"/>.</summary>
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

/// <summary>
/// Stores each certificate as a document and records it in the electronic licence registry, where later items
/// and later applications find it instead of asking for an upload. Numbers come from the orchestrator, so a
/// re-run writes the same blob and finds the row already there.
/// </summary>
public sealed class IssueCertificatesActivity(LicenceRegistry registry) : TaskActivity<IssueCertificatesInput, int>
{
    /// <inheritdoc />
    public override async Task<int> RunAsync(TaskActivityContext context, IssueCertificatesInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var issued = 0;
        foreach (var certificate in input.Certificates)
        {
            var licence = new LicenceRecord(
                input.HolderId,
                certificate.LicenceType,
                certificate.Number,
                certificate.Name,
                input.Department,
                input.ApplicationId,
                input.ItemKey,
                input.IssuedAt,
                $"{input.HolderId}/{certificate.LicenceType}/{certificate.Number}.json");
            var document = new
            {
                certificate.Name,
                certificate.Number,
                certificate.LicenceType,
                Holder = input.HolderId,
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
