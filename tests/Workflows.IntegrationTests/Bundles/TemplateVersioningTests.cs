using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>Template versions in storage: seeding, drafts, publishing, retiring, and applications pinned to a version.</summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class TemplateVersioningTests(StorageFixture storage) : IAsyncLifetime
{
    InProcessEngine engine = null!;

    TemplateStore Store => engine.Services.GetRequiredService<TemplateStore>();

    public async Task InitializeAsync() => engine = await InProcessEngine.StartAsync(storage.NewHub("tmpl").ToInProcessConfiguration(runWorker: true));

    public async Task DisposeAsync() => await engine.DisposeAsync();

    [Fact]
    public async Task Start_FreshStore_PublishesEveryBuiltInAsVersionOne()
    {
        foreach (var template in BuiltInTemplates.All)
        {
            var published = await Store.GetPublishedAsync(template.Key);
            published.ShouldNotBeNull(template.Key);
            published.Version.ShouldBe(1);
            published.Template.ShouldBeEquivalentTo(template);
        }

        // Seeding again (a restart, a second host) adds nothing.
        (await Store.SeedBuiltInsAsync(BuiltInTemplates.Catalog)).ShouldBeEmpty();
        (await Store.ListVersionsAsync("newborn")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Seed_ReleaseChangedABuiltInNobodyEdited_PublishesItAsTheNextVersion()
    {
        // The store holds what this release shipped (seeded at start); the next release changes house-transfer.
        var next = BuiltInTemplates.Get("house-transfer") with { Description = "The next release's wording." };

        (await Store.SeedBuiltInsAsync(BuiltInTemplates.Catalog, [next], BuiltInTemplates.Release + 1)).ShouldBe(["house-transfer"]);

        var published = (await Store.GetPublishedAsync("house-transfer"))!;
        published.Version.ShouldBe(2);
        published.Template.Description.ShouldBe(next.Description);
        (await Store.GetAsync("house-transfer", 2))!.Version.CreatedBy.ShouldBe(TemplateStore.BuiltInAuthor);
        // Once it matches, a restart adds nothing; nor does a host of this release still running.
        (await Store.SeedBuiltInsAsync(BuiltInTemplates.Catalog, [next], BuiltInTemplates.Release + 1)).ShouldBeEmpty();
        (await Store.SeedBuiltInsAsync(BuiltInTemplates.Catalog)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Seed_BuiltInAnAdministratorVersionedOrRetired_IsLeftToThem()
    {
        var shipped = BuiltInTemplates.Get("company-opening");
        var admins = await Store.CreateDraftAsync(shipped with { Description = "Our own wording." }, "admin:zhang");
        await Store.PublishAsync("company-opening", admins.Version.Version, DateTime.UtcNow.AddMinutes(-1), null, BuiltInTemplates.Catalog, admins.ETag, "admin:zhang");
        // Deregistration: an earlier release's built-in v2, which an administrator retired (the bundle is closed).
        await ReplaceBuiltInsAsync("company-deregistration", BuiltInTemplates.Get("company-deregistration") with { Description = "An earlier release's wording." });
        var earlier = (await Store.GetAsync("company-deregistration", 2))!;
        await Store.RetireAsync("company-deregistration", 2, earlier.ETag, "admin:zhang");

        var seeded = await Store.SeedBuiltInsAsync(BuiltInTemplates.Catalog);

        seeded.ShouldNotContain("company-opening");
        seeded.ShouldNotContain("company-deregistration");
        (await Store.GetPublishedAsync("company-opening"))!.Template.Description.ShouldBe("Our own wording.");
        (await Store.ListVersionsAsync("company-deregistration")).Count.ShouldBe(2);
    }

    // Adds a built-in version with the given definition on top of what the store holds, as an earlier release would have.
    async Task ReplaceBuiltInsAsync(string key, BundleTemplate earlier)
    {
        var draft = await Store.CreateDraftAsync(earlier, TemplateStore.BuiltInAuthor);
        await Store.PublishAsync(key, draft.Version.Version, DateTime.UtcNow.AddMinutes(-1), null, BuiltInTemplates.Catalog, draft.ETag, TemplateStore.BuiltInAuthor);
    }

    [Fact]
    public async Task Publish_NewVersion_NewApplicationsUseItAndOneInFlightKeepsItsVersion()
    {
        var service = engine.Services.GetRequiredService<ApplicationService>();
        var licences = engine.Services.GetRequiredService<Workflows.Licences.LicenceRegistry>();
        foreach (var type in new[] { "id-card", "household-register", "marriage-certificate" })
        {
            await licences.IssueAsync(new Workflows.Licences.LicenceRecord("citizen-v", type, $"{type}-1", type, "seed", null, null, DateTime.UtcNow, $"citizen-v/{type}.json"), new { type });
        }

        var request = new SubmissionRequest("newborn", new Applicant("citizen-v", ApplicantKind.Citizen, "李雷"), BundleHarness.Answers(new
        {
            babyName = "李小龙", babySex = "male", babyBirthDate = "2026-11-20", birthPlace = "市妇幼保健院", motherName = "韩梅梅",
            motherIdNumber = "11010519491231002X", settleWith = "mother", registrationAddress = "人民路2号", guardianPhone = "13900139000",
            parentInsuredLocally = true, applyCardWithBank = false,
        }), [new MaterialProvision("babyPhoto", ProvisionKind.Upload, await UploadPhotoAsync("citizen-v"))]);
        (await service.SubmitAsync(request, "pin-v1")).Accepted.ShouldBeTrue();

        // An administrator publishes version 2 with a shorter committed time while v1's application waits for the hospital.
        var v1 = BuiltInTemplates.Get("newborn");
        var draft = await Store.CreateDraftAsync(v1 with { Name = v1.Name + "（第二版）", CommittedDays = v1.CommittedDays - 1 }, "admin:zhang");
        draft.Version.Version.ShouldBe(2);
        var v2 = await Store.PublishAsync("newborn", 2, DateTime.UtcNow, null, BuiltInTemplates.Catalog, draft.ETag, "admin:zhang");
        v2.Version.Status.ShouldBe(TemplateStatus.Published);
        (await Store.GetPublishedAsync("newborn"))!.Version.ShouldBe(2);

        (await service.SubmitAsync(request, "pin-v2")).Accepted.ShouldBeTrue();
        var store = engine.Services.GetRequiredService<ApplicationStore>();
        await Guarantees.CrashRecoveryTests.WaitUntilAsync(async () => await store.GetAsync("pin-v1") is not null && await store.GetAsync("pin-v2") is not null, TimeSpan.FromSeconds(60));
        (await store.GetAsync("pin-v1"))!.TemplateVersion.ShouldBe(1);
        var second = (await store.GetAsync("pin-v2"))!;
        second.TemplateVersion.ShouldBe(2);
        second.TemplateName.ShouldEndWith("（第二版）");

        // Retiring v2 sends new applications back to v1, which is still published.
        await Store.RetireAsync("newborn", 2, v2.ETag, "admin:zhang");
        (await Store.GetPublishedAsync("newborn"))!.Version.ShouldBe(1);
        var audit = await engine.Services.GetRequiredService<Workflows.Audit.AuditTrail>().ReadAsync("template:newborn");
        audit.Select(a => a.Action).ShouldBe(["template.draft.created", "template.published", "template.draft.created", "template.published", "template.retired"], ignoreOrder: true);
        audit.ShouldContain(a => a.Action == "template.retired" && a.Actor == "admin:zhang" && a.Before == "Published" && a.After == "Retired");

        await service.WithdrawAsync("pin-v1", "done");
        await service.WithdrawAsync("pin-v2", "done");
    }

    [Fact]
    public async Task Edit_StaleETag_IsRefusedAndPublishedCannotBeEdited()
    {
        var template = BuiltInTemplates.Get("house-transfer");
        var draft = await Store.CreateDraftAsync(template with { Description = "draft A" }, "admin:a");
        var edited = await Store.EditDraftAsync(template.Key, draft.Version.Version, template with { Description = "draft B" }, draft.ETag, "admin:a");
        (await Store.GetAsync(template.Key, draft.Version.Version))!.Version.Definition.Description.ShouldBe("draft B");

        // A second administrator saving over the first with the old ETag is refused.
        await Should.ThrowAsync<TemplateConcurrencyException>(() =>
            Store.EditDraftAsync(template.Key, draft.Version.Version, template with { Description = "draft C" }, draft.ETag, "admin:b"));

        var published = await Store.PublishAsync(template.Key, draft.Version.Version, DateTime.UtcNow, null, BuiltInTemplates.Catalog, edited.ETag, "admin:a");
        await Should.ThrowAsync<TemplateLifecycleException>(() =>
            Store.EditDraftAsync(template.Key, draft.Version.Version, template, published.ETag, "admin:a"));
    }

    [Fact]
    public async Task Publish_InvalidDraft_IsRefusedAndStaysDraft()
    {
        var template = BuiltInTemplates.Get("company-opening");
        var draft = await Store.CreateDraftAsync(template with { CommittedDays = 0 }, "admin:a");
        var ex = await Should.ThrowAsync<TemplateInvalidException>(() =>
            Store.PublishAsync(template.Key, draft.Version.Version, DateTime.UtcNow, null, BuiltInTemplates.Catalog, draft.ETag, "admin:a"));
        ex.Problems.ShouldContain(p => p.Code == "template.committedDays" && p.Path == "$.committedDays");
        (await Store.GetAsync(template.Key, draft.Version.Version))!.Version.Status.ShouldBe(TemplateStatus.Draft);
        (await Store.GetPublishedAsync(template.Key))!.Version.ShouldBe(1);
    }

    async Task<string> UploadPhotoAsync(string applicantId)
    {
        var material = BuiltInTemplates.Get("newborn").Materials.Single(m => m.Key == "babyPhoto");
        using var jpeg = new MemoryStream([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var (upload, problem) = await engine.Services.GetRequiredService<Workflows.Materials.MaterialUploads>()
            .UploadAsync(applicantId, material, "image/jpeg", jpeg, expectedSha256: null);
        upload.ShouldNotBeNull(problem?.Message);
        return upload.Reference;
    }
}
