using System.Text.Json.Serialization;

namespace Workflows.Portal.Shell;

/// <summary>The page's own stored JSON, source-generated (no reflection to keep after trimming).</summary>
[JsonSerializable(typeof(SignedInUser))]
internal sealed partial class PortalJson : JsonSerializerContext;
