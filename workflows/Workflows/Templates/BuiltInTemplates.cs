using System.Text.Json;

namespace Workflows.Templates;

/// <summary>
/// The catalog and the bundle templates that ship with the engine (Templates/BuiltIn/*.json, embedded). They are
/// data like any administrator's template; the server publishes them at first start.
/// </summary>
public static class BuiltInTemplates
{
    const string Prefix = "Workflows.Templates.BuiltIn.";
    const string CatalogName = "catalog.json";

    static readonly Lazy<ServiceCatalog> LazyCatalog = new(() =>
        JsonSerializer.Deserialize<ServiceCatalog>(Read(CatalogName), TemplateJson.Options)
        ?? throw new InvalidOperationException("The built-in catalog is empty."));

    static readonly Lazy<IReadOnlyList<BundleTemplate>> LazyTemplates = new(() =>
        [.. typeof(BuiltInTemplates).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal) && n != Prefix + CatalogName)
            .Order(StringComparer.Ordinal)
            .Select(n => TemplateJson.TryParse(Read(n[Prefix.Length..]), out var problems)
                ?? throw new InvalidOperationException($"Built-in template {n} cannot be read: {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}"))]);

    /// <summary>
    /// The release of the built-in templates, recorded with each version seeding publishes, so an older host during a
    /// rolling deploy never republishes its templates over a newer release's. Raise it whenever a built-in template
    /// changes (<see cref="ContentSha256"/> and a unit test hold the two together).
    /// </summary>
    public const int Release = 8;

    /// <summary>The SHA-256 of every built-in template (their canonical JSON, in key order) that <see cref="Release"/> names.</summary>
    public const string ReleaseContentSha256 = "29afc026d49474cd1b45125385f54a95c48d7b63393ef441d3d5a2b652ac5a1c";

    /// <summary>The SHA-256 of the built-in templates as embedded now; equal to <see cref="ReleaseContentSha256"/> in a consistent build.</summary>
    public static string ContentSha256 => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join("\n", All.OrderBy(t => t.Key, StringComparer.Ordinal).Select(TemplateJson.Write)))));

    /// <summary>The built-in catalog of departments, licence types and outside systems.</summary>
    public static ServiceCatalog Catalog => LazyCatalog.Value;

    /// <summary>The built-in templates, by file name order.</summary>
    public static IReadOnlyList<BundleTemplate> All => LazyTemplates.Value;

    /// <summary>One built-in template by key.</summary>
    /// <param name="key">The template's key.</param>
    /// <returns>The template.</returns>
    public static BundleTemplate Get(string key) => All.FirstOrDefault(t => t.Key == key)
        ?? throw new KeyNotFoundException($"No built-in template '{key}'.");

    /// <summary>The text of one embedded file.</summary>
    /// <param name="fileName">The file name within Templates/BuiltIn.</param>
    /// <returns>Its text.</returns>
    public static string Read(string fileName)
    {
        using var stream = typeof(BuiltInTemplates).Assembly.GetManifestResourceStream(Prefix + fileName)
            ?? throw new FileNotFoundException($"No embedded built-in file {fileName}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
