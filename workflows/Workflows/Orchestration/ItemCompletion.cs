using System.Text.Json;

namespace Workflows.Orchestration;

/// <summary>
/// What an item's sub-orchestration handed its bundle, checked by content. The engine matches a completion to the
/// step that waits for it by a sequence number alone; after a host dies between sending an episode's messages and
/// saving its history, the episode run again may number its steps otherwise, and a completion of the lost run
/// (a save's <c>true</c>, another item's result) can arrive in an item's place (docs/decisions/0027).
/// </summary>
public static class ItemCompletion
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The item result a completion carries, or null when it carries something else.</summary>
    /// <param name="completion">The completion's value as the engine delivered it.</param>
    /// <returns>The result, whichever item it is of; null for anything that is not an item's result.</returns>
    public static ItemResult? Read(JsonElement completion)
    {
        if (completion.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ItemResult>(completion, Json) is { ItemKey.Length: > 0, DecidedBy: not null, Outputs: not null, Evidence: not null } result
                && Enum.IsDefined(result.State)
                ? result
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>How long a bundle waits between reads of an item's stored result while it recovers a lost completion.</summary>
    /// <param name="attempt">Reads so far, from 0.</param>
    /// <returns>2 s, doubling, at most 5 min: an item decided at once is found in seconds, one waiting days costs a few reads an hour.</returns>
    public static TimeSpan PollDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(2 * Math.Pow(2, Math.Clamp(attempt, 0, 10)), 300));
}
