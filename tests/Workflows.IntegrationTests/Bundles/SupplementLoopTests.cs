using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Tasks;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// The applicant's loop with officers on Microsoft's engine over Azure Storage, through the API handlers the server
/// maps: a supplement answers exactly the request it was made for, a material supplied through a supplement is
/// supplied everywhere (a deferred one included), an officer cannot ask for what cannot be uploaded, and the
/// department is told when a supplement arrives and sees the file supplied.
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class SupplementLoopTests(StorageFixture storage) : IAsyncLifetime
{
    const string Licence = "business-licence";
    const string FoodLicence = "food-licence";
    const string Market = "market-regulation";
    const string Tax = "tax-registration";
    const string Lease = "leaseContract";
    const string LeaseName = "经营场所租赁合同";
    const string IdCard = "legalRepIdCard";
    const string IdCardName = "法定代表人身份证";
    const string AddressCommitment = "addressCommitment";

    BundleHarness harness = null!;
    CitizenApi citizens = null!;
    OfficerApi officers = null!;

    public async Task InitializeAsync()
    {
        harness = await BundleHarness.StartAsync(storage, "sup");
        citizens = ActivatorUtilities.CreateInstance<CitizenApi>(harness.Services, ActivatorUtilities.CreateInstance<ApplicantApplications>(harness.Services));
        officers = ActivatorUtilities.CreateInstance<OfficerApi>(harness.Services);
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public void Template_BuiltForTheseTests_IsValidAgainstTheBuiltInCatalog() =>
        TemplateValidator.Validate(Template(CommitmentFailure.RevokeItem), BuiltInTemplates.Catalog).ShouldBeEmpty();

    [Fact]
    public async Task DeferredMaterial_SuppliedThroughASupplement_IsSuppliedForTheItemTheLedgerAndTheApplicant()
    {
        const string id = "sup-deferred";
        var due = DateTime.UtcNow.AddSeconds(40);
        await StartAsync(id, leaseDeferredUntil: due);
        var task = await harness.WaitForTaskAsync(Market, id, Licence);

        // The officer asks for the lease contract the company was allowed to bring later; the company supplies it there.
        (await DecideAsync(task, new DecisionRequest(DecisionKind.RequestSupplement, "请提交租赁合同", [Lease]))).ShouldBe(StatusCodes.Status202Accepted);
        var requestId = await OpenRequestAsync(id);
        var reference = await UploadAsync(id, Lease);
        (await SupplyAsync(id, requestId, (Lease, reference))).Status.ShouldBe(StatusCodes.Status202Accepted);
        task = await harness.WaitForTaskAsync(Market, id, Licence);
        (await DecideAsync(task, new DecisionRequest(DecisionKind.Approve, "合同已核"))).ShouldBe(StatusCodes.Status202Accepted);

        // One supply satisfies every place that waits for it: the approval takes effect at once, not at the deadline.
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed, string.Join("; ", outcome.Items.Select(i => $"{i.ItemKey}={i.State} ({i.Reason})")));
        var audit = await harness.Audit.ReadAsync(id);
        audit.Single(e => e.Action == "item.approved" && e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal)).At.ShouldBeLessThan(due);
        var line = (await harness.Store.GetAsync(id))!.Materials.Single(m => m.Key == Lease);
        line.Status.ShouldBe(MaterialStatus.Supplied);
        line.Reference.ShouldBe(reference);
        var mine = await ApplicationAsync(id);
        mine.Asked.ShouldNotContain(a => a.Kind == "deferred");
    }

    [Fact]
    public async Task DeferredMaterial_SuppliedInASupplementEvent_ApprovalTakesEffectBeforeTheDeadlineAndDependantsRun()
    {
        // The engine alone, as the issue saw it: approved by the officer, then rejected at the deadline of a material
        // the company had supplied through the officer's request, and its dependant cancelled.
        const string id = "sup-deferred-engine";
        var due = DateTime.UtcNow.AddSeconds(20);
        await StartAsync(id, leaseDeferredUntil: due);
        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "请提交租赁合同", [Lease], "d-ask"));
        await harness.WaitForTaskAsync(Market, id, Licence, OfficerTaskStatus.AwaitingApplicant);
        await harness.Applications.SupplyAsync(id, Licence, new SupplementProvided([Lease], new Dictionary<string, string> { [Lease] = "uploads/lease-9.pdf" }, "d-ask"));
        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-approve"));

        var outcome = await harness.WaitForOutcomeAsync(id);
        var items = outcome.Items.ToDictionary(i => i.ItemKey);
        items[Licence].State.ShouldBe(ItemState.Approved, items[Licence].Reason);
        items[FoodLicence].State.ShouldBe(ItemState.Approved, items[FoodLicence].Reason);
        (await harness.Audit.ReadAsync(id)).Single(e => e.Action == "item.approved" && e.StepId.StartsWith($"{Licence}:", StringComparison.Ordinal)).At.ShouldBeLessThan(due);
        (await harness.Store.GetAsync(id))!.Materials.Single(m => m.Key == Lease).Status.ShouldBe(MaterialStatus.Supplied);
    }

    [Fact]
    public async Task Supplement_SentTwiceForOneRequest_DoesNotAnswerTheOfficersNextRequest()
    {
        const string id = "sup-next";
        await StartAsync(id);
        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "合同不清晰", [Lease], "d-first"));
        await harness.WaitForTaskAsync(Market, id, Licence, OfficerTaskStatus.AwaitingApplicant);
        var supplement = new SupplementProvided([Lease], new Dictionary<string, string> { [Lease] = "uploads/lease-2.pdf" }, "d-first");
        await harness.Applications.SupplyAsync(id, Licence, supplement);
        await harness.Applications.SupplyAsync(id, Licence, supplement with { References = new Dictionary<string, string> { [Lease] = "uploads/lease-3.pdf" } });
        await harness.WaitForTaskAsync(Market, id, Licence);

        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "还缺盖章页", [Lease], "d-second"));
        await harness.WaitForTaskAsync(Market, id, Licence, OfficerTaskStatus.AwaitingApplicant);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var waiting = await harness.Tasks.GetAsync(Market, ItemOrchestrator.InstanceId(id, Licence));
        waiting!.Status.ShouldBe(OfficerTaskStatus.AwaitingApplicant, "the second copy of the first supplement answered the next request");
        waiting.SupplementRequestId.ShouldBe("d-second");

        await harness.Applications.SupplyAsync(id, Licence, supplement with { RequestId = "d-second", References = new Dictionary<string, string> { [Lease] = "uploads/lease-4.pdf" } });
        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.Approve, "officer-m1", null, null, "d-approve"));
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);
        var audit = await harness.Audit.ReadAsync(id);
        audit.Count(e => e.Action == "item.supplement.provided").ShouldBe(2);
        audit.ShouldContain(e => e.Action == "item.supplement.ignored" && e.Detail!.Contains("d-first", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SupplementRequest_TheTaskCarriesWhatWasAskedAsFields_AndTheApplicantReadsThem()
    {
        const string id = "sup-fields";
        await StartAsync(id);
        await harness.WaitForTaskAsync(Market, id, Licence);
        // A reason with the old prose's separators in it: nothing is parsed back from the note any more.
        const string reason = "合同不清晰 (第2页): 请重拍";
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", reason, [Lease, IdCard], "d-fields"));
        var task = await harness.WaitForTaskAsync(Market, id, Licence, OfficerTaskStatus.AwaitingApplicant);
        task.SupplementMaterials.ShouldBe([Lease, IdCard]);
        task.SupplementReason.ShouldBe(reason);
        task.SupplementAskedAt.ShouldBe(task.OpenedAt);
        task.SupplementRequestId.ShouldBe("d-fields");
        // The note is for people, in both languages: the Chinese stored, the English beside it.
        task.Note.ShouldBe($"需补正材料（{Lease}、{IdCard}）：{reason}");
        task.NoteEn.ShouldBe($"Supplement requested ({Lease}, {IdCard}): {reason}");

        var asked = (await ApplicationAsync(id)).Asked.Single(a => a.Kind == "supplement");
        (asked.Item, asked.Message, asked.RequestId).ShouldBe((Licence, reason, "d-fields"));
        asked.Materials.ShouldBe([Lease, IdCard]);
    }

    [Fact]
    public async Task SupplementRequest_ARowWrittenBeforeTheFields_IsStillReadFromItsNote()
    {
        const string id = "sup-old-row";
        await StartAsync(id);
        await harness.WaitForTaskAsync(Market, id, Licence);
        await harness.Applications.DecideAsync(id, Licence, new OfficerDecided(DecisionKind.RequestSupplement, "officer-m1", "新的理由", [Lease], "d-old"));
        var task = await harness.WaitForTaskAsync(Market, id, Licence, OfficerTaskStatus.AwaitingApplicant);
        // The row as older code wrote it: the request only in the English prose of the note.
        await harness.Tasks.SaveAsync(task with
        {
            Note = $"Supplement requested ({Lease}, {IdCard}): 合同不清晰", NoteEn = null, SupplementMaterials = null, SupplementReason = null,
            SupplementAskedAt = null, Revision = task.Revision + 1,
        });

        var asked = (await ApplicationAsync(id)).Asked.Single(a => a.Kind == "supplement");
        asked.Message.ShouldBe("合同不清晰");
        asked.Materials.ShouldBe([Lease, IdCard]);
        asked.RequestId.ShouldBe("d-old");
    }

    [Fact]
    public async Task SupplementPost_NamesTheOpenRequest_AStaleOrMissingOrSecondAnswerIsRefused()
    {
        const string id = "sup-api";
        await StartAsync(id);
        var task = await harness.WaitForTaskAsync(Market, id, Licence);
        (await DecideAsync(task, new DecisionRequest(DecisionKind.RequestSupplement, "合同不清晰", [Lease]))).ShouldBe(StatusCodes.Status202Accepted);
        var requestId = await OpenRequestAsync(id);
        var first = await UploadAsync(id, Lease);
        var second = await UploadAsync(id, Lease);

        var missing = await SupplyAsync(id, null, (Lease, first));
        missing.Status.ShouldBe(StatusCodes.Status400BadRequest);
        missing.Fields.ShouldContain("requestId");
        var stale = await SupplyAsync(id, "d-not-this-one", (Lease, first));
        (stale.Status, stale.Code).ShouldBe((StatusCodes.Status409Conflict, "supplement.stale"));

        // Two posts at once for the open request: exactly one is taken; the other is told the request was answered.
        var both = await Task.WhenAll(SupplyAsync(id, requestId, (Lease, first)), SupplyAsync(id, requestId, (Lease, second)));
        both.Count(r => r.Status == StatusCodes.Status202Accepted).ShouldBe(1, string.Join(", ", both.Select(r => $"{r.Status} {r.Code}")));
        both.Single(r => r.Status != StatusCodes.Status202Accepted).Code.ShouldBeOneOf("supplement.alreadyAnswered", "supplement.notAsked");
        var taken = both[0].Status == StatusCodes.Status202Accepted ? first : second;

        // The officer sees the file supplied, not the one the application came with, and is told it arrived.
        task = await harness.WaitForTaskAsync(Market, id, Licence);
        await WaitUntilAsync(async () => (await harness.Store.GetAsync(id))!.Materials.Single(m => m.Key == Lease).Reference == taken, "the ledger to show the supplied file");
        var view = (Ok<TaskApplicationView>)await officers.GetTaskApplicationAsync(Officer, task.TaskId, default);
        view.Value!.Materials.Single(m => m.Key == Lease).Reference.ShouldBe(taken);
        (await harness.Notifications.ListAsync(RecipientKind.Department, Market))
            .ShouldContain(n => n.Notification.Topic == NotificationTopics.SupplementProvided && n.Notification.ApplicationId == id);
        // The same request answered again after the item moved on is refused too.
        (await SupplyAsync(id, requestId, (Lease, second))).Status.ShouldBe(StatusCodes.Status409Conflict);
    }

    [Fact]
    public async Task SupplementRequest_ForAMaterialThatCannotBeUploaded_IsRefusedNamingIt()
    {
        const string id = "sup-licence";
        await StartAsync(id);
        var task = await harness.WaitForTaskAsync(Market, id, Licence);
        var stored = (await harness.Tasks.GetStoredAsync(Market, task.TaskId))!;

        var result = await officers.DecideAsync(Officer, task.TaskId, stored.ETag.ToString(), new DecisionRequest(DecisionKind.RequestSupplement, "请提供身份证", [Lease, IdCard]), default);
        var problem = Problem(result);
        problem.Status.ShouldBe(StatusCodes.Status400BadRequest);
        problem.Errors.ShouldContain(e => e.Field == "materials[1]" && e.Code == "material.notUploadable");
        problem.Errors.ShouldNotContain(e => e.Field == "materials[0]");
        (await harness.Tasks.GetAsync(Market, task.TaskId))!.Status.ShouldBe(OfficerTaskStatus.Open, "a refused request paused the item");
        await harness.Applications.WithdrawAsync(id, "test over");
        await harness.WaitForOutcomeAsync(id);
    }

    [Theory]
    [InlineData(CommitmentFailure.RevokeItem)]
    [InlineData(null)]
    public async Task CommitmentVerification_Failed_ReachesTheApplicantAsTheTemplateSays(CommitmentFailure? onFailed)
    {
        var id = $"sup-verify-{onFailed?.ToString().ToLowerInvariant() ?? "notify"}";
        await StartAsync(id, addressCommitted: true, onFailed: onFailed);
        var task = await harness.WaitForTaskAsync(Market, id, Licence);
        (await DecideAsync(task, new DecisionRequest(DecisionKind.Approve, "按承诺审批"))).ShouldBe(StatusCodes.Status202Accepted);
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);
        (await harness.Licences.ListAsync(Applicant(id).Id)).ShouldContain(l => l.LicenceType == "business-licence");

        var verification = (await harness.Tasks.ListAsync(Market)).Single(t => t.ApplicationId == id && t.Kind == TaskKind.Verification);
        (await DecideAsync(verification, new DecisionRequest(DecisionKind.Reject, "现场核查：住所为居民住宅，与承诺不符"))).ShouldBe(StatusCodes.Status202Accepted);

        // The applicant is told, whatever the template says.
        var notices = await harness.Notifications.ListAsync(RecipientKind.Applicant, Applicant(id).Id);
        var notice = notices.Single(n => n.Notification.Topic == NotificationTopics.CommitmentFailed);
        notice.Notification.Body.ShouldContain("居民住宅");
        var view = (await ApplicationAsync(id)).Items.Single(i => i.Key == Licence);
        if (onFailed == CommitmentFailure.RevokeItem)
        {
            // The item's result is revoked: the application shows it, and its licence no longer counts anywhere.
            view.Revoked.ShouldNotBeNull();
            view.Revoked.ShouldContain("居民住宅");
            notice.Notification.Title.ShouldContain("撤销");
            (await harness.Licences.ListAsync(Applicant(id).Id)).ShouldNotContain(l => l.LicenceType == "business-licence");
            (await harness.Tasks.GetAsync(Market, verification.TaskId))!.Outcome.ShouldBe("revoked");
        }
        else
        {
            view.Revoked.ShouldBeNull();
            (await harness.Licences.ListAsync(Applicant(id).Id)).ShouldContain(l => l.LicenceType == "business-licence");
            (await harness.Tasks.GetAsync(Market, verification.TaskId))!.Outcome.ShouldBe("failed");
        }

        (await harness.Audit.ReadAsync(id)).ShouldContain(e => e.Action == "commitment.failed");
    }

    [Fact]
    public async Task Commitment_NeededByTwoItemsOfTwoDepartments_IsVerifiedOnceByTheItemNamed_AndItsFailureRevokesBoth()
    {
        const string id = "sup-verify-once";
        var template = Template(CommitmentFailure.RevokeItem, sharedWithTax: true);
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        await StartAsync(id, addressCommitted: true, onFailed: CommitmentFailure.RevokeItem, sharedWithTax: true);
        var task = await harness.WaitForTaskAsync(Market, id, Licence);
        (await DecideAsync(task, new DecisionRequest(DecisionKind.Approve, "按承诺审批"))).ShouldBe(StatusCodes.Status202Accepted);
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Items.Single(i => i.ItemKey == Tax).State.ShouldBe(ItemState.Approved);

        // Both items were approved on the commitment; the tax bureau, which the template names, verifies it once.
        (await harness.Tasks.ListAsync(Market)).ShouldNotContain(t => t.ApplicationId == id && t.Kind == TaskKind.Verification);
        var verification = (await harness.Tasks.ListAsync("tax")).Where(t => t.ApplicationId == id && t.Kind == TaskKind.Verification).ShouldHaveSingleItem();
        verification.TaskId.ShouldBe($"{id}:{Tax}:verify:{AddressCommitment}");
        verification.ItemKey.ShouldBe(Tax);
        verification.Note!.ShouldContain(Licence);
        verification.NoteEn!.ShouldContain($"for the items {Licence}, {Tax}");
        (await harness.Notifications.ListAsync(RecipientKind.Department, "tax"))
            .Where(n => n.Notification.ApplicationId == id && n.Notification.Topic == NotificationTopics.NewTask).ShouldHaveSingleItem()
            .Notification.Id.ShouldBe($"{verification.TaskId}:opened");
        (await harness.Notifications.ListAsync(RecipientKind.Department, Market))
            .ShouldNotContain(n => n.Notification.ApplicationId == id && n.Notification.Topic == NotificationTopics.NewTask && n.Notification.Title.Contains("核查"));

        // It fails: both items' results are revoked, each audited, and the applicant is told once naming both.
        (await DecideAsync(verification, new DecisionRequest(DecisionKind.Reject, "现场核查：住所为居民住宅，与承诺不符"))).ShouldBe(StatusCodes.Status202Accepted);
        var held = await harness.Licences.ListAsync(Applicant(id).Id);
        held.ShouldNotContain(l => l.LicenceType == "business-licence");
        held.ShouldNotContain(l => l.LicenceType == "tax-registration");
        var audit = await harness.Audit.ReadAsync(id);
        audit.Where(e => e.Action == "item.revoked").Select(e => e.Detail!.Split('：')[0]).ShouldBe([Tax, Licence], ignoreOrder: true);
        var view = await ApplicationAsync(id);
        view.Items.Single(i => i.Key == Licence).Revoked.ShouldNotBeNull();
        view.Items.Single(i => i.Key == Tax).Revoked.ShouldNotBeNull();
        var notice = (await harness.Notifications.ListAsync(RecipientKind.Applicant, Applicant(id).Id))
            .Where(n => n.Notification.Topic == NotificationTopics.CommitmentFailed).ShouldHaveSingleItem().Notification;
        notice.Title.ShouldContain("营业执照");
        notice.Title.ShouldContain("税务登记");
    }

    [Fact]
    public async Task TaskViews_AnswerOutcomesCamelCase_WhetherTheOrchestratorOrTheSweepClosedThem()
    {
        const string id = "sup-outcome-case";
        await StartAsync(id, addressCommitted: true, onFailed: CommitmentFailure.RevokeItem);
        var task = await harness.WaitForTaskAsync(Market, id, Licence);
        (await DecideAsync(task, new DecisionRequest(DecisionKind.Approve, "按承诺审批"))).ShouldBe(StatusCodes.Status202Accepted);
        (await harness.WaitForOutcomeAsync(id)).Status.ShouldBe(BundleStatus.Completed);
        var verification = (await harness.Tasks.ListAsync(Market)).Single(t => t.ApplicationId == id && t.Kind == TaskKind.Verification);
        (await DecideAsync(verification, new DecisionRequest(DecisionKind.Reject, "现场核查：住所与承诺不符"))).ShouldBe(StatusCodes.Status202Accepted);

        // Stored as each writer wrote it: the orchestrator from nameof(ItemState.Approved) (ADR 0004), the sweep lower case.
        (await harness.Tasks.GetAsync(Market, task.TaskId))!.Outcome.ShouldBe(nameof(ItemState.Approved));
        (await harness.Tasks.GetAsync(Market, verification.TaskId))!.Outcome.ShouldBe("revoked");

        // Answered camelCase, both.
        (await AnsweredAsync(await officers.GetTaskAsync(Officer, task.TaskId, default))).GetProperty("task").GetProperty("outcome").GetString().ShouldBe("approved");
        (await AnsweredAsync(await officers.GetTaskAsync(Officer, verification.TaskId, default))).GetProperty("task").GetProperty("outcome").GetString().ShouldBe("revoked");

        // The administrator's view of the application: its item tasks' outcomes and its audit states alike.
        var admin = ActivatorUtilities.CreateInstance<AdminApplicationApi>(harness.Services);
        var view = await AnsweredAsync(await admin.GetAsync(new Caller("admin-1", "管理员", CallerRole.Administrator), id, default));
        var outcomes = view.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("outcome").GetString()).OfType<string>().ToList();
        outcomes.ShouldContain("approved"); // the item's task (the verification is the department's, not listed here)
        outcomes.ShouldNotContain(v => System.Text.RegularExpressions.Regex.IsMatch(v, "^[A-Z]"));
        var states = view.GetProperty("audit").EnumerateArray()
            .SelectMany(e => new[] { e.GetProperty("before"), e.GetProperty("after") })
            .Where(v => v.ValueKind == System.Text.Json.JsonValueKind.String).Select(v => v.GetString()!).ToList();
        states.ShouldContain("running"); // item.started, written nameof(ItemState.Running)
        states.ShouldNotContain(v => System.Text.RegularExpressions.Regex.IsMatch(v, "^[A-Z][a-z]+([A-Z][a-z]*)*$"));
    }

    // What a host writes: the result executed with the hosts' response JSON options.
    static async Task<System.Text.Json.JsonElement> AnsweredAsync(IResult result)
    {
        var services = new ServiceCollection().AddLogging().ConfigureHttpJsonOptions(o => ApiJson.ConfigureResponses(o.SerializerOptions)).BuildServiceProvider();
        await using (services)
        {
            var http = new DefaultHttpContext { RequestServices = services };
            http.Response.Body = new MemoryStream();
            await result.ExecuteAsync(http);
            http.Response.StatusCode.ShouldBe(StatusCodes.Status200OK);
            return System.Text.Json.JsonDocument.Parse(((MemoryStream)http.Response.Body).ToArray()).RootElement.Clone();
        }
    }

    static readonly Caller Officer = new("officer-m1", "市场监管窗口", CallerRole.Officer, Department: Market);

    static Caller Applicant(string id) => new($"company-{id}", "某某餐饮管理有限公司", CallerRole.Applicant, ApplicantKind.Company);

    async Task<int?> DecideAsync(TaskRecord task, DecisionRequest decision)
    {
        // A task just listed is touched once more (TaskStore lists, then marks the row under its ETag), so an ETag read
        // in that instant is stale once: like a page, read again and retry once; a second 412 is a real failure.
        for (var attempt = 1; ; attempt++)
        {
            var stored = (await harness.Tasks.GetStoredAsync(task.Department, task.TaskId))!;
            var officer = task.Department == Market ? Officer : new Caller($"officer-{task.Department}", "窗口", CallerRole.Officer, Department: task.Department);
            var result = await officers.DecideAsync(officer, task.TaskId, stored.ETag.ToString(), decision, default);
            var status = ((IStatusCodeHttpResult)result).StatusCode;
            if (status != StatusCodes.Status412PreconditionFailed || attempt == 2)
            {
                return status;
            }
        }
    }

    async Task<ApplicationDetail> ApplicationAsync(string id) => ((Ok<ApplicationDetail>)await citizens.GetMineAsync(Applicant(id), id, default)).Value!;

    // The request the applicant is shown, with its id, once the item has asked.
    async Task<string> OpenRequestAsync(string id)
    {
        string? requestId = null;
        await WaitUntilAsync(async () =>
        {
            requestId = (await ApplicationAsync(id)).Asked.FirstOrDefault(a => a.Kind == "supplement")?.RequestId;
            return requestId is not null;
        }, "the supplement request, with its id, to reach the applicant");
        return requestId!;
    }

    async Task<string> UploadAsync(string id, string material)
    {
        var definition = Template().Materials.Single(m => m.Key == material);
        using var content = new MemoryStream([.. "%PDF-1.7\n"u8.ToArray(), .. Guid.NewGuid().ToByteArray()]);
        var (upload, problem) = await harness.Uploads.UploadAsync(Applicant(id).Id, definition, "application/pdf", content, expectedSha256: null);
        upload.ShouldNotBeNull(problem?.Message);
        return upload.Reference;
    }

    async Task<ProblemView> SupplyAsync(string id, string? requestId, params (string Material, string Reference)[] references)
    {
        var result = await citizens.SupplyAsync(Applicant(id), id, Licence,
            new SupplyRequest(references.ToDictionary(r => r.Material, r => r.Reference), requestId), default);
        return Problem(result);
    }

    sealed record ProblemView(int? Status, string? Code, IReadOnlyList<ApiError> Errors)
    {
        public IEnumerable<string> Fields => Errors.Select(e => e.Field);
    }

    static ProblemView Problem(IResult result)
    {
        var status = ((IStatusCodeHttpResult)result).StatusCode;
        if (result is not ProblemHttpResult problem)
        {
            return new ProblemView(status, null, []);
        }

        var errors = problem.ProblemDetails.Extensions.TryGetValue("errors", out var e) && e is IReadOnlyList<ApiError> list ? list : [];
        return new ProblemView(status, problem.ProblemDetails.Extensions["code"] as string, errors);
    }

    static async Task WaitUntilAsync(Func<Task<bool>> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"waited too long for {what}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// A business licence decided by an officer, with a food licence after it: the lease contract may be uploaded or
    /// deferred; the legal representative's ID card comes only from the electronic licence registry.
    /// </summary>
    static BundleTemplate Template(CommitmentFailure? onFailed = null, bool sharedWithTax = false)
    {
        var approveAtOnce = new RuleDecision([new DecisionRule("licensed", new HasLicence("business-licence"), RuleOutcome.Approve, "Business licence held.")], RuleOutcome.ReferToOfficer);
        return new BundleTemplate(
            Key: "supplement-loop",
            Name: "开办餐饮企业一件事（补正测试）",
            Description: "Business licence and food licence.",
            ApplicantKind: ApplicantKind.Company,
            CommittedDays: 5,
            Fields: [new FieldDefinition("companyName", "企业名称", FieldType.Text, Min: 2, Max: 50)],
            Materials:
            [
                new MaterialDefinition(Lease, LeaseName, [Licence], Upload: new UploadRule(["application/pdf"], 10L * 1024 * 1024), Deferral: new DeferralRule(5, DeferralOutcome.RejectItem)),
                new MaterialDefinition(IdCard, IdCardName, [Licence], FromLicence: "id-card"),
                new MaterialDefinition(AddressCommitment, "住所（经营场所）承诺书", sharedWithTax ? [Licence, Tax] : [Licence], Upload: new UploadRule(["application/pdf"], 10L * 1024 * 1024),
                    Commitment: new CommitmentRule("本企业承诺所申报住所真实、合法、可用于经营。", 20, onFailed, sharedWithTax ? Tax : null)),
            ],
            Items:
            [
                .. sharedWithTax ? [new ItemDefinition(Tax, "税务登记", "tax", "svc-tx", 10, 1, approveAtOnce, [Licence], ["companyName"],
                    [new OutputDefinition("taxRegistration", "税务登记", OutputKind.Certificate, "tax-registration", "TX")], NameEn: "Tax registration")] : Array.Empty<ItemDefinition>(),
                new ItemDefinition(Licence, "营业执照", Market, "svc-bl", 15, 1, new OfficerDecision(), [], ["companyName"],
                    [new OutputDefinition("businessLicence", "营业执照", OutputKind.Certificate, "business-licence", "BL")]),
                new ItemDefinition(FoodLicence, "食品经营许可", Market, "svc-fl", 20, 3, approveAtOnce, [Licence], ["companyName"],
                    [new OutputDefinition("foodLicence", "食品经营许可证", OutputKind.Certificate, "food-business-licence", "FL")]),
            ]);
    }

    /// <summary>Starts the bundle the way <see cref="ApplicationService.SubmitAsync"/> does, with a ledger built here.</summary>
    async Task StartAsync(string id, DateTime? leaseDeferredUntil = null, bool addressCommitted = false, CommitmentFailure? onFailed = null, bool sharedWithTax = false)
    {
        var template = Template(onFailed, sharedWithTax);
        MaterialEntry[] ledger =
        [
            leaseDeferredUntil is { } due
                ? new MaterialEntry(Lease, LeaseName, MaterialStatus.Deferred, [Licence], DueAt: due)
                : new MaterialEntry(Lease, LeaseName, MaterialStatus.Uploaded, [Licence], "uploads/lease-1.pdf"),
            new MaterialEntry(IdCard, IdCardName, MaterialStatus.FromLicence, [Licence], "id-card"),
            addressCommitted && sharedWithTax
                ? new MaterialEntry(AddressCommitment, "住所（经营场所）承诺书", MaterialStatus.Committed, [Licence, Tax], Verifier: new CommitmentVerifier(Tax, "tax", "税务登记", "Tax registration"))
                : addressCommitted
                ? new MaterialEntry(AddressCommitment, "住所（经营场所）承诺书", MaterialStatus.Committed, [Licence])
                : new MaterialEntry(AddressCommitment, "住所（经营场所）承诺书", MaterialStatus.Uploaded, [Licence], "uploads/address.pdf"),
        ];
        var input = new BundleInput(
            id, Applicant(id).AsApplicant(), 1, template,
            new Dictionary<string, string> { ["companyName"] = "某某餐饮管理有限公司" }, ["id-card"], ledger, DateTime.UtcNow);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input, new StartOrchestrationOptions(id));
    }
}
