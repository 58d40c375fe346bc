using Workflows.Orchestration;

namespace Workflows.Tests.Orchestration;

/// <summary>
/// Replays proactive applications' histories recorded on the real engine over Azurite (<c>ProactiveHistoryRecorder</c>,
/// ADR 0029) through the current <see cref="ProactiveApplicationOrchestrator"/>, episode by episode
/// (<see cref="RecordedHistory"/>): awaiting, a refused confirmation then confirmed (the bundle as a sub-orchestration),
/// declined, and expired.
/// </summary>
public sealed class ProactiveHistoryReplayTests
{
    const string Folder = "proactive";

    public static TheoryData<string> Histories() => RecordedHistory.Theory(Folder);

    [Fact]
    public void TheRecordedHistoriesCoverEveryPath() =>
        RecordedHistory.Names(Folder).ShouldBe(["proactive-awaiting", "proactive-declined", "proactive-expired", "proactive-refused-confirmed"], ignoreOrder: true);

    [Theory]
    [MemberData(nameof(Histories))]
    public void RecordedHistory_ReplaysEpisodeByEpisode_WithTheSameSteps(string name) =>
        RecordedHistory.Replay(Folder, name, () => new ProactiveApplicationOrchestrator(), nameof(ProactiveApplicationOrchestrator));
}
