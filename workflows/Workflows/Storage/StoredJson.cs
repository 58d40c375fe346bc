using System.Text.Encodings.Web;
using System.Text.Json;

namespace Workflows.Storage;

/// <summary>
/// JSON settings of the records our stores keep in table columns and blobs: web defaults, with text unescaped, so
/// '办' is stored as one character and not as the six of <c>\u529E</c> (a Chinese record is about a sixth of the size
/// and far from a column's 32 Ki characters). The relaxed encoder is "unsafe" only for JSON pasted into HTML; these
/// records are read back by our code. Rows written escaped before still read: the reader takes both.
/// </summary>
public static class StoredJson
{
    /// <summary>New options for a store's records.</summary>
    /// <returns>Web defaults with unescaped text.</returns>
    public static JsonSerializerOptions Options() => new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
