using Workflows.Applications;
using Workflows.Benchmarks;
using Workflows.Tasks;

namespace Workflows.Tests.Benchmarks;

/// <summary>
/// The seed of growing stores: the same application whatever batch makes it, spread over applicants as real data
/// (a few heavy applicants with <see cref="GrowthSeed.HeavyShare"/> each, most with one to three), shaped as the engine
/// leaves it.
/// </summary>
public sealed class GrowthSeedTests
{
    static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Batch_SameIndexInAnotherBatch_SameApplication()
    {
        var whole = GrowthSeed.Batch(0, 50, 10_000, Now);
        var part = GrowthSeed.Batch(20, 10, 10_000, Now);
        part.Select(a => a.Record.ApplicationId).ShouldBe(whole.Skip(20).Take(10).Select(a => a.Record.ApplicationId));
        part[3].Record.SubmittedAt.ShouldBe(whole[23].Record.SubmittedAt);
        part[3].Record.Applicant.ShouldBe(whole[23].Record.Applicant);
    }

    [Fact]
    public void Batch_PastTheLevel_StopsAtIt() => GrowthSeed.Batch(9_990, 2_000, 10_000, Now).Count.ShouldBe(10);

    [Fact]
    public void Applicants_LargeLevel_HeavyOnesHoldTheirShareTheRestOneOrTwo()
    {
        const int total = 10_000;
        var byApplicant = Enumerable.Range(0, total).GroupBy(i => GrowthSeed.ApplicantOf(i, total)).ToDictionary(g => g.Key, g => g.Count());
        byApplicant[GrowthSeed.HeavyApplicant].ShouldBe(GrowthSeed.HeavyShare);
        byApplicant.Count(a => a.Value == GrowthSeed.HeavyShare).ShouldBe(GrowthSeed.HeavyApplicants);
        byApplicant.Where(a => !a.Key.StartsWith("seed-heavy-", StringComparison.Ordinal)).ShouldAllBe(a => a.Value >= 1 && a.Value <= 3);
    }

    [Fact]
    public void Applicants_SmallLevel_NoHeavyApplicant()
    {
        GrowthSeed.HeavyCount(1_000).ShouldBe(0);
        Enumerable.Range(0, 1_000).Select(i => GrowthSeed.ApplicantOf(i, 1_000)).ShouldAllBe(a => a.StartsWith("seed-citizen-", StringComparison.Ordinal));
    }

    [Fact]
    public void Application_ShapedAsTheEngineLeavesIt()
    {
        var seeded = GrowthSeed.Batch(0, 500, 100_000, Now);
        seeded.ShouldAllBe(a => a.Record.SubmittedAt <= Now && a.Record.SubmittedAt > Now.AddDays(-181) && a.Record.UpdatedAt >= a.Record.SubmittedAt);
        seeded.Select(a => a.Record.ApplicationId).Distinct().Count().ShouldBe(500);
        foreach (var a in seeded)
        {
            a.Task.ApplicationId.ShouldBe(a.Record.ApplicationId);
            a.Task.Status.ShouldBe(a.Record.Status == ApplicationStatus.InProgress ? OfficerTaskStatus.Open : OfficerTaskStatus.Closed);
            a.Audit.ShouldAllBe(e => e.Subject == a.Record.ApplicationId);
            a.Audit.Select(e => e.StepId).Distinct().Count().ShouldBe(a.Audit.Count);
            a.Notifications.ShouldAllBe(n => n.Recipient == a.Record.Applicant.Id && n.ApplicationId == a.Record.ApplicationId);
            (a.Record.Status == ApplicationStatus.Completed).ShouldBe(a.Record.Items.All(i => i.State == Workflows.Orchestration.ItemState.Approved));
        }

        // Mostly ended, a few still running or refused.
        seeded.Count(a => a.Record.Status == ApplicationStatus.Completed).ShouldBeGreaterThan(400);
        seeded.ShouldContain(a => a.Record.Status == ApplicationStatus.InProgress);
    }
}
