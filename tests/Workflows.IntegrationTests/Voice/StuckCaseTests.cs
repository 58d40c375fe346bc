using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Audit;
using Workflows.Cases;
using Workflows.Licences;
using Workflows.Materials;
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

    [Fact]
    public async Task ReportAsync_RightAfterAcceptedSubmit_OpensTheCaseAndAnotherPersonIsToldNotFoundAsForNoApplication()
    {
        // No worker: the bundle is accepted and never writes its read model, as in the moment right after a submit.
        await using var engine = await InProcessEngine.StartAsync(storage.NewHub("casesoon").ToInProcessConfiguration(runWorker: false));
        var owner = new Caller("citizen-soon", "王芳", CallerRole.Applicant, ApplicantKind.Citizen);
        var stranger = new Caller("citizen-other", "李强", CallerRole.Applicant, ApplicantKind.Citizen);
        var id = await SubmitNewbornAsync(engine, owner.AsApplicant(), "app-soon");
        (await engine.Services.GetRequiredService<ApplicationStore>().GetAsync(id)).ShouldBeNull("the read model is not written yet");
        var api = ActivatorUtilities.CreateInstance<CaseApi>(engine.Services, new ApplicantApplications(engine.Services.GetRequiredService<ApplicationStore>(), engine.Client));

        var reported = await api.ReportAsync(owner, id, new StuckReportRequest("刚提交就显示不了进度"), CancellationToken.None);
        var foreign = await api.ReportAsync(stranger, id, new StuckReportRequest("not mine"), CancellationToken.None);
        var missing = await api.ReportAsync(owner, "app-no-such", new StuckReportRequest("nothing"), CancellationToken.None);

        reported.ShouldBeAssignableTo<IStatusCodeHttpResult>()!.StatusCode.ShouldBe(StatusCodes.Status202Accepted);
        reported.ShouldBeAssignableTo<IValueHttpResult>()!.Value.ShouldBe(new StuckReportResponse(StuckCase.IdFor(id)));
        (await engine.Client.GetInstanceAsync(StuckCase.IdFor(id))).ShouldNotBeNull().Name.ShouldBe(nameof(StuckCaseOrchestrator));
        var foreignProblem = foreign.ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
        var missingProblem = missing.ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
        foreignProblem.Status.ShouldBe(StatusCodes.Status404NotFound);
        (foreignProblem.Type, foreignProblem.Title, foreignProblem.Detail).ShouldBe((missingProblem.Type, missingProblem.Title, missingProblem.Detail));
        (await engine.Client.GetInstanceAsync(StuckCase.IdFor("app-no-such"))).ShouldBeNull();
    }

    static async Task<string> SubmitNewbornAsync(InProcessEngine engine, Applicant applicant, string id)
    {
        var licences = engine.Services.GetRequiredService<LicenceRegistry>();
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await licences.IssueAsync(new LicenceRecord(applicant.Id, type, $"{type}-1", type, "seed", null, null, DateTime.UtcNow, $"{applicant.Id}/{type}.json"), new { type });
        }

        var material = BuiltInTemplates.Get("newborn").Materials.Single(m => m.Key == "babyPhoto");
        using var photo = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, .. "photo"u8.ToArray()]);
        var (upload, problem) = await engine.Services.GetRequiredService<MaterialUploads>().UploadAsync(applicant.Id, material, "image/jpeg", photo, expectedSha256: null);
        upload.ShouldNotBeNull(problem?.Message);
        var answers = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(new
        {
            babyName = "王小明", babySex = "male", babyBirthDate = "2026-11-20", birthPlace = "市第一人民医院", motherName = "王芳",
            motherIdNumber = "11010519491231002X", settleWith = "mother", registrationAddress = "市中心区人民路1号", guardianPhone = "13800138000",
            parentInsuredLocally = true, applyCardWithBank = false,
        }))!;
        var watch = Stopwatch.StartNew();
        while (await engine.Services.GetRequiredService<TemplateStore>().GetPublishedAsync("newborn") is null)
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), "newborn was never published");
            await Task.Delay(200);
        }

        var result = await engine.Services.GetRequiredService<ApplicationService>().SubmitAsync(
            new SubmissionRequest("newborn", applicant, answers, [new MaterialProvision("babyPhoto", ProvisionKind.Upload, upload.Reference)]), id);
        result.Accepted.ShouldBeTrue(string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
        return result.ApplicationId;
    }

    [Fact]
    public async Task OpenAsync_CaseInstanceFailed_StartsItAgain()
    {
        var settings = storage.NewHub("casefail").ToInProcessConfiguration(runWorker: true);
        await using var engine = await InProcessEngine.StartAsync(settings);
        var cases = engine.Services.GetRequiredService<CaseService>();
        var application = new ApplicationRecord("app-failed", new Applicant("citizen-failed", ApplicantKind.Citizen, "王芳"), "newborn", 1, "新生儿出生一件事",
            ApplicationStatus.InProgress, DateTime.UtcNow, DateTime.UtcNow, [new ItemView("birth-certificate", "出生医学证明", "hospital", ItemState.Running)], []);
        var caseId = StuckCase.IdFor("app-failed");
        // An instance that failed (here: no input at all), as one whose activity ran out of retries would.
        await engine.Client.ScheduleNewOrchestrationInstanceAsync(nameof(StuckCaseOrchestrator), new StartOrchestrationOptions(caseId));
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            (await engine.Client.WaitForInstanceCompletionAsync(caseId, cts.Token)).RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Failed);
        }

        (await cases.OpenAsync(application, "医院一直没有审批")).ShouldBe(caseId);

        var opened = await WaitForAsync(engine.Services.GetRequiredService<CaseStore>(), caseId, c => c.Status == CaseStatus.Open, "the case started again");
        opened.Description.ShouldBe("医院一直没有审批");
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
