namespace Workflows.Tasks;

/// <summary>What an officer asked the applicant for, read from a task awaiting the applicant.</summary>
/// <param name="Materials">The materials asked for.</param>
/// <param name="Reason">The officer's reason, as written (empty when none can be read).</param>
/// <param name="AskedAt">When they asked; null for a row written before the fields (then the task's status time stands for it).</param>
public sealed record SupplementAsked(IReadOnlyList<string> Materials, string Reason, DateTime? AskedAt)
{
    // The prose the engine wrote before the fields: "Supplement requested (a, b): why".
    const string OldPrefix = "Supplement requested (";

    /// <summary>
    /// The request on a task: its own members (<see cref="TaskRecord.SupplementMaterials"/>,
    /// <see cref="TaskRecord.SupplementReason"/>, <see cref="TaskRecord.SupplementAskedAt"/>); for a row written before
    /// them, whatever is missing is parsed from the note the engine wrote then.
    /// </summary>
    /// <param name="task">A task.</param>
    /// <returns>The request, or null when the task does not await the applicant.</returns>
    public static SupplementAsked? From(TaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Status != OfficerTaskStatus.AwaitingApplicant)
        {
            return null;
        }

        if (task.SupplementReason is { } reason)
        {
            return new SupplementAsked(task.SupplementMaterials ?? [], reason, task.SupplementAskedAt);
        }

        var (materials, why) = ParseOld(task.Note);
        return new SupplementAsked(task.SupplementMaterials ?? materials, why, task.SupplementAskedAt);
    }

    // Rows written before the fields only: the materials between the parentheses, the reason after "): ".
    static (IReadOnlyList<string> Materials, string Reason) ParseOld(string? note)
    {
        if (note is null || !note.StartsWith(OldPrefix, StringComparison.Ordinal))
        {
            return ([], note ?? string.Empty);
        }

        var end = note.IndexOf("): ", OldPrefix.Length, StringComparison.Ordinal);
        if (end < 0)
        {
            end = note.IndexOf(')', OldPrefix.Length);
            return end < 0 ? ([], note) : (Split(note[OldPrefix.Length..end]), note[(end + 1)..].TrimStart(':', ' '));
        }

        return (Split(note[OldPrefix.Length..end]), note[(end + 3)..]);
    }

    static List<string> Split(string list) => [.. list.Split(", ", StringSplitOptions.RemoveEmptyEntries)];
}
