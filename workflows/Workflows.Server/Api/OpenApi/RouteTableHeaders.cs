using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.Api;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// Documents the response headers the route table (<see cref="ApiOperation.AllResponses"/>) says a response always
/// carries: ETag, Location, Retry-After. The rest of an endpoint's metadata comes from the same table through
/// <c>ApiEndpoints.Map</c>; headers have no endpoint metadata of their own, so they are written here.
/// </summary>
internal sealed class RouteTableHeaders : IOpenApiOperationTransformer
{
    static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        [ApiResponse.ETag] = "The version of what was read or written: send it as If-Match to change it, or (a polled read) as If-None-Match to be answered 304 while it is unchanged.",
        [ApiResponse.Location] = "Where what was created or started can be read.",
        [ApiResponse.RetryAfter] = "Seconds to wait before sending the same request again.",
        [ApiResponse.ContentDisposition] = "inline (images and PDF, for a browser to preview) or attachment, with the file's name.",
        [ApiResponse.ContentRange] = "The part of the file this answer carries.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var route = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiOperation>().FirstOrDefault();
        if (route is null || operation.Responses is null)
        {
            return Task.CompletedTask;
        }

        foreach (var response in route.AllResponses.Where(r => r.Headers.Count > 0))
        {
            if (operation.Responses.TryGetValue(response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var documented)
                && documented is OpenApiResponse concrete)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
                foreach (var header in response.Headers)
                {
                    concrete.Headers[header] = new OpenApiHeader
                    {
                        Required = true,
                        Description = Descriptions.GetValueOrDefault(header),
                        Schema = new OpenApiSchema { Type = header == ApiResponse.RetryAfter ? JsonSchemaType.Integer : JsonSchemaType.String },
                    };
                }
            }
        }

        return Task.CompletedTask;
    }
}
