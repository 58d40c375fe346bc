using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Api;
using Workflows.Auth;
using Workflows.Functions;
using Workflows.Functions.Http;
using Workflows.Functions.Triggers;
using Workflows.Templates;

namespace Workflows.Tests.Functions;

/// <summary>
/// Assisted filing's consent routes in the Functions app, run through the real triggers with the services
/// <see cref="AppServices.AddWorkflowsFunctionsApp"/> registers and real bearer tokens: the helper is refused the
/// applicant's confirmation, nobody gets in without a token, and the helper's filing can no longer carry a typed name
/// or free-text consent. Every answer here comes before storage or the engine is reached.
/// </summary>
public sealed class AssistedConsentTriggerTests
{
    const string SigningKey = "functions-assisted-tests-signing-key-0123456789";
    const string Consent = "con-0123456789abcdef0123456789abcdef";
    static readonly string Digest = new('a', 64);

    static readonly TokenMinter Tokens = new(new AuthOptions { SigningKey = SigningKey }, TimeProvider.System);

    static string Helper => Tokens.Mint("helper-hall", "帮办员", CallerRole.Officer, department: "service-hall", assist: true);

    static string Citizen => Tokens.Mint("citizen-wang", "王芳", CallerRole.Applicant, ApplicantKind.Citizen);

    [Fact]
    public async Task Confirmation_WithTheHelpersToken_IsForbidden()
    {
        var (status, _) = await CallAsync(Helper, new { sha256 = Digest }, (r, c, x) => ApiTriggers.ApiConfirmConsent(r, Consent, c, x));

        status.ShouldBe(StatusCodes.Status403Forbidden);
    }

    [Fact]
    public async Task ReadingAndRefusing_WithTheHelpersToken_AreForbidden()
    {
        (await CallAsync(Helper, null, (r, c, x) => ApiTriggers.ApiGetConsent(r, Consent, c, x))).Status.ShouldBe(StatusCodes.Status403Forbidden);
        (await CallAsync(Helper, null, (r, c, x) => ApiTriggers.ApiListMyConsents(r, c, x))).Status.ShouldBe(StatusCodes.Status403Forbidden);
        (await CallAsync(Helper, new { }, (r, c, x) => ApiTriggers.ApiRefuseConsent(r, Consent, c, x))).Status.ShouldBe(StatusCodes.Status403Forbidden);
    }

    [Fact]
    public async Task ConsentRoutes_WithoutAToken_AreUnauthenticated()
    {
        (await CallAsync(null, new { sha256 = Digest }, (r, c, x) => ApiTriggers.ApiConfirmConsent(r, Consent, c, x))).Status.ShouldBe(StatusCodes.Status401Unauthorized);
        (await CallAsync(null, null, (r, c, x) => ApiTriggers.ApiGetConsent(r, Consent, c, x))).Status.ShouldBe(StatusCodes.Status401Unauthorized);
        (await CallAsync(null, null, (r, c, x) => ApiTriggers.ApiListMyConsents(r, c, x))).Status.ShouldBe(StatusCodes.Status401Unauthorized);
        (await CallAsync(null, new { }, (r, c, x) => ApiTriggers.ApiRefuseConsent(r, Consent, c, x))).Status.ShouldBe(StatusCodes.Status401Unauthorized);
    }

    [Fact]
    public async Task Confirmation_ByTheApplicant_ReachesTheHandlerWithTheRoutesConsentAndBody()
    {
        // A digest that is no digest is the handler's 400 naming the field: the trigger passed the body through.
        var (status, body) = await CallAsync(Citizen, new { sha256 = "yes" }, (r, c, x) => ApiTriggers.ApiConfirmConsent(r, Consent, c, x));

        status.ShouldBe(StatusCodes.Status400BadRequest);
        body.ShouldContain("\"field\":\"sha256\"");
    }

    [Fact]
    public async Task Reading_AnIdThatIsNoConsentId_IsNotFound()
    {
        var (status, _) = await CallAsync(Citizen, null, (r, c, x) => ApiTriggers.ApiGetConsent(r, "..%2Fwfuploads", c, x));

        status.ShouldBe(StatusCodes.Status404NotFound);
    }

    [Theory]
    [InlineData("""{"applicant":{"id":"citizen-wang","kind":"citizen","name":"假名字"},"templateKey":"newborn","answers":{}}""", "applicant.name")]
    [InlineData("""{"applicant":{"id":"citizen-wang","kind":"citizen"},"consent":"她同意了","templateKey":"newborn","answers":{}}""", "consent")]
    public async Task Filing_WithATypedNameOrConsentText_IsRefusedNamingTheField(string json, string field)
    {
        var (status, body) = await CallAsync(Helper, JsonDocument.Parse(json).RootElement, (r, c, x) => ApiTriggers.ApiSubmitAssisted(r, c, x));

        status.ShouldBe(StatusCodes.Status400BadRequest);
        body.ShouldContain($"\"field\":\"{field}\"");
        body.ShouldContain("field.unknown");
    }

    static async Task<(int Status, string Body)> CallAsync(
        string? token, object? body, Func<HttpRequest, GrpcDurableTaskClient, FunctionContext, Task<Microsoft.AspNetCore.Mvc.IActionResult>> trigger)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Auth:SigningKey"] = SigningKey,
        };
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflowsFunctionsApp(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();
        // Never reached: every call here is answered before the engine.
        await using var client = new GrpcDurableTaskClient("test", new GrpcDurableTaskClientOptions { Address = "http://localhost:1" }, NullLogger.Instance);

        var http = new DefaultHttpContext { RequestServices = provider };
        http.Response.Body = new MemoryStream();
        if (token is not null)
        {
            http.Request.Headers.Authorization = $"Bearer {token}";
        }

        if (body is not null)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
            http.Request.Method = "POST";
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = bytes.Length;
            http.Request.Body = new MemoryStream(bytes);
        }

        var result = await trigger(http.Request, client, new TestInvocationContext(provider));
        await ((ResultActionResult)result).Result.ExecuteAsync(http);
        http.Response.Body.Position = 0;
        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}
