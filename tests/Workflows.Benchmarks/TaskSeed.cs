using Workflows.Calendar;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Benchmarks;

/// <summary>How many seeded tasks one department has in one status.</summary>
/// <param name="Department">The department.</param>
/// <param name="Status">The status.</param>
/// <param name="Count">How many.</param>
public sealed record SeedCount(string Department, OfficerTaskStatus Status, int Count);

/// <summary>
/// The officer tasks a store would hold after some months of newborn applications and the other bundles' officer
/// steps of the same months. Running that many applications through the engine would take hours on Azurite, so
/// the tasks are made up here, shaped like the engine's (ids, names, outcomes, due times from the same working-day
/// arithmetic), and written straight into the read model with <see cref="TaskStore.ImportAsync"/>. The same counts
/// and the same mix come out every run.
/// </summary>
public sealed class TaskSeed
{
    /// <summary>Share of newborn applications whose hospital task is still open.</summary>
    public const double OpenShare = 0.03;

    /// <summary>Share of newborn applications whose hospital task waits for the applicant to supply something.</summary>
    public const double AwaitingShare = 0.01;

    /// <summary>The department whose officer lists tasks in the bench: the hospital decides every birth certificate.</summary>
    public const string HospitalDepartment = "hospital";

    // Fixed, so every run seeds the same tasks.
    const int RandomSeed = 20261125;

    TaskSeed(IReadOnlyList<TaskRecord> tasks, int applications, DateTime now)
    {
        Tasks = tasks;
        Applications = applications;
        Now = now;
        var hospitalOpen = tasks.Where(t => t.Department == HospitalDepartment && t.Status == OfficerTaskStatus.Open).Select(t => t.DueAt).ToList();
        OpenDueFrom = hospitalOpen.Count > 0 ? hospitalOpen.Min() : now;
        OpenDueTo = hospitalOpen.Count > 0 ? hospitalOpen.Max() : now;
        Counts = [.. tasks.GroupBy(t => (t.Department, t.Status)).Select(g => new SeedCount(g.Key.Department, g.Key.Status, g.Count()))
            .OrderBy(c => c.Department, StringComparer.Ordinal).ThenBy(c => c.Status)];
    }

    /// <summary>The tasks, in no particular order.</summary>
    public IReadOnlyList<TaskRecord> Tasks { get; }

    /// <summary>Newborn applications the tasks stand for.</summary>
    public int Applications { get; }

    /// <summary>The moment the seed was made for: every task was opened before it.</summary>
    public DateTime Now { get; }

    /// <summary>The earliest due time of the hospital's open tasks.</summary>
    public DateTime OpenDueFrom { get; }

    /// <summary>The latest due time of the hospital's open tasks.</summary>
    public DateTime OpenDueTo { get; }

    /// <summary>Tasks by department and status.</summary>
    public IReadOnlyList<SeedCount> Counts { get; }

    /// <summary>Makes the tasks.</summary>
    /// <param name="newbornApplications">Newborn applications: each has one hospital task (its birth certificate is decided by an officer).</param>
    /// <param name="now">The moment the store is seeded.</param>
    /// <returns>The seed.</returns>
    public static TaskSeed Create(int newbornApplications, DateTime now)
    {
        var random = new Random(RandomSeed);
        var newborn = BuiltInTemplates.Get("newborn");
        var houseTransfer = BuiltInTemplates.Get("house-transfer");
        var deregistration = BuiltInTemplates.Get("company-deregistration");
        var tasks = new List<TaskRecord>(newbornApplications * 3 / 2);

        for (var i = 0; i < newbornApplications; i++)
        {
            var application = ApplicationId(random);
            var applicant = $"seed-citizen-{i:D6}";
            var hospital = MakeTask(random, newborn, "birth-certificate", application, applicant, "王芳", now, OpenShare, AwaitingShare);
            tasks.Add(hospital);

            // Later steps reach an officer only when their rules refer them (no electronic licence, insured elsewhere,
            // no bank chosen), and only after the birth certificate was issued.
            if (hospital is not { Status: OfficerTaskStatus.Closed, Outcome: nameof(ItemState.Approved) })
            {
                continue;
            }

            foreach (var (item, share) in new[] { ("household-registration", 0.15), ("medical-insurance", 0.04), ("social-security-card", 0.03) })
            {
                if (random.NextDouble() < share)
                {
                    tasks.Add(MakeTask(random, newborn, item, application, applicant, "王芳", now, 0.04, 0.02, after: hospital.OpenedAt));
                }
            }
        }

        // Other bundles' officer-decided steps, so the tables hold other departments' rows as well.
        for (var i = 0; i < newbornApplications / 5; i++)
        {
            tasks.Add(MakeTask(random, houseTransfer, "property-transfer-registration", ApplicationId(random), $"seed-owner-{i:D6}", "李强", now, 0.05, 0.02));
        }

        for (var i = 0; i < newbornApplications / 20; i++)
        {
            tasks.Add(MakeTask(random, deregistration, "hazardous-chemicals-licence-cancellation", ApplicationId(random), $"seed-company-{i:D6}", "恒泰贸易有限公司", now, 0.05, 0.02));
        }

        return new TaskSeed(tasks, newbornApplications, now);
    }

    static TaskRecord MakeTask(
        Random random, BundleTemplate template, string itemKey, string application, string applicant, string applicantName, DateTime now,
        double openShare, double awaitingShare, DateTime? after = null)
    {
        var item = template.Items.Single(i => i.Key == itemKey);
        var draw = random.NextDouble();
        var status = draw < openShare ? OfficerTaskStatus.Open : draw < openShare + awaitingShare ? OfficerTaskStatus.AwaitingApplicant : OfficerTaskStatus.Closed;

        // Open tasks were opened in the last three weeks (a backlog, some overdue), waiting ones in the last four,
        // closed ones in the last four months; a later step opens up to two days after the step it depends on.
        var ageDays = status switch
        {
            OfficerTaskStatus.Open => 21,
            OfficerTaskStatus.AwaitingApplicant => 28,
            _ => 120,
        };
        var opened = after is { } a
            ? Min(a + TimeSpan.FromHours(random.NextDouble() * 48), now)
            : now - TimeSpan.FromMinutes(random.NextDouble() * ageDays * 24 * 60);
        if (after is not null && now - opened > TimeSpan.FromDays(ageDays))
        {
            // A step that followed an old birth certificate is long decided, not months in a backlog.
            status = OfficerTaskStatus.Closed;
        }

        var due = WorkingDays.Add(opened, item.CommittedDays);
        string? outcome = null, decidedBy = null, note = null;
        switch (status)
        {
            case OfficerTaskStatus.AwaitingApplicant:
                // The department's clock stops while the applicant is asked for something: due moves on by as long.
                due += TimeSpan.FromHours(random.NextDouble() * 24 * 10);
                decidedBy = $"officer:officer-{item.Department}";
                note = "请补充清晰的材料扫描件";
                break;
            case OfficerTaskStatus.Closed:
                var closing = random.NextDouble();
                outcome = closing < 0.95 ? nameof(ItemState.Approved) : closing < 0.98 ? nameof(ItemState.Rejected) : nameof(ItemState.Cancelled);
                decidedBy = outcome == nameof(ItemState.Cancelled) ? null : $"officer:officer-{item.Department}";
                note = outcome == nameof(ItemState.Rejected) ? "材料不符" : outcome == nameof(ItemState.Cancelled) ? "申请人撤回" : "核对无误";
                break;
        }

        return new TaskRecord(
            item.Department, ItemOrchestrator.InstanceId(application, item.Key), TaskKind.Decision, application, item.Key, item.Name, template.Key,
            applicant, applicantName, status, opened, due, outcome, decidedBy, note);
    }

    static string ApplicationId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return $"app-{new Guid(bytes):N}";
    }

    static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
