using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// An enum type is one component however it is used. The generator writes the component from the first property it
/// meets, so an enum first met as a nullable member (<c>PartyStanding.confirmation</c>) got <c>null</c> among its
/// values, and a client generator then typed every nullable use of it as an empty class that cannot read the string.
/// A nullable member already says null through its own <c>oneOf</c>, so the component lists only the real values.
/// </summary>
internal sealed class NullableEnums : IOpenApiDocumentTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
            {
                schema.Enum = [.. values.Where(v => v is not null)];
            }
        }

        return Task.CompletedTask;
    }
}
