using Workflows.Cases;

namespace Workflows.Tests.Orchestration;

/// <summary>
/// Replays stuck cases' histories recorded on the real engine over Azurite (<c>StuckCaseHistoryRecorder</c>, ADR 0029)
/// through the current <see cref="StuckCaseOrchestrator"/>, episode by episode (<see cref="RecordedHistory"/>): opened,
/// reminded, escalated and resolved, and resolved before its timers.
/// </summary>
public sealed class StuckCaseHistoryReplayTests
{
    const string Folder = "stuck-case";

    public static TheoryData<string> Histories() => RecordedHistory.Theory(Folder);

    [Fact]
    public void TheRecordedHistoriesCoverEveryPath() =>
        RecordedHistory.Names(Folder).ShouldBe(["case-escalated", "case-open", "case-reminded-escalated-resolved", "case-resolved-at-once"], ignoreOrder: true);

    [Theory]
    [MemberData(nameof(Histories))]
    public void RecordedHistory_ReplaysEpisodeByEpisode_WithTheSameSteps(string name) =>
        RecordedHistory.Replay(Folder, name, () => new StuckCaseOrchestrator(), nameof(StuckCaseOrchestrator));
}
