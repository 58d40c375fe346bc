using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.Api;
using Workflows.Applications;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// An item's English reason is stored, never answered (<see cref="EngineText"/> picks <c>reason</c> by language): the
/// member stays in the JSON contract for reading, so the document leaves it out and says how <c>reason</c> is chosen.
/// </summary>
internal sealed class EngineReasons : IOpenApiSchemaTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (context.JsonTypeInfo.Type == typeof(ItemView) && schema.Properties is { } properties)
        {
            properties.Remove("reasonEn");
            if (properties.TryGetValue("reason", out var reason) && reason is OpenApiSchema member)
            {
                member.Description = "The reason or rationale, in the request's language when the engine wrote it; a person's own words as written.";
            }
        }

        return Task.CompletedTask;
    }
}
