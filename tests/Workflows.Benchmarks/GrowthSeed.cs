using Workflows.Applications;
using Workflows.Audit;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.Benchmarks;

/// <summary>One made-up application and what the engine would have left of it in the read model.</summary>
/// <param name="Record">The application's last saved state.</param>
/// <param name="Snapshot">What it was submitted with (its Submissions row).</param>
/// <param name="Task">The hospital's birth-certificate task.</param>
/// <param name="Audit">The bundle's and the item's audit entries.</param>
/// <param name="Notifications">The applicant's notifications, delivered.</param>
public sealed record SeededApplication(ApplicationRecord Record, SubmissionSnapshot Snapshot, TaskRecord Task, IReadOnlyList<AuditEntry> Audit, IReadOnlyList<Notification> Notifications);

/// <summary>
/// Newborn applications as months of use leave them in the read model, for measuring whether the engine's costs grow
/// with the store (issue 19, "flat as the store grows"). Spread as real data is: most applicants have one to three
/// applications, and a few heavy ones (an agency filing for many families) have
/// <see cref="HeavyShare"/> each. Application <c>i</c> is always the same whatever the batch it is made in, so a level
/// is seeded in batches without holding 100,000 records at once.
/// </summary>
public static class GrowthSeed
{
    /// <summary>Applicants with many applications each.</summary>
    public const int HeavyApplicants = 3;

    /// <summary>Applications each heavy applicant has (once the level has room for them).</summary>
    public const int HeavyShare = 300;

    /// <summary>The first heavy applicant: whose list the bench requests.</summary>
    public const string HeavyApplicant = "seed-heavy-0";

    const int RandomSeed = 20261203;

    /// <summary>Who applied for application <paramref name="index"/> of a level of <paramref name="total"/>.</summary>
    /// <param name="index">The application's index, from 0.</param>
    /// <param name="total">The level's number of applications.</param>
    /// <returns>The applicant id.</returns>
    public static string ApplicantOf(int index, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, total);
        var heavy = HeavyCount(total);
        if (index < heavy)
        {
            return $"seed-heavy-{index % HeavyApplicants}";
        }

        // Two applications for every applicant on average: one to three each.
        return $"seed-citizen-{(index - heavy) * 2 / 4 + ((index - heavy) % 4 == 3 ? 1 : 0):D7}";
    }

    /// <summary>Applications of a level that belong to the heavy applicants: all of them once the level is large enough, none in a small one.</summary>
    /// <param name="total">The level's number of applications.</param>
    /// <returns>How many.</returns>
    public static int HeavyCount(int total) => total >= HeavyApplicants * HeavyShare * 4 ? HeavyApplicants * HeavyShare : 0;

    /// <summary>Applications <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> - 1 of a level.</summary>
    /// <param name="from">The first index.</param>
    /// <param name="count">How many.</param>
    /// <param name="total">The level's number of applications.</param>
    /// <param name="now">When the store is seeded: everything happened in the 180 days before.</param>
    /// <returns>The applications.</returns>
    public static IReadOnlyList<SeededApplication> Batch(int from, int count, int total, DateTime now)
    {
        var template = BuiltInTemplates.Get("newborn");
        var list = new List<SeededApplication>(count);
        for (var i = from; i < from + count && i < total; i++)
        {
            list.Add(Make(i, total, now, template));
        }

        return list;
    }

    static SeededApplication Make(int index, int total, DateTime now, BundleTemplate template)
    {
        var random = new Random(RandomSeed + index);
        var applicationId = $"seed-{index:D7}-{random.Next():x8}";
        var applicant = new Applicant(ApplicantOf(index, total), ApplicantKind.Citizen, "王芳");
        var submitted = now - TimeSpan.FromMinutes(random.NextDouble() * 180 * 24 * 60);
        var draw = random.NextDouble();

        // Most ended approved; a few still run (their hospital task open) or were refused.
        var status = draw < 0.03 ? ApplicationStatus.InProgress : draw < 0.05 ? ApplicationStatus.Rejected : ApplicationStatus.Completed;
        var decided = Min(submitted + TimeSpan.FromHours(2 + (random.NextDouble() * 72)), now);
        var updated = status == ApplicationStatus.InProgress ? submitted : Min(decided + TimeSpan.FromMinutes(5), now);
        var items = template.Items.Select(item => new ItemView(
            item.Key, item.Name, item.Department,
            status switch
            {
                ApplicationStatus.InProgress => item.DependsOn.Count == 0 ? ItemState.Running : ItemState.Waiting,
                ApplicationStatus.Rejected => item.Key == "birth-certificate" ? ItemState.Rejected : ItemState.Cancelled,
                _ => ItemState.Approved,
            },
            WorkingDays.Add(submitted, item.CommittedDays),
            status == ApplicationStatus.InProgress ? null : item.Key == "birth-certificate" ? "officer:officer-hospital" : "rules",
            status switch { ApplicationStatus.InProgress => null, ApplicationStatus.Rejected => "材料不符", _ => "核对无误" },
            status == ApplicationStatus.Completed && item.Key == "birth-certificate" ? new Dictionary<string, string> { ["certificateNumber"] = $"BC-{index:D7}" } : null)).ToList();
        var materials = template.Materials.Select(m => m switch
        {
            { ProducedBy: { } produced } => new MaterialEntry(m.Key, m.Name, MaterialStatus.ProducedByItem, m.RequiredBy, $"{produced.Item}.{produced.Output}"),
            { FromLicence: { } licence } => new MaterialEntry(m.Key, m.Name, MaterialStatus.FromLicence, m.RequiredBy, licence),
            _ => new MaterialEntry(m.Key, m.Name, MaterialStatus.Uploaded, m.RequiredBy, $"upl-{index:D7}-{m.Key}"),
        }).ToList();
        var record = new ApplicationRecord(applicationId, applicant, template.Key, 1, template.Name, status, submitted, updated, items, materials,
            WorkingDays.Add(submitted, template.Items.Max(i => i.CommittedDays)), Revision: status == ApplicationStatus.InProgress ? 2 : 9);
        var snapshot = new SubmissionSnapshot(
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["babyName"] = "王小明", ["babySex"] = "male", ["babyBirthDate"] = submitted.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["birthPlace"] = "市第一人民医院", ["motherName"] = "王芳", ["settleWith"] = "mother", ["parentInsuredLocally"] = "true", ["applyCardWithBank"] = "false",
            },
            ["id-card", "household-register", "marriage-certificate"], "CN", 1);

        var birth = template.Items.Single(i => i.Key == "birth-certificate");
        var taskStatus = status == ApplicationStatus.InProgress ? OfficerTaskStatus.Open : OfficerTaskStatus.Closed;
        var task = new TaskRecord(birth.Department, ItemOrchestrator.InstanceId(applicationId, birth.Key), TaskKind.Decision, applicationId, birth.Key, birth.Name,
            template.Key, applicant.Id, applicant.Name, taskStatus, submitted, WorkingDays.Add(submitted, birth.CommittedDays),
            taskStatus == OfficerTaskStatus.Open ? null : status == ApplicationStatus.Rejected ? nameof(ItemState.Rejected) : nameof(ItemState.Approved),
            taskStatus == OfficerTaskStatus.Open ? null : "officer:officer-hospital", taskStatus == OfficerTaskStatus.Open ? null : "核对无误",
            Revision: taskStatus == OfficerTaskStatus.Open ? 1 : 2);

        var audit = new List<AuditEntry>
        {
            new(applicationId, "bundle:001", submitted, $"applicant:{applicant.Id}", "application.submitted", null, nameof(ApplicationStatus.InProgress), "提交申请", "Application submitted"),
            new(applicationId, "birth-certificate:001", submitted, "engine", "item.started", null, nameof(ItemState.Running), "事项开始办理", "Item started"),
        };
        var notifications = new List<Notification>
        {
            new($"{applicationId}:accepted", RecipientKind.Applicant, applicant.Id, NotificationTopics.Accepted, "申请已受理", "您的出生一件事申请已受理。", submitted, applicationId,
                TitleEn: "Application accepted", BodyEn: "Your newborn application was accepted."),
        };
        if (status != ApplicationStatus.InProgress)
        {
            audit.Add(new(applicationId, "birth-certificate:002", decided, "officer:officer-hospital", "item.decided", nameof(ItemState.Running), status == ApplicationStatus.Rejected ? nameof(ItemState.Rejected) : nameof(ItemState.Approved), "核对无误", "Checked"));
            audit.Add(new(applicationId, "bundle:002", updated, "engine", "application.ended", nameof(ApplicationStatus.InProgress), status.ToString(), "申请办结", "Application ended"));
            notifications.Add(new($"{applicationId}:ended", RecipientKind.Applicant, applicant.Id, NotificationTopics.Ended, "申请已办结", "您的出生一件事申请已办结。", updated, applicationId,
                TitleEn: "Application ended", BodyEn: "Your newborn application has ended."));
        }

        return new SeededApplication(record, snapshot, task, audit, notifications);
    }

    static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
