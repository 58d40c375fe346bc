using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Workflows.Applications;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Server;

/// <summary>
/// The newborn bundle end to end, as <c>./run.sh</c> shows it until the HTTP API lands: a mother applies once,
/// the hospital's officer approves the birth certificate, rules decide the other four items at once, and the
/// certificates land in her licence registry.
/// </summary>
internal sealed class BundleDemo(
    ApplicationService applications, TaskStore tasks, LicenceRegistry licences, MaterialUploads uploads, DurableTaskClient client, TemplateStore templates)
{
    public async Task<bool> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var applicant = new Applicant($"demo-mother-{run}", ApplicantKind.Citizen, "王芳");
        var template = (await templates.GetPublishedAsync("newborn", cancellationToken))!;
        await output.WriteLineAsync($"Bundle: {template.Template.Name} (v{template.Version}), {template.Template.Items.Count} items");

        // Her ID card, household register and marriage certificate were issued electronically before.
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await licences.IssueAsync(new LicenceRecord(applicant.Id, type, $"{type}-{run}", type, "earlier", null, null, DateTime.UtcNow, $"{applicant.Id}/{type}.json"), new { type }, cancellationToken);
        }

        var photo = template.Template.Materials.Single(m => m.Key == "babyPhoto");
        using var jpeg = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46]);
        var (upload, _) = await uploads.UploadAsync(applicant.Id, photo, "image/jpeg", jpeg, null, cancellationToken);

        var answers = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(new
        {
            babyName = "王小明", babySex = "male", babyBirthDate = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            birthPlace = "市第一人民医院", motherName = "王芳", motherIdNumber = "11010519491231002X", settleWith = "mother",
            registrationAddress = "市中心区人民路1号", guardianPhone = "13800138000", parentInsuredLocally = true, applyCardWithBank = false,
        }))!;
        var applicationId = $"demo-newborn-{run}";
        var watch = Stopwatch.StartNew();
        var submitted = await applications.SubmitAsync(
            new SubmissionRequest("newborn", applicant, answers, [new MaterialProvision("babyPhoto", ProvisionKind.Upload, upload!.Reference)]), applicationId, cancellationToken);
        await output.WriteLineAsync($"Submitted {applicationId}: accepted={submitted.Accepted}; materials: {string.Join(", ", submitted.Ledger.Select(m => $"{m.Key}={m.Status}"))}");
        if (!submitted.Accepted)
        {
            foreach (var problem in submitted.Problems)
            {
                await output.WriteLineAsync($"  {problem.Path}: {problem.Message}");
            }

            return false;
        }

        var taskId = ItemOrchestrator.InstanceId(applicationId, "birth-certificate");
        while (await tasks.GetAsync("hospital", taskId, cancellationToken) is not { Status: OfficerTaskStatus.Open })
        {
            await Task.Delay(200, cancellationToken);
        }

        await output.WriteLineAsync($"The hospital's task list shows {taskId}; the officer approves it.");
        await applications.DecideAsync(applicationId, "birth-certificate", new OfficerDecided(DecisionKind.Approve, "officer-hospital-1"), cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var state = await client.WaitForInstanceCompletionAsync(applicationId, getInputsAndOutputs: true, timeout.Token);
        var outcome = state.ReadOutputAs<BundleOutcome>()!;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Bundle {outcome.Status} in {watch.ElapsedMilliseconds} ms:"));
        foreach (var item in outcome.Items)
        {
            await output.WriteLineAsync($"  {item.ItemKey,-26} {item.State,-9} by {item.DecidedBy,-28} {string.Join(", ", item.Outputs.Select(o => $"{o.Key}={o.Value}"))}");
        }

        var held = await licences.ListAsync(applicant.Id, cancellationToken);
        await output.WriteLineAsync($"Her electronic licences now: {string.Join(", ", held.Select(l => l.LicenceType).Order(StringComparer.Ordinal))}");
        return outcome.Status == BundleStatus.Completed;
    }
}
