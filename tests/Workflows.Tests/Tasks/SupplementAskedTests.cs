using Workflows.Tasks;

namespace Workflows.Tests.Tasks;

public class SupplementAskedTests
{
    static readonly DateTime Asked = new(2026, 12, 1, 2, 30, 0, DateTimeKind.Utc);

    static TaskRecord Task(OfficerTaskStatus status = OfficerTaskStatus.AwaitingApplicant) =>
        new("market-regulation", "app:business-licence", TaskKind.Decision, "app", "business-licence", "营业执照", "company-opening",
            "company-1", "某公司", status, Asked, Asked.AddDays(5));

    [Fact]
    public void From_ARowWithTheFields_ReadsTheFieldsNotTheNote()
    {
        var task = Task() with
        {
            Note = "需补正材料（经营场所租赁合同）：合同不清晰", NoteEn = "Supplement requested (leaseContract): 合同不清晰",
            SupplementMaterials = ["leaseContract"], SupplementReason = "合同不清晰（第2页）: 请重拍", SupplementAskedAt = Asked,
        };
        SupplementAsked.From(task).ShouldBe(new SupplementAsked(["leaseContract"], "合同不清晰（第2页）: 请重拍", Asked), new SupplementAskedComparer());
    }

    [Fact]
    public void From_ARowWrittenBeforeTheFields_ParsesItsNote()
    {
        // What the engine wrote before: the materials only in the prose, the reason after "): ", a ")" inside the reason.
        var task = Task() with { Note = "Supplement requested (leaseContract, legalRepIdCard): 合同不清晰 (page 2): 请重拍" };
        var asked = SupplementAsked.From(task)!;
        asked.Materials.ShouldBe(["leaseContract", "legalRepIdCard"]);
        asked.Reason.ShouldBe("合同不清晰 (page 2): 请重拍");
        asked.AskedAt.ShouldBeNull();
    }

    [Fact]
    public void From_ARowWithMaterialsButNoReasonField_TakesTheMaterialsFromTheRowAndTheReasonFromTheNote()
    {
        var task = Task() with { Note = "Supplement requested (leaseContract): 请补交", SupplementMaterials = ["leaseContract"], SupplementRequestId = "d-1" };
        var asked = SupplementAsked.From(task)!;
        asked.Materials.ShouldBe(["leaseContract"]);
        asked.Reason.ShouldBe("请补交");
    }

    [Fact]
    public void From_ANoteNotInTheOldShape_IsTheReasonWithNoMaterials()
    {
        var asked = SupplementAsked.From(Task() with { Note = "请补交材料" })!;
        asked.Materials.ShouldBeEmpty();
        asked.Reason.ShouldBe("请补交材料");
    }

    [Fact]
    public void From_ATaskNotAwaitingTheApplicant_IsNull() =>
        SupplementAsked.From(Task(OfficerTaskStatus.Open) with { SupplementReason = "x", Note = "Supplement requested (a): x" }).ShouldBeNull();

    sealed class SupplementAskedComparer : IEqualityComparer<SupplementAsked?>
    {
        public bool Equals(SupplementAsked? x, SupplementAsked? y) =>
            x is not null && y is not null && x.Materials.SequenceEqual(y.Materials) && x.Reason == y.Reason && x.AskedAt == y.AskedAt;

        public int GetHashCode(SupplementAsked? obj) => 0;
    }
}
