using System.Diagnostics;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Calendar;
using Workflows.IntegrationTests.Bundles;
using Workflows.Orchestration;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.IntegrationTests.Guarantees;

/// <summary>
/// The engine matches a completion to the step waiting for it by sequence number alone. A host that dies between
/// sending an episode's messages and saving its history leaves completions of that lost run behind, and the episode
/// run again may number its steps otherwise (it may see other messages first): a save's <c>true</c> or another item's
/// result then arrives in an item's place. These tests put such a completion of a lost run on the provider's queue
/// through its own API, as the dead host's messages would arrive, and check the bundle still ends with each item's
/// own result, once (docs/decisions/0027). Before the fix the first ended the bundle Failed: "The JSON value could not
/// be converted to Workflows.Orchestration.ItemResult", as the kill test once did.
/// </summary>
[Collection(GuaranteeCollectionDefinition.Name)]
public sealed class MisdeliveredCompletionTests(StorageFixture storage) : IAsyncLifetime
{
    const string Department = "market-regulation";
    const string First = "business-licence";
    const string Second = "seal-engraving";

    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "misd");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task ASavesTrue_InAnItemsPlace_TheItemsOwnResultIsReadFromStorageAndTheBundleCompletes()
    {
        const string id = "misd-true";
        await StartAsync(id, parallel: false);
        await harness.WaitForTaskAsync(Department, id, First);

        await harness.DeliverAsync(id, new TaskCompletedEvent(-1, await SlotOfAsync(id, First), "true"));
        await WaitForAuditAsync(id, "item.completion.misdelivered");
        (await harness.Client.GetInstanceAsync(id)).ShouldNotBeNull().RuntimeStatus.ShouldBe(OrchestrationRuntimeStatus.Running, "the bundle took the lost run's true for the item's result");

        await harness.Applications.DecideAsync(id, First, new OfficerDecided(DecisionKind.Approve, "officer-a", "Checked."));
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Status.ShouldBe(BundleStatus.Completed);
        var item = outcome.Items.ShouldHaveSingleItem();
        (item.ItemKey, item.State, item.DecidedBy).ShouldBe((First, ItemState.Approved, "officer:officer-a"));
        (await harness.Store.GetAsync(id)).ShouldNotBeNull().Items.Single().State.ShouldBe(ItemState.Approved, "the read model shows the result read back");
        (await harness.Audit.ReadAsync(id)).Count(e => e.Action == "item.completion.misdelivered").ShouldBe(1);
    }

    [Fact]
    public async Task AnEndedItemsResult_InARunningItemsPlace_IsNotTakenTwiceAndTheRunningItemKeepsItsOwn()
    {
        const string id = "misd-other";
        await StartAsync(id, parallel: true);
        await harness.WaitForTaskAsync(Department, id, First);
        await harness.WaitForTaskAsync(Department, id, Second);
        await harness.Applications.DecideAsync(id, First, new OfficerDecided(DecisionKind.Reject, "officer-a", "Name taken."));
        var first = await harness.Client.WaitForInstanceCompletionAsync(ItemOrchestrator.InstanceId(id, First), getInputsAndOutputs: true);
        await WaitForAsync(async () => (await harness.Store.GetAsync(id))?.Items.Single(i => i.Key == First).State == ItemState.Rejected, "the bundle recorded the first item");

        // The first item's result again, in the second's place.
        await harness.DeliverAsync(id, new SubOrchestrationInstanceCompletedEvent(-1, await SlotOfAsync(id, Second), first.SerializedOutput));
        await WaitForAuditAsync(id, "item.completion.misdelivered");

        await harness.Applications.DecideAsync(id, Second, new OfficerDecided(DecisionKind.Approve, "officer-b", "Fine."));
        var outcome = await harness.WaitForOutcomeAsync(id);
        outcome.Items.Single(i => i.ItemKey == First).DecidedBy.ShouldBe("officer:officer-a");
        outcome.Items.Single(i => i.ItemKey == First).State.ShouldBe(ItemState.Rejected);
        var second = outcome.Items.Single(i => i.ItemKey == Second);
        (second.State, second.DecidedBy).ShouldBe((ItemState.Approved, "officer:officer-b"), "the second item ended with the first one's result");
        (await harness.Audit.ReadAsync(id)).Count(e => e.Action == "item.rejected").ShouldBe(1);
    }

    // The sequence number of the step that started the item's sub-orchestration, from the provider's history table.
    async Task<int> SlotOfAsync(string id, string itemKey)
    {
        var rows = await TaskHubHistory.EventsAsync(harness.Hub, id);
        return rows.Single(r => r.GetString("EventType") == nameof(EventType.SubOrchestrationInstanceCreated) && r.GetString("InstanceId") == ItemOrchestrator.InstanceId(id, itemKey))
            .GetInt32("EventId")!.Value;
    }

    async Task WaitForAuditAsync(string id, string action) =>
        await WaitForAsync(async () => (await harness.Audit.ReadAsync(id)).Any(e => e.Action == action), $"{id} audited {action}", id);

    async Task WaitForAsync(Func<Task<bool>> condition, string what, string? id = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                var bundle = id is null ? null : await harness.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
                throw new TimeoutException($"Never: {what}. Bundle: {bundle?.RuntimeStatus} {bundle?.FailureDetails?.ErrorMessage}");
            }

            await Task.Delay(200);
        }
    }

    // Officer items of one department: the second after the first, or both at once.
    async Task StartAsync(string id, bool parallel)
    {
        ItemDefinition Item(string key, string name, params string[] dependsOn) =>
            new(key, name, Department, $"svc-{key}", 60, 5, new OfficerDecision(), dependsOn, ["companyName"], []);
        var template = new BundleTemplate(
            Key: "misdelivery-check",
            Name: "开办企业（测试）",
            Description: "Officer items, for lost-run completions.",
            ApplicantKind: ApplicantKind.Company,
            CommittedDays: 10,
            Fields: [new FieldDefinition("companyName", "企业名称", FieldType.Text, Min: 2, Max: 50)],
            Materials: [],
            Items: parallel ? [Item(First, "营业执照"), Item(Second, "刻章")] : [Item(First, "营业执照")]);
        TemplateValidator.Validate(template, BuiltInTemplates.Catalog).ShouldBeEmpty();
        var clock = harness.Services.GetRequiredService<IOptions<SlaOptions>>().Value.ClockFor(BuiltInCalendars.Get("CN"));
        var input = new BundleInput(id, new Applicant($"company-{id}", ApplicantKind.Company, "某某科技有限公司"), 1, template,
            new Dictionary<string, string> { ["companyName"] = "某某科技有限公司" }, [], [], DateTime.UtcNow, clock);
        await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BundleOrchestrator), input, new Microsoft.DurableTask.StartOrchestrationOptions(id));
    }
}
