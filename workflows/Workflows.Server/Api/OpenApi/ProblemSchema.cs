using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.Api;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// Every problem response as what <see cref="ApiProblems"/> writes: RFC 9457 members plus our stable <c>code</c> and
/// the located <c>errors</c> (field, code, message, departments), instead of the framework's bare ProblemDetails.
/// </summary>
internal sealed class ProblemSchema : IOpenApiDocumentTransformer
{
    /// <summary>The media type of every problem.</summary>
    public const string MediaType = "application/problem+json";

    /// <summary>The problem's component name.</summary>
    public const string Name = "Problem";

    /// <summary>One located error's component name.</summary>
    public const string ErrorName = "ProblemError";

    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ErrorName] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "One thing wrong with the request, located.",
            Required = new HashSet<string> { "field", "code", "message" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["field"] = Text("Where: a JSON path (answers.babyName, materials[2].kind), header:NAME, query:NAME, or body."),
                ["code"] = Text("A stable code to switch on, e.g. field.required."),
                ["message"] = Text("What is wrong and how to put it right."),
                ["departments"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array | JsonSchemaType.Null,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String },
                    Description = "For a missing material: the departments whose items need it.",
                },
            },
        };
        document.Components.Schemas[Name] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem with a stable code and every located error.",
            Required = new HashSet<string> { "type", "title", "status", "detail", "code", "errors" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text($"{ApiProblems.TypePrefix}CODE: one per kind of problem."),
                ["title"] = Text("A short title."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
                ["detail"] = Text("The explanation."),
                ["instance"] = Text("The request, when given."),
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ProblemCodes.Shape, Description = "The stable code, area.rule, the last part of type." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchemaReference(ErrorName, document),
                    Description = "Every problem found; empty when the status says it all.",
                },
                ["traceId"] = Text("The request's trace, for the server's logs."),
            },
            Examples = [JsonNode.Parse("""
                {"type":"urn:workflows:problem:request.invalid","title":"The request is not valid.","status":400,
                 "detail":"answers.babyName: A value is required.","code":"request.invalid",
                 "errors":[{"field":"answers.babyName","code":"field.required","message":"A value is required."}]}
                """)!],
        };

        var problem = new OpenApiSchemaReference(Name, document);
        foreach (var operation in document.Paths.Values.SelectMany(p => (p.Operations ?? []).Values))
        {
            foreach (var response in (operation.Responses ?? []).Values)
            {
                if (response.Content?.TryGetValue(MediaType, out var media) == true)
                {
                    media.Schema = problem;
                }
            }
        }

        // The framework's ProblemDetails is referenced by nothing now.
        document.Components.Schemas.Remove("ProblemDetails");
        return Task.CompletedTask;
    }

    static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
