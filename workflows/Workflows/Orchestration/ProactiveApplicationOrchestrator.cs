using System.Text.Json;
using Microsoft.DurableTask;
using Workflows.Activities;
using Workflows.Applications;
using Workflows.Notifications;
using Workflows.Templates;

namespace Workflows.Orchestration;

/// <summary>
/// A register event made into an application (无感申办 / 免申即办). The application is recorded pre-filled and
/// <see cref="ApplicationStatus.AwaitingConfirmation"/>; the applicant confirms (with corrections and materials),
/// declines, or lets the deadline pass (<see cref="ApplicationStatus.Expired"/>). For a template granted without
/// confirmation the bundle starts at once when the event's data make a complete application. The bundle runs as a
/// sub-orchestration whose instance id is the application id, so every other route (withdrawal, supplements, item
/// ids) works on it as on any application; this instance's id is <see cref="InstanceId"/>.
/// </summary>
public sealed class ProactiveApplicationOrchestrator : TaskOrchestrator<ProactiveInput, ProactiveOutcome>
{
    /// <summary>The proactive instance of an application: the application id stays free for the bundle.</summary>
    /// <param name="applicationId">The application.</param>
    /// <returns>The instance id.</returns>
    public static string InstanceId(string applicationId) => $"{applicationId}:proactive";

    /// <summary>How many confirmations may be refused (something missing) before the instance waits only for its deadline.</summary>
    public const int MaxRefusedConfirmations = 20;

    /// <inheritdoc />
    public override async Task<ProactiveOutcome> RunAsync(TaskOrchestrationContext context, ProactiveInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return await new Run(context, input).ExecuteAsync();
    }

    sealed class Run(TaskOrchestrationContext context, ProactiveInput input)
    {
        readonly ProactiveRule rule = input.Template.Proactive ?? throw new ArgumentException($"Template {input.Template.Key} has no proactive rule.", nameof(input));
        // Audit entries and notifications made but not written yet: the next save, or the bundle's start, writes them.
        readonly WriteBuffer writes = WriteBuffer.ForProactive(input.ApplicationId, InstanceId(input.ApplicationId), () => context.CurrentUtcDateTime);
        // Saves so far: each record carries the next (ApplicationRecord.Revision); a replay counts the same.
        long revision;

        public async Task<ProactiveOutcome> ExecuteAsync()
        {
            writes.Audit($"system:{input.System}", "proactive.event", null, null, $"事件 {input.EventId}，模板 {input.Template.Key} v{input.TemplateVersion}", $"event {input.EventId} for {input.Template.Key} v{input.TemplateVersion}");
            IReadOnlyList<SubmissionProblem> problems = [];
            if (rule.GrantWithoutConfirmation)
            {
                var granted = await CheckAsync(new ProactiveConfirmed());
                if (granted.Problems.Count == 0)
                {
                    Notify(ProactiveTopics.Granted, new($"{input.Template.Name} 已为您主动办理", $"{NameEn} was started for you"),
                        new("无需您申请，这件事已为您主动办理（免申即办）；请在“我的申请”中查看进展。", "The bundle started without an application from you (no application needed); follow it in your applications."));
                    return await StartBundleAsync(granted);
                }

                // The register's data are not enough to grant outright: the applicant completes and confirms instead.
                problems = granted.Problems;
            }

            var deadline = input.Clock.Due(input.ReceivedAt, rule.ConfirmWithinDays);
            Notify(ProactiveTopics.Offered, new($"{input.Template.Name} 待您确认", $"{NameEn} awaits your confirmation"), new(
                $"一份已预填的申请等待您在 {deadline:yyyy-MM-dd HH:mm} UTC 前确认。{DescribeZh(problems)}",
                $"A pre-filled application waits for your confirmation until {deadline:yyyy-MM-dd HH:mm} UTC.{Describe(problems)}"));
            await SaveAsync(ApplicationStatus.AwaitingConfirmation, null, nameof(ApplicationStatus.AwaitingConfirmation));

            using var timerCancel = new CancellationTokenSource();
            var timer = context.CreateTimer(deadline, timerCancel.Token);
            var declined = context.WaitForExternalEvent<ProactiveDeclined>(nameof(ProactiveDeclined));
            var confirmed = context.WaitForExternalEvent<ProactiveConfirmed>(nameof(ProactiveConfirmed));
            // Refused confirmations are bounded so the history is; after that only the deadline or a declination ends it.
            for (var refused = 0; ; refused++)
            {
                var first = refused < MaxRefusedConfirmations ? await Task.WhenAny(timer, declined, confirmed) : await Task.WhenAny(timer, declined);
                if (first == timer)
                {
                    writes.Audit("engine", "proactive.expired", nameof(ApplicationStatus.AwaitingConfirmation), nameof(ApplicationStatus.Expired), $"未在 {deadline:O} 前确认", $"not confirmed by {deadline:O}");
                    Notify(ProactiveTopics.Expired, new($"{input.Template.Name} 已过期", $"{NameEn} expired"),
                        new("申请未在期限内确认；您仍可自行申请。", "The application was not confirmed in time; you may still apply yourself."));
                    await SaveAsync(ApplicationStatus.Expired, null, null);
                    return new ProactiveOutcome(input.ApplicationId, ApplicationStatus.Expired, null);
                }

                if (first == declined)
                {
                    timerCancel.Cancel();
                    writes.Audit($"applicant:{input.Applicant.Id}", "proactive.declined", nameof(ApplicationStatus.AwaitingConfirmation), nameof(ApplicationStatus.Declined), declined.Result.Reason);
                    await SaveAsync(ApplicationStatus.Declined, null, null);
                    return new ProactiveOutcome(input.ApplicationId, ApplicationStatus.Declined, null);
                }

                var check = await CheckAsync(confirmed.Result);
                if (check.Problems.Count == 0)
                {
                    timerCancel.Cancel();
                    writes.Audit($"applicant:{input.Applicant.Id}", "proactive.confirmed", nameof(ApplicationStatus.AwaitingConfirmation), nameof(ApplicationStatus.InProgress), null);
                    return await StartBundleAsync(check);
                }

                // Something changed between the API's check and ours (an upload gone): still waiting, told once what is missing.
                writes.Audit($"applicant:{input.Applicant.Id}", "proactive.confirmation.refused", null, null, string.Join("; ", check.Problems.Select(p => $"{p.Path}: {p.Code}")));
                Notify(ProactiveTopics.Refused, new($"{input.Template.Name} 确认未通过", $"{NameEn}: confirmation not accepted"),
                    new($"您的确认未能受理。{DescribeZh(check.Problems)}", $"Your confirmation could not be accepted.{Describe(check.Problems)}"));
                await SaveAsync(ApplicationStatus.AwaitingConfirmation, null, null);
                confirmed = context.WaitForExternalEvent<ProactiveConfirmed>(nameof(ProactiveConfirmed));
            }
        }

        Task<SubmissionCheckResult> CheckAsync(ProactiveConfirmed confirmation)
        {
            var answers = new Dictionary<string, JsonElement>(input.Prefilled, StringComparer.Ordinal);
            foreach (var (key, value) in confirmation.Answers ?? new Dictionary<string, JsonElement>())
            {
                answers[key] = value;
            }

            var request = new SubmissionRequest(input.Template.Key, input.Applicant, answers, confirmation.Materials ?? []);
            return context.CallActivityAsync<SubmissionCheckResult>(
                nameof(CheckSubmissionActivity), new SubmissionCheck(input.Template, request, context.CurrentUtcDateTime, input.Clock), OrchestrationRetry.Storage);
        }

        // Our audit and notifications are written before the bundle starts, so the trail shows the event before the acceptance.
        async Task<ProactiveOutcome> StartBundleAsync(SubmissionCheckResult check)
        {
            if (writes.Take() is { HasEntries: true } pending)
            {
                await context.CallActivityAsync(nameof(AppendAuditActivity), new AuditBatch(pending.Audit, pending.Notifications), OrchestrationRetry.Storage);
            }

            var bundle = new BundleInput(input.ApplicationId, input.Applicant, input.TemplateVersion, input.Template, check.Answers, check.Licences, check.Ledger,
                context.CurrentUtcDateTime, input.Clock);
            var outcome = await context.CallSubOrchestratorAsync<BundleOutcome>(
                nameof(BundleOrchestrator), bundle, new SubOrchestrationOptions { InstanceId = input.ApplicationId });
            return new ProactiveOutcome(input.ApplicationId, ToStatus(outcome.Status), outcome);
        }

        static ApplicationStatus ToStatus(BundleStatus status) => status switch
        {
            BundleStatus.Completed => ApplicationStatus.Completed,
            BundleStatus.PartiallyCompleted => ApplicationStatus.PartiallyCompleted,
            BundleStatus.Withdrawn => ApplicationStatus.Withdrawn,
            BundleStatus.Cancelled => ApplicationStatus.Cancelled,
            _ => ApplicationStatus.Rejected,
        };

        async Task SaveAsync(ApplicationStatus status, string? before, string? after)
        {
            if (after is not null)
            {
                writes.Audit($"system:{input.System}", "proactive.recorded", before, after, null);
            }

            // Items wait while the applicant may still confirm; once declined or expired none of them will ever start.
            var itemState = status == ApplicationStatus.AwaitingConfirmation ? ItemState.Waiting : ItemState.NotIncluded;
            var items = input.Template.Items.Select(i => new ItemView(i.Key, i.Name, i.Department, itemState)).ToList();
            var record = new ApplicationRecord(input.ApplicationId, input.Applicant, input.Template.Key, input.TemplateVersion, input.Template.Name, status,
                input.ReceivedAt, context.CurrentUtcDateTime, items, [], Revision: ++revision);
            var pending = writes.Take();
            await context.CallActivityAsync(nameof(SaveApplicationActivity), new ApplicationUpdate(record, pending.Audit, pending.Notifications), OrchestrationRetry.Storage);
        }

        static string Describe(IReadOnlyList<SubmissionProblem> problems) =>
            problems.Count == 0 ? string.Empty : " Still needed: " + string.Join("; ", problems.Select(p => $"{p.Path} ({p.MessageEn ?? p.Message})"));

        static string DescribeZh(IReadOnlyList<SubmissionProblem> problems) =>
            problems.Count == 0 ? string.Empty : "尚需：" + string.Join("；", problems.Select(p => $"{p.Path}（{p.Message}）"));

        string NameEn => input.Template.NameEn ?? input.Template.Name;

        // Both languages are written (a text, not a step: what is scheduled is the same, so instances in flight replay).
        void Notify(string topic, LocalText title, LocalText body) => writes.Notify(RecipientKind.Applicant, input.Applicant.Id, topic, title, body);
    }
}
