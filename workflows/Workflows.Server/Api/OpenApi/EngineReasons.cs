using Microsoft.AspNetCore.OpenApi;
using System.Text.Json;
using Microsoft.OpenApi;
using Workflows.Api;
using Workflows.Applications;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// The English of an engine-written text (an item's reason, a task's note, an audit detail) is stored, never answered
/// (<see cref="EngineText"/> picks by language): the member stays in the JSON contract for reading, so the document
/// leaves it out and says how the text is chosen.
/// </summary>
internal sealed class EngineReasons : IOpenApiSchemaTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (EngineText.Members.TryGetValue(context.JsonTypeInfo.Type, out var members) && schema.Properties is { } properties)
        {
            properties.Remove(JsonNamingPolicy.CamelCase.ConvertName(members.English));
            if (properties.TryGetValue(JsonNamingPolicy.CamelCase.ConvertName(members.Text), out var text) && text is OpenApiSchema member)
            {
                var what = context.JsonTypeInfo.Type == typeof(ItemView) ? "The reason or rationale"
                    : context.JsonTypeInfo.Type == typeof(Workflows.Tasks.TaskRecord) ? "The latest reason, supplement request or commitment text"
                    : "Reason, rationale or evidence";
                member.Description = $"{what}, in the request's language when the engine wrote it; a person's own words as written.";
            }
        }

        return Task.CompletedTask;
    }
}
