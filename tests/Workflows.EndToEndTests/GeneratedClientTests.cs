using System.Globalization;
using Workflows.ApiClient;
using SystemApi = Workflows.Systems.SystemApi;

namespace Workflows.EndToEndTests;

/// <summary>
/// One journey per role through the C# client NSwag generates from docs/openapi.json at build
/// (tests/Workflows.ApiClient), against the real server: a document generators can use is part of the contract.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class GeneratedClientTests(ServerFixture server)
{
    [Fact]
    public async Task Journeys_CitizenSubmitsAndReads_OfficerListsClaimsDecides_AdminListsAndSearches()
    {
        var mother = $"gc-{Guid.NewGuid():N}"[..20];
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await server.GiveLicenceAsync(mother, type);
        }

        using var citizenHttp = server.Citizen(mother);
        var citizen = new WorkflowsClient(citizenHttp);

        // The citizen: the bundles, the one form, an upload as a raw file, the submit, her application and licences.
        (await citizen.ListBundlesAsync()).Items.Select(b => b.Key).ShouldContain("newborn");
        var form = await citizen.GetBundleFormAsync("newborn");
        form.Materials.Single(m => m.Key == "parentsIdCards").SatisfiedBy.ShouldBe("licence:id-card");
        // A nullable enum member reads as the enum (the house transfer's seller confirms, or the bundle ends).
        var house = await citizen.GetBundleFormAsync("house-transfer");
        house.Parties.ShouldNotBeNull().Single(p => p.Role == "seller").Confirmation.ShouldNotBeNull().OnMissed.ShouldBe(ConfirmationMissed.EndBundle);
        using var photo = new MemoryStream(Walkthrough.Jpeg);
        var upload = await citizen.UploadMaterialAsync("newborn", "babyPhoto", new FileParameter(photo, "baby.jpg", "image/jpeg"));
        var submitted = await citizen.SubmitApplicationAsync(
            new SubmitRequest
            {
                TemplateKey = "newborn",
                Answers = Walkthrough.NewbornAnswers(),
                Materials = [new MaterialProvision { Key = "babyPhoto", Kind = ProvisionKind.Upload, Reference = upload.Reference }],
            },
            idempotency_Key: $"gc-{mother}");
        var id = submitted.ApplicationId;
        (await citizen.GetMyApplicationAsync(id)).Status.ShouldBe(ApplicationStatus.InProgress);
        // The list is a read model written by the engine's first step: it catches up.
        await Http.PollAsync(async () => (await citizen.ListMyApplicationsAsync()).Items, list => list.Any(a => a.ApplicationId == id), "her list to show it", TimeSpan.FromSeconds(90));

        // The officer: the department's list, the task with its ETag, claim, decide under If-Match.
        using var hospitalHttp = server.Officer("hospital");
        var hospital = new WorkflowsClient(hospitalHttp);
        var listed = await Http.PollAsync(
            async () => (await hospital.ListTasksAsync(status: OfficerTaskStatus.Open, pageSize: 200)).Items.FirstOrDefault(t => t.ApplicationId == id),
            _ => true, "the hospital's task", TimeSpan.FromSeconds(90));
        var task = await hospital.GetTaskAsync(listed.TaskId);
        var claimed = await hospital.ClaimTaskAsync(listed.TaskId, if_Match: task.ETag);
        claimed.ClaimedBy.ShouldBe("officer-hospital");
        (await hospital.GetTaskApplicationAsync(listed.TaskId)).Answers.ShouldNotBeNull();
        await hospital.DecideTaskAsync(listed.TaskId, new DecisionRequest { Kind = DecisionKind.Approve, Reason = "出生信息核对无误" }, if_Match: claimed.ETag);

        var done = await Http.PollAsync(async () => await citizen.GetMyApplicationAsync(id), a => a.Status != ApplicationStatus.InProgress, "the bundle to end", TimeSpan.FromSeconds(90));
        done.Status.ShouldBe(ApplicationStatus.Completed);
        done.Items.ShouldAllBe(i => i.State == ItemState.Approved);
        (await citizen.ListMyLicencesAsync()).Items.Select(l => l.LicenceType).ShouldContain("birth-medical-certificate");
        // The envelope's filters reach the generated client as typed parameters.
        var issued = await citizen.ListMyLicencesAsync(application: id, pageSize: 1);
        issued.Items.ShouldHaveSingleItem().ApplicationId.ShouldBe(id);
        issued.Next.ShouldNotBeNull().ShouldContain("application=" + id);
        (await citizen.ListMyApplicationsAsync(status: ApplicationStatus.Completed, sort: ApplicationSort.OldestFirst)).Items.ShouldHaveSingleItem().ApplicationId.ShouldBe(id);

        // The administrator: every template version, one read whole (decisions and conditions are a discriminated family),
        // and a search.
        using var adminHttp = server.Admin();
        var admin = new WorkflowsClient(adminHttp);
        var newborn = (await admin.ListTemplatesAsync()).Items.Where(t => t.Key == "newborn").MaxBy(t => t.Version)!;
        var detail = await admin.GetTemplateVersionAsync("newborn", newborn.Version);
        detail.Definition.Items.Select(i => i.Decision).ShouldContain(d => d is DecisionModeOfficerDecision);
        detail.Definition.Items.Select(i => i.Decision).ShouldContain(d => d is DecisionModeRuleDecision);
        var found = await admin.SearchApplicationsAsync(template: "newborn", applicant: mother, pageSize: 50);
        found.Items.ShouldHaveSingleItem().ApplicationId.ShouldBe(id);

        // A refusal arrives as the typed problem.
        var refused = await Should.ThrowAsync<WorkflowsApiException<Problem>>(() => admin.SearchApplicationsAsync(pageSize: 0));
        refused.StatusCode.ShouldBe(400);
        refused.Result.Errors.ShouldHaveSingleItem().Field.ShouldBe("query:pageSize");
    }

    [Fact]
    public async Task Journey_OutsideSystem_SignsThroughAHandler_EventStartsAnApplication_CallbackRefusalIsTyped()
    {
        var parent = $"gc-ev-{Guid.NewGuid():N}"[..20];
        using var http = new HttpClient(new Signer(ServerFixture.BirthRegisterSecret) { InnerHandler = new HttpClientHandler() })
        {
            BaseAddress = server.BaseAddress,
        };
        var register = new WorkflowsClient(http);

        var started = await register.RegisterEventAsync("birth-register-system", new RegisterEventRequest
        {
            EventId = $"birth-{parent}",
            Type = "birth-recorded",
            SubjectId = parent,
            SubjectKind = ApplicantKind.Citizen,
            SubjectName = "王芳",
            Data = new { babyName = "王小明", babySex = "male", birthDate = "2026-11-20", birthPlace = "市第一人民医院", motherName = "王芳", motherIdNumber = "11010519491231002X" },
        });
        started.Applications.ShouldNotBeEmpty();

        // A result for an application that does not exist: refused, and the client reads the problem's code.
        var refused = await Should.ThrowAsync<WorkflowsApiException<Problem>>(() => register.SystemCallbackAsync("birth-register-system",
            new CallbackRequest { ApplicationId = $"no-such-{parent}", ItemKey = "birth-certificate", Approved = true }));
        refused.StatusCode.ShouldBeOneOf(404, 409);
        refused.Result.Code.ShouldNotBeNullOrWhiteSpace();
    }

    // Signs each request's exact body as the systems' security schemes say: what a generated client's caller adds.
    sealed class Signer(string secret) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            request.Headers.Add("X-Workflows-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Workflows-Signature", SystemApi.Sign(secret, timestamp, body));
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
