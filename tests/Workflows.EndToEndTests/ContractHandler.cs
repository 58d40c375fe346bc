using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Workflows.EndToEndTests;

/// <summary>
/// Holds every response an end-to-end test receives to the server's own OpenAPI document: the route and status must
/// be documented, the body (problems too) must match the schema documented for that status and media type, and the
/// documented response headers must be there. A response that does not fails the test that received it, with what
/// was wrong. The document is fetched once from the running server.
/// </summary>
public sealed class ApiContract
{
    readonly List<(string Method, Regex Path, int Literals, JsonObject Operation)> operations = [];
    readonly JsonObject schemas;
    readonly ConcurrentDictionary<string, JsonSchema> built = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, int> seen = new(StringComparer.Ordinal);

    // JsonSchema.Net registers every schema built under its base URI in one registry for the whole process, so the
    // numbering is the process's too: two contracts (the shared server's and a test's own server's) never reuse a URI.
    static int schemaCount;

    ApiContract(JsonObject document)
    {
        Document = document;
        schemas = document["components"]?["schemas"]?.AsObject() ?? [];
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation is JsonObject op)
                {
                    var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    var pattern = "^/" + string.Join('/', segments.Select(s => s.StartsWith('{') ? "[^/]+" : Regex.Escape(s))) + "/?$";
                    operations.Add((method.ToUpperInvariant(), new Regex(pattern, RegexOptions.CultureInvariant), segments.Count(s => !s.StartsWith('{')), op));
                }
            }
        }
    }

    /// <summary>The document as the server serves it.</summary>
    public JsonObject Document { get; }

    /// <summary>Fetches the server's document.</summary>
    public static async Task<ApiContract> LoadAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var text = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        return new ApiContract(JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>What is wrong with a response, or null when it keeps the contract.</summary>
    public string? Check(HttpMethod method, Uri uri, HttpStatusCode statusCode, string? mediaType, IEnumerable<string> headerNames, string body)
    {
        var path = uri.AbsolutePath;
        if (!path.StartsWith("/api/", StringComparison.Ordinal))
        {
            // The document describes the API; health, the document itself and the reference page are not in it.
            return null;
        }

        if (method == HttpMethod.Options)
        {
            // A CORS preflight is answered by the CORS middleware (or App Service), not by an operation of the API.
            return null;
        }

        var status = (int)statusCode;
        // Every problem, routing's own 404 and 405 too, has an area.rule code that its type repeats (ADR 0016); said after
        // an undocumented status, which is the larger fault.
        var wrongCode = mediaType == "application/problem+json" ? ProblemCodeViolation(body) : null;

        var operation = operations.Where(o => o.Method == method.Method && o.Path.IsMatch(path)).OrderByDescending(o => o.Literals).Select(o => o.Operation).FirstOrDefault();
        if (operation is null)
        {
            // Routing's own answers to a path or method the API does not have: no operation to hold them to.
            return status is not (404 or 405) ? $"{method} {path} answered {status} but the document has no such operation"
                : wrongCode is null ? null : $"{method} {path} answered {status} with {wrongCode}: {Clip(body)}";
        }

        var name = operation["operationId"]?.GetValue<string>() ?? $"{method} {path}";
        seen.AddOrUpdate($"{name} {status}", 1, (_, n) => n + 1);
        if (operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not JsonObject response)
        {
            return $"{name} ({method} {path}) answered {status}, which the document does not list; it lists {string.Join(", ", operation["responses"]?.AsObject().Select(r => r.Key) ?? [])}. Body: {Clip(body)}";
        }

        if (wrongCode is not null)
        {
            return $"{name} ({method} {path}) answered {status} with {wrongCode}: {Clip(body)}";
        }

        var present = new HashSet<string>(headerNames, StringComparer.OrdinalIgnoreCase);
        var missing = response["headers"]?.AsObject().Select(h => h.Key).Where(h => !present.Contains(h)).ToList() ?? [];
        if (missing.Count > 0)
        {
            return $"{name} {status} lacks the documented header(s) {string.Join(", ", missing)}";
        }

        if (body.Length == 0)
        {
            return null;
        }

        var content = response["content"]?.AsObject();
        if (content is null || content.Count == 0)
        {
            return $"{name} {status} has a body ({mediaType}) but the document gives it none: {Clip(body)}";
        }

        if (mediaType is not null && content[mediaType] is null && content["application/octet-stream"] is not null && !mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            // A file of a media type a template accepts beyond the usual ones: octet-stream stands for any file.
            return null;
        }

        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            return $"{name} {status} answered {mediaType ?? "no media type"}; the document lists {string.Join(", ", content.Select(c => c.Key))}";
        }

        if (media["schema"] is not JsonObject schema || !mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            return null;
        }

        using var instance = JsonDocument.Parse(body);
        var results = Schema(schema).Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return null;
        }

        var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .Take(8);
        return $"{name} {status} body does not match its schema:\n  {string.Join("\n  ", errors)}\nBody: {Clip(body)}";
    }

    /// <summary>How many responses were checked, by operation and status, and the documented statuses none came back with.</summary>
    public string Report()
    {
        var documented = operations.SelectMany(o => o.Operation["responses"]?.AsObject().Select(r => $"{o.Operation["operationId"]?.GetValue<string>()} {r.Key}") ?? [])
            .ToList();
        var never = documented.Where(d => !seen.ContainsKey(d)).Order(StringComparer.Ordinal).ToList();
        return $"{seen.Values.Sum()} responses checked; {seen.Count} of {documented.Count} documented (operation, status) pairs seen.\n"
            + string.Join('\n', seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"))
            + "\nNever seen:\n" + string.Join('\n', never);
    }

    // The response's schema with the document's components beside it as $defs, so its $refs resolve in one schema.
    JsonSchema Schema(JsonObject schema)
    {
        var key = schema.ToJsonString();
        return built.GetOrAdd(key, _ =>
        {
            var root = new JsonObject { ["$schema"] = "https://json-schema.org/draft/2020-12/schema" };
            foreach (var (k, v) in schema)
            {
                root[k] = v?.DeepClone();
            }

            root["$defs"] = schemas.DeepClone();
            var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
            var id = Interlocked.Increment(ref schemaCount);
            return JsonSchema.FromText(text, baseUri: new Uri($"https://contract.test/schema/{id}"));
        });
    }

    static string? ProblemCodeViolation(string body)
    {
        using var problem = JsonDocument.Parse(body);
        var code = problem.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : null;
        var type = problem.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (code is null || !Regex.IsMatch(code, Workflows.Api.ProblemCodes.Shape, RegexOptions.CultureInvariant))
        {
            return $"a problem code '{code}' not of the shape area.rule";
        }

        return type == Workflows.Api.ApiProblems.TypePrefix + code ? null : $"a problem type '{type}' that does not repeat its code '{code}'";
    }

    static string Clip(string body) => body.Length <= 600 ? body : body[..600] + "…";
}

/// <summary>A response that breaks the server's own OpenAPI document.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>Checks every response against <see cref="ApiContract"/>; the test that received a bad one fails.</summary>
public sealed class ContractHandler(Func<Task<ApiContract>> contract, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // Buffered so that the test can still read the body after this did.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var headers = response.Headers.Select(h => h.Key).Concat(response.Content.Headers.Select(h => h.Key));
        var violation = (await contract()).Check(request.Method, request.RequestUri!, response.StatusCode, response.Content.Headers.ContentType?.MediaType, headers, body);
        if (violation is not null)
        {
            throw new ContractViolationException(violation);
        }

        return response;
    }
}
