using System.Net;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Tasks;

namespace Workflows.EndToEndTests;

/// <summary>The newborn bundle over HTTP on the real server: a mother applies once; officers of the departments decide their steps.</summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class NewbornHttpTests(ServerFixture server)
{
    static readonly string[] HouseholdRegister = ["householdRegister"];

    [Fact]
    public async Task Newborn_CitizenAndHospitalOfficer_RulesDecideTheRestAndCertificatesReachHerLicences()
    {
        var mother = $"nb-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizen = server.Citizen(mother);
        using var hospital = server.Officer("hospital");

        var bundles = await (await citizen.GetAsync("/api/bundles")).ReadItemsAsync<BundleSummary>();
        bundles.Select(b => b.Key).ShouldContain("newborn");
        var form = await (await citizen.GetAsync("/api/bundles/newborn")).ReadAsync<BundleForm>();
        form.Materials.Single(m => m.Key == "parentsIdCards").SatisfiedBy.ShouldBe("licence:id-card");
        form.Materials.Single(m => m.Key == "babyPhoto").SatisfiedBy.ShouldBeNull();

        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var request = new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } };
        var first = await Walkthrough.SubmitAsync(citizen, request, idempotencyKey: "newborn-1");
        first.Status.ShouldBe(HttpStatusCode.Accepted, first.Text);
        var id = first.Body!.ApplicationId;
        first.Body.Ledger.Single(m => m.Key == "parentsIdCards").Status.ShouldBe(MaterialStatus.FromLicence);

        // The mother's phone lost the answer and sends the same submit again: the same application, not a second one.
        var retried = await Walkthrough.SubmitAsync(citizen, request, idempotencyKey: "newborn-1");
        retried.Status.ShouldBe(HttpStatusCode.OK, retried.Text);
        retried.Body!.ApplicationId.ShouldBe(id);
        retried.Body.Replayed.ShouldBeTrue();

        var task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");
        task.Task.ApplicantId.ShouldBe(mother);
        var view = await (await hospital.GetAsync($"/api/tasks/{Uri.EscapeDataString(task.Task.TaskId)}/application")).ReadAsync<TaskApplicationView>();
        view.Answers.Keys.ShouldContain("babyName");
        view.Answers.Keys.ShouldNotContain("applyCardWithBank", "the hospital sees only the fields its item uses");

        using (var decided = await Walkthrough.DecideAsync(hospital, task, new { kind = "approve", reason = "出生信息核对无误" }))
        {
            decided.StatusCode.ShouldBe(HttpStatusCode.Accepted, await decided.Content.ReadAsStringAsync());
        }

        var done = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.InProgress, "the bundle to end");
        done.Status.ShouldBe(ApplicationStatus.Completed);
        done.Items.Count.ShouldBe(5);
        done.Items.ShouldAllBe(i => i.State == ItemState.Approved);
        done.Items.Single(i => i.Key == "birth-certificate").DecidedBy.ShouldBe("officer:officer-hospital");
        done.Items.Where(i => i.Key != "birth-certificate").ShouldAllBe(i => i.DecidedBy!.StartsWith("rule:", StringComparison.Ordinal));

        var licences = await Walkthrough.LicencesAsync(citizen);
        licences.Select(l => l.LicenceType).ShouldContain("birth-medical-certificate");
        var mine = await (await citizen.GetAsync("/api/applications")).ReadItemsAsync<ApplicationSummary>();
        mine.Count(a => a.ApplicationId == id).ShouldBe(1);
    }

    [Fact]
    public async Task Decide_HostStoppedBetweenMarkAndDelivery_TheEngineDeliversTheMarkedDecisionOnce()
    {
        var submitted = await SubmitWithEveryLicenceAsync("nbp");
        using var citizen = submitted.Citizen;
        var id = submitted.ApplicationId;
        using var hospital = server.Officer("hospital");
        var task = await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate");

        // What a host stopped right after marking the task leaves: a decision taken a minute ago (noted, then marked, as
        // the API does) that never left.
        var stored = (await server.Tasks.GetStoredAsync("hospital", task.Task.TaskId))!;
        var lost = new PendingDecision("d-lost", DecisionKind.Approve, "officer-zhao", DateTimeOffset.UtcNow.AddMinutes(-1), "出生信息核对无误");
        await server.Tasks.NotePendingAsync("hospital", task.Task.TaskId, lost.Id, lost.At);
        var marked = await server.Tasks.TryUpdateOfficerStateAsync("hospital", task.Task.TaskId, stored.ETag, null, lost.Serialize());
        marked.ShouldNotBeNull();

        // A colleague who read the task then cannot take a second decision; the engine's sweep sends the one taken (it
        // has stood longer than a delivery takes), and the item acts on it.
        using var again = await Walkthrough.DecideAsync(hospital, task with { ETag = marked.Value.ToString(), DecisionPending = true }, new { kind = "reject", reason = "重复" });
        await again.ShouldBeProblemAsync(409, code: "task.decisionPending");
        var done = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.InProgress, "the marked decision to be delivered");
        done.Status.ShouldBe(ApplicationStatus.Completed);
        done.Items.Single(i => i.Key == "birth-certificate").DecidedBy.ShouldBe("officer:officer-zhao");
        var closed = (await server.Tasks.GetStoredAsync("hospital", task.Task.TaskId))!;
        (closed.Task.Status, closed.PendingDecision).ShouldBe((OfficerTaskStatus.Closed, (string?)null));
    }

    [Fact]
    public async Task Newborn_FiveOfficersWithASupplement_EveryDepartmentDecidesItsOwnStep()
    {
        // No licences for the household register and marriage (uploaded instead), parents insured elsewhere, a bank card
        // without a bank chosen: rules refer those steps to the officers of police, healthcare security and human resources.
        var mother = $"nb5-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(mother, "id-card");
        using var citizen = server.Citizen(mother);
        var marriage = await Walkthrough.UploadAsync(citizen, "newborn", "marriageCertificate");
        var register = await Walkthrough.UploadAsync(citizen, "newborn", "householdRegister");
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new
        {
            templateKey = "newborn",
            answers = Walkthrough.NewbornAnswers(insuredLocally: false, cardWithBank: true),
            materials = new[]
            {
                new { key = "marriageCertificate", kind = "upload", reference = marriage },
                new { key = "householdRegister", kind = "upload", reference = register },
                new { key = "babyPhoto", kind = "upload", reference = photo },
            },
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;

        using var hospital = server.Officer("hospital");
        using (var r = await Walkthrough.DecideAsync(hospital, await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate"), new { kind = "approve" }))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        // The police officer asks for a clearer household register; the mother supplies it; the officer approves.
        using var police = server.Officer("police");
        var policeTask = await Walkthrough.WaitForTaskAsync(police, id, "household-registration");
        // The mother sees the countdowns: the bundle's and the police step's, running on working days.
        var running = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Countdowns!.Any(c => c.Item == "household-registration"), "the police step's countdown");
        var bundleLeft = running.Countdowns!.Single(c => c.Item is null);
        bundleLeft.DueAt.ShouldBe(running.DueAt!.Value);
        bundleLeft.WorkingDaysLeft.ShouldBeInRange(0.01, 30);
        var policeLeft = running.Countdowns!.Single(c => c.Item == "household-registration");
        (policeLeft.Paused, policeLeft.Overdue).ShouldBe((false, false));
        policeLeft.DueAt.ShouldBe(policeTask.Task.DueAt);
        using (var r = await Walkthrough.DecideAsync(police, policeTask, new { kind = "requestSupplement", reason = "户口簿扫描件不清晰", materials = HouseholdRegister }))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        }

        var asked = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Asked.Any(x => x.Kind == "supplement"), "the supplement request to reach the mother");
        asked.Asked.Single(x => x.Kind == "supplement").Materials.ShouldBe(["householdRegister"]);
        // While the mother has the item the police clock stands still: its countdown is paused, not running down.
        var paused = asked.Countdowns!.Single(c => c.Item == "household-registration");
        paused.Paused.ShouldBeTrue();
        paused.WorkingDaysLeft.ShouldBeLessThanOrEqualTo(policeLeft.WorkingDaysLeft);
        asked.Countdowns!.Single(c => c.Item is null).Paused.ShouldBeTrue("the bundle's clock stands still while the mother has an item");
        var clearer = await Walkthrough.UploadAsync(citizen, "newborn", "householdRegister");
        // The supplement names the request it answers; a second answer to it is refused, never kept for a later request.
        var requestId = asked.Asked.Single(x => x.Kind == "supplement").RequestId;
        requestId.ShouldNotBeNullOrEmpty();
        using (var r = await citizen.PostAsync($"/api/applications/{id}/items/household-registration/supplement",
            Http.Body(new { requestId = "d-some-other-request", references = new Dictionary<string, string> { ["householdRegister"] = clearer } })))
        {
            await r.ShouldBeProblemAsync(409, "requestId", "supplement.stale");
        }

        using (var r = await citizen.PostAsync($"/api/applications/{id}/items/household-registration/supplement",
            Http.Body(new { requestId, references = new Dictionary<string, string> { ["householdRegister"] = clearer } })))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        }

        var again = await Walkthrough.UploadAsync(citizen, "newborn", "householdRegister");
        using (var r = await citizen.PostAsync($"/api/applications/{id}/items/household-registration/supplement",
            Http.Body(new { requestId, references = new Dictionary<string, string> { ["householdRegister"] = again } })))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Conflict, await r.Content.ReadAsStringAsync());
        }

        using (var r = await Walkthrough.DecideAsync(police, await Walkthrough.WaitForTaskAsync(police, id, "household-registration"), new { kind = "approve" }))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        foreach (var (department, item) in new[] { ("healthcare-security", "medical-insurance"), ("human-resources", "social-security-card") })
        {
            using var officer = server.Officer(department);
            using var r = await Walkthrough.DecideAsync(officer, await Walkthrough.WaitForTaskAsync(officer, id, item), new { kind = "approve", reason = "核对通过" });
            r.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        var done = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Status != ApplicationStatus.InProgress, "the bundle to end");
        done.Status.ShouldBe(ApplicationStatus.Completed);
        done.Countdowns.ShouldBeEmpty();
        done.Items.Single(i => i.Key == "vaccination-certificate").DecidedBy.ShouldStartWith("rule:");
        done.Items.Where(i => i.Key != "vaccination-certificate").Select(i => i.DecidedBy).ShouldBe(
            ["officer:officer-hospital", "officer:officer-police", "officer:officer-healthcare-security", "officer:officer-human-resources"], ignoreOrder: true);
    }

    [Fact]
    public async Task Countdown_ApprovalHeldForADeferredMaterial_ShowsTheBundlePausedUntilTheMotherSuppliesIt()
    {
        // The marriage certificate is accepted as missing (容缺); the police approve household registration, which then
        // waits for it: the mother holds the bundle, so its clock stands still.
        var mother = $"nbd-{Guid.NewGuid():N}"[..20];
        await server.GiveLicenceAsync(mother, "id-card");
        using var citizen = server.Citizen(mother);
        var register = await Walkthrough.UploadAsync(citizen, "newborn", "householdRegister");
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new
        {
            templateKey = "newborn",
            answers = Walkthrough.NewbornAnswers(),
            materials = new object[]
            {
                new { key = "marriageCertificate", kind = "defer" },
                new { key = "householdRegister", kind = "upload", reference = register },
                new { key = "babyPhoto", kind = "upload", reference = photo },
            },
        });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        var id = submitted.Body!.ApplicationId;

        using var hospital = server.Officer("hospital");
        using (var r = await Walkthrough.DecideAsync(hospital, await Walkthrough.WaitForTaskAsync(hospital, id, "birth-certificate"), new { kind = "approve" }))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        using var police = server.Officer("police");
        var running = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Countdowns!.Any(c => c.Item == "household-registration"), "the police step");
        running.Countdowns!.Single(c => c.Item is null).Paused.ShouldBeFalse();
        using (var r = await Walkthrough.DecideAsync(police, await Walkthrough.WaitForTaskAsync(police, id, "household-registration"), new { kind = "approve" }))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        }

        var held = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Countdowns!.Single(c => c.Item is null).Paused, "the bundle's clock to stop for the deferred material");
        held.Items.Single(i => i.Key == "household-registration").State.ShouldBe(ItemState.Running);
        held.Asked.ShouldContain(a => a.Kind == "deferred" && a.Materials.Contains("marriageCertificate"));

        var certificate = await Walkthrough.UploadAsync(citizen, "newborn", "marriageCertificate");
        using (var r = await citizen.PostAsync($"/api/applications/{id}/materials/marriageCertificate", Http.Body(new { reference = certificate })))
        {
            r.StatusCode.ShouldBe(HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        }

        var done = await Walkthrough.WaitForApplicationAsync(citizen, id, a => a.Items.Single(i => i.Key == "household-registration").State != ItemState.Running, "the held approval to take effect");
        done.Items.Single(i => i.Key == "household-registration").State.ShouldBe(ItemState.Approved);
    }

    [Fact]
    public async Task Decide_TwoOfficersClickTogether_OneDecisionCountsTheOtherIsTold()
    {
        var submitted = await SubmitWithEveryLicenceAsync("nb2");
        using var citizen = submitted.Citizen;
        var id = submitted.ApplicationId;

        using var first = server.Officer("hospital", "officer-hospital-a");
        using var second = server.Officer("hospital", "officer-hospital-b");
        var seenByFirst = await Walkthrough.WaitForTaskAsync(first, id, "birth-certificate");
        var seenBySecond = await Walkthrough.GetTaskAsync(second, seenByFirst.Task.TaskId);
        seenBySecond.ETag.ShouldBe(seenByFirst.ETag);

        var approve = Walkthrough.DecideAsync(first, seenByFirst, new { kind = "approve" });
        var reject = Walkthrough.DecideAsync(second, seenBySecond, new { kind = "reject", reason = "材料不符" });
        using var a = await approve;
        using var b = await reject;
        new[] { a.StatusCode, b.StatusCode }.Count(s => s == HttpStatusCode.Accepted).ShouldBe(1);
        var loser = a.StatusCode == HttpStatusCode.Accepted ? b : a;
        await loser.ShouldBeProblemAsync(412);

        var done = await Walkthrough.WaitForApplicationAsync(citizen, id, x => x.Items.Single(i => i.Key == "birth-certificate").State is not (ItemState.Running or ItemState.Waiting), "the decision");
        var decided = done.Items.Single(i => i.Key == "birth-certificate");
        decided.DecidedBy.ShouldBe(a.StatusCode == HttpStatusCode.Accepted ? "officer:officer-hospital-a" : "officer:officer-hospital-b");

        // Once decided, a late click is told the task is not open, not silently ignored.
        var closed = await Http.PollAsync(async () => await Walkthrough.GetTaskAsync(first, seenByFirst.Task.TaskId), t => t.Task.Status == OfficerTaskStatus.Closed, "the task to close");
        using var late = await Walkthrough.DecideAsync(first, closed, new { kind = "approve" });
        await late.ShouldBeProblemAsync(409, code: "task.notOpen");
    }

    // A mother holding every licence the form can use, with the baby's photo uploaded: only the hospital's step needs an officer.
    async Task<(HttpClient Citizen, string ApplicationId)> SubmitWithEveryLicenceAsync(string prefix)
    {
        var mother = $"{prefix}-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        var citizen = server.Citizen(mother);
        var photo = await Walkthrough.UploadAsync(citizen, "newborn", "babyPhoto", Walkthrough.Jpeg, "image/jpeg");
        var submitted = await Walkthrough.SubmitAsync(citizen, new { templateKey = "newborn", answers = Walkthrough.NewbornAnswers(), materials = new[] { new { key = "babyPhoto", kind = "upload", reference = photo } } });
        submitted.Status.ShouldBe(HttpStatusCode.Accepted, submitted.Text);
        return (citizen, submitted.Body!.ApplicationId);
    }
}
