using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Backlog;
using Workflows.Licences;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.EndToEndTests;

/// <summary>
/// Never accept more than the engine can start (issue 19): a server whose engine starts nothing fills its backlog, the
/// next submit answers 503 engine.backlog with Retry-After and files nothing, the health route says so; once a worker
/// drains the backlog the same request (same Idempotency-Key) files the application once.
/// </summary>
public sealed class BacklogHttpTests : IAsyncLifetime
{
    readonly TokenMinter tokens = new(new AuthOptions { SigningKey = ServerFixture.SigningKey }, TimeProvider.System);
    TaskHubSettings? hub;
    EngineProcess? front;
    InProcessEngine? engine;
    ApiContract? contract;

    public async Task InitializeAsync()
    {
        var azurite = await Azurite.StartOrShareAsync();
        hub = TaskHubSettings.New(azurite.ConnectionString, "bkl");
        // A front end only: it accepts and schedules, nothing runs the bundles until the test starts a worker.
        var settings = Settings(runWorker: false);
        front = EngineProcess.Start("backlog-front", settings);
        await front.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await front.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        contract = await ApiContract.LoadAsync(front.BaseAddress!);
        // The same task hub and tables without a worker: the engine's own view of an instance, and licences to give.
        engine = await InProcessEngine.StartAsync(hub.ToInProcessConfiguration(runWorker: false));
    }

    public async Task DisposeAsync()
    {
        if (front is not null)
        {
            await front.DisposeAsync();
        }

        if (engine is not null)
        {
            await engine.DisposeAsync();
        }
    }

    Dictionary<string, string> Settings(bool runWorker)
    {
        var settings = hub!.ToConfiguration(runWorker);
        settings["Auth:SigningKey"] = ServerFixture.SigningKey;
        settings["Api:OpenApi"] = "true";
        settings["Backlog:MaxPending"] = "1";
        settings["Backlog:CountFor"] = "00:00:00";
        settings["Backlog:RetryAfter"] = "00:00:07";
        settings["RateLimits:SubmitsPerMinute"] = "1000";
        return settings;
    }

    HttpClient Citizen(EngineProcess server, string id)
    {
        var client = new HttpClient(new ContractHandler(() => Task.FromResult(contract!), new HttpClientHandler())) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Mint(id, "王芳", CallerRole.Applicant, ApplicantKind.Citizen));
        return client;
    }

    async Task<object> NewbornAsync(HttpClient citizen, string mother)
    {
        var licences = engine!.Services.GetRequiredService<LicenceRegistry>();
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await licences.IssueAsync(new LicenceRecord(mother, type, $"{type}-{mother}", type, "earlier", null, null, DateTime.UtcNow, $"{mother}/{type}.json"), new { type });
        }

        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        return new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } };
    }

    async Task<BacklogReading> HealthAsync(EngineProcess server)
    {
        using var anonymous = new HttpClient(new ContractHandler(() => Task.FromResult(contract!), new HttpClientHandler())) { BaseAddress = server.BaseAddress };
        using var response = await anonymous.GetAsync("/api/health/backlog");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.ReadAsync<BacklogReading>();
    }

    // The id a submit with this key gets (CitizenApi derives it from the caller and the key).
    static string ThirdId(string citizen) => Workflows.Applications.CitizenApi.IdFor(citizen, "bk-3");

    // Whether the engine holds an instance of the application (scheduled or started); false when it was never filed.
    async Task<bool> ScheduledAsync(string applicationId) =>
        await engine!.Client.GetInstanceAsync(applicationId, getInputsAndOutputs: false) is not null;

    [Fact]
    public async Task Submit_PastTheBound_Answers503WithRetryAfter_FilesNothing_AndTheSameRequestFilesItOnceDrained()
    {
        (await HealthAsync(front!)).ShouldSatisfyAllConditions(
            h => h.Pending.ShouldBe(0), h => h.MaxPending.ShouldBe(1), h => h.Accepting.ShouldBeTrue(), h => h.OldestPendingSeconds.ShouldBeNull());

        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var mother = $"bk-{Guid.NewGuid():N}"[..20];
            using var citizen = Citizen(front!, mother);
            var accepted = await Walkthrough.SubmitAsync(citizen, await NewbornAsync(citizen, mother), idempotencyKey: "bk-1");
            accepted.Status.ShouldBe(HttpStatusCode.Accepted, accepted.Text);
            ids.Add(accepted.Body!.ApplicationId);
        }

        var health = await HealthAsync(front!);
        health.Pending.ShouldBe(2);
        health.Accepting.ShouldBeFalse();
        health.RetryAfterSeconds.ShouldBe(7);

        var third = $"bk-{Guid.NewGuid():N}"[..20];
        using var thirdCitizen = Citizen(front!, third);
        var request = await NewbornAsync(thirdCitizen, third);
        using (var message = new HttpRequestMessage(HttpMethod.Post, "/api/applications") { Content = Http.Body(request) })
        {
            message.Headers.Add("Idempotency-Key", "bk-3");
            message.Headers.AcceptLanguage.ParseAdd("en");
            using var refused = await thirdCitizen.SendAsync(message);
            var problem = await refused.ShouldBeProblemAsync(503, field: "engine", code: "engine.backlog");
            refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(7));
            problem.GetProperty("detail").GetString()!.ShouldContain("not filed");
        }

        (await HealthAsync(front!)).Pending.ShouldBe(2);

        // A worker on the same task hub starts the bundles; each bundle's first save takes it off the backlog.
        await using var worker = EngineProcess.Start("backlog-worker", Settings(runWorker: true));
        await worker.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await Http.PollAsync(async () => (BacklogReading?)await HealthAsync(front!), h => h.Pending == 0 && h.Accepting, "the backlog drained", TimeSpan.FromSeconds(90));
        foreach (var id in ids)
        {
            (await ScheduledAsync(id)).ShouldBeTrue();
        }

        // Nothing was filed for the refused one: the engine holds no instance of it.
        (await ScheduledAsync(ThirdId(third))).ShouldBeFalse();

        var retried = await Walkthrough.SubmitAsync(thirdCitizen, request, idempotencyKey: "bk-3");
        retried.Status.ShouldBe(HttpStatusCode.Accepted, retried.Text);
        retried.Body!.ApplicationId.ShouldBe(ThirdId(third));
        var again = await Walkthrough.SubmitAsync(thirdCitizen, request, idempotencyKey: "bk-3");
        again.Status.ShouldBe(HttpStatusCode.OK, again.Text);
        again.Body!.ApplicationId.ShouldBe(retried.Body.ApplicationId);
        var listed = await Http.PollAsync(async () =>
        {
            using var r = await thirdCitizen.GetAsync("/api/applications");
            var items = await r.ReadItemsAsync<JsonElement>();
            return items.Count > 0 ? items : null;
        }, _ => true, "the third application listed", TimeSpan.FromSeconds(90));
        listed.Count.ShouldBe(1);
    }
}
