using Workflows.Templates;

namespace Workflows.Cases;

/// <summary>Where a stuck case stands.</summary>
public enum CaseStatus
{
    /// <summary>Reported; an administrator is to resolve it within its time limit.</summary>
    Open,

    /// <summary>Resolved with a written resolution the applicant was sent.</summary>
    Resolved,
}

/// <summary>
/// A supervised case (办不成事): an applicant reported that an application is stuck; an administrator must resolve
/// it within its own time limit, is reminded before it and escalated after it.
/// </summary>
/// <param name="CaseId">The case's id, also its orchestration's instance id: <c>case:{applicationId}</c>.</param>
/// <param name="ApplicationId">The application reported.</param>
/// <param name="ApplicantId">Who reported it.</param>
/// <param name="ApplicantName">Their name.</param>
/// <param name="Description">What they say is stuck.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="OpenedAt">When it was opened.</param>
/// <param name="DueAt">When it must be resolved.</param>
/// <param name="RemindedAt">When the administrators were reminded, if they were.</param>
/// <param name="EscalatedAt">When it passed its time limit unresolved, if it did.</param>
/// <param name="Resolution">The administrator's resolution.</param>
/// <param name="ResolvedBy">Who resolved it (admin:ID).</param>
/// <param name="ResolvedAt">When.</param>
public sealed record StuckCase(
    string CaseId,
    string ApplicationId,
    string ApplicantId,
    string ApplicantName,
    string Description,
    CaseStatus Status,
    DateTime OpenedAt,
    DateTime DueAt,
    DateTime? RemindedAt = null,
    DateTime? EscalatedAt = null,
    string? Resolution = null,
    string? ResolvedBy = null,
    DateTime? ResolvedAt = null)
{
    /// <summary>The case id (and instance id) of an application's case.</summary>
    /// <param name="applicationId">The application.</param>
    /// <returns><c>case:{applicationId}</c>.</returns>
    public static string IdFor(string applicationId) => $"case:{applicationId}";

    /// <summary>Resolves the case, once.</summary>
    /// <param name="by">Who (admin:ID).</param>
    /// <param name="resolution">The written resolution.</param>
    /// <param name="at">When.</param>
    /// <returns>The resolved case.</returns>
    /// <exception cref="CaseAlreadyResolvedException">It was resolved before.</exception>
    public StuckCase Resolve(string by, string resolution, DateTime at) => Status == CaseStatus.Resolved
        ? throw new CaseAlreadyResolvedException(CaseId)
        : this with { Status = CaseStatus.Resolved, Resolution = resolution, ResolvedBy = by, ResolvedAt = at };
}

/// <summary>The administrator's resolution, raised to the case's orchestration.</summary>
/// <param name="By">Who (admin:ID).</param>
/// <param name="Resolution">What was done; sent to the applicant.</param>
public sealed record CaseResolved(string By, string Resolution);

/// <summary>A case cannot be resolved twice.</summary>
/// <param name="caseId">The case.</param>
public sealed class CaseAlreadyResolvedException(string caseId) : InvalidOperationException($"Case {caseId} has already been resolved."), ILocalMessage
{
    /// <inheritdoc />
    public LocalText Text { get; } = new($"案件 {caseId} 已处理完毕。", $"Case {caseId} has already been resolved.");
}

/// <summary>An application has a case already (one per application).</summary>
/// <param name="caseId">The case.</param>
/// <param name="open">Whether it is still open.</param>
public sealed class CaseAlreadyReportedException(string caseId, bool open)
    : InvalidOperationException(open ? $"Case {caseId} is open for this application." : $"Case {caseId} for this application has been resolved."), ILocalMessage
{
    /// <inheritdoc />
    public LocalText Text { get; } = open
        ? new($"该申请已有处理中的案件 {caseId}。", $"Case {caseId} is open for this application.")
        : new($"该申请的案件 {caseId} 已处理完毕。", $"Case {caseId} for this application has been resolved.");

    /// <summary>Whether the case is still open.</summary>
    public bool Open { get; } = open;
}

/// <summary>Notification topics of stuck cases.</summary>
public static class CaseTopics
{
    /// <summary>A case was opened.</summary>
    public const string Opened = "case.opened";

    /// <summary>A case's time limit is near.</summary>
    public const string Reminder = "case.reminder";

    /// <summary>A case passed its time limit unresolved.</summary>
    public const string Escalated = "case.escalated";

    /// <summary>A case was resolved.</summary>
    public const string Resolved = "case.resolved";
}

/// <summary>Settings of stuck cases (section <c>Cases</c>).</summary>
public sealed class CaseOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Cases";

    /// <summary>Working days to resolve a case (default 2).</summary>
    public int LimitDays { get; set; } = 2;

    /// <summary>How many working days before the limit the administrators are reminded (default 0.5).</summary>
    public double ReminderBeforeDays { get; set; } = 0.5;

    /// <summary>Checks the options.</summary>
    /// <returns>The problems found, empty when usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (LimitDays is < 1 or > 60)
        {
            problems.Add($"{SectionName}:{nameof(LimitDays)} must be 1 to 60 working days, not {LimitDays}.");
        }

        if (ReminderBeforeDays <= 0 || ReminderBeforeDays >= LimitDays)
        {
            problems.Add($"{SectionName}:{nameof(ReminderBeforeDays)} must be more than 0 and less than {nameof(LimitDays)}, not {ReminderBeforeDays}.");
        }

        return problems;
    }
}
