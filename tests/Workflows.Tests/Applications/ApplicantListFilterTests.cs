using Workflows.Api;
using Workflows.Applications;

namespace Workflows.Tests.Applications;

/// <summary>
/// An applicant's list is one range read of their own partition of <c>ApplicationsByApplicant</c> (issue 19): the
/// filter bounds the row keys by the order's prefix, the last page's key and the submission times, so a page costs the
/// same whatever the number of applications stored.
/// </summary>
public sealed class ApplicantListFilterTests
{
    static readonly DateTime At = new(2026, 6, 1, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Keys_NewestFirstAndOldestFirst_SortAsTheOrderSays()
    {
        var (earlierNewest, earlierOldest) = ApplicationStore.ByApplicantKeys("app-a", At);
        var (laterNewest, laterOldest) = ApplicationStore.ByApplicantKeys("app-b", At.AddSeconds(1));
        string.CompareOrdinal(laterNewest, earlierNewest).ShouldBeLessThan(0);
        string.CompareOrdinal(earlierOldest, laterOldest).ShouldBeLessThan(0);
        earlierNewest.ShouldStartWith("n|");
        earlierOldest.ShouldStartWith("o|");
    }

    [Fact]
    public void Filter_FirstPage_OnePartitionTheOrdersRowsOnly()
    {
        var filter = ApplicationStore.ListFilter("citizen-1", new ApplicantListQuery(), after: null);
        filter.ShouldBe("PartitionKey eq 'citizen-1' and RowKey ge 'n|' and RowKey lt 'n}'");
        ApplicationStore.ListFilter("citizen-1", new ApplicantListQuery(NewestFirst: false), after: null)
            .ShouldBe("PartitionKey eq 'citizen-1' and RowKey ge 'o|' and RowKey lt 'o}'");
    }

    [Fact]
    public void Filter_NextPage_StartsAfterTheLastKey()
    {
        var last = new ApplicantListRow("app-a", "newborn", "出生一件事", ApplicationStatus.Completed, At, At, 4, 4);
        var key = ApplicationStore.ListKey(last, newestFirst: true);
        var filter = ApplicationStore.ListFilter("citizen-1", new ApplicantListQuery(), key);
        filter.ShouldBe($"PartitionKey eq 'citizen-1' and RowKey gt 'n|{key}' and RowKey lt 'n}}'");
        ("n|" + key).ShouldBe(ApplicationStore.ByApplicantKeys("app-a", At).Newest);
    }

    [Fact]
    public void Filter_StatusAndTemplate_AddedWithinThePartition()
    {
        var filter = ApplicationStore.ListFilter("citizen-1", new ApplicantListQuery(ApplicationStatus.InProgress, "newborn"), after: null);
        filter.ShouldEndWith(" and Status eq 'InProgress' and TemplateKey eq 'newborn'");
        filter.ShouldStartWith("PartitionKey eq 'citizen-1' and RowKey ge 'n|'");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Filter_FromAndTo_KeepExactlyTheRowsSubmittedInTheRange(bool newestFirst)
    {
        var from = At;
        var to = At.AddDays(2);
        var query = new ApplicantListQuery(From: from, To: to, NewestFirst: newestFirst);
        var (lower, lowerInclusive, upper) = Bounds(ApplicationStore.ListFilter("p", query, after: null));

        foreach (var (submitted, expected) in new[] { (from.AddTicks(-1), false), (from, true), (from.AddDays(1), true), (to.AddTicks(-1), true), (to, false), (to.AddDays(1), false) })
        {
            var keys = ApplicationStore.ByApplicantKeys("app-x", submitted);
            var key = newestFirst ? keys.Newest : keys.Oldest;
            var c = string.CompareOrdinal(key, lower);
            var inRange = (lowerInclusive ? c >= 0 : c > 0) && string.CompareOrdinal(key, upper) < 0;
            inRange.ShouldBe(expected, $"{submitted:O} in [{from:O}, {to:O})");
        }
    }

    [Fact]
    public void Filter_FromBeforeTheLastPage_TheLastPageStillBounds()
    {
        var last = new ApplicantListRow("app-a", "newborn", "出生一件事", ApplicationStatus.Completed, At.AddDays(5), At.AddDays(5), 4, 4);
        var key = ApplicationStore.ListKey(last, newestFirst: false);
        var (lower, inclusive, _) = Bounds(ApplicationStore.ListFilter("p", new ApplicantListQuery(From: At, NewestFirst: false), key));
        lower.ShouldBe("o|" + key);
        inclusive.ShouldBeFalse();
        Paging.Oldest(At).ShouldNotBeNullOrEmpty();
    }

    // "PartitionKey eq 'p' and RowKey ge 'L' and RowKey lt 'U'..." → (L, inclusive, U).
    static (string Lower, bool Inclusive, string Upper) Bounds(string filter)
    {
        var parts = filter.Split(" and ");
        var lower = parts[1];
        var upper = parts[2];
        return (Quoted(lower), lower.Contains(" ge ", StringComparison.Ordinal), Quoted(upper));
    }

    static string Quoted(string clause) => clause[(clause.IndexOf('\'', StringComparison.Ordinal) + 1)..clause.LastIndexOf('\'')];
}
