using System.Text.RegularExpressions;
using Workflows.ApiClient;

namespace Workflows.Portal.Admin.Designer;

/// <summary>
/// The validator's problems by where they are: <c>$.items[item-6].department</c> belongs to the item keyed item-6 at
/// <c>department</c>, <c>items[2].dependsOn[0]</c> to the third item (as the document was when sent) at <c>dependsOn</c>;
/// fields and materials likewise; anything else belongs to the template.
/// </summary>
public sealed partial class ProblemMap
{
    readonly List<(string Part, string Key, string At, string Message)> located = [];

    /// <summary>No problems.</summary>
    public static ProblemMap Empty { get; } = new([], [], [], []);

    /// <summary>Locates each problem.</summary>
    /// <param name="problems">The validator's problems.</param>
    /// <param name="items">Item keys as the validated document listed them.</param>
    /// <param name="fields">Field keys likewise.</param>
    /// <param name="materials">Material keys likewise.</param>
    public ProblemMap(IEnumerable<TemplateProblem> problems, IReadOnlyList<string> items, IReadOnlyList<string> fields, IReadOnlyList<string> materials)
    {
        foreach (var p in problems)
        {
            var m = Located().Match(p.Path ?? "");
            var keys = m.Success ? m.Groups[1].Value switch { "items" => items, "fields" => fields, _ => materials } : null;
            var at = m.Groups[2].Value;
            if (keys is not null && (keys.Contains(at) || (int.TryParse(at, out var index) && index < keys.Count)))
            {
                located.Add((m.Groups[1].Value, keys.Contains(at) ? at : keys[int.Parse(at, System.Globalization.CultureInfo.InvariantCulture)], m.Groups[3].Value.TrimStart('.'), p.Message));
            }
            else
            {
                located.Add(("", "", p.Path ?? "", p.Message));
            }
        }
    }

    /// <summary>How many problems there are.</summary>
    public int Count => located.Count;

    /// <summary>Problems of one item, field or material (part: items, fields, materials), optionally only at a property (and below it).</summary>
    /// <param name="part">items, fields or materials.</param>
    /// <param name="key">The key.</param>
    /// <param name="at">The property (department, dependsOn...), or null for all.</param>
    /// <returns>The messages.</returns>
    public IReadOnlyList<string> Of(string part, string key, string? at = null) =>
        [.. located.Where(l => l.Part == part && l.Key == key && (at is null || l.At == at || l.At.StartsWith(at + ".", StringComparison.Ordinal) || l.At.StartsWith(at + "[", StringComparison.Ordinal)))
            .Select(l => l.Message)];

    /// <summary>Problems of one item, field or material that are not at any of the given properties.</summary>
    /// <param name="part">items, fields or materials.</param>
    /// <param name="key">The key.</param>
    /// <param name="shownElsewhere">Properties whose problems are shown at their own input.</param>
    /// <returns>The messages.</returns>
    public IReadOnlyList<string> OfExcept(string part, string key, IReadOnlyCollection<string> shownElsewhere) =>
        [.. located.Where(l => l.Part == part && l.Key == key && !shownElsewhere.Contains(Property(l.At))).Select(l => l.Message)];

    static string Property(string rest) => rest.Split('.', '[')[0];

    /// <summary>Problems of the template itself (its name, the proactive rule...), with their paths.</summary>
    public IEnumerable<(string Path, string Message)> General => located.Where(l => l.Part == "").Select(l => (l.At, l.Message));

    [GeneratedRegex(@"^(?:\$\.)?(items|fields|materials)\[([^\]]+)\](.*)$")]
    private static partial Regex Located();
}
