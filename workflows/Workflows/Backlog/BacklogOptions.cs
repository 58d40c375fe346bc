namespace Workflows.Backlog;

/// <summary>
/// How many accepted applications may wait for their bundle to start before a submit is refused with 503
/// (configuration section <c>Backlog</c>). Accepting work the engine will not start for minutes, and telling nobody, is
/// worse than asking the caller to come back (issue 19; docs/decisions/0026).
/// </summary>
public sealed class BacklogOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Backlog";

    /// <summary>Applications accepted but not started beyond which a submit answers 503; 0 refuses whenever one waits.</summary>
    public int MaxPending { get; set; } = 500;

    /// <summary>What a refused caller is told to wait (Retry-After).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one count serves every submit on this host, so a burst costs one query, not one each.</summary>
    public TimeSpan CountFor { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A marker older than this is not counted (and is removed when seen): a starter that died between its marker and
    /// the start leaves one behind, and the applicant's retry starts the application under a fresh one.
    /// </summary>
    public TimeSpan Forget { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The problems of these options; empty when valid.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxPending < 0)
        {
            problems.Add("Backlog:MaxPending must be 0 or more.");
        }

        if (RetryAfter < TimeSpan.FromSeconds(1) || RetryAfter > TimeSpan.FromHours(1))
        {
            problems.Add("Backlog:RetryAfter must be between 1 s and 1 h.");
        }

        if (CountFor < TimeSpan.Zero || CountFor > TimeSpan.FromMinutes(1))
        {
            problems.Add("Backlog:CountFor must be between 0 and 1 min.");
        }

        if (Forget < TimeSpan.FromMinutes(1))
        {
            problems.Add("Backlog:Forget must be at least 1 min.");
        }

        return problems;
    }
}
