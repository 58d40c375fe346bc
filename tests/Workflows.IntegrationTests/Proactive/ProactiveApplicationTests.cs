using System.Diagnostics;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Licences;
using Workflows.Materials;
using Workflows.Orchestration;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Proactive;

/// <summary>
/// Register events made into applications on the Azure Storage provider: one confirmed, one expired, one granted
/// outright, a duplicate event. A working day lasts one second, so the 5-day confirmation deadline is 5 seconds.
/// </summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class ProactiveApplicationTests(StorageFixture storage)
{
    const string System = "birth-register-system";

    static readonly Dictionary<string, object> BirthData = new()
    {
        ["babyName"] = "王小明", ["babySex"] = "male", ["birthDate"] = "2026-11-20", ["birthPlace"] = "市第一人民医院",
        ["motherName"] = "王芳", ["motherIdNumber"] = "11010519491231002X",
    };

    [Fact]
    public async Task Confirmation_CompletedAnswersAndPhoto_StartsTheBundleAsTheApplication()
    {
        await using var engine = await StartAsync("proconfirm");
        var service = engine.Services.GetRequiredService<ApplicationService>();
        var citizen = Citizen("pro-confirm");
        await GiveLicencesAsync(engine, citizen.Id);

        var (id, started) = await service.StartProactiveAsync(System, "birth-1", citizen, Data(BirthData), await NewbornAsync(engine));
        started.ShouldBeTrue();
        var waiting = await WaitForStatusAsync(engine, id, ApplicationStatus.AwaitingConfirmation);
        waiting.Applicant.Id.ShouldBe(citizen.Id);

        var proactive = (await service.GetProactiveAsync(id))!;
        proactive.Prefilled["babyBirthDate"].GetString().ShouldBe("2026-11-20");
        var missing = await service.ConfirmProactiveAsync(proactive, new ProactiveConfirmed(Data(new { })));
        missing.Select(p => p.Path).ShouldContain("answers.settleWith");
        missing.Select(p => p.Path).ShouldContain("materials.babyPhoto");

        var photo = await UploadPhotoAsync(engine, citizen.Id);
        var problems = await service.ConfirmProactiveAsync(proactive, new ProactiveConfirmed(
            Data(new { settleWith = "mother", registrationAddress = "市中心区人民路1号", guardianPhone = "13800138000", parentInsuredLocally = true, applyCardWithBank = false }),
            [new MaterialProvision("babyPhoto", ProvisionKind.Upload, photo)]));

        problems.ShouldBeEmpty();
        var running = await WaitForStatusAsync(engine, id, ApplicationStatus.InProgress);
        running.Materials.ShouldContain(m => m.Key == "babyPhoto" && m.Status == MaterialStatus.Uploaded);
        (await engine.Client.GetInstanceAsync(id)).ShouldNotBeNull().Name.ShouldBe(nameof(BundleOrchestrator));
    }

    [Fact]
    public async Task Deadline_NotConfirmed_Expires()
    {
        await using var engine = await StartAsync("proexpire");
        var service = engine.Services.GetRequiredService<ApplicationService>();
        var citizen = Citizen("pro-expire");

        var (id, _) = await service.StartProactiveAsync(System, "birth-2", citizen, Data(BirthData), await NewbornAsync(engine));

        var outcome = await WaitForOutcomeAsync(engine, id);
        outcome.Status.ShouldBe(ApplicationStatus.Expired);
        (await WaitForStatusAsync(engine, id, ApplicationStatus.Expired)).Status.ShouldBe(ApplicationStatus.Expired);
        (await engine.Client.GetInstanceAsync(id)).ShouldBeNull("no bundle started");
    }

    [Fact]
    public async Task GrantWithoutConfirmation_CompleteEvent_StartsTheBundleAtOnce()
    {
        await using var engine = await StartAsync("programt");
        var service = engine.Services.GetRequiredService<ApplicationService>();
        var citizen = Citizen("pro-grant");
        await GiveLicencesAsync(engine, citizen.Id);
        // A variant granted outright: no photo to upload, and the register knows every answer.
        var newborn = await NewbornAsync(engine);
        var rule = newborn.Template.Proactive! with
        {
            GrantWithoutConfirmation = true,
            AnswersFrom = newborn.Template.Fields.Where(f => f.Key != "cardBank").ToDictionary(f => f.Key, f => f.Key),
        };
        var granted = newborn with { Template = newborn.Template with { Proactive = rule, Materials = [.. newborn.Template.Materials.Where(m => m.Key != "babyPhoto")] } };
        var data = new Dictionary<string, object>(BirthData)
        {
            ["babyBirthDate"] = "2026-11-20", ["settleWith"] = "mother", ["registrationAddress"] = "市中心区人民路1号", ["guardianPhone"] = "13800138000",
            ["parentInsuredLocally"] = true, ["applyCardWithBank"] = false, ["fatherName"] = "李强",
        };

        var (id, _) = await service.StartProactiveAsync(System, "birth-3", citizen, Data(data), granted);

        var running = await WaitForStatusAsync(engine, id, ApplicationStatus.InProgress);
        running.Items.ShouldContain(i => i.Key == "birth-certificate" && i.State == ItemState.Running);
    }

    [Fact]
    public async Task StartProactiveAsync_SameEventTwice_StartsOneApplication()
    {
        await using var engine = await StartAsync("produp");
        var service = engine.Services.GetRequiredService<ApplicationService>();
        var citizen = Citizen("pro-dup");
        var newborn = await NewbornAsync(engine);

        var first = await service.StartProactiveAsync(System, "birth-4", citizen, Data(BirthData), newborn);
        var second = await service.StartProactiveAsync(System, "birth-4", citizen, Data(BirthData), newborn);

        first.Started.ShouldBeTrue();
        second.Started.ShouldBeFalse();
        second.ApplicationId.ShouldBe(first.ApplicationId);
        (await service.StartProactiveAsync("other-register", "birth-4", citizen, Data(BirthData), newborn)).ApplicationId.ShouldNotBe(first.ApplicationId);
    }

    [Fact]
    public async Task Declination_AwaitingConfirmation_EndsDeclinedWithNoItemWaiting()
    {
        await using var engine = await StartAsync("prodecline");
        var service = engine.Services.GetRequiredService<ApplicationService>();
        var (id, _) = await service.StartProactiveAsync(System, "birth-5", Citizen("pro-decline"), Data(BirthData), await NewbornAsync(engine));
        await WaitForStatusAsync(engine, id, ApplicationStatus.AwaitingConfirmation);

        await service.DeclineProactiveAsync(id, "we moved away");

        (await WaitForOutcomeAsync(engine, id)).Status.ShouldBe(ApplicationStatus.Declined);
        var record = (await WaitForStatusAsync(engine, id, ApplicationStatus.Declined))!;
        record.Items.ShouldAllBe(i => i.State == ItemState.NotIncluded);
    }

    [Fact]
    public async Task CompanyRegistrations_LicenceIssuedEventSentTwice_GrantsOneApplicationThatCompletesWithNoApplicantAction()
    {
        await using var engine = await StartAsync("prolicence");
        var service = engine.Services.GetRequiredService<ApplicationService>();
        var registry = engine.Services.GetRequiredService<LicenceRegistry>();
        var company = new Applicant("company-new-1", ApplicantKind.Company, "新锐科技有限公司");
        // The market regulation register issued the licence; it is in the registry like any electronic licence.
        await registry.IssueAsync(new LicenceRecord(company.Id, "business-licence", "91310115MA1K4L8X24", "营业执照", "market-regulation", null, null, DateTime.UtcNow,
            $"{company.Id}/business-licence.json"), new { number = "91310115MA1K4L8X24" });
        var published = await PublishedAsync(engine, "company-registrations");
        var data = Data(new
        {
            companyName = "新锐科技有限公司", unifiedSocialCreditCode = "91310115MA1K4L8X24", companyType = "llc-natural-person-invested",
            address = "市浦东新区科技路8号", businessScope = "软件开发；信息技术咨询服务", legalRepresentative = "张伟",
            legalRepresentativeIdNumber = "11010519491231002X", issuedOn = "2026-11-20",
        });

        var first = await service.StartProactiveAsync("market-register-system", "licence-9001", company, data, published);
        var second = await service.StartProactiveAsync("market-register-system", "licence-9001", company, data, published);

        first.Started.ShouldBeTrue();
        second.Started.ShouldBeFalse();
        second.ApplicationId.ShouldBe(first.ApplicationId);
        var outcome = await WaitForOutcomeAsync(engine, first.ApplicationId);
        outcome.Status.ShouldBe(ApplicationStatus.Completed);
        var bundle = outcome.Bundle.ShouldNotBeNull();
        bundle.Items.Select(i => i.ItemKey).ShouldBe(["tax-registration", "social-insurance", "housing-fund"], ignoreOrder: true);
        bundle.Items.ShouldAllBe(i => i.State == ItemState.Approved && i.DecidedBy.StartsWith("rule:", StringComparison.Ordinal));
        var record = await WaitForStatusAsync(engine, first.ApplicationId, ApplicationStatus.Completed);
        record.Materials.ShouldHaveSingleItem().Status.ShouldBe(MaterialStatus.FromLicence);
        var held = (await registry.ListAsync(company.Id)).Select(l => l.LicenceType).ToList();
        foreach (var type in new[] { "tax-registration", "social-insurance-registration", "housing-fund-registration" })
        {
            held.Count(t => t == type).ShouldBe(1, type);
        }

        (await engine.Services.GetRequiredService<ApplicationStore>().SearchAsync(new ApplicationQuery(ApplicantId: company.Id), 50, null)).Applications.ShouldHaveSingleItem().ApplicationId.ShouldBe(first.ApplicationId);
    }

    Task<InProcessEngine> StartAsync(string prefix)
    {
        var settings = storage.NewHub(prefix).ToInProcessConfiguration(runWorker: true);
        settings["Sla:DayLength"] = "00:00:01";
        return InProcessEngine.StartAsync(settings);
    }

    static Applicant Citizen(string id) => new(id, ApplicantKind.Citizen, "王芳");

    static Dictionary<string, JsonElement> Data(object data) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(data))!;

    static Task<PublishedTemplate> NewbornAsync(InProcessEngine engine) => PublishedAsync(engine, "newborn");

    static async Task<PublishedTemplate> PublishedAsync(InProcessEngine engine, string key)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            // The seeder publishes the built-ins as the engine starts.
            if (await engine.Services.GetRequiredService<TemplateStore>().GetPublishedAsync(key) is { } published)
            {
                return published;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"{key} was never published");
            await Task.Delay(200);
        }
    }

    static async Task GiveLicencesAsync(InProcessEngine engine, string holder)
    {
        var registry = engine.Services.GetRequiredService<LicenceRegistry>();
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await registry.IssueAsync(new LicenceRecord(holder, type, $"{type}-1", type, "seed", null, null, DateTime.UtcNow, $"{holder}/{type}/{type}-1.json"), new { type });
        }
    }

    static async Task<string> UploadPhotoAsync(InProcessEngine engine, string holder)
    {
        var material = BuiltInTemplates.Get("newborn").Materials.Single(m => m.Key == "babyPhoto");
        using var content = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, .. "photo"u8.ToArray()]);
        var (upload, problem) = await engine.Services.GetRequiredService<MaterialUploads>().UploadAsync(holder, material, "image/jpeg", content, expectedSha256: null);
        upload.ShouldNotBeNull(problem?.Message);
        return upload.Reference;
    }

    static async Task<ApplicationRecord> WaitForStatusAsync(InProcessEngine engine, string id, ApplicationStatus status)
    {
        var store = engine.Services.GetRequiredService<ApplicationStore>();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var record = await store.GetAsync(id);
            if (record?.Status == status)
            {
                return record;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), $"{id} never became {status} (last {record?.Status})");
            await Task.Delay(200);
        }
    }

    static async Task<ProactiveOutcome> WaitForOutcomeAsync(InProcessEngine engine, string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var state = await engine.Client.WaitForInstanceCompletionAsync(ProactiveApplicationOrchestrator.InstanceId(id), getInputsAndOutputs: true, cts.Token);
        state.RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Completed, state.FailureDetails?.ErrorMessage);
        return state.ReadOutputAs<ProactiveOutcome>()!;
    }
}
