using Workflows.Orchestration;
using Workflows.Tasks;

namespace Workflows.Tests.Tasks;

public class TaskKindsTests
{
    [Theory]
    [InlineData(TaskKind.Decision, TaskAnswer.DecisionToItem)]
    [InlineData(TaskKind.Verification, TaskAnswer.DecisionClosesTask)]
    [InlineData(TaskKind.FollowUp, TaskAnswer.WrittenResponse)]
    public void AnswerOf_EachKind_SaysWhereItsAnswerGoes(TaskKind kind, TaskAnswer answer) => TaskKinds.AnswerOf(kind).ShouldBe(answer);

    [Theory]
    [InlineData(TaskKind.Decision, DecisionKind.Approve, true)]
    [InlineData(TaskKind.Decision, DecisionKind.Reject, true)]
    [InlineData(TaskKind.Decision, DecisionKind.RequestSupplement, true)]
    [InlineData(TaskKind.Verification, DecisionKind.Approve, true)]
    [InlineData(TaskKind.Verification, DecisionKind.Reject, true)]
    [InlineData(TaskKind.Verification, DecisionKind.RequestSupplement, false)]
    [InlineData(TaskKind.FollowUp, DecisionKind.Approve, false)]
    [InlineData(TaskKind.FollowUp, DecisionKind.Reject, false)]
    [InlineData(TaskKind.FollowUp, DecisionKind.RequestSupplement, false)]
    public void Takes_EveryKindAndDecision(TaskKind kind, DecisionKind decision, bool takes) => TaskKinds.Takes(kind, decision).ShouldBe(takes);

    [Fact]
    public void TheDeadlineSweep_KeepsTheTimeOfWhatNoItemWaitsOn()
    {
        TaskKinds.SweptForDeadlines(TaskKind.Decision).ShouldBeFalse();
        TaskKinds.SweptForDeadlines(TaskKind.Verification).ShouldBeTrue();
        TaskKinds.SweptForDeadlines(TaskKind.FollowUp).ShouldBeTrue();
    }

    [Fact]
    public void OnlyATaskClosedWhereItIsDecided_IsCreatedOnce()
    {
        TaskKinds.CreatedOnce(TaskKind.Verification).ShouldBeTrue();
        TaskKinds.CreatedOnce(TaskKind.Decision).ShouldBeFalse();
        TaskKinds.CreatedOnce(TaskKind.FollowUp).ShouldBeFalse();
    }

    [Fact]
    public void EveryKind_IsAnsweredAndDescribedInBothLanguages()
    {
        foreach (var kind in Enum.GetValues<TaskKind>())
        {
            Should.NotThrow(() => TaskKinds.AnswerOf(kind));
            var text = TaskKinds.Describe(kind);
            text.Zh.ShouldNotBeNullOrWhiteSpace();
            text.En.ShouldNotBeNullOrWhiteSpace();
            text.Zh.ShouldNotBe(text.En);
        }
    }

    [Fact]
    public void AKindNobodyAnswered_IsRefusedByName() =>
        Should.Throw<ArgumentOutOfRangeException>(() => TaskKinds.AnswerOf((TaskKind)99)).ParamName.ShouldBe("kind");
}
