using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.Api;
using Workflows.Notifications;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Server.Api.OpenApi;

/// <summary>
/// What the endpoint metadata cannot say by itself because the handlers read the request themselves: the raw upload
/// body and its media types, the template document bodies, the query parameters of the lists and searches, typed and
/// described; and an operationId for every operation that has none (from its method and path), so generated clients
/// get stable method names.
/// </summary>
internal sealed class OperationFacts : IOpenApiDocumentTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                operation.OperationId ??= OperationId(method, path);
                if (!ids.Add(operation.OperationId))
                {
                    throw new InvalidOperationException($"Two operations would be called {operation.OperationId}; give one an operationId.");
                }

                Describe(document, method.Method, path, operation);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>An operation's id from its method and path: GET /api/applications/{id} is GetApplicationsById.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path.</param>
    /// <returns>The id.</returns>
    public static string OperationId(HttpMethod method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var id = new StringBuilder(Pascal(method.Method.ToLowerInvariant()));
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.StartsWith('{'))
            {
                // A parameter names the operation only at the end (one thing rather than the list).
                if (i == segments.Count - 1)
                {
                    id.Append("By").Append(Pascal(segment.Trim('{', '}').Split(':')[0]));
                }
            }
            else
            {
                id.Append(Pascal(segment));
            }
        }

        return id.ToString();
    }

    static string Pascal(string words) =>
        string.Concat(words.Split('-', '_').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    static void Describe(OpenApiDocument document, string method, string path, OpenApiOperation operation)
    {
        switch (method, path.StartsWith("/api/", StringComparison.Ordinal) ? path[5..] : path)
        {
            case ("POST", "bundles/{key}/materials/{material}/uploads"):
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The file itself, as the raw body. The material's upload rule in the template says which media types and how many bytes it takes; the built-in templates take these.",
                    Content = UploadMediaTypes().ToDictionary(t => t, _ => new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    }),
                };
                Header(operation, "X-Content-SHA256", "The SHA-256 of the body in hex, checked when sent.", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9a-fA-F]{64}$" });
                break;
            case ("POST", "admin/templates") or ("POST", "admin/templates/validate") or ("PUT", "admin/templates/{key}/versions/{version}"):
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "A template document (the format of workflows/Workflows/Templates/BuiltIn/*.json); each polymorphic part names its kind first (op, by).",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(BundleTemplate), document) },
                    },
                };
                break;
            case ("GET", "tasks"):
                Query(operation, "status", "Which tasks: open (default), awaitingApplicant or closed.", Ref(document, nameof(OfficerTaskStatus)));
                Query(operation, "dueBefore", "Only tasks due before this time (ISO 8601).", DateTime());
                Query(operation, "template", "Only tasks of this bundle template.", Text());
                Query(operation, "pageSize", "Tasks per page.", Whole(1, TaskStore.MaxPageSize));
                Query(operation, "continuation", "The previous page's continuation, unchanged.", Text(2048));
                Query(operation, "escalated", "true: only what passed its due time (a supervisor's list).", new OpenApiSchema { Type = JsonSchemaType.Boolean });
                break;
            case ("GET", "admin/applications"):
                Query(operation, "template", "Only applications of this bundle template.", Text());
                Query(operation, "status", "Only applications in this state.", Ref(document, nameof(Workflows.Applications.ApplicationStatus)));
                Query(operation, "applicant", "Only this applicant's applications (their id).", Text());
                Query(operation, "applicantName", "Only applicants whose name contains this (ignoring case).", Text(100));
                Query(operation, "department", "Only applications with an item of this department.", Text());
                Query(operation, "from", "Submitted at or after (ISO 8601 date or date and time).", DateTime());
                Query(operation, "to", "Submitted before (ISO 8601 date or date and time).", DateTime());
                Paged(operation, "Applications");
                break;
            case ("GET", "admin/audit"):
                Query(operation, "subject", "An application id, or template:KEY.", Text(200), required: true);
                Query(operation, "from", "Entries made at or after (ISO 8601 date or date and time).", DateTime());
                Query(operation, "to", "Entries made before (ISO 8601 date or date and time).", DateTime());
                Query(operation, "actor", "Only entries by this actor, exactly (a user id, system:CODE, rule:...).", Text());
                Query(operation, "action", "Only this action, exactly; or every action that starts with it when it ends in a dot (template.).", Text());
                Paged(operation, "Entries");
                break;
            case ("GET", "applications"):
                Query(operation, "status", "Only applications in this state.", Ref(document, nameof(Workflows.Applications.ApplicationStatus)));
                Query(operation, "template", "Only applications of this bundle template.", Text());
                Query(operation, "from", "Submitted at or after (ISO 8601 date or date and time).", DateTime());
                Query(operation, "to", "Submitted before (ISO 8601 date or date and time).", DateTime());
                Query(operation, "sort", "-submittedAt (default): newest first; submittedAt: oldest first.", SortSchema(document));
                Paged(operation, "Applications");
                break;
            case ("GET", "licences"):
                Query(operation, "application", "Only the licences this application issued.", Text());
                Paged(operation, "Licences");
                break;
            case ("GET", "assisted/consents"):
                Paged(operation, "Consent requests");
                break;
            case ("GET", "admin/templates/{key}/diff"):
                Query(operation, "from", "The older version.", Whole(0, int.MaxValue), required: true);
                Query(operation, "to", "The newer version.", Whole(0, int.MaxValue), required: true);
                break;
            case ("GET", "admin/figures"):
                Query(operation, "template", "One template's figures; every template's when absent.", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[a-z0-9-]+$" });
                Query(operation, "from", "The first month, yyyy-MM.", Month());
                Query(operation, "to", "The last month, yyyy-MM.", Month());
                break;
            case ("GET", "admin/cases"):
                Query(operation, "status", "open or resolved; every case when absent.", Ref(document, nameof(Workflows.Cases.CaseStatus)));
                Paged(operation, "Cases");
                break;
            case ("GET", "notifications"):
                Query(operation, "unread", "true: only notifications not marked read.", new OpenApiSchema { Type = JsonSchemaType.Boolean });
                Paged(operation, "Notifications", NotificationApi.DefaultPageSize, NotificationApi.MaxPageSize);
                break;
        }
    }

    // The media types the built-in templates' materials take: the document lists what a client can send today.
    static IEnumerable<string> UploadMediaTypes() =>
        BuiltInTemplates.All.SelectMany(t => t.Materials).Select(m => m.Upload).OfType<UploadRule>()
            .SelectMany(u => u.ContentTypes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    static void Query(OpenApiOperation operation, string name, string description, IOpenApiSchema schema, bool required = false)
    {
        Parameter(operation, ParameterLocation.Query, name, description, schema, required);
        // A bad query parameter is answered 400 naming it (query:NAME), whether or not the route's metadata says so.
        operation.Responses ??= [];
        operation.Responses.TryAdd("400", new OpenApiResponse
        {
            Description = "A query parameter is not valid; errors[].field names it (query:NAME).",
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemSchema.MediaType] = new() },
        });
    }

    // The order of my applications, a named component so a generated client gets one enum of its own (NewestFirst,
    // OldestFirst: x-enumNames, which NSwag reads) rather than a "Sort" named after the parameter.
    static OpenApiSchemaReference SortSchema(OpenApiDocument document)
    {
        const string name = "ApplicationSort";
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(name, new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The order of a list of applications by submission time.",
            Enum = [JsonValue.Create("-submittedAt"), JsonValue.Create("submittedAt")],
            Extensions = new Dictionary<string, IOpenApiExtension> { ["x-enumNames"] = new JsonNodeExtension(new JsonArray("NewestFirst", "OldestFirst")) },
        });
        return new OpenApiSchemaReference(name, document);
    }

    // The two parameters of every paged list: the page's size and the previous page's continuation.
    static void Paged(OpenApiOperation operation, string what, int fallback = Paging.DefaultPageSize, int max = Paging.MaxPageSize)
    {
        Query(operation, "pageSize", $"{what} per page ({fallback} when absent).", Whole(1, max));
        Query(operation, "continuation", "The previous page's continuation, unchanged (or follow its next link).", Text(Paging.MaxContinuation));
    }

    static void Header(OpenApiOperation operation, string name, string description, IOpenApiSchema schema) =>
        Parameter(operation, ParameterLocation.Header, name, description, schema, required: false);

    static void Parameter(OpenApiOperation operation, ParameterLocation at, string name, string description, IOpenApiSchema schema, bool required)
    {
        operation.Parameters ??= [];
        var index = operation.Parameters.ToList().FindIndex(p => p.In == at && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        var parameter = new OpenApiParameter { Name = name, In = at, Description = description, Schema = schema, Required = required };
        if (index >= 0)
        {
            operation.Parameters[index] = parameter;
        }
        else
        {
            operation.Parameters.Add(parameter);
        }
    }

    static OpenApiSchemaReference Ref(OpenApiDocument document, string component) => new OpenApiSchemaReference(component, document);

    static OpenApiSchema Text(int? maxLength = null) => new() { Type = JsonSchemaType.String, MaxLength = maxLength };

    static OpenApiSchema DateTime() => new() { Type = JsonSchemaType.String, Format = "date-time" };

    static OpenApiSchema Month() => new() { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-[0-9]{2}$" };

    static OpenApiSchema Whole(int minimum, int maximum) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int32",
        Minimum = minimum.ToString(CultureInfo.InvariantCulture),
        Maximum = maximum.ToString(CultureInfo.InvariantCulture),
    };
}
