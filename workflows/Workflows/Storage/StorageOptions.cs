namespace Workflows.Storage;

/// <summary>
/// Where the engine keeps its state: the task hub and our read models share one storage account.
/// Either a connection string (Azurite, or a key-based account on premises) or service endpoints with an
/// Entra ID identity (the way the Functions app connects in Azure).
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Storage";

    /// <summary>A storage connection string; <c>UseDevelopmentStorage=true</c> means Azurite on its default ports.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob endpoint, when connecting with an identity instead of a connection string.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The queue endpoint, when connecting with an identity.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>The table endpoint, when connecting with an identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty means the default credential chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Prefix of every table and container the read models use, so several deployments (or test runs) can
    /// share one account without seeing each other's rows. Letters and digits only.
    /// </summary>
    public string TablePrefix { get; set; } = "wf";

    /// <summary>True when endpoints and an identity are configured rather than a connection string.</summary>
    public bool UsesIdentity => string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>Checks that one complete way of connecting is configured.</summary>
    /// <returns>The problems found, empty when the options are usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (UsesIdentity && (BlobServiceUri is null || QueueServiceUri is null || TableServiceUri is null))
        {
            problems.Add($"{SectionName}: set either {nameof(ConnectionString)} or all of {nameof(BlobServiceUri)}, {nameof(QueueServiceUri)} and {nameof(TableServiceUri)}.");
        }

        if (string.IsNullOrEmpty(TablePrefix) || !TablePrefix.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(TablePrefix[0]) || TablePrefix.Length > 40)
        {
            problems.Add($"{SectionName}:{nameof(TablePrefix)} must start with a letter and hold 1-40 letters or digits (it names tables).");
        }

        return problems;
    }
}
