using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Calendar;

/// <summary>
/// How calendar documents are written as JSON: camelCase, week days as camelCase names, dates as <c>yyyy-MM-dd</c>,
/// the offset as <c>hh:mm:ss</c>, unknown properties refused. (Inside orchestration inputs the engine's own
/// converter writes the same records; both read back equal.)
/// </summary>
public static class CalendarJson
{
    /// <summary>The serializer options for calendar documents.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        WriteIndented = true,
        // Holiday names are Chinese; keep the characters instead of \uXXXX escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a calendar document; a malformed one gives a located problem instead of a calendar.</summary>
    /// <param name="json">The document.</param>
    /// <param name="problems">The problems when it cannot be read, located by JSON path.</param>
    /// <returns>The calendar, or null when it cannot be read.</returns>
    public static WorkingCalendar? TryParse(string json, out IReadOnlyList<CalendarProblem> problems)
    {
        try
        {
            var calendar = JsonSerializer.Deserialize<WorkingCalendar>(json, Options);
            problems = calendar is null ? [new CalendarProblem("$", "calendar.empty", "The document is empty (null).")] : [];
            return calendar;
        }
        catch (JsonException ex)
        {
            problems = [new CalendarProblem(ex.Path ?? "$", "calendar.json", ex.Message)];
            return null;
        }
    }

    /// <summary>Writes a calendar document.</summary>
    /// <param name="calendar">The calendar.</param>
    /// <returns>The JSON.</returns>
    public static string Write(WorkingCalendar calendar) => JsonSerializer.Serialize(calendar, Options);
}
