using Workflows.Applications;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>
/// One Idempotency-Key, one application, on the engine over Azurite: two submits racing with one key start one
/// bundle; the same key with another body is a conflict, not the first application; a refused body may be corrected
/// under the same key.
/// </summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class IdempotentSubmitTests(StorageFixture storage) : IAsyncLifetime
{
    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "idem");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_TwoConcurrentWithOneKey_StartsOnce()
    {
        var request = await CompleteRequestAsync("citizen-idem-1");

        var results = await Task.WhenAll(
            Task.Run(() => harness.Applications.SubmitAsync(request, "idem-race")),
            Task.Run(() => harness.Applications.SubmitAsync(request, "idem-race")));

        results.ShouldAllBe(r => r.Accepted && r.ApplicationId == "idem-race");
        results.Count(r => !r.AlreadyAccepted).ShouldBe(1, "one submit starts the bundle, the other is its replay");
        results.ShouldAllBe(r => !r.IdempotencyConflict);
    }

    [Fact]
    public async Task SubmitAsync_SameKeyAnotherBody_ConflictNotTheFirstApplication()
    {
        var request = await CompleteRequestAsync("citizen-idem-2");
        (await harness.Applications.SubmitAsync(request, "idem-other")).Accepted.ShouldBeTrue();

        var changed = request with { Answers = new Dictionary<string, System.Text.Json.JsonElement>(request.Answers) { ["babyName"] = BundleHarness.Answers(new { babyName = "王小红" })["babyName"] } };
        var second = await harness.Applications.SubmitAsync(changed, "idem-other");
        var replay = await harness.Applications.SubmitAsync(request, "idem-other");

        second.IdempotencyConflict.ShouldBeTrue();
        second.Accepted.ShouldBeFalse();
        replay.IdempotencyConflict.ShouldBeFalse();
        replay.AlreadyAccepted.ShouldBeTrue();
    }

    [Fact]
    public async Task SubmitAsync_RefusedThenCorrectedWithTheSameKey_Accepted()
    {
        var request = await CompleteRequestAsync("citizen-idem-3");
        (await harness.Applications.SubmitAsync(request with { Materials = [] }, "idem-fix")).Accepted.ShouldBeFalse();

        var corrected = await harness.Applications.SubmitAsync(request, "idem-fix");

        corrected.Accepted.ShouldBeTrue();
        corrected.AlreadyAccepted.ShouldBeFalse();
    }

    async Task<SubmissionRequest> CompleteRequestAsync(string applicant)
    {
        foreach (var (type, number) in new[] { ("id-card", "ID-i"), ("household-register", "HR-i"), ("marriage-certificate", "MC-i") })
        {
            await harness.GiveLicenceAsync(applicant, type, number);
        }

        var photo = await harness.UploadAsync(applicant, "newborn", "babyPhoto");
        return NewbornBundleTests.Request(applicant, materials: [new MaterialProvision("babyPhoto", ProvisionKind.Upload, photo)]);
    }
}
