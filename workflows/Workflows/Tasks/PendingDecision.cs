using System.Text.Json;
using Workflows.Orchestration;
using Workflows.Storage;

namespace Workflows.Tasks;

/// <summary>
/// A decision an officer took that is on its way to the item: the task row carries it (with an ETag, so two officers
/// cannot both take one) until the item's next state replaces the row. It holds the whole decision, so if the host
/// stopped between marking the task and delivering the event, the same decision (same id) can be delivered again
/// (by the engine's sweep, <see cref="DecisionDelivery"/>); the item acts on an id once.
/// </summary>
/// <param name="Id">The decision's id.</param>
/// <param name="Kind">Approve, reject or ask for a supplement.</param>
/// <param name="By">The officer.</param>
/// <param name="At">When it was taken or last delivered.</param>
/// <param name="Reason">The reason.</param>
/// <param name="Materials">For a supplement request: the materials asked for.</param>
public sealed record PendingDecision(string Id, DecisionKind Kind, string By, DateTimeOffset At, string? Reason = null, IReadOnlyList<string>? Materials = null)
{
    static readonly JsonSerializerOptions Json = StoredJson.Options();

    /// <summary>How long a mark may stand before it is taken for undelivered and delivered again. Far longer than a
    /// delivery takes (one queue message); a decision delivered but not yet processed is recognised by its id.</summary>
    public static readonly TimeSpan RedeliverAfter = TimeSpan.FromSeconds(30);

    /// <summary>How often the engine looks for marks that stood longer than <see cref="RedeliverAfter"/>
    /// (<see cref="DecisionDelivery.SweepAsync"/>): a decision is acted on within about the sum of the two.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    /// <summary>The event the item receives.</summary>
    /// <returns>The event.</returns>
    public OfficerDecided ToEvent() => new(Kind, By, Reason, Materials, Id);

    /// <summary>The column's text.</summary>
    /// <returns>JSON.</returns>
    public string Serialize() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads the column; a mark written before marks held the decision (or damaged) reads as null.</summary>
    /// <param name="text">The column's text.</param>
    /// <returns>The mark, or null.</returns>
    public static PendingDecision? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<PendingDecision>(text, Json) is { Id.Length: > 0, By.Length: > 0 } mark ? mark : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
