using System.Text.Json.Serialization;

namespace Workflows.ApiClient;

/// <summary>The generated client's JSON settings.</summary>
public partial class WorkflowsClient
{
    // A request leaves out what it does not set: the API reads templates strictly (a null where its model has no null is
    // refused), and an absent optional part is what the designer means by "none".
    static partial void UpdateJsonSerializerSettings(System.Text.Json.JsonSerializerOptions settings) =>
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
}
