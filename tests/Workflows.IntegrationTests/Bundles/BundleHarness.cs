using System.Diagnostics;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Notifications;
using Workflows.Templates;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>The engine on the Azure Storage provider in this process, with the services a test drives it through.</summary>
public sealed class BundleHarness : IAsyncDisposable
{
    readonly InProcessEngine engine;

    BundleHarness(InProcessEngine engine, TaskHubSettings hub)
    {
        this.engine = engine;
        Hub = hub;
    }

    /// <summary>The task hub, for tests that read or write the provider's own tables and queues.</summary>
    public TaskHubSettings Hub { get; }

    public DurableTaskClient Client => engine.Client;

    public ApplicationService Applications => engine.Services.GetRequiredService<ApplicationService>();

    public ApplicationStore Store => engine.Services.GetRequiredService<ApplicationStore>();

    public TaskStore Tasks => engine.Services.GetRequiredService<TaskStore>();

    public LicenceRegistry Licences => engine.Services.GetRequiredService<LicenceRegistry>();

    public AuditTrail Audit => engine.Services.GetRequiredService<AuditTrail>();

    public NotificationOutbox Outbox => engine.Services.GetRequiredService<NotificationOutbox>();

    public NotificationOutbox Notifications => Outbox;

    public IServiceProvider Services => engine.Services;

    /// <summary>Starts the engine; <paramref name="settings"/> are added to the hub's (e.g. <c>Sla:DayLength</c>).</summary>
    public static async Task<BundleHarness> StartAsync(StorageFixture storage, string prefix, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var hub = storage.NewHub(prefix);
        var configuration = hub.ToInProcessConfiguration(runWorker: true);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        return new BundleHarness(await InProcessEngine.StartAsync(configuration, services: services), hub);
    }

    /// <summary>Puts an electronic licence in the registry, as if issued earlier by another matter.</summary>
    public Task GiveLicenceAsync(string holderId, string licenceType, string number) =>
        Licences.IssueAsync(new LicenceRecord(holderId, licenceType, number, licenceType, "seed", null, null, DateTime.UtcNow, $"{holderId}/{licenceType}/{number}.json"), new { number });

    public MaterialUploads Uploads => engine.Services.GetRequiredService<MaterialUploads>();

    /// <summary>Uploads a small valid file for a material of a built-in template and returns its reference.</summary>
    public async Task<string> UploadAsync(string applicantId, string templateKey, string materialKey)
    {
        var material = BuiltInTemplates.Get(templateKey).Materials.Single(m => m.Key == materialKey);
        var type = material.Upload!.ContentTypes[0];
        byte[] head = type switch
        {
            "application/pdf" => "%PDF-1.7\n"u8.ToArray(),
            "image/jpeg" => [0xFF, 0xD8, 0xFF, 0xE0],
            "image/png" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            _ => "file"u8.ToArray(),
        };
        using var content = new MemoryStream([.. head, .. "test material"u8.ToArray()]);
        var (upload, problem) = await Uploads.UploadAsync(applicantId, material, type, content, expectedSha256: null);
        upload.ShouldNotBeNull(problem?.Message);
        return upload.Reference;
    }

    /// <summary>The seller's ID number the house-transfer requests use (their ID card is given with it).</summary>
    public const string SellerIdNumber = "310104198503152349";

    /// <summary>
    /// A house transfer as the buyer files it: both parties' licences given, the sale contract uploaded, the housing
    /// commitment made, the seller named as the party who must confirm (within five working days).
    /// </summary>
    public async Task<SubmissionRequest> HouseTransferRequestAsync(string buyer, string seller)
    {
        await GiveLicenceAsync(buyer, "id-card", $"ID-{buyer}");
        await GiveLicenceAsync(buyer, "marriage-certificate", $"MC-{buyer}");
        await GiveLicenceAsync(seller, "id-card", SellerIdNumber);
        await GiveLicenceAsync(seller, "property-certificate", $"BDC-OLD-{seller}");
        return new SubmissionRequest("house-transfer", new Applicant(buyer, ApplicantKind.Citizen, "王芳"),
            Answers(new
            {
                sellerName = "李建国", sellerIdNumber = SellerIdNumber, buyerName = "王芳", buyerIdNumber = "110105198001011238", buyerPhone = "13800138000",
                propertyAddress = "上海市徐汇区漕溪北路88弄5号1201室", propertyCertificateNumber = "沪(2019)徐汇区不动产权第012345号", contractNumber = "WQ-2026-000123",
                dealPrice = 3200000, buildingArea = 89.5m, houseType = "ordinary-residential", heldOverFiveYears = true, sellerOnlyHome = true, buyerFirstHome = true,
                waterAccountNumber = "310012345678", powerAccountNumber = "0012345678",
            }),
            [
                new MaterialProvision("saleContract", ProvisionKind.Upload, await UploadAsync(buyer, "house-transfer", "saleContract")),
                new MaterialProvision("housingStatusCommitment", ProvisionKind.Commitment),
            ],
            new Dictionary<string, PartyIdentity> { ["seller"] = new(seller, "李建国") });
    }

    public static IReadOnlyDictionary<string, JsonElement> Answers(object answers) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(answers))!;

    /// <summary>Waits until the department's list shows the item's decision task open.</summary>
    public async Task<TaskRecord> WaitForTaskAsync(string department, string applicationId, string itemKey, OfficerTaskStatus status = OfficerTaskStatus.Open)
    {
        var watch = Stopwatch.StartNew();
        var id = ItemOrchestrator.InstanceId(applicationId, itemKey);
        while (true)
        {
            if (await Tasks.GetAsync(department, id) is { } task && task.Status == status)
            {
                return task;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(90))
            {
                var bundle = await Client.GetInstanceAsync(applicationId, getInputsAndOutputs: true);
                var item = await Client.GetInstanceAsync(id, getInputsAndOutputs: true);
                throw new TimeoutException($"No {status} task for {id} in {department}. Bundle: {bundle?.RuntimeStatus} {bundle?.SerializedOutput} {bundle?.SerializedCustomStatus}. Item: {item?.RuntimeStatus} {item?.SerializedOutput}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Waits until an externally decided item has asked its outside system (its instance exists and waits for the
    /// callback), so a callback raised now is not sent to an instance that does not exist yet, and the application's
    /// first save is there (the callback route reads it; an item of the first wave may ask before it lands, and a
    /// system that answers then is told to send again).
    /// </summary>
    public async Task WaitForExternalRequestAsync(string applicationId, string itemKey)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var audit = await Audit.ReadAsync(applicationId);
            if (audit.Any(e => e.Action == "item.external.requested" && e.StepId.StartsWith($"{itemKey}:", StringComparison.Ordinal))
                && await Store.GetAsync(applicationId) is not null)
            {
                return;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(90))
            {
                var bundle = await Client.GetInstanceAsync(applicationId, getInputsAndOutputs: true);
                throw new TimeoutException($"{itemKey} of {applicationId} never asked its outside system. Bundle: {bundle?.RuntimeStatus} {bundle?.SerializedOutput} {bundle?.SerializedCustomStatus}");
            }

            await Task.Delay(200);
        }
    }

    public async Task<BundleOutcome> WaitForOutcomeAsync(string applicationId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        OrchestrationMetadata state;
        try
        {
            state = await Client.WaitForInstanceCompletionAsync(applicationId, getInputsAndOutputs: true, cts.Token);
        }
        catch (OperationCanceledException)
        {
            var bundle = await Client.GetInstanceAsync(applicationId, getInputsAndOutputs: true);
            throw new TimeoutException($"Application {applicationId} did not end: {bundle?.RuntimeStatus} {bundle?.SerializedCustomStatus}");
        }

        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, state.SerializedOutput);
        return state.ReadOutputAs<BundleOutcome>()!;
    }

    /// <summary>Sends a message to an instance's current execution through the provider's own API, as a dead host's
    /// message would arrive: a completion of a lost run (ADR 0027).</summary>
    public async Task DeliverAsync(string instanceId, DurableTask.Core.History.HistoryEvent message)
    {
        var rows = await TaskHubHistory.EventsAsync(Hub, instanceId);
        var execution = rows.First(r => r.GetString("EventType") == nameof(DurableTask.Core.History.EventType.ExecutionStarted)).GetString("ExecutionId");
        await engine.Services.GetRequiredService<DurableTask.AzureStorage.AzureStorageOrchestrationService>().SendTaskOrchestrationMessageAsync(new DurableTask.Core.TaskMessage
        {
            OrchestrationInstance = new DurableTask.Core.OrchestrationInstance { InstanceId = instanceId, ExecutionId = execution },
            Event = message,
        });
    }

    public ValueTask DisposeAsync() => engine.DisposeAsync();
}
