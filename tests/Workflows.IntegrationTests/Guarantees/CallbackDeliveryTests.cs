using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Api;
using Workflows.Applications;
using Workflows.IntegrationTests.Bundles;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Systems;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// An outside system is never told "received" for a callback or register event the engine drops: a storage fault after
/// the one-use signature row does not make the system's retry a "replay"; a callback for an item that has not started
/// is refused with a retryable 409 (and delivered when sent again after the item started); a callback for an item that
/// has ended is refused naming how it ended, and a contradicting one while the first is on its way is refused too. On
/// company opening (the bank account waits for the business licence) over the real engine and Azurite, through
/// <see cref="SystemApi"/> as both hosts call it (inside <see cref="StorageFaults.GuardAsync"/>).
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class CallbackDeliveryTests(StorageFixture storage) : IAsyncLifetime
{
    const string Bank = "bank-account-system";
    const string BankSecret = "bank-secret-for-callback-delivery-tests-0123456789";
    const string Register = "birth-register-system";
    const string RegisterSecret = "birth-register-secret-for-callback-delivery-tests";
    const string CompanyName = "杭州云栖数据科技有限公司";

    readonly InjectedTableFaults faults = new();
    BundleHarness harness = null!;

    SystemApi api = null!;

    public async Task InitializeAsync()
    {
        harness = await BundleHarness.StartAsync(storage, "cbdel", services: s => s.AddSingleton(faults));
        // The handler as the API hosts make it (AddWorkflowsApi), with the two systems' secrets.
        var systems = new SystemsOptions();
        systems.Secrets[Bank] = new SystemSecret { Secret = BankSecret };
        systems.Secrets[Register] = new SystemSecret { Secret = RegisterSecret };
        api = ActivatorUtilities.CreateInstance<SystemApi>(harness.Services, Options.Create(systems));
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    string Table(string name) => harness.Services.GetRequiredService<StorageClients>().TableName(name);

    public static TheoryData<string> FaultPoints => new() { "prune", "claim" };

    [Theory]
    [MemberData(nameof(FaultPoints))]
    public async Task Callback_StorageFaultAfterTheSignatureRow_TheSameSignedRequestAgainIsDelivered(string point)
    {
        var app = $"cb-fault-{point}";
        await SubmitAsync($"company-fault-{point}", app, nameCheckPassed: true);
        await harness.WaitForExternalRequestAsync(app, "bank-account");
        var request = Signed(Bank, BankSecret, Approve(app));
        if (point == "prune")
        {
            // An expired row of the bank's makes the request prune it; that delete fails.
            var replays = await harness.Services.GetRequiredService<StorageTables>().TableAsync(SystemApi.ReplayTableName);
            var expired = $"expired{point}{Guid.NewGuid():N}";
            await replays.AddEntityAsync(new TableEntity(Bank, expired) { ["SentAt"] = DateTime.UtcNow.AddHours(-1) });
            faults.FailWrites(Table(SystemApi.ReplayTableName), 1, key: expired);
        }
        else
        {
            faults.FailWrites(Table(SystemApi.ClaimTableName), 1, key: app);
        }

        var first = await SendCallbackAsync(request);
        first.Status.ShouldBeOneOf([202, 503], first.Text);
        if (first.Status == 503)
        {
            // The system was told to try again: the same signed request is delivered, not refused as a replay.
            var again = await SendCallbackAsync(request);
            again.Status.ShouldBe(202, again.Text);
        }

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Items.Single(i => i.ItemKey == "bank-account").DecidedBy.ShouldBe($"system:{Bank}");

        // Delivered once, the same signed request is a replay from now on.
        var replay = await SendCallbackAsync(request);
        replay.Status.ShouldBe(409, replay.Text);
        replay.Code.ShouldBe("callback.replayed");
    }

    [Fact]
    public async Task Callback_ItemNotStartedYet_409RetryableWithRetryAfter_DeliveredWhenSentAgainAfterItStarts()
    {
        const string app = "cb-not-started";
        // The name check is left to an officer, so the business licence waits and the bank account cannot start.
        await SubmitAsync("company-not-started", app, nameCheckPassed: false);
        await harness.WaitForTaskAsync("market-regulation", app, "business-licence");
        var request = Signed(Bank, BankSecret, Approve(app));

        var early = await SendCallbackAsync(request);

        early.Status.ShouldBe(409, early.Text);
        early.Code.ShouldBe("callback.itemNotStarted");
        early.Headers["Retry-After"].ToString().ShouldNotBeEmpty();
        (await harness.Client.GetInstanceAsync(ItemOrchestrator.InstanceId(app, "bank-account"))).ShouldBeNull();

        await harness.Applications.DecideAsync(app, "business-licence", new OfficerDecided(DecisionKind.Approve, "officer-m1", "Name checked at the counter."));
        await harness.WaitForExternalRequestAsync(app, "bank-account");

        // Told to retry, the bank sends the very same signed request again: it is delivered.
        var retried = await SendCallbackAsync(request);
        retried.Status.ShouldBe(202, retried.Text);
        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        outcome.Items.Single(i => i.ItemKey == "bank-account").Outputs["accountNumber"].ShouldBe("1202021109900123456");
    }

    [Fact]
    public async Task Callback_ItemAlreadyDecided_TheSameResult200_AContradictingOne409NamingTheDecision()
    {
        const string app = "cb-decided";
        await SubmitAsync("company-decided", app, nameCheckPassed: true);
        await harness.WaitForExternalRequestAsync(app, "bank-account");
        var first = await SendCallbackAsync(Signed(Bank, BankSecret, Approve(app)));
        first.Status.ShouldBe(202, first.Text);
        await harness.WaitForOutcomeAsync(app);

        // The bank sends its result again (re-signed, e.g. its 202 was lost): it was applied, and it is told so.
        var same = await SendCallbackAsync(Signed(Bank, BankSecret, Approve(app), DateTimeOffset.UtcNow.AddSeconds(1)));
        same.Status.ShouldBe(200, same.Text);
        same.Body.GetProperty("state").GetString().ShouldBe("approved");
        same.Body.GetProperty("decidedBy").GetString().ShouldBe($"system:{Bank}");

        // An approval with another account number is not the result the item took.
        var otherAccount = await SendCallbackAsync(Signed(Bank, BankSecret, Approve(app, "6222020200012345678")));
        otherAccount.Status.ShouldBe(409, otherAccount.Text);
        otherAccount.Code.ShouldBe("callback.itemDecided");

        var late = await SendCallbackAsync(Signed(Bank, BankSecret, Reject(app)));
        late.Status.ShouldBe(409, late.Text);
        late.Code.ShouldBe("callback.itemDecided");
        late.Body.GetProperty("detail").GetString()!.ShouldContain($"system:{Bank}");
        late.Body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain(nameof(ItemState.Approved));
    }

    [Fact]
    public async Task Callback_AContradictingOneWhileTheFirstIsOnItsWay_409_TheFirstIsTheDecision()
    {
        const string app = "cb-race";
        await SubmitAsync("company-race", app, nameCheckPassed: true);
        await harness.WaitForExternalRequestAsync(app, "bank-account");

        var first = await SendCallbackAsync(Signed(Bank, BankSecret, Approve(app)));
        var second = await SendCallbackAsync(Signed(Bank, BankSecret, Reject(app)));

        first.Status.ShouldBe(202, first.Text);
        second.Status.ShouldBe(409, second.Text);
        second.Code.ShouldBe("callback.itemDecided");
        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Items.Single(i => i.ItemKey == "bank-account").State.ShouldBe(ItemState.Approved);
    }

    [Fact]
    public async Task Callback_ItemCancelledBeforeItStarted_409NamingHowItEnded()
    {
        const string app = "cb-cancelled";
        // Six years to pay in the capital: the rule rejects the business licence and every dependant is cancelled.
        await SubmitAsync("company-cancelled", app, nameCheckPassed: true, capitalContributionYears: 6);
        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Items.Single(i => i.ItemKey == "bank-account").State.ShouldBe(ItemState.Cancelled);

        var late = await SendCallbackAsync(Signed(Bank, BankSecret, Approve(app)));

        late.Status.ShouldBe(409, late.Text);
        late.Code.ShouldBe("callback.itemEnded");
        late.Body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain(nameof(ItemState.Cancelled));
    }

    [Fact]
    public async Task Event_StorageFaultAfterTheSignatureRow_TheSameSignedRequestAgainStartsTheApplication()
    {
        var replays = await harness.Services.GetRequiredService<StorageTables>().TableAsync(SystemApi.ReplayTableName);
        var expired = $"expiredevent{Guid.NewGuid():N}";
        await replays.AddEntityAsync(new TableEntity(Register, expired) { ["SentAt"] = DateTime.UtcNow.AddHours(-1) });
        faults.FailWrites(Table(SystemApi.ReplayTableName), 1, key: expired);
        var request = Signed(Register, RegisterSecret, BirthEvent("birth-fault", "王小明"));

        var first = await SendEventAsync(request);
        first.Status.ShouldBeOneOf([202, 503], first.Text);
        if (first.Status == 503)
        {
            var again = await SendEventAsync(request);
            again.Status.ShouldBe(202, again.Text);
        }

        var id = ApplicationService.ProactiveId(Register, "birth-fault", "newborn");
        (await harness.Client.GetInstanceAsync(ProactiveApplicationOrchestrator.InstanceId(id))).ShouldNotBeNull();
    }

    [Fact]
    public async Task Event_TheEngineFailingToStartIt_TheSameSignedRequestAgainStartsIt()
    {
        // The engine's instance table (same prefix as ours in a test hub) refuses every write: the start fails after the
        // signature row was written, as a storage outage between the two would make it.
        var instances = Table("Instances");
        faults.FailWrites(instances, 1000);
        var request = Signed(Register, RegisterSecret, BirthEvent("birth-engine-down", "王小明"));
        var id = ApplicationService.ProactiveId(Register, "birth-engine-down", "newborn");

        var failed = await Should.ThrowAsync<Exception>(() => SendEventAsync(request));
        faults.FailWrites(instances, 0);
        (await harness.Client.GetInstanceAsync(ProactiveApplicationOrchestrator.InstanceId(id))).ShouldBeNull(failed.ToString());

        var again = await SendEventAsync(request);
        again.Status.ShouldBe(202, again.Text);
        (await harness.Client.GetInstanceAsync(ProactiveApplicationOrchestrator.InstanceId(id))).ShouldNotBeNull();
    }

    [Fact]
    public async Task Event_TheSameEventIdWithOtherData_409NamingTheApplication_TheSameEventAgain200()
    {
        var started = await SendEventAsync(Signed(Register, RegisterSecret, BirthEvent("birth-twice", "王小明")));
        started.Status.ShouldBe(202, started.Text);
        var id = ApplicationService.ProactiveId(Register, "birth-twice", "newborn");

        var same = await SendEventAsync(Signed(Register, RegisterSecret, BirthEvent("birth-twice", "王小明"), DateTimeOffset.UtcNow.AddSeconds(1)));
        same.Status.ShouldBe(200, same.Text);
        same.Body.GetProperty("replayed").GetBoolean().ShouldBeTrue();

        // A correction sent under the same event id is not silently answered with the old application.
        var other = await SendEventAsync(Signed(Register, RegisterSecret, BirthEvent("birth-twice", "王小红")));
        other.Status.ShouldBe(409, other.Text);
        other.Code.ShouldBe("event.conflict");
        other.Body.GetProperty("detail").GetString()!.ShouldContain(id);
    }

    async Task SubmitAsync(string company, string app, bool nameCheckPassed, int capitalContributionYears = 5)
    {
        // The legal representative's ID card is their own licence; the shareholder's identity is uploaded (a company holds no ID card).
        await harness.GiveLicenceAsync(CompanyOpeningBundleTests.LegalRepId, "id-card", CompanyOpeningBundleTests.LegalRepIdNumber);
        async Task<MaterialProvision> Upload(string key) => new(key, ProvisionKind.Upload, await harness.UploadAsync(company, "company-opening", key));
        var request = new SubmissionRequest("company-opening", new Applicant(company, ApplicantKind.Company, CompanyName), BundleHarness.Answers(new
        {
            companyName = CompanyName,
            nameCheckPassed,
            companyType = "llc-natural-person-invested",
            registeredCapital = 100,
            capitalContributionYears,
            registeredAddress = "杭州市西湖区文三路100号501室",
            businessScope = "软件开发；信息技术咨询服务",
            legalRepName = "陈明",
            legalRepIdNumber = "110108199007074567",
            contactPhone = "13912345678",
            wantsSeal = false,
            taxpayerType = "small-scale",
            invoiceQuantity = 25,
            accountBank = "icbc",
            employeeCount = 3,
            housingFundRate = 12,
            needsWaterConnection = false,
            needsPowerConnection = false,
            needsGasConnection = false,
        }), [await Upload("articlesOfAssociation"), await Upload("premisesProof"), await Upload("taxAgentIdentity"), await Upload("shareholderIdentity")],
            CompanyOpeningBundleTests.LegalRep);
        var result = await harness.Applications.SubmitAsync(request, app);
        result.Accepted.ShouldBeTrue(string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
    }

    static object Approve(string app, string account = "1202021109900123456") => new
    {
        applicationId = app,
        itemKey = "bank-account",
        approved = true,
        reason = "Basic deposit account opened.",
        outputs = new Dictionary<string, string> { ["accountNumber"] = account },
    };

    static object Reject(string app) => new { applicationId = app, itemKey = "bank-account", approved = false, reason = "Account refused after all." };

    static object BirthEvent(string eventId, string babyName) => new
    {
        eventId,
        type = "birth-recorded",
        subjectId = $"citizen-{eventId}",
        subjectKind = "citizen",
        subjectName = "王芳",
        data = new { babyName, babySex = "male", birthDate = "2026-11-20", birthPlace = "市第一人民医院", motherName = "王芳", motherIdNumber = "11010519491231002X" },
    };

    sealed record SignedRequest(string System, byte[] Body, long Timestamp, string Signature);

    sealed record Answer(int Status, IHeaderDictionary Headers, JsonElement Body, string Text)
    {
        public string? Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    static SignedRequest Signed(string system, string secret, object body, DateTimeOffset? at = null)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return new SignedRequest(system, bytes, timestamp, SystemApi.Sign(secret, timestamp, bytes));
    }

    Task<Answer> SendCallbackAsync(SignedRequest signed) => SendAsync(signed, (api, request) => api.CallbackAsync(signed.System, request, CancellationToken.None));

    Task<Answer> SendEventAsync(SignedRequest signed) => SendAsync(signed, (api, request) => api.EventAsync(signed.System, request, CancellationToken.None));

    async Task<Answer> SendAsync(SignedRequest signed, Func<SystemApi, HttpRequest, Task<IResult>> handler)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(signed.Body);
        context.Request.ContentLength = signed.Body.Length;
        context.Request.Headers[SystemApi.TimestampHeader] = signed.Timestamp.ToString(CultureInfo.InvariantCulture);
        context.Request.Headers[SystemApi.SignatureHeader] = signed.Signature;
        var result = await StorageFaults.GuardAsync(() => handler(api, context.Request));

        // Serialized as both hosts serialize responses.
        using var services = new ServiceCollection().AddLogging().ConfigureHttpJsonOptions(o => ApiJson.ConfigureResponses(o.SerializerOptions)).BuildServiceProvider();
        var response = new DefaultHttpContext { RequestServices = services };
        using var body = new MemoryStream();
        response.Response.Body = body;
        await result.ExecuteAsync(response);
        var text = Encoding.UTF8.GetString(body.ToArray());
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new Answer(response.Response.StatusCode, response.Response.Headers, json, $"{response.Response.StatusCode} {text}");
    }
}
