using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;

namespace Workflows.Portal.Admin.Designer;

/// <summary>One item of a draft on the designer's graph; the page fills in what the node shows, in the reader's language.</summary>
public sealed class ItemNode(string key, Point position) : NodeModel(key, position)
{
    /// <summary>The item's key in the template.</summary>
    public string Key { get; } = key;

    /// <summary>The item's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The department that decides it.</summary>
    public string Department { get; set; } = "";

    /// <summary>How it is decided (officer, rules, outside system).</summary>
    public string Decision { get; set; } = "";

    /// <summary>The validator's problems located on this item.</summary>
    public IReadOnlyList<string> Problems { get; set; } = [];

    /// <summary>Whether the item is the one being edited.</summary>
    public bool Current { get; set; }
}
