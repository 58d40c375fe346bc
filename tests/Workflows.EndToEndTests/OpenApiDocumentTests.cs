using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workflows.Testing;

namespace Workflows.EndToEndTests;

/// <summary>
/// The OpenAPI document the running server serves says what the JSON really is (issue 15): security per operation,
/// string enums, numbers as numbers, nullable members not required in responses, template parts as a discriminated
/// family generators read, request bodies and query parameters, one problem body. And <c>docs/openapi.json</c> is what
/// the code produces.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed partial class OpenApiDocumentTests(ServerFixture server)
{
    const string Refresh = "Refresh it from the repository root: dotnet run -c Release --project workflows/Workflows.Server -- openapi \"$PWD/docs/openapi.json\" and commit it.";

    async Task<JsonElement> DocumentAsync()
    {
        using var anonymous = server.Anonymous();
        return await (await anonymous.GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();
    }

    static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()
            .Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete")
            .Select(o => (p.Name, o.Name, o.Value)));

    static JsonElement Schema(JsonElement document, string name) => document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    [Fact]
    public async Task Security_PeopleUseBearer_SystemsSignTheirRequests_OnlyThePublicOnesAreAnonymous()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("bearer").GetProperty("type").GetString().ShouldBe("http");
        schemes.GetProperty("bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        schemes.GetProperty("signature").GetProperty("name").GetString().ShouldBe("X-Workflows-Signature");
        schemes.GetProperty("timestamp").GetProperty("name").GetString().ShouldBe("X-Workflows-Timestamp");

        var anonymous = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            if (operation.GetProperty("security").GetArrayLength() == 0)
            {
                // Anyone may call it: no 401 to document.
                anonymous.Add(operation.GetProperty("operationId").GetString()!);
                operation.GetProperty("responses").TryGetProperty("401", out _).ShouldBeFalse($"{method} {path} is public");
                continue;
            }

            var requirement = operation.GetProperty("security").EnumerateArray().ShouldHaveSingleItem();
            var names = requirement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            names.ShouldBe(path.StartsWith("/api/systems/", StringComparison.Ordinal) ? ["signature", "timestamp"] : ["bearer"], $"{method} {path}");
            operation.GetProperty("responses").TryGetProperty("401", out _).ShouldBeTrue($"{method} {path} documents 401");
        }

        // Exactly the table's public entries: a certificate's check, the backlog's counts for a probe and the local demo sign-in.
        anonymous.Order(StringComparer.Ordinal).ShouldBe(["CheckCertificate", "DemoSignIn", "GetBacklogHealth", "ListDemoUsers"]);
    }

    [Fact]
    public async Task Security_WithAnAuthority_NamesItsOpenIdConfiguration()
    {
        var (code, output, error) = await RunServerCommandAsync(["--Auth:Authority=https://login.example.test/tenant/v2.0"]);

        code.ShouldBe(0, error);
        using var document = JsonDocument.Parse(output);
        var bearer = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        bearer.GetProperty("type").GetString().ShouldBe("openIdConnect");
        bearer.GetProperty("openIdConnectUrl").GetString().ShouldBe("https://login.example.test/tenant/v2.0/.well-known/openid-configuration");
    }

    [Fact]
    public async Task Enums_AreStringsOfCamelCaseNames_AndNumbersAreNumbers()
    {
        var document = await DocumentAsync();
        var text = document.GetRawText();
        // The web defaults read "5" as 5, which the document said as ["integer", "string"] with a pattern.
        NumberOrString().IsMatch(text).ShouldBeFalse("no member is typed integer-or-string");

        var status = Schema(document, "ApplicationStatus");
        status.GetProperty("type").GetString().ShouldBe("string");
        status.GetProperty("enum").EnumerateArray().Select(v => v.GetString()).ShouldContain("awaitingConfirmation");
        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            if (schema.Value.TryGetProperty("enum", out var values))
            {
                schema.Value.GetProperty("type").ToString().ShouldContain("string", customMessage: schema.Name);
                // A sort order names its field, with a minus for descending (ApplicationSort: -submittedAt).
                values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).ShouldAllBe(v => char.IsLower(v.GetString()!.TrimStart('-')[0]), schema.Name);
                // A nullable member says null in its own oneOf; null among a shared enum's values made a client generator type
                // every nullable use of it as an empty class that cannot read the value (PartyStanding.confirmation).
                values.EnumerateArray().ShouldAllBe(v => v.ValueKind == JsonValueKind.String, $"{schema.Name} lists only its values");
            }
        }

        var score = Schema(document, "Rating").GetProperty("properties").GetProperty("score");
        score.GetProperty("type").GetString().ShouldBe("integer");
    }

    [Fact]
    public async Task Responses_NullableMembersAreNullable_AndNotRequired()
    {
        var document = await DocumentAsync();
        // A rating's comment is null when none was given, and responses leave nulls out: not required.
        var rating = Schema(document, "Rating");
        rating.GetProperty("properties").GetProperty("comment").GetProperty("type").EnumerateArray().Select(t => t.GetString()).ShouldContain("null");
        rating.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldNotContain("comment");
        rating.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldContain("score");

        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject()
                     .Where(s => !s.Name.EndsWith("Request", StringComparison.Ordinal)))
        {
            if (!schema.Value.TryGetProperty("required", out var required) || !schema.Value.TryGetProperty("properties", out var properties))
            {
                continue;
            }

            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                Nullable(properties.GetProperty(name)).ShouldBeFalse($"{schema.Name}.{name} is required and nullable");
            }
        }

        static bool Nullable(JsonElement member) =>
            (member.TryGetProperty("type", out var type) && type.ToString().Contains("null", StringComparison.Ordinal))
            || (member.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Any(o => o.TryGetProperty("type", out var t) && t.GetString() == "null"));
    }

    [Fact]
    public async Task TemplateParts_AreADiscriminatedFamily_EachKindOfItsBase()
    {
        var document = await DocumentAsync();
        foreach (var (family, property, kinds) in new[] { ("Condition", "op", 12), ("DecisionMode", "by", 3) })
        {
            var schema = Schema(document, family);
            var discriminator = schema.GetProperty("discriminator");
            discriminator.GetProperty("propertyName").GetString().ShouldBe(property);
            var mapping = discriminator.GetProperty("mapping").EnumerateObject().ToList();
            mapping.Count.ShouldBe(kinds);
            schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe([property]);
            foreach (var kind in mapping)
            {
                var target = Schema(document, kind.Value.GetString()!.Split('/')[^1]);
                var allOf = target.GetProperty("allOf").EnumerateArray().ToList();
                allOf[0].GetProperty("$ref").GetString().ShouldBe($"#/components/schemas/{family}", kind.Name);
                // No member lost its schema (the framework left AnyOf's conditions empty once).
                var own = allOf[1].TryGetProperty("properties", out var members) ? members.EnumerateObject().ToList() : [];
                foreach (var member in own)
                {
                    member.Value.EnumerateObject().Any(p => p.Name is "type" or "$ref" or "oneOf" or "allOf").ShouldBeTrue($"{kind.Name}.{member.Name}");
                }
            }
        }

        var any = Schema(document, "ConditionAnyOf").GetProperty("allOf")[1].GetProperty("properties").GetProperty("conditions");
        any.GetProperty("items").GetProperty("$ref").GetString().ShouldBe("#/components/schemas/Condition");
    }

    [Fact]
    public async Task RequestBodies_UploadsAreRawFiles_TemplatesAreDocuments()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        var upload = paths.GetProperty("/api/bundles/{key}/materials/{material}/uploads").GetProperty("post").GetProperty("requestBody");
        upload.GetProperty("required").GetBoolean().ShouldBeTrue();
        var types = upload.GetProperty("content").EnumerateObject().ToList();
        types.Select(t => t.Name).ShouldBe(["application/pdf", "image/jpeg", "image/png"]);
        types.ShouldAllBe(t => t.Value.GetProperty("schema").GetProperty("format").GetString() == "binary");

        foreach (var (path, method) in new[] { ("/api/admin/templates", "post"), ("/api/admin/templates/validate", "post"), ("/api/admin/templates/{key}/versions/{version}", "put") })
        {
            paths.GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
                .GetProperty("schema").GetProperty("$ref").GetString().ShouldBe("#/components/schemas/BundleTemplate", path);
        }
    }

    [Fact]
    public async Task QueryParameters_OfTasksSearchAndAudit_AreTypedAndDescribed()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        JsonElement Parameter(string path, string name) => paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("in").GetString() == "query" && p.GetProperty("name").GetString() == name);

        Parameter("/api/tasks", "pageSize").GetProperty("schema").GetProperty("type").GetString().ShouldBe("integer");
        Parameter("/api/tasks", "escalated").GetProperty("schema").GetProperty("type").GetString().ShouldBe("boolean");
        Parameter("/api/tasks", "status").GetProperty("schema").GetProperty("$ref").GetString().ShouldEndWith("/OfficerTaskStatus");
        Parameter("/api/tasks", "dueBefore").GetProperty("schema").GetProperty("format").GetString().ShouldBe("date-time");
        foreach (var name in new[] { "template", "status", "applicant", "department", "from", "to", "pageSize", "continuation" })
        {
            Parameter("/api/admin/applications", name).GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace();
        }

        Parameter("/api/admin/applications", "status").GetProperty("schema").GetProperty("$ref").GetString().ShouldEndWith("/ApplicationStatus");
        Parameter("/api/admin/audit", "subject").GetProperty("required").GetBoolean().ShouldBeTrue();
        Parameter("/api/admin/figures", "from").GetProperty("schema").GetProperty("pattern").GetString().ShouldNotBeNull();
        Parameter("/api/notifications", "pageSize").GetProperty("schema").GetProperty("maximum").GetInt32().ShouldBe(100);
        Parameter("/api/notifications", "unread").GetProperty("schema").GetProperty("type").GetString().ShouldBe("boolean");
        Parameter("/api/admin/applications", "applicantName").GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace();
        Parameter("/api/applications", "sort").GetProperty("schema").GetProperty("$ref").GetString().ShouldEndWith("/ApplicationSort");
        Schema(document, "ApplicationSort").GetProperty("enum").EnumerateArray().Select(v => v.GetString()).ShouldBe(["-submittedAt", "submittedAt"]);
        Parameter("/api/licences", "application").GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace();
        // Every paged list takes the same two parameters.
        foreach (var path in new[] { "/api/applications", "/api/licences", "/api/notifications", "/api/admin/audit", "/api/admin/cases", "/api/assisted/consents", "/api/tasks", "/api/admin/applications" })
        {
            Parameter(path, "pageSize").GetProperty("schema").GetProperty("minimum").GetInt32().ShouldBe(1, path);
            Parameter(path, "continuation").GetProperty("schema").GetProperty("type").GetString().ShouldBe("string", path);
        }

        // Every list is the one envelope: no response of a GET is a bare array.
        foreach (var (path, method, operation) in Operations(document))
        {
            if (operation.GetProperty("responses").TryGetProperty("200", out var ok) && ok.TryGetProperty("content", out var content)
                && content.TryGetProperty("application/json", out var json))
            {
                json.GetProperty("schema").TryGetProperty("type", out var type).ShouldBeFalse($"{method} {path} answers a bare {type}");
            }
        }
        // Each of them can be refused naming the parameter.
        foreach (var path in new[] { "/api/tasks", "/api/admin/applications", "/api/admin/audit", "/api/admin/figures", "/api/admin/cases", "/api/admin/templates/{key}/diff", "/api/notifications" })
        {
            paths.GetProperty(path).GetProperty("get").GetProperty("responses").GetProperty("400").GetProperty("content")
                .GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString().ShouldEndWith("/Problem", customMessage: path);
        }
    }

    [Fact]
    public async Task Problems_AreOneTypedBody_WithCodeAndLocatedErrors()
    {
        var document = await DocumentAsync();
        var problem = Schema(document, "Problem");
        problem.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe(["type", "title", "status", "detail", "code", "errors"], ignoreOrder: true);
        problem.GetProperty("properties").GetProperty("errors").GetProperty("items").GetProperty("$ref").GetString().ShouldEndWith("/ProblemError");
        Schema(document, "ProblemError").GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldBe(["field", "code", "message"], ignoreOrder: true);
        document.GetProperty("components").GetProperty("schemas").TryGetProperty("ProblemDetails", out _).ShouldBeFalse();

        foreach (var (path, method, operation) in Operations(document))
        {
            foreach (var response in operation.GetProperty("responses").EnumerateObject())
            {
                if (response.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out var media))
                {
                    media.GetProperty("schema").GetProperty("$ref").GetString().ShouldBe("#/components/schemas/Problem", $"{method} {path} {response.Name}");
                }
            }
        }

        // And a real one has that shape.
        using var officer = server.Officer("hospital");
        using var refused = await officer.GetAsync("/api/tasks?pageSize=0");
        var body = await refused.ShouldBeProblemAsync(400, "query:pageSize", "query.invalid");
        body.GetProperty("status").GetInt32().ShouldBe(400);
        body.GetProperty("code").GetString().ShouldBe("request.invalid");
    }

    [Fact]
    public async Task RoutingsOwnProblems_HaveAnAreaDotRuleCode()
    {
        // No operation holds these to the document; the contract check still holds every problem's code (ADR 0016).
        using var officer = server.Officer("hospital");
        using var noRoute = await officer.GetAsync("/api/no-such-route");
        (await noRoute.ShouldBeProblemAsync(404)).GetProperty("code").GetString().ShouldBe("route.notFound");
        using var noMethod = await officer.DeleteAsync("/api/tasks");
        var wrongMethod = await noMethod.ShouldBeProblemAsync(405);
        wrongMethod.GetProperty("code").GetString().ShouldBe("route.methodNotAllowed");
        wrongMethod.GetProperty("type").GetString().ShouldBe("urn:workflows:problem:route.methodNotAllowed");
    }

    [Fact]
    public async Task Operations_EachHasAUniqueOperationId()
    {
        var document = await DocumentAsync();
        var ids = Operations(document).Select(o => o.Operation.GetProperty("operationId").GetString()!).ToList();
        ids.Count.ShouldBeGreaterThan(40);
        ids.Distinct(StringComparer.Ordinal).Count().ShouldBe(ids.Count);
        // Versioned as ADR 0014 says: 0.x until the portal's first release.
        document.GetProperty("info").GetProperty("version").GetString().ShouldStartWith("0.");
    }

    [Fact]
    public async Task CommittedDocument_IsWhatTheCodeProduces()
    {
        var (code, produced, error) = await RunServerCommandAsync([]);
        code.ShouldBe(0, error);
        var committed = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "openapi.json"));
        if (!string.Equals(committed.ReplaceLineEndings("\n"), produced.ReplaceLineEndings("\n"), StringComparison.Ordinal))
        {
            var first = committed.Zip(produced).TakeWhile(p => p.First == p.Second).Count();
            var line = committed[..Math.Min(first, committed.Length)].Count(c => c == '\n') + 1;
            Assert.Fail($"docs/openapi.json differs from the document the server produces (first at line {line}). {Refresh}");
        }

        // The served document is the same one, apart from the request's server URL.
        var served = System.Text.Json.Nodes.JsonNode.Parse((await DocumentAsync()).GetRawText())!.AsObject();
        served.Remove("servers");
        var written = System.Text.Json.Nodes.JsonNode.Parse(produced)!.AsObject();
        foreach (var (name, member) in written)
        {
            var differing = member is System.Text.Json.Nodes.JsonObject children
                ? children.Where(c => !System.Text.Json.Nodes.JsonNode.DeepEquals(c.Value, served[name]?[c.Key])).Select(c => $"{name}.{c.Key}: {c.Value?.ToJsonString()} served as {served[name]?[c.Key]?.ToJsonString()}").FirstOrDefault()
                : System.Text.Json.Nodes.JsonNode.DeepEquals(member, served[name]) ? null : name;
            differing.ShouldBeNull();
        }
    }

    // `openapi FILE` with the settings given; the file's text is the output.
    static async Task<(int Code, string Output, string Error)> RunServerCommandAsync(string[] settings)
    {
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.ServerDll);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.GetDirectoryName(RepoPaths.ServerDll)!);
        // Settings first: after the file's path ("/tmp/..."), the configuration's command line would read them as its value.
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        start.ArgumentList.Add("openapi");
        start.ArgumentList.Add(file);

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, File.Exists(file) ? await File.ReadAllTextAsync(file) : string.Empty, await output + await error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("\"(integer|number)\",\\s*\"string\"|\"string\",\\s*\"(integer|number)\"")]
    private static partial Regex NumberOrString();
}
