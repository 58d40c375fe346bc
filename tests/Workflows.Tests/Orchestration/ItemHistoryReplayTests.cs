using Workflows.Orchestration;

namespace Workflows.Tests.Orchestration;

/// <summary>
/// Replays item histories recorded on the real engine over Azurite (<c>ItemHistoryRecorder</c>, ADR 0029) through the
/// current <see cref="ItemOrchestrator"/>, episode by episode (<see cref="RecordedHistory"/>).
/// </summary>
public sealed class ItemHistoryReplayTests
{
    public static TheoryData<string> Histories() => RecordedHistory.Theory(string.Empty);

    [Fact]
    public void TheRecordedHistoriesCoverEveryPath()
    {
        var names = RecordedHistory.Names(string.Empty);
        names.Count.ShouldBeGreaterThanOrEqualTo(12);
        names.ShouldContain("officer-waiting");
        names.ShouldContain("supplements-then-rejected");
        names.ShouldContain("sla-reminded-escalated-extended");
        names.ShouldContain("external-timers-approved");
        names.ShouldContain("deferred-supplied-approved");
        names.ShouldContain("rules-referred-approved");
        names.ShouldContain("cancelled-waiting-officer");
    }

    [Theory]
    [MemberData(nameof(Histories))]
    public void RecordedHistory_ReplaysEpisodeByEpisode_WithTheSameSteps(string name) =>
        RecordedHistory.Replay(string.Empty, name, () => new ItemOrchestrator(), nameof(ItemOrchestrator));
}
