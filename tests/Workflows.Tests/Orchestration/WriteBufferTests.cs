using System.Text.Json;
using Workflows.Activities;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;

namespace Workflows.Tests.Orchestration;

/// <summary>
/// The writes an orchestrator holds between waits (<see cref="WriteBuffer"/>): the ids each orchestrator wrote before
/// the buffer existed (instances in flight replay their activities' inputs, ADR 0004), what taking does, and null
/// against empty where the activities' inputs differ.
/// </summary>
public sealed class WriteBufferTests
{
    static readonly DateTime At = new(2026, 12, 4, 8, 0, 0, DateTimeKind.Utc);

    DateTime now = At;

    DateTime Now() => now;

    [Fact]
    public void AnItem_NumbersItsStepsAndNoticesEachOnItsOwnCounter()
    {
        var writes = WriteBuffer.ForItem("app-1", "birth", "app-1:birth", Now);

        writes.Audit("engine", "item.started", null, "Running", "截止", "due");
        writes.Notify(RecipientKind.Department, "health", NotificationTopics.NewTask, new("新任务", "New task"), new("正文", "Body"));
        now = At.AddMinutes(5);
        writes.Audit("officer:1", "item.approved", "Running", "Approved", "好");
        writes.Notify(RecipientKind.Applicant, "c-1", NotificationTopics.ItemDecided, new("已通过", "approved"), new("好", "fine"));

        var pending = writes.Take();
        pending.Audit.Select(a => (a.Subject, a.StepId, a.At)).ShouldBe([("app-1", "birth:000", At), ("app-1", "birth:001", At.AddMinutes(5))]);
        pending.Audit[0].DetailEn.ShouldBe("due");
        pending.Audit[1].DetailEn.ShouldBeNull();
        pending.Notifications.Select(n => (n.Id, n.ApplicationId, n.ItemKey, n.At)).ShouldBe([
            ("app-1:birth:n000", "app-1", "birth", At), ("app-1:birth:n001", "app-1", "birth", At.AddMinutes(5))]);
        pending.Notifications[0].TitleEn.ShouldBe("New task");
    }

    [Fact]
    public void AnEntryMadeButNotHeld_TakesTheNextStep()
    {
        var writes = WriteBuffer.ForItem("app-1", "birth", "app-1:birth", Now);
        writes.Audit("engine", "item.started", null, "Running", null);

        var outcome = writes.Entry("rule:ok", "item.approved", "Running", "Approved", null);

        outcome.StepId.ShouldBe("birth:001");
        writes.Peek().Audit.ShouldHaveSingleItem().StepId.ShouldBe("birth:000");
        writes.NextNoticeId().ShouldBe("app-1:birth:n000");
        writes.NextNoticeId().ShouldBe("app-1:birth:n001");
    }

    [Fact]
    public void ABundle_NumbersItsStepsAndNamesItsNotices()
    {
        var writes = WriteBuffer.ForBundle("app-1", Now);

        writes.Audit("applicant:c-1", "application.accepted", null, "InProgress", "newborn v1");
        writes.NotifyAs("accepted", RecipientKind.Applicant, "c-1", NotificationTopics.Accepted, new("已受理", "Accepted"), new("正文", "Body"));
        writes.NotifyAs("confirm:father", RecipientKind.Applicant, "c-2", NotificationTopics.PartyConfirmationRequested, new("请确认", "Please confirm"), new("正文", "Body"));
        var fault = writes.Entry("engine", "application.save.failed", null, null, "故障");
        var alert = writes.NoticeAs($"saveFailed:{fault.StepId}", RecipientKind.Administrators, "admin", NotificationTopics.SaveFault, new("失败", "Failed"), new("正文", "Body"));

        fault.StepId.ShouldBe("bundle:001");
        alert.Id.ShouldBe("app-1:saveFailed:bundle:001");
        alert.ItemKey.ShouldBeNull();
        var pending = writes.Take();
        pending.Audit.ShouldHaveSingleItem().StepId.ShouldBe("bundle:000");
        pending.Notifications.Select(n => (n.Id, n.Recipient, n.ApplicationId, n.ItemKey)).ShouldBe([
            ("app-1:accepted", "c-1", "app-1", null), ("app-1:confirm:father", "c-2", "app-1", null)], "the alert went in a write of its own");
    }

    [Fact]
    public void AProactiveInstance_NumbersItsNoticesWithItsSteps()
    {
        var writes = WriteBuffer.ForProactive("app-1", "app-1:proactive", Now);

        writes.Audit("system:births", "proactive.event", null, null, "事件");
        writes.Notify(RecipientKind.Applicant, "c-1", "proactive.offered", new("待确认", "Awaiting"), new("正文", "Body"));
        writes.Audit("system:births", "proactive.recorded", null, "AwaitingConfirmation", null);

        var pending = writes.Take();
        pending.Audit.Select(a => a.StepId).ShouldBe(["proactive:000", "proactive:002"]);
        pending.Notifications.ShouldHaveSingleItem().Id.ShouldBe("app-1:proactive:001");
    }

    [Fact]
    public void ACase_NamesItsStepAndNotices()
    {
        var writes = WriteBuffer.ForCase("app-1", "case-7", Now);

        writes.AuditAs("reminded", "engine", "case.reminded", null, null, "截止", "Due");
        writes.NotifyAs("reminder", RecipientKind.Administrators, "admin", "case.reminder", new("即将到期", "Due soon"), new("正文", "Body"));

        var pending = writes.Take();
        var entry = pending.Audit.ShouldHaveSingleItem();
        (entry.Subject, entry.StepId, entry.At, entry.DetailEn).ShouldBe(("app-1", "case:reminded", At, "Due"));
        var notice = pending.Notifications.ShouldHaveSingleItem();
        (notice.Id, notice.ApplicationId, notice.Kind).ShouldBe(("case-7:reminder", "app-1", RecipientKind.Administrators));
    }

    [Fact]
    public void Taking_EmptiesTheBuffer_AndTheCountersGoOn()
    {
        var writes = WriteBuffer.ForItem("app-1", "birth", "app-1:birth", Now);
        writes.Audit("engine", "item.started", null, "Running", null);
        writes.Notify(RecipientKind.Department, "health", NotificationTopics.NewTask, new("新任务", "New task"), new("正文", "Body"));
        writes.SetTask(Task());
        writes.IsEmpty.ShouldBeFalse();

        var taken = writes.Take();

        taken.HasEntries.ShouldBeTrue();
        taken.DecisionTask.ShouldNotBeNull();
        writes.IsEmpty.ShouldBeTrue();
        writes.Take().ShouldSatisfyAllConditions(
            p => p.Audit.ShouldBeEmpty(), p => p.Notifications.ShouldBeEmpty(), p => p.DecisionTask.ShouldBeNull(), p => p.HasEntries.ShouldBeFalse());
        writes.Audit("engine", "item.reminded", null, null, null);
        writes.Notify(RecipientKind.Department, "health", NotificationTopics.Reminder, new("即将到期", "Due soon"), new("正文", "Body"));
        writes.Peek().Audit.ShouldHaveSingleItem().StepId.ShouldBe("birth:001");
        writes.Peek().Notifications.ShouldHaveSingleItem().Id.ShouldBe("app-1:birth:n001");
    }

    [Fact]
    public void Peeking_KeepsWhatIsPendingUntilCleared_SoAFailedWriteCanBeDoneAgain()
    {
        var writes = WriteBuffer.ForItem("app-1", "birth", "app-1:birth", Now);
        writes.Audit("engine", "item.started", null, "Running", null);
        writes.SetTask(Task());

        var first = writes.Peek();
        var again = writes.Peek();

        again.Audit.ShouldBe(first.Audit);
        again.DecisionTask.ShouldBe(first.DecisionTask);
        writes.Audit("engine", "item.reminded", null, null, null);
        first.Audit.Count.ShouldBe(1, "a peek is a copy");
        writes.Clear();
        writes.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void EachStateOfTheTask_GetsTheNextRevision_AndOnlyTheLatestIsHeld()
    {
        var writes = WriteBuffer.ForItem("app-1", "birth", "app-1:birth", Now);

        writes.SetTask(Task()).Revision.ShouldBe(1);
        var latest = writes.SetTask(Task() with { Status = OfficerTaskStatus.Closed });
        latest.Revision.ShouldBe(2);
        writes.Peek().DecisionTask.ShouldBe(latest);
        writes.Clear();
        writes.SetTask(Task()).Revision.ShouldBe(3, "a write re-run after a crash never replaces a later state");
    }

    [Fact]
    public void NotificationsOrNull_IsNullWhenThereAreNone_WhileNotificationsIsEmpty()
    {
        var writes = WriteBuffer.ForBundle("app-1", Now);
        writes.Audit("engine", "application.ended", "InProgress", "Completed", null);

        var pending = writes.Take();

        pending.NotificationsOrNull.ShouldBeNull();
        pending.Notifications.ShouldBeEmpty();
        // The item's and the bundle's writes carry null, the proactive instance's an empty array: their histories hold each.
        JsonSerializer.Serialize(new AuditBatch(pending.Audit, pending.NotificationsOrNull)).ShouldEndWith("\"Notifications\":null}");
        JsonSerializer.Serialize(new AuditBatch(pending.Audit, pending.Notifications)).ShouldEndWith("\"Notifications\":[]}");
    }

    [Fact]
    public void EntriesAndNoticesMadeElsewhere_KeepTheirIdsAndOrder()
    {
        var item = WriteBuffer.ForItem("app-1", "birth", "app-1:birth", Now);
        item.Audit("engine", "item.started", null, "Running", null);
        item.Notify(RecipientKind.Applicant, "c-1", NotificationTopics.ItemDecided, new("已通过", "approved"), new("好", "fine"));
        var decided = item.Take();
        var bundle = WriteBuffer.ForBundle("app-1", Now);
        bundle.Audit("applicant:c-1", "application.accepted", null, "InProgress", null);

        bundle.Add(decided.Audit);
        bundle.Add(decided.Notifications);
        bundle.Audit("engine", "application.ended", "InProgress", "Completed", null);

        var pending = bundle.Take();
        pending.Audit.Select(a => a.StepId).ShouldBe(["bundle:000", "birth:000", "bundle:001"]);
        pending.Notifications.ShouldHaveSingleItem().Id.ShouldBe("app-1:birth:n000");
    }

    static TaskRecord Task() => new(
        "health", "app-1:birth", TaskKind.Decision, "app-1", "birth", "出生医学证明", "newborn", "c-1", "王芳", OfficerTaskStatus.Open, At, At.AddDays(5));
}
