using System.Runtime.InteropServices.JavaScript;

namespace Workflows.Portal;

/// <summary>
/// A performance mark set before the host exists (no IJSRuntime yet): the benchmark reads it to tell the runtime's own
/// start from the app's (docs/benchmarks.md, Portal).
/// </summary>
internal static partial class StartMarks
{
    /// <summary>Sets a mark on the page's performance timeline.</summary>
    /// <param name="name">The mark's name.</param>
    [JSImport("globalThis.performance.mark")]
    internal static partial void Mark(string name);
}
