namespace Workflows.Templates;

/// <summary>A template version that applications can be pinned to.</summary>
/// <param name="Template">The template.</param>
/// <param name="Version">Its version number.</param>
public sealed record PublishedTemplate(BundleTemplate Template, int Version);

/// <summary>Where submissions find the version of a template that is published now.</summary>
public interface ITemplateSource
{
    /// <summary>The version of a template that new applications use now.</summary>
    /// <param name="key">The template's key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The published version, or null when none is in force.</returns>
    Task<PublishedTemplate?> GetPublishedAsync(string key, CancellationToken cancellationToken = default);
}
