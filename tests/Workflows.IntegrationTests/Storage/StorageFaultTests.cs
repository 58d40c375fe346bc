using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Workflows.Api;
using Workflows.Notifications;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Storage;

/// <summary>
/// Storage that does not answer (a closed port, as when Azurite or the account is down): a handler's request is
/// 503 problem+json <c>storage.unavailable</c> with Retry-After, not a 500, and readiness reports the storage
/// within its short timeout; against the running Azurite readiness is healthy.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class StorageFaultTests(StorageFixture storage)
{
    static readonly Caller Citizen = new("citizen-down", "王芳", CallerRole.Applicant, ApplicantKind.Citizen);

    [Fact]
    public async Task Handler_StorageDown_503ProblemWithRetryAfterNot500()
    {
        using var counter = new StorageOperationCounter();
        var handler = new NotificationApi(new NotificationOutbox(new StorageTables(Down(counter))));

        // Unguarded, the SDK's fault reaches the host, which answers a generic 500.
        var fault = await Should.ThrowAsync<Exception>(() => handler.ListMineAsync(Citizen, new DefaultHttpContext().Request, CancellationToken.None));
        StorageFaults.IsStorageFault(fault).ShouldBeTrue(fault.ToString());

        var result = await StorageFaults.GuardAsync(() => handler.ListMineAsync(Citizen, new DefaultHttpContext().Request, CancellationToken.None));

        var (status, headers, body) = await ExecuteAsync(result);
        status.ShouldBe(503);
        headers["Retry-After"].ToString().ShouldBe(StorageFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        headers.ContentType.ToString().ShouldStartWith("application/problem+json");
        body.GetProperty("code").GetString().ShouldBe("storage.unavailable");
        body.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("storage");
    }

    [Fact]
    public void IsStorageFault_RetriesCutShortByTheDeadline_IsAFault()
    {
        // What the SDK throws when a probe's deadline ends its retries against a closed port (seen under load):
        // the failed attempts and the cancelled last one, together. Not a fault, it escaped the readiness check.
        var refused = new Azure.RequestFailedException("Connection refused (127.0.0.1:1)");
        var cut = new AggregateException(refused, refused, new TaskCanceledException());

        StorageFaults.IsStorageFault(cut).ShouldBeTrue();
        StorageFaults.IsStorageFault(new AggregateException(new TaskCanceledException())).ShouldBeFalse();
    }

    [Fact]
    public async Task Readiness_StorageDown_UnhealthyWithinItsTimeout()
    {
        using var counter = new StorageOperationCounter();
        var check = new StorageHealthCheck(Down(counter));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        result.Status.ShouldBe(HealthStatus.Unhealthy);
        watch.Elapsed.ShouldBeLessThan(StorageHealthCheck.Timeout + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Readiness_StorageUp_Healthy()
    {
        using var counter = new StorageOperationCounter();
        var options = Options.Create(new StorageOptions { ConnectionString = storage.ConnectionString, TablePrefix = storage.NewHub("ready").TablePrefix });

        var result = await new StorageHealthCheck(new StorageClients(options, counter)).CheckHealthAsync(new HealthCheckContext());

        result.Status.ShouldBe(HealthStatus.Healthy, result.Description);
    }

    // Azurite's account on a port nobody listens on.
    static StorageClients Down(StorageOperationCounter counter)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};" +
            $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        return new StorageClients(Options.Create(new StorageOptions { ConnectionString = connection, TablePrefix = "down" }), counter);
    }

    static async Task<(int Status, IHeaderDictionary Headers, JsonElement Body)> ExecuteAsync(IResult result)
    {
        using var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.Headers, JsonDocument.Parse(body.ToArray()).RootElement.Clone());
    }
}
