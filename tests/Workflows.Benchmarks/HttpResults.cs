namespace Workflows.Benchmarks;

/// <summary>How much the HTTP part runs: the full plan, or small counts while developing.</summary>
/// <param name="Quick">Whether this is the quick plan.</param>
/// <param name="SeedApplications">Newborn applications whose officer tasks are seeded for the task-list measure.</param>
/// <param name="WarmUpApplications">Applications taken through each flow before anything is measured.</param>
/// <param name="FirstTaskApplications">Newborns submitted one at a time for submit → first task visible.</param>
/// <param name="DependentTaskApplications">Newborns whose birth certificate is approved one at a time for decision → dependent task visible.</param>
/// <param name="QueryWarmUp">Task-list requests sent before measuring.</param>
/// <param name="QueryRequests">Task-list requests measured (a continuation may add its first page).</param>
/// <param name="StorageOnlyRequests">The same first-page query sent straight to storage, without the server.</param>
/// <param name="SustainedClients">Citizens submitting at once, each as fast as the server answers.</param>
/// <param name="SustainedWindow">How long they submit.</param>
/// <param name="DrainLimit">How long after the window the bench waits for every accepted application's first task.</param>
/// <param name="PollInterval">Pause between two reads of an officer's list while waiting for a task.</param>
/// <param name="VisibleTimeout">Longest wait for one task before it is counted as not seen.</param>
public sealed record HttpPlan(
    bool Quick,
    int SeedApplications,
    int WarmUpApplications,
    int FirstTaskApplications,
    int DependentTaskApplications,
    int QueryWarmUp,
    int QueryRequests,
    int StorageOnlyRequests,
    int SustainedClients,
    TimeSpan SustainedWindow,
    TimeSpan DrainLimit,
    TimeSpan PollInterval,
    TimeSpan VisibleTimeout)
{
    /// <summary>Tasks per page of the measured task-list query, as the issue asks.</summary>
    public const int QueryPageSize = 50;

    /// <summary>The plan.</summary>
    /// <param name="quick">Small counts for a run of a few minutes.</param>
    /// <returns>The plan.</returns>
    public static HttpPlan Create(bool quick) => quick
        ? new(true, 10_000, 1, 5, 5, 10, 100, 30, 8, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(60))
        : new(false, 100_000, 3, 30, 30, 30, 300, 100, 8, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(60));
}

/// <summary>CPU time of the emulator, the server, the bench and everything else over one interval.</summary>
/// <param name="Phase">What ran.</param>
/// <param name="Wall">The interval.</param>
/// <param name="Azurite">The emulator's node process.</param>
/// <param name="Server">The server process (API, engine worker and sidecar in one).</param>
/// <param name="Bench">This process: the clients.</param>
/// <param name="Other">Every other process on the machine: other people's builds and tests.</param>
public sealed record PhaseCpu(string Phase, TimeSpan Wall, TimeSpan Azurite, TimeSpan Server, TimeSpan Bench, TimeSpan Other)
{
    /// <summary>A CPU time as a share of one core over the interval.</summary>
    /// <param name="cpu">The CPU time.</param>
    /// <returns>1.0 for a full core.</returns>
    public double Cores(TimeSpan cpu) => Wall > TimeSpan.Zero ? cpu / Wall : double.NaN;
}

/// <summary>Latencies of one kind of task-list request.</summary>
/// <param name="Kind">What the request asked for.</param>
/// <param name="Latency">Send to last byte of the response.</param>
/// <param name="MeanTasks">Tasks per response, on average (a full page is <see cref="HttpPlan.QueryPageSize"/>).</param>
public sealed record QueryKind(string Kind, LatencySummary Latency, double MeanTasks);

/// <summary>The store the task-list query ran against.</summary>
/// <param name="Applications">Newborn applications seeded.</param>
/// <param name="Tasks">Tasks seeded, all departments.</param>
/// <param name="Counts">Seeded tasks by department and status.</param>
/// <param name="ImportTime">How long the import took.</param>
/// <param name="EngineTasks">Tasks the engine itself had written in the flows before (hospital and police).</param>
public sealed record SeedResult(int Applications, int Tasks, IReadOnlyList<SeedCount> Counts, TimeSpan ImportTime, int EngineTasks);

/// <summary>The sustained submissions.</summary>
/// <param name="Clients">Citizens submitting at once.</param>
/// <param name="Window">How long.</param>
/// <param name="Accepted">202 answers that arrived within the window.</param>
/// <param name="AcceptedLate">202 answers to requests sent within the window that arrived after it.</param>
/// <param name="Refused">Any other answer or failure, by status.</param>
/// <param name="PerSecond">202 answers by the second of the window they arrived in.</param>
/// <param name="SubmitLatency">Send to answer of the accepted submissions.</param>
/// <param name="Visible">Accepted applications whose hospital task was in the officer's list, by seconds after the window closed.</param>
/// <param name="DrainedAfter">Seconds after the window at which every accepted application's task was listed; null if not within the limit.</param>
public sealed record SustainedResult(
    int Clients,
    TimeSpan Window,
    int Accepted,
    int AcceptedLate,
    IReadOnlyDictionary<string, int> Refused,
    IReadOnlyList<int> PerSecond,
    LatencySummary SubmitLatency,
    IReadOnlyList<(double SecondsAfter, int Visible)> Visible,
    double? DrainedAfter)
{
    /// <summary>Accepted submissions per second of the window.</summary>
    public double AcceptedPerSecond => Accepted / Window.TotalSeconds;

    /// <summary>Applications accepted in all (late answers included): what the engine had to take to the officer.</summary>
    public int Submitted => Accepted + AcceptedLate;

    /// <summary>
    /// Whether the engine kept up: when the window closed, no more applications were still on their way to the
    /// officer's list than one second of submissions (the target for submit → task visible).
    /// </summary>
    public bool KeptUp => Visible.Count > 0 && Submitted - Visible[0].Visible <= Math.Ceiling(AcceptedPerSecond);
}

/// <summary>Everything the HTTP part measured.</summary>
/// <param name="Plan">What was run.</param>
/// <param name="Seed">The seeded store.</param>
/// <param name="Query">Task-list requests by kind.</param>
/// <param name="QueryAll">All task-list requests.</param>
/// <param name="QueryErrors">Task-list requests that did not answer 200.</param>
/// <param name="StorageOnly">The first-page query straight to storage from this process, on the seeded store.</param>
/// <param name="StorageOnlyBefore">The same before seeding, when the store held only the bench's own tasks.</param>
/// <param name="FirstTask">Submit → first task visible.</param>
/// <param name="FirstTaskMissed">Submissions whose task was not seen within the timeout (or that were refused).</param>
/// <param name="DependentTask">Decision → dependent task visible.</param>
/// <param name="DependentTaskMissed">Decisions whose dependent task was not seen within the timeout (or that failed).</param>
/// <param name="Sustained">The sustained submissions.</param>
/// <param name="Cpu">CPU split by phase.</param>
/// <param name="LoadBefore">The machine's 1, 5 and 15 minute load averages before the run.</param>
/// <param name="LoadAfter">The same after it.</param>
/// <param name="ServerWarnings">Warning, error and critical lines the server logged.</param>
/// <param name="ServerWarningSamples">The commonest kinds, with how many of each.</param>
/// <param name="Duration">The whole HTTP part, emulator start to stop.</param>
/// <param name="Notes">Anything odd seen while measuring.</param>
public sealed record HttpResult(
    HttpPlan Plan,
    SeedResult Seed,
    IReadOnlyList<QueryKind> Query,
    LatencySummary QueryAll,
    int QueryErrors,
    LatencySummary StorageOnly,
    LatencySummary StorageOnlyBefore,
    LatencySummary FirstTask,
    int FirstTaskMissed,
    LatencySummary DependentTask,
    int DependentTaskMissed,
    SustainedResult Sustained,
    IReadOnlyList<PhaseCpu> Cpu,
    string LoadBefore,
    string LoadAfter,
    int ServerWarnings,
    IReadOnlyList<string> ServerWarningSamples,
    TimeSpan Duration,
    IReadOnlyList<string> Notes);
