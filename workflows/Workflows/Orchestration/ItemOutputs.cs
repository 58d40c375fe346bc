using System.Security.Cryptography;
using System.Text;
using Workflows.Activities;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>
/// What an approved item issues: the values the decision gave, a number for each output it did not give, and the
/// certificates to record, each to its holder. Pure: the same instance and output give the same number, so a replay
/// or a step run again after a crash issues the same one.
/// </summary>
public static class ItemOutputs
{
    /// <summary>The outputs of an approval and the certificates to issue.</summary>
    /// <param name="input">The item's input: its definition, the application, its applicant and parties.</param>
    /// <param name="given">The outputs the decision gave (an outside system's, an officer's); kept as given.</param>
    /// <param name="instanceId">The item's instance id, from which the numbers are derived.</param>
    /// <param name="issuedAt">The orchestration time of the approval.</param>
    /// <returns>Every output by key (the given first, then the numbered in the item's order) and the certificates, null when none.</returns>
    public static (IReadOnlyDictionary<string, string> Outputs, IssueCertificatesInput? Certificates) Of(
        ItemInput input, IReadOnlyDictionary<string, string> given, string instanceId, DateTime issuedAt)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(given);
        var item = input.Item;
        var outputs = new Dictionary<string, string>(given, StringComparer.Ordinal);
        var certificates = new List<CertificateToIssue>();
        foreach (var output in item.Outputs)
        {
            if (!outputs.TryGetValue(output.Key, out var value))
            {
                value = Number(instanceId, output);
                outputs[output.Key] = value;
            }

            if (output.Kind == OutputKind.Certificate && output.LicenceType is { } type)
            {
                // A certificate of another party (the buyer's new title) is issued to them, not the applicant.
                certificates.Add(new CertificateToIssue(output.Key, output.Name, type, value,
                    output.Holder is { } holder ? BundleParty.HolderOf(input.Parties, holder, input.Applicant.Id) : null));
            }
        }

        return (outputs, certificates.Count == 0 ? null : new IssueCertificatesInput(
            input.ApplicationId, input.Applicant.Id, item.Key, item.Name, item.Department, issuedAt, certificates));
    }

    /// <summary>The number of an output, from the instance and the output alone (no clock).</summary>
    /// <param name="instanceId">The item's instance id.</param>
    /// <param name="output">The output.</param>
    /// <returns>Its prefix (or its key in capitals), a hyphen and 12 hex digits of a hash.</returns>
    public static string Number(string instanceId, OutputDefinition output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{instanceId}:{output.Key}"));
        return $"{output.NumberPrefix ?? output.Key.ToUpperInvariant()}-{Convert.ToHexString(hash, 0, 6)}";
    }
}
