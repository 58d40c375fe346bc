using System.Diagnostics;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Cases;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Voice;

/// <summary>
/// A stuck case on the Azure Storage provider with working days of two seconds: the reminder and then the
/// escalation fire while nobody resolves it, neither ends the wait, and the resolution closes it and tells the applicant.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class StuckCaseTests(StorageFixture storage)
{
    [Fact]
    public async Task StuckCase_UnresolvedPastItsLimit_RemindsEscalatesThenResolutionClosesAndNotifies()
    {
        var settings = storage.NewHub("case").ToInProcessConfiguration(runWorker: true);
        settings["Sla:DayLength"] = "00:00:02";
        settings["Cases:LimitDays"] = "2";
        settings["Cases:ReminderBeforeDays"] = "0.5";
        await using var engine = await InProcessEngine.StartAsync(settings);
        var cases = engine.Services.GetRequiredService<CaseService>();
        var store = engine.Services.GetRequiredService<CaseStore>();
        var application = new ApplicationRecord("app-stuck", new Applicant("citizen-stuck", ApplicantKind.Citizen, "王芳"), "newborn", 1, "新生儿出生一件事",
            ApplicationStatus.InProgress, DateTime.UtcNow, DateTime.UtcNow, [new ItemView("birth-certificate", "出生医学证明", "hospital", ItemState.Running)], []);

        var caseId = await cases.OpenAsync(application, "医院一直没有审批");

        caseId.ShouldBe("case:app-stuck");
        await Should.ThrowAsync<CaseAlreadyReportedException>(() => cases.OpenAsync(application, "again"));
        var escalated = await WaitForAsync(store, caseId, c => c.EscalatedAt is not null, "the escalation");
        escalated.Status.ShouldBe(CaseStatus.Open);
        escalated.RemindedAt.ShouldNotBeNull();
        escalated.RemindedAt!.Value.ShouldBeLessThan(escalated.EscalatedAt!.Value);
        // Durable timers fire on the storage clock, which may run a little apart from the orchestration's; allow a second.
        escalated.EscalatedAt!.Value.ShouldBeGreaterThan(escalated.DueAt.AddSeconds(-1));
        (escalated.DueAt - escalated.OpenedAt).ShouldBe(TimeSpan.FromSeconds(4));
        (await engine.Client.GetInstanceAsync(caseId))!.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Running, "the timers must not end the wait");

        await cases.ResolveAsync(caseId, "admin:admin", "已督办医院当日办结。");
        await Should.ThrowAsync<CaseAlreadyResolvedException>(() => cases.ResolveAsync(caseId, "admin:other", "twice"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await engine.Client.WaitForInstanceCompletionAsync(caseId, getInputsAndOutputs: true, cts.Token);

        done.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, done.SerializedOutput);
        var closed = (await store.GetStoredAsync(caseId))!.Case;
        closed.Status.ShouldBe(CaseStatus.Resolved);
        closed.Resolution.ShouldBe("已督办医院当日办结。");
        closed.ResolvedBy.ShouldBe("admin:admin");
        (await store.ListAsync(CaseStatus.Open)).ShouldNotContain(c => c.CaseId == caseId);
        (await store.ListAsync(CaseStatus.Resolved)).ShouldContain(c => c.CaseId == caseId);

        var outbox = engine.Services.GetRequiredService<NotificationOutbox>();
        var applicant = await outbox.ListAsync(RecipientKind.Applicant, "citizen-stuck");
        applicant.Select(n => n.Notification.Topic).ShouldBe([CaseTopics.Resolved, CaseTopics.Opened]);
        applicant[0].Notification.Body.ShouldBe("已督办医院当日办结。");
        var admins = await outbox.ListAsync(RecipientKind.Administrators, StuckCaseOrchestrator.Administrators);
        admins.Select(n => n.Notification.Topic).ShouldBe([CaseTopics.Escalated, CaseTopics.Reminder, CaseTopics.Opened]);
        var trail = await engine.Services.GetRequiredService<AuditTrail>().ReadAsync("app-stuck");
        trail.Select(e => e.Action).ShouldBe(["case.opened", "case.reminded", "case.escalated", "case.resolved"]);
    }

    static async Task<StuckCase> WaitForAsync(CaseStore store, string caseId, Func<StuckCase, bool> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await store.GetStoredAsync(caseId) is { } stored && done(stored.Case))
            {
                return stored.Case;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"No {what} on {caseId}.");
            }

            await Task.Delay(200);
        }
    }
}
