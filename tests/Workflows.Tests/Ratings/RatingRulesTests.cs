using Workflows.Cases;
using Workflows.Ratings;

namespace Workflows.Tests.Ratings;

/// <summary>What a rating may say, and the guarded transitions: rated once, answered once, resolved once.</summary>
public sealed class RatingRulesTests
{
    static readonly DateTime At = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
    static readonly string[] SlowTags = ["slow"];

    static Rating Bad() => new("app-1", "birth-certificate", "citizen-1", "newborn", "hospital", 1, SlowTags, "too slow", At,
        FollowUpTaskId: Rating.FollowUpId("app-1", "birth-certificate"), FollowUpDueAt: At.AddDays(3));

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public void Validate_ScoreOutOfRange_NamesScore(int score) =>
        RatingRules.Validate(score, null, null).Single().Field.ShouldBe("score");

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Validate_ScoreInRangeNoTags_IsValid(int score) => RatingRules.Validate(score, [], null).ShouldBeEmpty();

    [Fact]
    public void Validate_UnknownAndRepeatedTags_NameEachIndex()
    {
        var problems = RatingRules.Validate(3, ["fast", "very-nice", "fast", null], null);

        problems.Select(p => (p.Field, p.Code)).ShouldBe([("tags[1]", "tag.unknown"), ("tags[2]", "tag.duplicate"), ("tags[3]", "tag.unknown")]);
    }

    [Fact]
    public void Validate_EveryDocumentedTag_IsAccepted() => RatingRules.Validate(4, [.. RatingTags.All], null).ShouldBeEmpty();

    [Fact]
    public void Validate_CommentOver500_NamesComment()
    {
        RatingRules.Validate(2, [], new string('好', 501)).Single().Field.ShouldBe("comment");
        RatingRules.Validate(2, [], new string('好', 500)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1, 2, true)]
    [InlineData(2, 2, true)]
    [InlineData(3, 2, false)]
    [InlineData(3, 3, true)]
    public void IsBad_ScoreAgainstThreshold_OpensFollowUpAtOrBelow(int score, int badAtMost, bool bad) => RatingRules.IsBad(score, badAtMost).ShouldBe(bad);

    [Fact]
    public void EnsureFirstOrSame_NoEarlierRating_GoesOn() => RatingRules.EnsureFirstOrSame(null, Bad()).ShouldBeFalse();

    [Fact]
    public void EnsureFirstOrSame_SameRatingAgain_IsAReplay() =>
        RatingRules.EnsureFirstOrSame(Bad(), Bad() with { RatedAt = At.AddMinutes(1) }).ShouldBeTrue();

    [Fact]
    public void EnsureFirstOrSame_DifferentRating_Throws()
    {
        var ex = Should.Throw<RatingAlreadyGivenException>(() => RatingRules.EnsureFirstOrSame(Bad(), Bad() with { Score = 5 }));
        ex.Message.ShouldContain("birth-certificate");
        Should.Throw<RatingAlreadyGivenException>(() => RatingRules.EnsureFirstOrSame(Bad(), Bad() with { Comment = "changed my mind" }));
    }

    [Fact]
    public void EnsureEnded_Running_Throws() =>
        Should.Throw<RatingTargetNotEndedException>(() => RatingRules.EnsureEnded("birth-certificate", ended: false, "Running"));

    [Fact]
    public void Answer_BadRating_RecordsResponseOnce()
    {
        var answered = Bad().Answer("我们已加派人手。", "officer:officer-hospital", At.AddHours(2));

        answered.Response.ShouldBe("我们已加派人手。");
        answered.RespondedBy.ShouldBe("officer:officer-hospital");
        Should.Throw<FollowUpAlreadyAnsweredException>(() => answered.Answer("again", "officer:other", At.AddHours(3)));
    }

    [Fact]
    public void Answer_GoodRating_Throws() =>
        Should.Throw<RatingNotFollowedUpException>(() => (Bad() with { Score = 5, FollowUpTaskId = null }).Answer("thanks", "officer:x", At));

    [Fact]
    public void Resolve_ResolvedCase_Throws()
    {
        var open = new StuckCase("case:app-1", "app-1", "citizen-1", "王芳", "stuck", CaseStatus.Open, At, At.AddDays(2));
        var resolved = open.Resolve("admin:admin", "done", At.AddHours(1));

        resolved.Status.ShouldBe(CaseStatus.Resolved);
        Should.Throw<CaseAlreadyResolvedException>(() => resolved.Resolve("admin:other", "again", At.AddHours(2)));
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        new RatingOptions().Validate().ShouldBeEmpty();
        new CaseOptions().Validate().ShouldBeEmpty();
        new RatingOptions { BadScoreAtMost = 5 }.Validate().ShouldNotBeEmpty();
        new CaseOptions { LimitDays = 2, ReminderBeforeDays = 2 }.Validate().ShouldNotBeEmpty();
    }
}
