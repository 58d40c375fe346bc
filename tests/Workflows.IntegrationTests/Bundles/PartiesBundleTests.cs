using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Calendar;
using Workflows.Notifications;
using Workflows.Orchestration;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// Parties on Microsoft's engine over Azurite (issue 18): a house transfer's seller confirms in their own session before
/// the items that need them start, or does not in time and the bundle ends; a newborn's parents' own licences satisfy
/// their materials. A working day lasts <see cref="DayLength"/>, so the seller's five working days pass in seconds.
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class PartiesBundleTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly TimeSpan DayLength = TimeSpan.FromSeconds(6);

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "party",
        new Dictionary<string, string?> { ["Sla:DayLength"] = DayLength.ToString("c", System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    static string SellerOf(string buyer) => buyer.Replace("buyer", "seller", StringComparison.Ordinal);

    async Task<SubmissionResult> SubmitHouseAsync(string buyer, string app)
    {
        var seller = SellerOf(buyer);
        var request = await harness.HouseTransferRequestAsync(buyer, seller);
        var result = await harness.Applications.SubmitAsync(request, app);
        result.Accepted.ShouldBeTrue(string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
        return result;
    }

    // SaveApplicationActivity writes the record and the confirmation rows before the notices: a test that saw a row waits for its notice.
    async Task WaitForNoticeAsync(string recipient, string topic)
    {
        var watch = Stopwatch.StartNew();
        while (!(await harness.Notifications.ListAsync(RecipientKind.Applicant, recipient)).Any(n => n.Notification.Topic == topic))
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), $"{recipient} was never told {topic}");
            await Task.Delay(100);
        }
    }

    async Task<PartyConfirmationRow> WaitForConfirmationAsync(string party, string app, PartyConfirmationStatus status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await harness.Store.GetConfirmationAsync(party, app, "seller") is { } row && row.Party.Confirmation == status)
            {
                return row;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"{party}'s confirmation of {app} never became {status}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task HouseTransfer_SellerConfirmsInTheirOwnSession_ItemsThatNeedThemWaitUntilThen_AndItIsAudited()
    {
        const string buyer = "citizen-buyer-p1";
        const string app = "party-confirms";
        var seller = SellerOf(buyer);
        var result = await SubmitHouseAsync(buyer, app);
        result.Ledger.Single(m => m.Key == "propertyCertificate").Party.ShouldBe("seller");

        var asked = await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Awaiting);
        asked.ApplicantName.ShouldBe("王芳");
        asked.Party.DueAt.ShouldNotBeNull();
        await WaitForNoticeAsync(seller, NotificationTopics.PartyConfirmationRequested);

        // Rules would approve the tax at once; it needs the seller's ID card and title, so it waits for the seller.
        var before = (await harness.Store.GetAsync(app))!;
        before.Items.Single(i => i.Key == "transfer-tax").State.ShouldBe(ItemState.Waiting);
        before.Parties.ShouldNotBeNull().Single(p => p.Role == "seller").Confirmation.ShouldBe(PartyConfirmationStatus.Awaiting);

        // Only the seller the application names can confirm: the buyer answering as the seller is ignored.
        await harness.Applications.AnswerAsPartyAsync(app, new PartyConfirmationGiven("seller", buyer, true, null, DateTime.UtcNow));
        await harness.Applications.AnswerAsPartyAsync(app, new PartyConfirmationGiven("seller", seller, true, null, DateTime.UtcNow));
        var confirmed = await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Confirmed);
        confirmed.Party.At.ShouldNotBeNull();

        await harness.WaitForTaskAsync("natural-resources", app, "property-transfer-registration");
        var audit = await harness.Audit.ReadAsync(app);
        audit.ShouldContain(e => e.Action == "party.confirmation.ignored" && e.Actor == $"party:{buyer}");
        var entry = audit.Single(e => e.Action == "party.confirmed");
        entry.Actor.ShouldBe($"party:{seller}");
        entry.After.ShouldBe(nameof(PartyConfirmationStatus.Confirmed));
        audit.Single(e => e.Action == "item.approved" && e.StepId.StartsWith("transfer-tax:", StringComparison.Ordinal)).At.ShouldBeGreaterThanOrEqualTo(entry.At);
        await harness.Applications.WithdrawAsync(app, "测试结束");
        await harness.WaitForOutcomeAsync(app);
    }

    [Fact]
    public async Task HouseTransfer_ALostRunsCompletionFiresTheSellersDeadlineEarly_TheDeadlineIsAimedAgainAndTheSellerStillConfirms()
    {
        // ADR 0027: the engine may complete the deadline's timer with a lost run's completion long before its time.
        const string buyer = "citizen-buyer-p4";
        const string app = "party-early";
        var seller = SellerOf(buyer);
        await SubmitHouseAsync(buyer, app);
        var asked = await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Awaiting);
        var deadline = (await TaskHubHistory.EventsAsync(harness.Hub, app)).Where(r => r.GetString("EventType") == "TimerCreated")
            .Single(r => Math.Abs((r.GetDateTime("FireAt")!.Value - asked.Party.DueAt!.Value).TotalSeconds) < 1);

        await harness.DeliverAsync(app, new DurableTask.Core.History.TaskCompletedEvent(-1, deadline.GetInt32("EventId")!.Value, "true"));
        var watch = Stopwatch.StartNew();
        while ((await TaskHubHistory.EventsAsync(harness.Hub, app)).Count(r => r.GetString("EventType") == "TimerCreated" && r.GetDateTime("FireAt") == deadline.GetDateTime("FireAt")) < 2)
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15), "the deadline was not aimed again");
            await Task.Delay(200);
        }

        (await harness.Client.GetInstanceAsync(app))!.RuntimeStatus.ShouldBe(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Running, "the early completion ended the bundle");
        (await harness.Audit.ReadAsync(app)).ShouldNotContain(e => e.Action == "party.confirmation.expired");
        await harness.Applications.AnswerAsPartyAsync(app, new PartyConfirmationGiven("seller", seller, true, null, DateTime.UtcNow));
        await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Confirmed);
        await harness.Applications.WithdrawAsync(app, "测试结束");
        await harness.WaitForOutcomeAsync(app);
    }

    [Fact]
    public async Task HouseTransfer_SellerDoesNotConfirmInTime_TheBundleEndsAsTheTemplateSays_AndTheTitleStaysTheSellers()
    {
        const string buyer = "citizen-buyer-p2";
        const string app = "party-expires";
        var seller = SellerOf(buyer);
        await SubmitHouseAsync(buyer, app);
        var asked = await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Awaiting);

        // The party's session, its clock past the deadline (a fake): refused before the engine's timer has even fired.
        var api = new PartyConfirmationApi(harness.Store, harness.Applications, new FixedTime(asked.Party.DueAt!.Value.AddSeconds(1)), harness.Services.GetRequiredService<SlaClockSource>());
        var late = await api.AnswerAsync(new Caller(seller, "李建国", CallerRole.Applicant, ApplicantKind.Citizen), app, "seller", null, CancellationToken.None);
        var problem = late.ShouldBeOfType<ProblemHttpResult>();
        problem.StatusCode.ShouldBe(StatusCodes.Status409Conflict);
        problem.ProblemDetails.Extensions["code"].ShouldBe("confirmation.expired");

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Rejected);
        foreach (var item in outcome.Items)
        {
            item.State.ShouldBeOneOf(ItemState.Cancelled, ItemState.NotIncluded);
        }

        outcome.Items.Single(i => i.ItemKey == "transfer-tax").ReasonEn.ShouldNotBeNull().ShouldContain("The seller (李建国) did not confirm by");
        (await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Expired)).ApplicationStatus.ShouldBe(ApplicationStatus.Rejected);
        (await harness.Audit.ReadAsync(app)).ShouldContain(e => e.Action == "party.confirmation.expired" && e.Actor == "engine");
        (await harness.Licences.ListAsync(seller)).ShouldContain(l => l.LicenceType == "property-certificate", "nothing was transferred");
        await WaitForNoticeAsync(buyer, NotificationTopics.PartyConfirmationSettled);
    }

    [Fact]
    public async Task HouseTransfer_SellerDeclines_TheBundleEndsWithTheirReason()
    {
        const string buyer = "citizen-buyer-p3";
        const string app = "party-declines";
        var seller = SellerOf(buyer);
        await SubmitHouseAsync(buyer, app);
        await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Awaiting);
        var api = new PartyConfirmationApi(harness.Store, harness.Applications, TimeProvider.System, harness.Services.GetRequiredService<SlaClockSource>());
        var caller = new Caller(seller, "李建国", CallerRole.Applicant, ApplicantKind.Citizen);
        // The party's inbox counts the working days left to answer (the portal shows them).
        var inbox = (await api.ListAsync(caller, new DefaultHttpContext().Request, CancellationToken.None)).ShouldBeOfType<Ok<Page<PartyConfirmationView>>>().Value!;
        var countdown = inbox.Items.Single(c => c.ApplicationId == app).Countdown.ShouldNotBeNull();
        countdown.WorkingDaysLeft.ShouldBeInRange(4, 5);
        countdown.Overdue.ShouldBeFalse();
        (await api.AnswerAsync(caller, app, "buyer", null, CancellationToken.None)).ShouldBeOfType<ProblemHttpResult>().StatusCode.ShouldBe(404, "not a role asked of them");
        (await api.AnswerAsync(caller, app, "seller", new DeclinationRequest("价格未谈妥"), CancellationToken.None)).ShouldBeAssignableTo<IStatusCodeHttpResult>()!.StatusCode.ShouldBe(202);

        var outcome = await harness.WaitForOutcomeAsync(app);
        outcome.Status.ShouldBe(BundleStatus.Rejected);
        outcome.Items.Single(i => i.ItemKey == "transfer-tax").Reason.ShouldNotBeNull().ShouldContain("价格未谈妥");
        var declined = (await harness.Audit.ReadAsync(app)).Single(e => e.Action == "party.declined");
        declined.Actor.ShouldBe($"party:{seller}");
        (await WaitForConfirmationAsync(seller, app, PartyConfirmationStatus.Declined)).Party.Reason.ShouldBe("价格未谈妥");
    }

    [Fact]
    public async Task Newborn_TheParentsOwnLicencesSatisfyTheirMaterials_AndTheFormMustMatchTheFathersCard()
    {
        const string mother = "citizen-mother-p4";
        const string father = "citizen-father-p4";
        const string fatherIdNumber = "110105199001011232";
        await harness.GiveLicenceAsync(mother, "id-card", $"ID-{mother}");
        await harness.GiveLicenceAsync(mother, "marriage-certificate", $"MC-{mother}");
        await harness.GiveLicenceAsync(mother, "household-register", $"HR-{mother}");
        await harness.GiveLicenceAsync(father, "id-card", fatherIdNumber);
        var photo = await harness.UploadAsync(mother, "newborn", "babyPhoto");
        SubmissionRequest Request(string idNumber) => new("newborn", new Applicant(mother, ApplicantKind.Citizen, "王芳"),
            BundleHarness.Answers(new
            {
                babyName = "王小明", babySex = "male", babyBirthDate = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                birthPlace = "市第一人民医院", motherName = "王芳", motherIdNumber = "11010519491231002X", fatherName = "李强", fatherIdNumber = idNumber,
                settleWith = "father", registrationAddress = "市中心区人民路1号", guardianPhone = "13800138000", parentInsuredLocally = true, applyCardWithBank = false,
            }),
            [new MaterialProvision("babyPhoto", ProvisionKind.Upload, photo)],
            new Dictionary<string, PartyIdentity> { ["father"] = new(father, "李强") });

        // The form's father is not the one on the father's own ID card: refused at that field, nothing started.
        var wrong = await harness.Applications.SubmitAsync(Request("110105198001011238"), "party-newborn-wrong");
        wrong.Accepted.ShouldBeFalse();
        wrong.Problems.ShouldHaveSingleItem().Code.ShouldBe("party.identity.mismatch");

        var result = await harness.Applications.SubmitAsync(Request(fatherIdNumber), "party-newborn");
        result.Accepted.ShouldBeTrue(string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
        var ledger = result.Ledger.ToDictionary(m => m.Key);
        ledger["parentsIdCards"].ShouldBe(ledger["parentsIdCards"] with { Status = MaterialStatus.FromLicence, Party = "mother" });
        ledger["fatherIdCard"].ShouldBe(ledger["fatherIdCard"] with { Status = MaterialStatus.FromLicence, Party = "father" });
        ledger["marriageCertificate"].Status.ShouldBe(MaterialStatus.FromLicence, "the mother's marriage certificate, no deferral");
        var record = await WaitForRecordAsync("party-newborn");
        record.Parties.ShouldNotBeNull().Select(p => (p.Role, p.Id, p.Confirmation)).ShouldBe([("mother", mother, (PartyConfirmationStatus?)null), ("father", father, null)]);
        await harness.Applications.WithdrawAsync("party-newborn", "测试结束");
        await harness.WaitForOutcomeAsync("party-newborn");
    }

    async Task<ApplicationRecord> WaitForRecordAsync(string app)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await harness.Store.GetAsync(app) is { } record)
            {
                return record;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"{app} was never saved");
            await Task.Delay(200);
        }
    }

    sealed class FixedTime(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(now, DateTimeKind.Utc));
    }
}
