using System.Text.Json;
using Workflows.ApiClient;
using Workflows.Portal.Resources;

namespace Workflows.Portal.Shell;

/// <summary>
/// What went wrong, as the page shows it: the API's problem (already in the page's language, since every call sends
/// Accept-Language) with its located errors by field, or the page's own words for a lost connection or a server fault.
/// </summary>
/// <param name="Status">The HTTP status, 0 when the API was not reached.</param>
/// <param name="Code">The problem's code (area.rule), when the API sent one.</param>
/// <param name="Message">The sentence to show.</param>
/// <param name="Errors">Located errors: field (as the API names it) to messages.</param>
public sealed record ShownProblem(int Status, string? Code, string Message, IReadOnlyList<ProblemError> Errors)
{
    /// <summary>The messages the API located at <paramref name="field"/>.</summary>
    /// <param name="field">The field as the API names it (answers.x, materials[y]...).</param>
    /// <returns>The messages, maybe none.</returns>
    public IEnumerable<string> For(string field) =>
        Errors.Where(e => string.Equals(e.Field, field, StringComparison.Ordinal)).Select(e => e.Message);

    /// <summary>Reads what a failed call threw.</summary>
    /// <param name="error">The exception.</param>
    /// <returns>The problem to show.</returns>
    public static ShownProblem From(Exception error) => error switch
    {
        WorkflowsApiException<Problem> { Result: { } p } => new(p.Status, p.Code, p.Detail ?? p.Title ?? Texts.ProblemUnknown, p.Errors ?? []),
        WorkflowsApiException api when Parse(api.Response) is { } p => new(api.StatusCode, p.Code, p.Detail ?? p.Title ?? Texts.ProblemUnknown, p.Errors ?? []),
        WorkflowsApiException { StatusCode: >= 500 } api => new(api.StatusCode, null, Texts.ProblemServer, []),
        WorkflowsApiException api => new(api.StatusCode, null, Texts.ProblemUnknown, []),
        HttpRequestException or TaskCanceledException => new(0, null, Texts.ProblemOffline, []),
        _ => new(0, null, Texts.ProblemUnknown, []),
    };

    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    static Problem? Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Problem>(body, Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
