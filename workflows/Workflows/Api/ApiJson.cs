using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Workflows.Api;

/// <summary>
/// Reads request bodies strictly: JSON only, a size limit enforced before and while reading, unknown fields
/// refused, required and non-nullable members enforced, enums by name only. A failure names the field at fault.
/// </summary>
public static class ApiJson
{
    /// <summary>The default largest JSON body (a bundle form with every answer fits many times over).</summary>
    public const long DefaultMaxBytes = 256 * 1024;

    /// <summary>The options for request bodies.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The options for response bodies written outside the host's JSON options (see <see cref="ConfigureResponses"/>).</summary>
    public static JsonSerializerOptions ResponseOptions { get; } = CreateResponseOptions();

    /// <summary>Applies the response conventions (enums by camelCase name, every member written, null too) to a host's JSON options.</summary>
    /// <param name="options">The host's options.</param>
    public static void ConfigureResponses(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        // Enum names stored as strings (a task's outcome, audit states) are answered camelCase too (ApiEnumText).
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(ApiEnumText.Normalise).WithAddedModifier(EngineText.Choose);
        // Nulls are written, not left out: the OpenAPI document marks a record's members required, and a generated
        // client throws on a required member that is absent (issue 15). A member that may be null says so by being null.
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // Numbers are JSON numbers: the web defaults also read "5", which made the OpenAPI document say "integer or string".
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    /// <summary>Reads and deserializes a body.</summary>
    /// <typeparam name="T">The request type.</typeparam>
    /// <param name="request">The HTTP request.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value, or the problem response to send.</returns>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, long maxBytes = DefaultMaxBytes, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return (null, ApiProblems.UnsupportedMediaType("application/json"));
        }

        var (body, tooLarge) = await ReadBodyAsync(request, maxBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        return Parse<T>(body);
    }

    /// <summary>
    /// Reads a whole body up to a limit: refused before reading when the declared length is too large, and after
    /// one byte too many when the body is chunked (no length up front).
    /// </summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes, or the 413 problem to send.</returns>
    public static async Task<(byte[] Body, IResult? Problem)> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return ([], ApiProblems.TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return ([], ApiProblems.TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }

    /// <summary>Deserializes a body already read.</summary>
    /// <typeparam name="T">The request type.</typeparam>
    /// <param name="utf8">The body.</param>
    /// <returns>The value, or the problem response to send.</returns>
    public static (T? Value, IResult? Problem) Parse<T>(ReadOnlySpan<byte> utf8)
        where T : class
    {
        if (utf8.IsEmpty)
        {
            return (null, ApiProblems.Invalid(new ApiError("body", "body.empty", "请发送一个 JSON 对象。", "Send a JSON object.")));
        }

        if (!WellFormed(utf8))
        {
            return (null, ApiProblems.Invalid(new ApiError("body", "body.malformed", "请求体不是格式正确的 JSON。", "The body is not well-formed JSON.")));
        }

        if (Unsafe(utf8) is { } unsafeValue)
        {
            return (null, ApiProblems.Invalid(unsafeValue));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(utf8, Options);
            return value is null
                ? (null, ApiProblems.Invalid(new ApiError("body", "body.null", "请发送一个 JSON 对象，而不是 null。", "Send a JSON object, not null.")))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.Invalid(Describe(ex)));
        }
    }

    /// <summary>Turns a serializer failure into a located error without .NET type names in it.</summary>
    /// <param name="ex">The failure.</param>
    /// <returns>The error.</returns>
    public static ApiError Describe(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var field = FieldOf(ex.Path);
        var message = ex.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            // The path points at the object; the property's name is quoted in the message.
            var start = message.IndexOf('\'', StringComparison.Ordinal);
            var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
            var name = end > start ? message[(start + 1)..end] : "?";
            // Depending on where it stops, the reader's path ends at the object or at the unknown property itself.
            var at = field == "body" ? name : field == name || field.EndsWith($".{name}", StringComparison.Ordinal) ? field : $"{field}.{name}";
            return new ApiError(at, "field.unknown", $"未知字段“{name}”。", $"Unknown field '{name}'.");
        }

        if (message.Contains("missing required properties", StringComparison.Ordinal) || message.Contains("missing required", StringComparison.Ordinal))
        {
            var names = ex.Message.Split('\'').Where((_, i) => i % 2 == 1).ToList();
            var missing = names.Count > 0 ? names[^1] : "?";
            return new ApiError(field == "body" ? missing : $"{field}.{missing}", "field.required", "必须提供值。", "A value is required.");
        }

        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("nullable", StringComparison.OrdinalIgnoreCase))
        {
            return new ApiError(field, "field.null", "必须提供值，不能为 null。", "A value is required, not null.");
        }

        return ex.InnerException is null && ex.LineNumber is not null && ex.Path is null
            ? new ApiError("body", "body.malformed", "请求体不是格式正确的 JSON。", "The body is not well-formed JSON.")
            : new ApiError(field, "field.invalid", "值的类型或格式不正确。", "The value has the wrong type or format.");
    }

    // Syntax is checked on its own first: the serializer reports a syntax error at the member it was reading
    // ("kind: the value has the wrong type"), which would send the client looking for a wrong value.
    static bool WellFormed(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            AllowTrailingCommas = Options.AllowTrailingCommas,
            CommentHandling = Options.ReadCommentHandling,
            MaxDepth = Options.MaxDepth,
        });
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The first value no request may carry, wherever it is: a null inside a list (no list of ours takes one), a string
    /// with a lone UTF-16 surrogate (it cannot be read as text), or one with a control character other than a line
    /// break or tab or a bidirectional override (see <see cref="PersonText"/>). Null when there is none.
    /// </summary>
    /// <param name="utf8">A well-formed body.</param>
    /// <returns>The error naming the value's path, or null.</returns>
    public static ApiError? Unsafe(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        // Per open container: whether it is a list, the next index or the last property name.
        var frames = new List<(bool List, int Index, string? Name)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Add((reader.TokenType == JsonTokenType.StartArray, 0, null));
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        Advance(frames);
                        continue;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        frames[^1] = (false, 0, name);
                        if (PersonText.FindUnsafe(name, allowLineBreaks: false) is not null)
                        {
                            return new ApiError(PathOf(frames), "text.invalidCharacter", "字段名含有控制字符、双向覆盖字符或无效字符。", "A field name with a control character, a bidirectional override or an invalid character.");
                        }

                        continue;
                    case JsonTokenType.Null when frames.Count > 0 && frames[^1].List:
                        return new ApiError(PathOf(frames), "field.null", "列表中不能含有 null。", "A list may not hold null.");
                    case JsonTokenType.String:
                        if (PersonText.FindUnsafe(reader.GetString()!, allowLineBreaks: true) is { } at)
                        {
                            return PersonText.InvalidCharacter(PathOf(frames), at);
                        }

                        break;
                }

                Advance(frames);
            }
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escaped as \uD800: well-formed JSON, but no text.
            return new ApiError(PathOf(frames), "text.invalidCharacter", "文本含有孤立的 UTF-16 代理项；请发送有效的 Unicode。", "The text holds a lone UTF-16 surrogate; send valid Unicode.");
        }

        return null;

        static void Advance(List<(bool List, int Index, string? Name)> frames)
        {
            if (frames.Count > 0 && frames[^1].List)
            {
                frames[^1] = (true, frames[^1].Index + 1, null);
            }
        }

        static string PathOf(List<(bool List, int Index, string? Name)> frames)
        {
            var path = new System.Text.StringBuilder();
            foreach (var (list, index, name) in frames)
            {
                if (list)
                {
                    path.Append('[').Append(index.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
                }
                else if (name is not null)
                {
                    if (path.Length > 0)
                    {
                        path.Append('.');
                    }

                    path.Append(name);
                }
            }

            return path.Length == 0 ? "body" : path.ToString();
        }
    }

    static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? "body" : field;
    }

    static bool IsJson(string? contentType)
    {
        var type = (contentType ?? string.Empty).Split(';')[0].Trim();
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    static JsonSerializerOptions CreateResponseOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ConfigureResponses(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            // Numbers are JSON numbers, as the OpenAPI document says: "5" is not a score.
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 32,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
