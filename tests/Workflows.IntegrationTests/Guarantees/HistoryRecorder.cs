using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Calendar;
using Workflows.IntegrationTests.Bundles;
using Workflows.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// What every history recorder shares (ADR 0029): an engine over Azurite with a short working day, and the copy of an
/// instance's rows from the provider's history table into a fixture the unit tier replays. A recorder exists only
/// while <see cref="Folder"/> is named (<see cref="RecordingFactAttribute"/>); each writes into its own subfolder.
/// Record with the code whose behaviour the fixtures are to pin, before changing it.
/// </summary>
/// <param name="storage">The shared Azurite.</param>
/// <param name="prefix">A few letters naming the task hub.</param>
/// <param name="subfolder">Where under the histories folder this recorder's fixtures go; empty for the item's.</param>
/// <param name="dayLength">How long a working day lasts, so deadlines and reminders pass in seconds.</param>
public abstract class HistoryRecorder(StorageFixture storage, string prefix, string subfolder, TimeSpan dayLength) : IAsyncLifetime
{
    /// <summary>The variable naming the histories folder (tests/Workflows.Tests/Orchestration/Fixtures/histories).</summary>
    public const string Variable = "RECORD_HISTORIES";

    /// <summary>The variable's older name, from when only items were recorded; still read.</summary>
    public const string ItemVariable = "RECORD_ITEM_HISTORIES";

    /// <summary>The histories folder to record into; empty when not recording.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } folder ? folder : Environment.GetEnvironmentVariable(ItemVariable) ?? string.Empty;

    protected BundleHarness Harness { get; private set; } = null!;

    protected TimeSpan DayLength => dayLength;

    public async Task InitializeAsync() => Harness = await BundleHarness.StartAsync(storage, prefix,
        new Dictionary<string, string?> { ["Sla:DayLength"] = dayLength.ToString("c", System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    /// <summary>The clock the engine pins (China's calendar, the short working day).</summary>
    protected SlaClock Clock() => Harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));

    protected Task RaiseAsync<T>(string instance, T payload) => Harness.Client.RaiseEventAsync(instance, typeof(T).Name, payload);

    protected async Task SaveWhenDoneAsync(string name, string instance, string description)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var done = await Harness.Client.WaitForInstanceCompletionAsync(instance, cts.Token);
        done.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, done.SerializedOutput);
        await SaveAsync(name, instance, description);
    }

    // Writes the instance's rows once the history has stopped growing and ends an episode, so a copy taken mid-flight
    // is a history the engine could replay as it stands.
    protected async Task SaveAsync(string name, string instance, string description)
    {
        Folder.ShouldNotBeEmpty();
        var watch = Stopwatch.StartNew();
        List<TableEntity> rows = [];
        while (true)
        {
            await Task.Delay(1500);
            // The provider keeps a sentinel row beside the events; only the events are the history.
            var now = (await TaskHubHistory.EventsAsync(Harness.Hub, instance)).Where(r => r.ContainsKey("EventType")).ToList();
            if (now.Count == rows.Count && now.Count > 0 && now[^1].GetString("EventType") == "OrchestratorCompleted")
            {
                break;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"{instance}'s history never settled");
            rows = now;
        }

        var events = new JsonArray();
        foreach (var row in rows)
        {
            var e = new JsonObject();
            foreach (var (key, value) in row.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (key is "PartitionKey" or "odata.etag" or "Timestamp" || value is null)
                {
                    continue;
                }

                key.ShouldNotEndWith("BlobName", $"{name}: a payload in a blob; keep the fixture's inputs small");
                e[key] = value switch
                {
                    DateTimeOffset d => d.UtcDateTime.ToString("o"),
                    DateTime d => d.ToUniversalTime().ToString("o"),
                    string s => s,
                    bool b => b,
                    int i => i,
                    long l => l,
                    double x => x,
                    _ => value.ToString(),
                };
            }

            events.Add(e);
        }

        var started = rows.First(r => r.GetString("EventType") == "ExecutionStarted");
        var fixture = new JsonObject
        {
            ["name"] = name,
            ["description"] = description,
            ["orchestrator"] = started.GetString("Name"),
            ["instanceId"] = instance,
            ["version"] = started.GetString("Version") ?? string.Empty,
            ["recordedAt"] = DateTime.UtcNow.ToString("o"),
            ["events"] = events,
        };
        var folder = Path.Combine(Folder, subfolder);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, $"{name}.json"),
            fixture.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }

    protected async Task WaitForAuditAsync(string applicationId, string action, int count = 1)
    {
        var watch = Stopwatch.StartNew();
        while ((await Harness.Audit.ReadAsync(applicationId)).Count(e => e.Action == action) < count)
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"{applicationId} never wrote {action} {count} time(s)");
            await Task.Delay(200);
        }
    }
}

/// <summary>
/// A fact that exists only when <see cref="HistoryRecorder.Variable"/> (or its older name) names the folder to record
/// to: otherwise its discoverer finds no test, so the normal tiers neither run nor report a skipped one.
/// </summary>
[XunitTestCaseDiscoverer("Workflows.IntegrationTests.Guarantees.RecordingFactDiscoverer", "Workflows.IntegrationTests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class RecordingFactAttribute : FactAttribute;

/// <summary>Finds a <see cref="RecordingFactAttribute"/> test only while recording.</summary>
/// <param name="diagnostics">xUnit's diagnostics sink.</param>
public sealed class RecordingFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    readonly FactDiscoverer facts = new(diagnostics);

    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        string.IsNullOrEmpty(HistoryRecorder.Folder) ? [] : facts.Discover(discoveryOptions, testMethod, factAttribute);
}
