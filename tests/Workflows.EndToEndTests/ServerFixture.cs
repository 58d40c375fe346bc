using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Licences;
using Workflows.Tasks;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.EndToEndTests;

/// <summary>
/// The real local server as a child process on Azurite (test.sh's shared one, or a private one), with a signing
/// key, demo users and a callback secret; tests call it over HTTP with tokens minted under the same key. Tests
/// use applicant ids of their own, so they never see each other's applications.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string SigningKey = "end-to-end-tests-signing-key-0123456789abcdef";
    public const string BankSecret = "bank-account-system-secret-0123456789abcdef";
    public const string BirthRegisterSecret = "birth-register-system-secret-0123456789abcdef";
    public const int SubmitsPerMinute = 20;

    Azurite? azurite;
    FakeGateway? gateway;
    EngineProcess? server;
    ServiceProvider? services;
    ApiContract? contract;

    /// <summary>The portal's origin, the one <c>Cors:Origins</c> lets in (a free port, where a browser test serves its page).</summary>
    public string PortalOrigin { get; } = $"http://127.0.0.1:{Azurite.FreePort()}";

    public Uri BaseAddress => server?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    public TokenMinter Tokens { get; } = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);

    public string ServerOutput => server?.Output ?? string.Empty;

    /// <summary>The SMS/e-mail gateway the server's webhook channel posts every notification to (accepting by default).</summary>
    public FakeGateway Gateway => gateway ?? throw new InvalidOperationException("Not started.");

    public LicenceRegistry Licences => services!.GetRequiredService<LicenceRegistry>();

    /// <summary>The server's task store, to stage what a crash leaves behind.</summary>
    public TaskStore Tasks => services!.GetRequiredService<TaskStore>();

    /// <summary>The server's storage, for what the API cannot do (a task or notice as the engine would have written it).</summary>
    public IServiceProvider Services => services ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        azurite = await Azurite.StartOrShareAsync();
        var hub = TaskHubSettings.New(azurite.ConnectionString, "e2e");
        var settings = hub.ToConfiguration();
        settings["Auth:SigningKey"] = SigningKey;
        settings["Auth:DemoUsers"] = "true";
        // The matrix test reads the OpenAPI document; off unless configured (appsettings.json turns it on too).
        settings["Api:OpenApi"] = "true";
        settings["Cors:Origins:0"] = PortalOrigin;
        // The portal as test.sh published it, served at / (Portal/*Tests drive it in Chromium).
        settings["Portal:Root"] = Portal.PortalBrowser.PublishedRoot;
        settings["Systems:Secrets:bank-account-system:Secret"] = BankSecret;
        settings["Systems:Secrets:birth-register-system:Secret"] = BirthRegisterSecret;
        settings["RateLimits:SubmitsPerMinute"] = SubmitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        gateway = await FakeGateway.StartAsync();
        settings["Notifications:Webhook:Enabled"] = "true";
        settings["Notifications:Webhook:Url"] = gateway.Url.ToString();
        // The sweeper runs every second, so a test waits for it briefly. An attempt is never cut short while a
        // test holds the gateway: what the gateway answers when released is what counts.
        settings["Notifications:SweepInterval"] = "00:00:01";
        settings["Notifications:SweepMinAge"] = "00:00:02";
        settings["Notifications:AttemptTimeout"] = "00:05:00";
        settings["Notifications:DeliveryTimeout"] = "00:05:00";
        server = EngineProcess.Start("e2e-server", settings);
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        contract = await ApiContract.LoadAsync(BaseAddress);

        // The same storage, for what the API cannot do: give a test citizen the licences they held before.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(hub.ToInProcessConfiguration(runWorker: false)).Build();
        services = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.StopGracefullyAsync(TimeSpan.FromSeconds(30));
            // The server's log, for a failure seen only in CI.
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "workflows-e2e-server.log"), server.Output);
            // What the contract check saw: which documented statuses the tier exercises and which it never does.
            if (contract is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "workflows-e2e-contract.txt"), contract.Report());
            }

            await server.DisposeAsync();
        }

        if (services is not null)
        {
            await services.DisposeAsync();
        }

        if (gateway is not null)
        {
            await gateway.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>The server's own OpenAPI document, which every response of every client here is held to.</summary>
    public ApiContract Contract => contract ?? throw new InvalidOperationException("Not started.");

    /// <summary>A client with no credentials; every response it receives is checked against <see cref="Contract"/>.</summary>
    public HttpClient Anonymous() => new(Checked(new HttpClientHandler())) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Wraps a handler so that its responses are checked against <see cref="Contract"/>.</summary>
    public DelegatingHandler Checked(HttpMessageHandler inner) => new ContractHandler(() => Task.FromResult(Contract), inner);

    /// <summary>A client carrying a token.</summary>
    public HttpClient As(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A fresh citizen of this test.</summary>
    public HttpClient Citizen(string id, string name = "王芳") => As(Tokens.Mint(id, name, CallerRole.Applicant, ApplicantKind.Citizen));

    /// <summary>A fresh company of this test.</summary>
    public HttpClient Company(string id, string name = "恒泰贸易有限公司") => As(Tokens.Mint(id, name, CallerRole.Applicant, ApplicantKind.Company));

    /// <summary>An officer of a department.</summary>
    public HttpClient Officer(string department, string? id = null) => As(Tokens.Mint(id ?? $"officer-{department}", $"{department} officer", CallerRole.Officer, department: department));

    /// <summary>An administrator.</summary>
    public HttpClient Admin() => As(Tokens.Mint("admin", "系统管理员", CallerRole.Administrator));

    /// <summary>Gives a holder a licence, as an earlier application would have.</summary>
    public Task GiveLicenceAsync(string holderId, string type) =>
        Licences.IssueAsync(new LicenceRecord(holderId, type, $"{type}-{holderId}", type, "earlier", null, null, DateTime.UtcNow, $"{holderId}/{type}.json"), new { type });
}

[CollectionDefinition(Name)]
public sealed class ServerCollectionDefinition : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}

/// <summary>JSON helpers for the tests.</summary>
public static class Http
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    public static StringContent Body(object value) => new(JsonSerializer.Serialize(value, Json), Encoding.UTF8, "application/json");

    public static StringContent Raw(string json, string contentType = "application/json") => new(json, Encoding.UTF8, contentType);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    /// <summary>Reads one page of a list (the API's one envelope) and returns its items.</summary>
    public static async Task<List<T>> ReadItemsAsync<T>(this HttpResponseMessage response) =>
        [.. (await response.ReadAsync<Workflows.Api.Page<T>>()).Items];

    /// <summary>Asserts an RFC 9457 problem with the status and, when given, an error located at the field.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, int status, string? field = null, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        problem.GetProperty("type").GetString().ShouldStartWith(ApiProblems.TypePrefix);
        if (field is not null)
        {
            var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
            fields.ShouldContain(field, text);
        }

        if (code is not null)
        {
            var codes = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).Append(problem.GetProperty("code").GetString()).ToList();
            codes.ShouldContain(code, text);
        }

        return problem;
    }

    public static async Task<T> PollAsync<T>(Func<Task<T?>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
        where T : class
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        T? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await read();
            if (last is not null && done(last))
            {
                return last;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Timed out waiting for {what}; last: {JsonSerializer.Serialize(last, Json)}");
    }

    static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.ConfigureResponses(options);
        return options;
    }
}
