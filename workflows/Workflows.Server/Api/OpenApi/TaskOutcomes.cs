using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.Api;
using Workflows.Tasks;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// A task's <c>outcome</c> is a stored string, not an enum type, but a closed set as the API answers it
/// (<see cref="ApiEnumText.TaskOutcomes"/>, camelCase): the document says which, or null while the task is open.
/// </summary>
internal sealed class TaskOutcomes : IOpenApiSchemaTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (context.JsonTypeInfo.Type == typeof(TaskRecord) && schema.Properties?.TryGetValue("outcome", out var outcome) == true && outcome is OpenApiSchema member)
        {
            member.Enum = [.. ApiEnumText.TaskOutcomes.Select(o => (JsonNode)JsonValue.Create(o)), null!];
            member.Description = "Once closed: how it ended; null while open.";
        }

        return Task.CompletedTask;
    }
}
