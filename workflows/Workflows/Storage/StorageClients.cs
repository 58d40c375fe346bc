using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Workflows.Storage;

/// <summary>
/// Builds the Azure SDK clients for the configured account, with the operation counter in every pipeline.
/// The engine's provider and our read models get their clients here, so both connect the same way.
/// </summary>
public sealed class StorageClients
{
    readonly StorageOptions options;
    readonly StorageOperationCounter counter;
    readonly InjectedTableFaults? faults;
    readonly Lazy<TokenCredential> credential;

    /// <summary>Creates the factory from bound options.</summary>
    /// <param name="options">The storage options.</param>
    /// <param name="counter">Counts every request the clients send.</param>
    /// <param name="faults">Injected write failures, registered by tests only; none in production.</param>
    public StorageClients(IOptions<StorageOptions> options, StorageOperationCounter counter, InjectedTableFaults? faults = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.counter = counter;
        this.faults = faults;
        credential = new Lazy<TokenCredential>(() => string.IsNullOrWhiteSpace(this.options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(this.options.ManagedIdentityClientId)));
    }

    /// <summary>The options the clients are built from.</summary>
    public StorageOptions Options => options;

    /// <summary>The credential used when no connection string is configured.</summary>
    public TokenCredential Credential => credential.Value;

    /// <summary>
    /// Options for a table client, counted, and refusing an entity Azure would refuse (<see cref="TableLimitsPolicy"/>)
    /// before it is sent, also on Azurite, which does not enforce the limits.
    /// </summary>
    /// <returns>New options.</returns>
    public TableClientOptions TableOptions()
    {
        var o = new TableClientOptions();
        // First, so a refused entity is neither sent nor counted.
        o.AddPolicy(new TableLimitsPolicy(), HttpPipelinePosition.PerCall);
        if (faults is not null)
        {
            o.AddPolicy(faults.Policy(), HttpPipelinePosition.PerCall);
        }

        o.AddPolicy(counter.PolicyFor("table"), HttpPipelinePosition.PerCall);
        return o;
    }

    /// <summary>Options for a blob client, counted.</summary>
    /// <returns>New options.</returns>
    public BlobClientOptions BlobOptions()
    {
        var o = new BlobClientOptions();
        o.AddPolicy(counter.PolicyFor("blob"), HttpPipelinePosition.PerCall);
        return o;
    }

    /// <summary>Options for a queue client, counted.</summary>
    /// <returns>New options.</returns>
    public QueueClientOptions QueueOptions()
    {
        var o = new QueueClientOptions();
        o.AddPolicy(counter.PolicyFor("queue"), HttpPipelinePosition.PerCall);
        return o;
    }

    /// <summary>A table service client for the configured account.</summary>
    /// <returns>The client.</returns>
    public TableServiceClient Tables() => options.UsesIdentity
        ? new TableServiceClient(options.TableServiceUri, Credential, TableOptions())
        : new TableServiceClient(options.ConnectionString, TableOptions());

    /// <summary>A blob service client for the configured account.</summary>
    /// <returns>The client.</returns>
    public BlobServiceClient Blobs() => options.UsesIdentity
        ? new BlobServiceClient(options.BlobServiceUri, Credential, BlobOptions())
        : new BlobServiceClient(options.ConnectionString, BlobOptions());

    /// <summary>The full name of one of our tables, with the deployment's prefix.</summary>
    /// <param name="name">The table's own name, letters and digits.</param>
    /// <returns>The prefixed name.</returns>
    public string TableName(string name) => options.TablePrefix + name;
}
