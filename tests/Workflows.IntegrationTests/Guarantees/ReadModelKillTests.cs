using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;
using Workflows.Testing;
using Xunit.Abstractions;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Many newborn bundles on a real server process SIGKILLed at random (seeded) moments while officers decide through
/// the officer API in another process (this one), as the local server's API would. Once every bundle has ended and
/// every message a dead host held has come back, what people see is compared with the engine's final state: every
/// application's read model, every task and the department's lists, every notification. Zero stale rows, zero
/// decisions answered 202 and dropped, zero duplicate notifications; the time from each 202 to the item acting on it
/// is measured and bounded.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class ReadModelKillTests(StorageFixture storage, ITestOutputHelper output)
{
    const int Seed = 14;
    const int Applications = 16;
    const int Kills = 5;
    const string Hospital = "hospital";
    const string BirthCertificate = "birth-certificate";
    static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);

    // A decision is acted on within one redelivery interval and one sweep after its 202, plus the time a killed host's
    // work takes to come back (visibility and lease) and the restart itself.
    static readonly TimeSpan DecisionBound = PendingDecision.RedeliverAfter + PendingDecision.SweepEvery + TaskHubSettings.TestRecoveryWindow * 2 + TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Hosts_KilledAtRandomWhileOfficersDecide_ReadModelsTasksAndNotificationsMatchTheEngine()
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(Seed);
        var hub = storage.NewHub("rmk");
        await using var client = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
        var services = client.Services;
        var service = services.GetRequiredService<ApplicationService>();
        var tasks = services.GetRequiredService<TaskStore>();
        var applications = services.GetRequiredService<ApplicationStore>();
        var outbox = services.GetRequiredService<NotificationOutbox>();
        var audit = services.GetRequiredService<AuditTrail>();
        var officers = ActivatorUtilities.CreateInstance<OfficerApi>(services, service, client.Client);
        var ids = Enumerable.Range(0, Applications).Select(i => $"rmk-{i}").ToList();
        // Seeded: which applications the hospital approves, which it rejects.
        var approve = ids.ToDictionary(id => id, _ => random.Next(3) > 0, StringComparer.Ordinal);
        foreach (var id in ids)
        {
            await SubmitAsync(services, id);
        }

        var configuration = hub.ToConfiguration(workerId: "host-a");
        var host = EngineProcess.Start("host-0", configuration);
        await host.WaitUntilReadyAsync(Ready);

        // Officers read the list and decide whatever is open, without pause, throughout the kills and restarts.
        var accepted = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        using var stopOfficers = new CancellationTokenSource();
        var refused = 0;
        var officerLoop = Task.Run(async () =>
        {
            while (!stopOfficers.IsCancellationRequested && accepted.Count < Applications)
            {
                foreach (var id in ids.Where(i => !accepted.ContainsKey(i)))
                {
                    var taskId = ItemOrchestrator.InstanceId(id, BirthCertificate);
                    if (await tasks.GetStoredAsync(Hospital, taskId) is not { Task.Status: OfficerTaskStatus.Open, PendingDecision: null } stored)
                    {
                        continue;
                    }

                    var body = approve[id] ? new DecisionRequest(DecisionKind.Approve, "核对无误") : new DecisionRequest(DecisionKind.Reject, "出生信息与医院记录不符");
                    var answer = await officers.DecideAsync(Officer(id), taskId, stored.ETag.ToString(), body, CancellationToken.None);
                    if ((answer as IStatusCodeHttpResult)?.StatusCode == StatusCodes.Status202Accepted)
                    {
                        accepted[id] = DateTimeOffset.UtcNow;
                    }
                    else
                    {
                        Interlocked.Increment(ref refused);
                    }
                }

                await Task.Delay(100);
            }
        });

        // Kills spread over the officers' work, each at a seeded moment after a share of the decisions was taken: in
        // the items' first steps, in the bursts decisions set off, in recovery itself.
        var lastKill = DateTimeOffset.UtcNow;
        for (var kill = 1; kill <= Kills; kill++)
        {
            var share = kill * Applications / (Kills + 1);
            var waited = Stopwatch.StartNew();
            while (accepted.Count < share && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 1500)));
            host.Kill();
            lastKill = DateTimeOffset.UtcNow;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kill {kill} at {watch.Elapsed.TotalSeconds:F1} s; {accepted.Count} decisions accepted so far"));
            await host.DisposeAsync();
            host = EngineProcess.Start($"host-{kill}", configuration);
            await host.WaitUntilReadyAsync(Ready);
        }

        await using var last = host;
        var outcomes = new Dictionary<string, BundleOutcome>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                var state = await client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
                state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, $"{id}: {state.FailureDetails?.ErrorMessage ?? state.SerializedOutput}");
                outcomes[id] = state.ReadOutputAs<BundleOutcome>()!;
            }
            catch (OperationCanceledException)
            {
                var stored = await tasks.GetStoredAsync(Hospital, ItemOrchestrator.InstanceId(id, BirthCertificate));
                throw new TimeoutException($"{id} did not end: its task {stored?.Task.Status}, mark {stored?.PendingDecision}, 202 {accepted.ContainsKey(id)}\n{last.Output}");
            }
        }

        await stopOfficers.CancelAsync();
        await officerLoop;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"every bundle ended at {watch.Elapsed.TotalSeconds:F1} s; {refused} decision attempts refused (412/409 while the task moved)"));

        // Every message a dead host held comes back within the recovery window: let any late re-run land before comparing.
        var settle = lastKill + (TaskHubSettings.TestRecoveryWindow * 2) - DateTimeOffset.UtcNow;
        if (settle > TimeSpan.Zero)
        {
            await Task.Delay(settle);
        }

        var stale = new List<string>();
        var dropped = new List<string>();
        var duplicates = new List<string>();
        var applied = new List<TimeSpan>();
        var departmentNotices = await outbox.ListAsync(RecipientKind.Department, Hospital, max: 1000);
        foreach (var id in ids)
        {
            var outcome = outcomes[id];
            var expected = ToApplicationStatus(outcome.Status);
            var decided = outcome.Items.Single(i => i.ItemKey == BirthCertificate);

            // The application's read model says what the engine ended with.
            var record = await applications.GetAsync(id);
            if (record is null || record.Status != expected)
            {
                stale.Add($"{id}: application {record?.Status} where the engine ended {expected}");
            }

            foreach (var item in outcome.Items)
            {
                var view = record?.Items.SingleOrDefault(v => v.Key == item.ItemKey);
                if (view is null || view.State != item.State || view.DecidedBy != item.DecidedBy)
                {
                    stale.Add($"{id}: item {item.ItemKey} shows {view?.State} by {view?.DecidedBy}, the engine {item.State} by {item.DecidedBy}");
                }
            }

            // The task is closed with the item's outcome and carries no decision still on its way.
            var task = await tasks.GetStoredAsync(Hospital, ItemOrchestrator.InstanceId(id, BirthCertificate));
            if (task is null || task.Task.Status != OfficerTaskStatus.Closed || task.Task.Outcome != decided.State.ToString() || task.PendingDecision is not null)
            {
                stale.Add($"{id}: task {task?.Task.Status} {task?.Task.Outcome} mark {task?.PendingDecision}, the item {decided.State}");
            }

            // The decision answered 202 is the one the item acted on.
            var kind = approve[id] ? ItemState.Approved : ItemState.Rejected;
            if (!accepted.TryGetValue(id, out var at) || decided.DecidedBy != $"officer:{Officer(id).Id}" || decided.State != kind)
            {
                dropped.Add($"{id}: 202 {accepted.ContainsKey(id)}, the item {decided.State} by {decided.DecidedBy}");
            }
            else
            {
                var acted = (await audit.ReadAsync(id)).Where(e => e.Actor == decided.DecidedBy && e.Action == $"item.{decided.State.ToString().ToLowerInvariant()}")
                    .Select(e => (DateTime?)e.At).Min();
                if (acted is { } actedAt)
                {
                    applied.Add(DateTime.SpecifyKind(actedAt, DateTimeKind.Utc) - at.UtcDateTime);
                }
                else
                {
                    dropped.Add($"{id}: no audit entry of the decision's outcome");
                }
            }

            // One notification per thing to tell: the applicant's per (topic, item), the department's new task once.
            var mine = await outbox.ListAsync(RecipientKind.Applicant, Applicant(id), max: 1000);
            duplicates.AddRange(mine.GroupBy(n => (n.Notification.Topic, n.Notification.ItemKey, n.Notification.Title)).Where(g => g.Count() > 1)
                .Select(g => $"{id}: {g.Count()} x {g.Key.Topic} {g.Key.ItemKey} ({string.Join(", ", g.Select(n => n.Notification.Id))})"));
            var newTasks = departmentNotices.Count(n => n.Notification.ApplicationId == id && n.Notification.Topic == NotificationTopics.NewTask && n.Notification.ItemKey == BirthCertificate);
            if (newTasks != 1)
            {
                duplicates.Add($"{id}: the hospital was told of its task {newTasks} times");
            }
        }

        // The department's lists hold none of these tasks as open or waiting, and each once as closed.
        var open = (await tasks.ListAsync(Hospital, OfficerTaskStatus.Open)).Concat(await tasks.ListAsync(Hospital, OfficerTaskStatus.AwaitingApplicant))
            .Where(t => ids.Contains(t.ApplicationId)).ToList();
        stale.AddRange(open.Select(t => $"{t.ApplicationId}: listed as {t.Status} though closed"));
        var closed = (await tasks.ListAsync(Hospital, OfficerTaskStatus.Closed)).Where(t => ids.Contains(t.ApplicationId)).ToList();
        closed.Count.ShouldBe(Applications, "each closed task listed once");
        (await applications.ListIdsByTemplateAsync("newborn", ApplicationStatus.InProgress)).Intersect(ids).ShouldBeEmpty("the by-template index shows an ended application in progress");

        var slowest = applied.Count == 0 ? TimeSpan.Zero : applied.Max();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decisions applied after their 202: max {slowest.TotalSeconds:F1} s, median {(applied.Count == 0 ? 0 : applied.Order().ElementAt(applied.Count / 2).TotalSeconds):F1} s over {applied.Count}; checked at {watch.Elapsed.TotalSeconds:F1} s"));
        stale.ShouldBeEmpty("stale rows");
        dropped.ShouldBeEmpty("decisions answered 202 and dropped");
        duplicates.ShouldBeEmpty("duplicate notifications");
        slowest.ShouldBeLessThan(DecisionBound);
    }

    static ApplicationStatus ToApplicationStatus(BundleStatus status) => status switch
    {
        BundleStatus.Completed => ApplicationStatus.Completed,
        BundleStatus.PartiallyCompleted => ApplicationStatus.PartiallyCompleted,
        BundleStatus.Withdrawn => ApplicationStatus.Withdrawn,
        BundleStatus.Cancelled => ApplicationStatus.Cancelled,
        _ => ApplicationStatus.Rejected,
    };

    static string Applicant(string applicationId) => $"citizen-{applicationId}";

    static Caller Officer(string applicationId) => new($"officer-{applicationId}", "赵医生", CallerRole.Officer, Department: Hospital);

    // Every licence the newborn bundle can use is held, so rules decide the other items and the hospital decides one.
    static async Task SubmitAsync(IServiceProvider services, string id)
    {
        var applicant = Applicant(id);
        var registry = services.GetRequiredService<LicenceRegistry>();
        foreach (var (type, number) in new[] { ("id-card", $"ID-{applicant}"), ("household-register", $"HR-{applicant}"), ("marriage-certificate", $"MC-{applicant}") })
        {
            await registry.IssueAsync(new LicenceRecord(applicant, type, number, type, "seed", null, null, DateTime.UtcNow, $"{applicant}/{type}/{number}.json"), new { number });
        }

        var photo = BuiltInTemplates.Get("newborn").Materials.Single(m => m.Key == "babyPhoto");
        using var content = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, .. "newborn photo"u8.ToArray()]);
        var (upload, problem) = await services.GetRequiredService<MaterialUploads>().UploadAsync(applicant, photo, "image/jpeg", content, expectedSha256: null);
        upload.ShouldNotBeNull(problem?.Message);
        var result = await services.GetRequiredService<ApplicationService>().SubmitAsync(
            Bundles.NewbornBundleTests.Request(applicant, materials: [new MaterialProvision("babyPhoto", ProvisionKind.Upload, upload.Reference)]), id);
        result.Accepted.ShouldBeTrue(string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
    }
}
