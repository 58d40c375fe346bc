using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// Makes the schemas say what the JSON is: enums are strings (their camelCase names, as the converter writes
/// them); a polymorphic template part (a condition by <c>op</c>, a decision mode by <c>by</c>) is a base with the
/// discriminator and its mapping, each kind <c>allOf</c> the base and its own members; and, in what responses carry,
/// a nullable member is not required, because responses leave nulls out (<c>WhenWritingNull</c>). Request bodies keep
/// their required members: the reader demands them (<c>RespectRequiredConstructorParameters</c>).
/// </summary>
internal sealed class SchemaTruth : IOpenApiDocumentTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var schemas = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            Visit(schema, new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance));
        }

        foreach (var (name, schema) in schemas.Where(s => s.Value.Discriminator is not null).ToList())
        {
            Inheritance(document, name, (OpenApiSchema)schema);
        }

        foreach (var name in ReachableFromResponses(document))
        {
            if (schemas.TryGetValue(name, out var schema) && schema is OpenApiSchema { Required: { Count: > 0 } required, Properties: { } properties })
            {
                foreach (var (property, value) in properties)
                {
                    if (IsNullable(value))
                    {
                        required.Remove(property);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether a member's schema admits null (a <c>null</c> type, or one of null and a reference).</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>Whether it is nullable.</returns>
    public static bool IsNullable(IOpenApiSchema schema) =>
        schema.Type is { } type && type.HasFlag(JsonSchemaType.Null)
        || schema.OneOf?.Any(s => s.Type == JsonSchemaType.Null) == true
        || schema.AnyOf?.Any(s => s.Type == JsonSchemaType.Null) == true;

    static void Visit(OpenApiSchema schema, HashSet<OpenApiSchema> seen)
    {
        if (!seen.Add(schema))
        {
            return;
        }

        if (schema.Enum is { Count: > 0 } && (schema.Type is null || schema.Type == JsonSchemaType.Null))
        {
            // Every enum is written by name (JsonStringEnumConverter, camelCase); a nullable one keeps its null.
            schema.Type = JsonSchemaType.String | (schema.Type ?? 0);
        }

        var children = (schema.Properties?.Values ?? [])
            .Concat(schema.AllOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? [])
            .Append(schema.Items).Append(schema.AdditionalProperties);
        foreach (var child in children.OfType<OpenApiSchema>())
        {
            Visit(child, seen);
        }
    }

    // NSwag reads a discriminated family as a base class and subclasses: the base names the discriminator and its
    // mapping, each kind is allOf [base, its own members]. (oneOf on the base too makes NSwag 14 fail on the cycle;
    // oneOf alone makes it invent classes it never writes. Kiota reads this form as well.)
    static void Inheritance(OpenApiDocument document, string baseName, OpenApiSchema schema)
    {
        var schemas = document.Components!.Schemas!;
        var discriminator = schema.Discriminator!;
        var property = discriminator.PropertyName!;
        schema.AnyOf = null;
        schema.OneOf = null;
        schema.Type = JsonSchemaType.Object;
        schema.Properties = new Dictionary<string, IOpenApiSchema>
        {
            [property] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Which kind this is; sent first.",
                Enum = [.. (discriminator.Mapping ?? new Dictionary<string, OpenApiSchemaReference>()).Keys.Select(k => (JsonNode)JsonValue.Create(k))],
            },
        };
        schema.Required = new HashSet<string> { property };

        var clrBase = PolymorphicBase(baseName);
        foreach (var (value, reference) in discriminator.Mapping ?? new Dictionary<string, OpenApiSchemaReference>())
        {
            if (reference.Reference.Id is not { } kindName || !schemas.TryGetValue(kindName, out var kind) || kind is not OpenApiSchema concrete)
            {
                continue;
            }

            var clrKind = clrBase?.GetCustomAttributes<JsonDerivedTypeAttribute>().FirstOrDefault(a => Equals(a.TypeDiscriminator, value))?.DerivedType;
            var own = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>(),
                Required = new HashSet<string>((concrete.Required ?? new HashSet<string>()).Where(r => r != property)),
            };
            foreach (var (name, member) in concrete.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                if (name != property)
                {
                    own.Properties[name] = IsEmpty(member) && clrKind is not null ? Rebuilt(document, clrKind, name, member) : member;
                }
            }

            schemas[kindName] = new OpenApiSchema
            {
                Description = concrete.Description,
                AllOf = [new OpenApiSchemaReference(baseName, document), own],
            };
        }
    }

    static Type? PolymorphicBase(string name) =>
        typeof(Workflows.Templates.Condition).Assembly.GetTypes()
            .FirstOrDefault(t => t.Name == name && t.GetCustomAttribute<JsonPolymorphicAttribute>() is not null);

    static bool IsEmpty(IOpenApiSchema schema) =>
        schema is OpenApiSchema { Type: null, Items: null, AllOf: null or { Count: 0 }, OneOf: null or { Count: 0 }, AnyOf: null or { Count: 0 }, Properties: null or { Count: 0 } };

    // The framework leaves a kind's member empty when an earlier kind has a member of the same type (AnyOf's
    // conditions after AllOf's): rebuilt from the record, a polymorphic member or a list of them.
    static IOpenApiSchema Rebuilt(OpenApiDocument document, Type kind, string name, IOpenApiSchema empty)
    {
        var clr = kind.GetProperties().FirstOrDefault(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name) == name)?.PropertyType;
        var element = clr is { IsGenericType: true } && clr.GetGenericArguments() is [var single] && typeof(System.Collections.IEnumerable).IsAssignableFrom(clr) ? single : null;
        if (element?.GetCustomAttribute<JsonPolymorphicAttribute>() is not null)
        {
            return new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(element.Name, document), Description = empty.Description };
        }

        return clr?.GetCustomAttribute<JsonPolymorphicAttribute>() is not null
            ? new OpenApiSchemaReference(clr.Name, document) { Description = empty.Description }
            : empty;
    }

    // The component schemas a response body can contain, following references (a schema also read in a request
    // body, e.g. a template document, counts as a response schema: responses leave its nulls out too).
    static HashSet<string> ReachableFromResponses(OpenApiDocument document)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var roots = document.Paths.Values
            .SelectMany(p => (p.Operations ?? []).Values)
            .SelectMany(o => (o.Responses ?? []).Values)
            .SelectMany(r => (r.Content ?? new Dictionary<string, OpenApiMediaType>()).Values)
            .Select(m => m.Schema)
            .OfType<IOpenApiSchema>();
        var seen = new HashSet<IOpenApiSchema>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<IOpenApiSchema>(roots);
        while (stack.TryPop(out var schema))
        {
            if (!seen.Add(schema))
            {
                continue;
            }

            if (schema is OpenApiSchemaReference { Reference.Id: { } id })
            {
                if (found.Add(id) && document.Components?.Schemas?.TryGetValue(id, out var target) == true)
                {
                    stack.Push(target);
                }

                continue;
            }

            foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? [])
                         .Append(schema.Items).Append(schema.AdditionalProperties).OfType<IOpenApiSchema>())
            {
                stack.Push(child);
            }
        }

        return found;
    }
}
