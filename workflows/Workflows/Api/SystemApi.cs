using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Storage;
using Workflows.Templates;

namespace Workflows.Api;

/// <summary>The shared secrets of outside department systems, bound from <c>Systems:{code}:Secret</c>.</summary>
public sealed class SystemsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Systems";

    /// <summary>How far a callback's timestamp may be from our clock.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Each system's secret, by system code.</summary>
    public Dictionary<string, SystemSecret> Secrets { get; } = new(StringComparer.Ordinal);
}

/// <summary>One system's secret.</summary>
public sealed class SystemSecret
{
    /// <summary>The HMAC key (at least 32 characters).</summary>
    public string Secret { get; set; } = string.Empty;
}

/// <summary>An outside system's result for an item.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="ItemKey">The item the system decides.</param>
/// <param name="Approved">Whether it approved.</param>
/// <param name="Reason">Its reason.</param>
/// <param name="Outputs">Values it issued (e.g. an account number), by output key.</param>
public sealed record CallbackRequest(string ApplicationId, string ItemKey, bool Approved, string? Reason = null, Dictionary<string, string>? Outputs = null);

/// <summary>
/// Callbacks from outside department systems (a bank's account system, a utility's billing system). No bearer
/// token: each system signs <c>{timestamp}.{body}</c> with HMAC-SHA256 under its own secret and sends
/// <c>X-Workflows-Timestamp</c> (Unix seconds) and <c>X-Workflows-Signature: sha256=HEX</c>. A timestamp outside the
/// window or a signature seen before is refused, so a captured callback cannot be played again.
/// </summary>
public sealed class SystemApi(
    IOptions<SystemsOptions> options, StorageTables tables, ApplicationStore applications, TemplateStore templates, ApplicationService service, TimeProvider time)
{
    /// <summary>The timestamp header.</summary>
    public const string TimestampHeader = "X-Workflows-Timestamp";

    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Workflows-Signature";

    /// <summary>The table of signatures already used.</summary>
    public const string ReplayTableName = "CallbackReplays";

    /// <summary>The largest callback body.</summary>
    public const long MaxBytes = 64 * 1024;

    /// <summary>Signs a callback as a system must (also used by tests and the demo).</summary>
    /// <param name="secret">The system's secret.</param>
    /// <param name="timestamp">Unix seconds.</param>
    /// <param name="body">The exact body bytes.</param>
    /// <returns>The header value, <c>sha256=HEX</c>.</returns>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>Takes a signed callback and delivers it to the item.</summary>
    /// <param name="system">The system's code (from the route).</param>
    /// <param name="request">The HTTP request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>202; 401 for a bad or stale signature; 409 for a replay; 400/404 for a bad body.</returns>
    public async Task<IResult> CallbackAsync(string system, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Unknown systems and systems without a secret look exactly like a bad signature.
        if (!options.Value.Secrets.TryGetValue(system, out var secret) || secret.Secret.Length < 32 || BuiltInTemplates.Catalog.FindSystem(system) is null)
        {
            return BadSignature();
        }

        var (body, tooLarge) = await ApiJson.ReadBodyAsync(request, MaxBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        if (!long.TryParse(request.Headers[TimestampHeader].FirstOrDefault(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timestamp))
        {
            return BadSignature();
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253402300799));
        if ((time.GetUtcNow() - sent).Duration() > options.Value.ReplayWindow)
        {
            return BadSignature();
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret.Secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(request.Headers[SignatureHeader].FirstOrDefault() ?? string.Empty);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return BadSignature();
        }

        // The body is authentic; only now is it read, and bad content gets the usual located errors.
        if (!(request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.UnsupportedMediaType("application/json");
        }

        var (callback, problem) = ApiJson.Parse<CallbackRequest>(body);
        if (problem is not null)
        {
            return problem;
        }

        // One use per signature: the row is the proof it was used, and adding it twice fails. It is written before the
        // callback is looked at, so a signed callback refused once (no such application, not this system's item) is
        // refused as a replay when played again, not taken if it has meanwhile come to fit.
        var replays = await tables.TableAsync(ReplayTableName);
        try
        {
            await replays.AddEntityAsync(new TableEntity(TableKeys.Escape(system), Encoding.ASCII.GetString(given)[7..])
            {
                ["ApplicationId"] = callback!.ApplicationId,
                ["ItemKey"] = callback.ItemKey,
                ["SentAt"] = sent.UtcDateTime,
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return ApiProblems.Conflict("callback.replayed", "This callback was already received.");
        }

        var record = await applications.GetAsync(callback.ApplicationId, cancellationToken);
        var pinned = record is null ? null : await templates.GetAsync(record.TemplateKey, record.TemplateVersion, cancellationToken);
        var item = pinned?.Version.Definition.Items.FirstOrDefault(i => i.Key == callback.ItemKey);
        if (record is null || item is null)
        {
            return ApiProblems.NotFound("item");
        }

        if (item.Decision is not ExternalDecision external || external.System != system)
        {
            return ApiProblems.Conflict("callback.wrongSystem", "This item is not decided by your system.");
        }

        await service.CompleteExternalAsync(callback.ApplicationId, callback.ItemKey,
            new ExternalSystemDecided(system, callback.Approved, callback.Reason, callback.Outputs), cancellationToken);
        return Results.Accepted();
    }

    static IResult BadSignature() =>
        ApiProblems.Problem(StatusCodes.Status401Unauthorized, "bad-signature", "Callback not authenticated.",
            $"Sign '{{timestamp}}.{{body}}' with HMAC-SHA256 under the system's secret; send {TimestampHeader} (Unix seconds, within the window) and {SignatureHeader}: sha256=HEX.",
            [new ApiError($"header:{SignatureHeader}", "signature.invalid", "Missing, wrong or too old.")]);
}
