using System.Text.Json;
using Workflows.Orchestration;

namespace Workflows.Tests.Orchestration;

/// <summary>What a bundle takes as an item's result from whatever the engine delivered in the item's place (ADR 0027).</summary>
public sealed class ItemCompletionTests
{
    static readonly ItemResult Approved = new("birth-certificate", ItemState.Approved, "officer:o-1", "核对无误",
        new Dictionary<string, string> { ["certificate"] = "BC-1" }, ["rule a"], [new ApplicantHold(new DateTime(2026, 1, 1), new DateTime(2026, 1, 2))], "Checked");

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("3")]
    [InlineData("null")]
    [InlineData("\"2026-12-03T10:00:00Z\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"ApplicationId":"a-1","Revision":2}""")]
    [InlineData("""{"ItemKey":"x","State":99,"DecidedBy":"engine","Outputs":{},"Evidence":[]}""")]
    [InlineData("""{"ItemKey":"x","State":"Sideways","DecidedBy":"engine","Outputs":{},"Evidence":[]}""")]
    [InlineData("""{"ItemKey":"","State":2,"DecidedBy":"engine","Outputs":{},"Evidence":[]}""")]
    [InlineData("""{"ItemKey":"x","State":2,"Outputs":{},"Evidence":[]}""")]
    public void SomethingThatIsNotAnItemsResult_IsNone(string json) =>
        ItemCompletion.Read(JsonDocument.Parse(json).RootElement).ShouldBeNull();

    [Fact]
    public void AnItemsResult_AsTheWorkerWritesIt_ReadsWhole()
    {
        // The local worker writes property names as declared; the Functions worker in camel case: both read.
        foreach (var options in new[] { new JsonSerializerOptions(), new JsonSerializerOptions(JsonSerializerDefaults.Web) })
        {
            var read = ItemCompletion.Read(JsonSerializer.SerializeToElement(Approved, options)).ShouldNotBeNull();
            JsonSerializer.Serialize(read).ShouldBe(JsonSerializer.Serialize(Approved));
        }
    }

    [Fact]
    public void AnotherItemsResult_ReadsAsThatItems() =>
        ItemCompletion.Read(JsonSerializer.SerializeToElement(Approved with { ItemKey = "household-registration" })).ShouldNotBeNull().ItemKey.ShouldBe("household-registration");

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 4)]
    [InlineData(4, 32)]
    [InlineData(7, 256)]
    [InlineData(8, 300)]
    [InlineData(1000, 300)]
    public void ThePollWaits_DoubleFromTwoSecondsUpToFiveMinutes(int attempt, int seconds) =>
        ItemCompletion.PollDelay(attempt).ShouldBe(TimeSpan.FromSeconds(seconds));
}
