using Workflows.Orchestration;

namespace Workflows.Tests.Orchestration;

/// <summary>
/// Replays bundle histories recorded on the real engine over Azurite (<c>BundleHistoryRecorder</c>, ADR 0029) through
/// the current <see cref="BundleOrchestrator"/>, episode by episode (<see cref="RecordedHistory"/>): rule items decided
/// in the bundle (2.6), officer items as sub-orchestrations approved and rejected, every item a sub-orchestration (2.5),
/// a deferred material reminded and supplied, a party confirming, declining and letting the deadline pass, a
/// withdrawal and an administrator's cancellation.
/// </summary>
public sealed class BundleHistoryReplayTests
{
    const string Folder = "bundle";

    public static TheoryData<string> Histories() => RecordedHistory.Theory(Folder);

    [Fact]
    public void TheRecordedHistoriesCoverEveryPath()
    {
        RecordedHistory.Names(Folder).ShouldBe(
        [
            "deferred-reminded",
            "deferred-reminded-supplied",
            "house-awaiting-seller",
            "house-seller-confirms-withdrawn",
            "house-seller-declines",
            "house-seller-expires",
            "newborn-all-rules",
            "newborn-officer-approved",
            "newborn-officer-rejected",
            "newborn-officer-waiting",
            "newborn-v2.5-approved",
            "newborn-v2.5-cancelled",
            "newborn-v2.5-officer-waiting",
            "newborn-withdrawn",
        ], ignoreOrder: true);
    }

    [Theory]
    [MemberData(nameof(Histories))]
    public void RecordedHistory_ReplaysEpisodeByEpisode_WithTheSameSteps(string name) =>
        RecordedHistory.Replay(Folder, name, () => new BundleOrchestrator(), nameof(BundleOrchestrator));
}
