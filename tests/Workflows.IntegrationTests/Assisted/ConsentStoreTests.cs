using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Assisted;

/// <summary>Consent requests on Azurite: insert-only, the first answer stands, and an applicant reads only their own.</summary>
[Collection(StorageCollectionDefinition.Name)]
public sealed class ConsentStoreTests(StorageFixture storage) : IAsyncLifetime
{
    ServiceProvider services = null!;

    ConsentStore Store => services.GetRequiredService<ConsentStore>();

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(storage.NewHub("consent").ToInProcessConfiguration(runWorker: false)).Build();
        services = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task AddAsync_SameIdAgainWithOtherAnswers_KeepsTheFirst()
    {
        var first = Request("citizen-a", """{"babyName":"王小明"}""");

        (await Store.AddAsync(first)).Added.ShouldBeTrue();
        var (stored, added) = await Store.AddAsync(first with { Answers = Answers("""{"babyName":"张三"}""") });

        added.ShouldBeFalse();
        stored.Answers["babyName"].GetString().ShouldBe("王小明");
        var read = (await Store.GetAsync("citizen-a", first.ConsentId)).ShouldNotBeNull();
        ConsentStore.Digest(read).ShouldBe(first.Sha256, "the row reads back as it was digested");
    }

    [Fact]
    public async Task GetAsync_UnderAnotherApplicant_IsNull()
    {
        var request = Request("citizen-b", """{"babyName":"王小明"}""");
        await Store.AddAsync(request);

        (await Store.GetAsync("citizen-c", request.ConsentId)).ShouldBeNull();
        (await Store.GetAsync("citizen-b", "con-../wfuploads")).ShouldBeNull();
    }

    [Fact]
    public async Task DecideAsync_RefusedThenConfirmed_TheRefusalStands()
    {
        var request = Request("citizen-d", """{"babyName":"王小明"}""");
        await Store.AddAsync(request);
        var now = DateTime.UtcNow;

        (await Store.DecideAsync("citizen-d", new ConsentDecision(request.ConsentId, ConsentDecisionKind.Refused, now, "王芳", request.Sha256, null, "不对"))).Added.ShouldBeTrue();
        var (stored, added) = await Store.DecideAsync("citizen-d",
            new ConsentDecision(request.ConsentId, ConsentDecisionKind.Confirmed, now.AddSeconds(1), "王芳", request.Sha256, ConsentStore.ApplicationIdOf(request.ConsentId), null));

        added.ShouldBeFalse();
        stored.Kind.ShouldBe(ConsentDecisionKind.Refused);
        (await Store.GetDecisionAsync("citizen-d", request.ConsentId)).ShouldNotBeNull().Reason.ShouldBe("不对");
    }

    static ConsentRequest Request(string applicant, string answers)
    {
        var filed = new DateTime(2026, 11, 25, 9, 30, 0, DateTimeKind.Utc);
        var request = new ConsentRequest($"con-{Guid.NewGuid():N}", applicant, ApplicantKind.Citizen, "helper-hall", "帮办员", "service-hall",
            filed, filed + AssistedFiling.ConfirmWithin, "newborn", Answers(answers), [new MaterialProvision("babyPhoto", ProvisionKind.Upload, "r")], string.Empty);
        return request with { Sha256 = ConsentStore.Digest(request) };
    }

    static Dictionary<string, JsonElement> Answers(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
