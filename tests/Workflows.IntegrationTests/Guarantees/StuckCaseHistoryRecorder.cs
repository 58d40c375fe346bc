using Microsoft.DurableTask;
using Workflows.Cases;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// Not a test of the normal tier: records stuck cases' histories (办不成事) into <c>histories/stuck-case/</c> for
/// <c>StuckCaseHistoryReplayTests</c> (ADR 0029): opened, reminded, escalated and resolved, and one resolved before its
/// timers fire. A working day lasts two seconds.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class StuckCaseHistoryRecorder(StorageFixture storage) : HistoryRecorder(storage, "recc", "stuck-case", TimeSpan.FromSeconds(2))
{
    [RecordingFact]
    public async Task Opened_Reminded_Escalated_ThenResolved()
    {
        var id = await StartAsync("recc-late", limitDays: 5);
        await WaitForAuditAsync("recc-late", "case.opened");
        await SaveAsync("case-open", id, "A stuck case opened, its reminder and escalation timers running (mid-flight).");
        await WaitForAuditAsync("recc-late", "case.escalated");
        await SaveAsync("case-escalated", id, "A stuck case reminded and escalated, still open (mid-flight).");
        await RaiseAsync(id, new CaseResolved("admin:admin-1", "已督办医院当日办结。"));
        await SaveWhenDoneAsync("case-reminded-escalated-resolved", id, "A stuck case reminded before its limit, escalated at it, then resolved.");
    }

    [RecordingFact]
    public async Task ResolvedBeforeItsTimers()
    {
        var id = await StartAsync("recc-soon", limitDays: 30);
        await WaitForAuditAsync("recc-soon", "case.opened");
        await RaiseAsync(id, new CaseResolved("admin:admin-1", "已当场解决。"));
        await SaveWhenDoneAsync("case-resolved-at-once", id, "A stuck case resolved before its reminder: the timers are cancelled.");
    }

    async Task<string> StartAsync(string applicationId, int limitDays)
    {
        var id = StuckCase.IdFor(applicationId);
        await Harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(StuckCaseOrchestrator),
            new StuckCaseInput(id, applicationId, $"citizen-{applicationId}", "王芳", "医院一直没有审批", Clock(), limitDays, 0.5), new StartOrchestrationOptions(id));
        return id;
    }
}
