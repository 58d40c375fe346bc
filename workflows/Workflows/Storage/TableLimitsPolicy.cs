using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Workflows.Storage;

/// <summary>
/// Sits in every table client's pipeline (ours and the engine's, see <see cref="StorageClients.TableOptions"/>) and
/// checks each entity an insert, update, merge or entity-group transaction sends against <see cref="TableEntityLimits"/>.
/// An entity Azure would refuse is refused here, before it is sent, with a <see cref="TableEntityLimitException"/>
/// naming the table and property: the same failure on Azurite (which is lenient) as on Azure, so tests see it.
/// Added per call, before the SDK's retries: a refused entity is not retried.
/// </summary>
public sealed class TableLimitsPolicy : HttpPipelinePolicy
{
    static readonly byte[] BodyStart = "\r\n\r\n{"u8.ToArray();

    /// <inheritdoc />
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Inspect(message?.Request ?? throw new ArgumentNullException(nameof(message)));
        ProcessNext(message, pipeline);
    }

    /// <inheritdoc />
    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Inspect(message?.Request ?? throw new ArgumentNullException(nameof(message)));
        return ProcessNextAsync(message, pipeline);
    }

    /// <summary>Checks a request body the way the policy does; the first problem, or null.</summary>
    /// <param name="path">The request's path (the table, or <c>$batch</c>).</param>
    /// <param name="contentType">The request's content type.</param>
    /// <param name="body">The body's bytes.</param>
    /// <returns>The first limit broken, or null.</returns>
    public static TableEntityLimitException? CheckBody(string path, string? contentType, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(path);
        var table = TableOf(path);
        if (contentType?.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (body.Length >= TableEntityLimits.MaxBatchBytes)
            {
                return new TableEntityLimitException("RequestBodyTooLarge", null, $"Entity-group transaction of {body.Length} bytes; it must stay under {TableEntityLimits.MaxBatchBytes} (4 MiB).");
            }

            var operations = 0;
            var text = Encoding.UTF8.GetString(body);
            for (var at = text.IndexOf("application/http", StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf("application/http", at + 1, StringComparison.OrdinalIgnoreCase))
            {
                operations++;
            }

            if (operations > TableEntityLimits.MaxBatchOperations)
            {
                return new TableEntityLimitException("InvalidInput", null, $"Entity-group transaction of {operations} operations; at most {TableEntityLimits.MaxBatchOperations}.");
            }

            // Each operation's body is one JSON object after its headers' blank line: read exactly that value.
            for (var start = body.IndexOf(BodyStart); start >= 0;)
            {
                var from = start + BodyStart.Length - 1;
                var reader = new Utf8JsonReader(body[from..]);
                using var doc = JsonDocument.ParseValue(ref reader);
                if (Problem(doc.RootElement, EntityTable(body[..from], table)) is { } problem)
                {
                    return problem;
                }

                var next = from + (int)reader.BytesConsumed;
                var rest = body[next..].IndexOf(BodyStart);
                start = rest < 0 ? -1 : next + rest;
            }

            return null;
        }

        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true || path.EndsWith("/Tables", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        using var entity = JsonDocument.Parse(body.ToArray());
        return Problem(entity.RootElement, table);
    }

    static TableEntityLimitException? Problem(JsonElement entity, string table) => TableEntityLimits.Check(entity) is { } p
        ? new TableEntityLimitException(p.ErrorCode!, p.Property, $"Table {table}: {p.Message}") { Table = table }
        : null;

    // The table of one operation of a transaction: the last request line before its body names it.
    static string EntityTable(ReadOnlySpan<byte> before, string fallback)
    {
        var text = Encoding.UTF8.GetString(before[Math.Max(0, before.Length - 4096)..]);
        var line = text.LastIndexOf(" HTTP/1.1", StringComparison.Ordinal);
        if (line < 0)
        {
            return fallback;
        }

        var lineStart = text.LastIndexOf('\n', line) + 1;
        var parts = text[lineStart..line].Split(' ');
        return Uri.TryCreate(parts[^1], UriKind.Absolute, out var uri) ? TableOf(uri.AbsolutePath) : fallback;
    }

    static string TableOf(string path)
    {
        var last = path.TrimEnd('/');
        last = last[(last.LastIndexOf('/') + 1)..];
        var paren = last.IndexOf('(', StringComparison.Ordinal);
        return paren >= 0 ? last[..paren] : last;
    }

    static void Inspect(Request request)
    {
        if (request.Content is null || request.Method == RequestMethod.Get || request.Method == RequestMethod.Delete)
        {
            return;
        }

        request.Headers.TryGetValue("Content-Type", out var contentType);
        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, CancellationToken.None);
        if (CheckBody(request.Uri.Path, contentType, buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } problem)
        {
            throw problem;
        }
    }
}
