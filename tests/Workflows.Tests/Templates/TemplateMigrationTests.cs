using Workflows.Orchestration;
using Workflows.Templates;
using static Workflows.Tests.Templates.TemplateSamples;

namespace Workflows.Tests.Templates;

public sealed class TemplateMigrationTests
{
    /// <summary>One way version N+1 differs from the sample, where the application stands, and what the check must say.</summary>
    /// <param name="Change">Turns the sample (version N) into version N+1.</param>
    /// <param name="Code">The code that must be reported.</param>
    /// <param name="Path">Where.</param>
    /// <param name="CanMove">Whether the application can move.</param>
    /// <param name="States">Item states other than the default (birth-cert running, the rest waiting).</param>
    /// <param name="Ledger">Drop these materials from the ledger.</param>
    public sealed record Row(Func<BundleTemplate, BundleTemplate> Change, string Code, string Path, bool CanMove, Dictionary<string, ItemState>? States = null, string[]? Ledger = null);

    static readonly Dictionary<string, Row> Rows = new(StringComparer.Ordinal)
    {
        // Safe: what the application would see.
        ["item added"] = new(t => t.AddItem(Item("photo")), "migration.item.added", "$.items[photo]", true),
        ["waiting item dropped"] = new(
            t => t.WithItem(Insurance, i => i with { DependsOn = [BirthCert] }) with { Items = [.. t.Items.Where(i => i.Key != Allowance)] },
            "migration.item.dropped", $"$.items[{Allowance}]", true),
        ["running item's time limit lengthened"] = new(t => t.WithItem(BirthCert, i => i with { CommittedDays = 8 }), "migration.item.due", $"$.items[{BirthCert}].committedDays", true),
        ["waiting item's time limit changed"] = new(t => t.WithItem(Hukou, i => i with { CommittedDays = 4 }), "migration.item.committedDays", $"$.items[{Hukou}].committedDays", true),
        ["bundle's time limit changed"] = new(t => t with { CommittedDays = 15 }, "migration.committedDays", "$.committedDays", true),
        ["rules of an item not decided"] = new(
            t => t.WithRule(Insurance, "registered", r => r with { Rationale = "已落户即参保" }), "migration.item.rules", $"$.items[{Insurance}].decision", true),
        ["inclusion of an item not started"] = new(
            t => t.WithItem(Allowance, i => i with { IncludeWhen = new FieldCompare("familySize", Comparison.AtLeast, 2) }), "migration.item.inclusion", $"$.items[{Allowance}].includeWhen", true),
        ["inclusion of an item left out re-evaluated"] = new(
            t => t.WithItem(Allowance, i => i with { IncludeWhen = new FieldCompare("familySize", Comparison.AtLeast, 2) }), "migration.item.inclusion", $"$.items[{Allowance}].includeWhen", true,
            new() { [Allowance] = ItemState.NotIncluded }),
        ["optional field added"] = new(t => t.AddField(new FieldDefinition("note", "备注", FieldType.Text, Required: false)), "migration.field.added", "$.fields[note]", true),

        // Unsafe: why not.
        ["different template key"] = new(t => t with { Key = "other" }, "migration.template.key", "$.key", false),
        ["running item removed"] = new(t => t with { Items = [.. t.Items.Where(i => i.Key != BirthCert)] }, "migration.item.removed", $"$.items[{BirthCert}]", false),
        ["finished item renamed away"] = new(
            t => t with { Items = [.. t.Items.Select(i => i.Key == Allowance ? i with { Key = "allowance2" } : i)] }, "migration.item.removed", $"$.items[{Allowance}]", false,
            new() { [Allowance] = ItemState.Approved }),
        ["running item's name changed"] = new(t => t.WithItem(BirthCert, i => i with { Name = "出生证" }), "migration.item.renamed", $"$.items[{BirthCert}].name", false),
        ["field removed that a running item uses"] = new(
            t => t.WithItem(BirthCert, i => i with { Fields = ["childName"] }) with { Fields = [.. t.Fields.Where(f => f.Key != "hospital")] },
            "migration.field.removed", "$.fields[hospital]", false),
        ["running item's department changed"] = new(t => t.WithItem(BirthCert, i => i with { Department = "civil" }), "migration.item.department", $"$.items[{BirthCert}].department", false),
        ["running item's decision kind changed"] = new(
            t => t.WithItem(BirthCert, i => i with { Decision = new ExternalDecision("police-hukou") }), "migration.item.decision", $"$.items[{BirthCert}].decision", false),
        ["running item's time limit shortened"] = new(t => t.WithItem(BirthCert, i => i with { CommittedDays = 3 }), "migration.item.committedDays.shorter", $"$.items[{BirthCert}].committedDays", false),
        ["running item's time limit beyond an extension"] = new(
            t => t.WithItem(BirthCert, i => i with { CommittedDays = 5 + ItemOrchestrator.MaxExtensionDays + 1 }), "migration.item.committedDays.tooLong", $"$.items[{BirthCert}].committedDays", false),
        ["running item's outputs changed"] = new(
            t => t.AddOutput(BirthCert, new OutputDefinition("stamp", "印章", OutputKind.Value)), "migration.item.running", $"$.items[{BirthCert}]", false),
        ["new required field without an answer"] = new(t => t.AddField(new FieldDefinition("fatherName", "父亲姓名", FieldType.Text)), "migration.field.unanswered", "$.fields[fatherName]", false),
        ["material newly required the ledger lacks"] = new(
            t => t.AddMaterial(new MaterialDefinition("vaccineCard", "接种证", [Hukou], Upload: new UploadRule(["application/pdf"], 1024))),
            "migration.material.missing", "$.materials[vaccineCard]", false),
        ["who may apply changed"] = new(t => t with { ApplicantKind = ApplicantKind.Company }, "migration.applicantKind", "$.applicantKind", false),
        ["parties changed"] = new(
            t => t.WithParties(new PartyDefinition("father", ApplicantKind.Citizen, "父亲")), "migration.parties", "$.parties", false),
    };

    public static TheoryData<string> RowNames() => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Says_what_moves_and_why_not(string row)
    {
        var (change, code, path, canMove, states, ledger) = Rows[row];
        var from = Newborn();
        var verdict = TemplateMigration.Check(from, change(Newborn()), State(states, ledger));

        var all = verdict.Changes.Concat(verdict.Reasons).ToList();
        Assert.True(all.Exists(p => p.Code == code && p.Path == path), $"Expected {code} at {path}, got:{Environment.NewLine}{Describe(all)}");
        Assert.Equal(canMove, verdict.CanMove);
        if (canMove)
        {
            Assert.Empty(verdict.Reasons);
        }
        else
        {
            // Located, coded and in both languages.
            var reason = verdict.Reasons.First(p => p.Code == code);
            Assert.False(string.IsNullOrWhiteSpace(reason.Message));
            Assert.False(string.IsNullOrWhiteSpace(reason.MessageZh));
        }
    }

    [Fact]
    public void The_same_version_changes_nothing()
    {
        var verdict = TemplateMigration.Check(Newborn(), Newborn(), State(null, null));

        Assert.True(verdict.CanMove);
        Assert.Empty(verdict.Changes);
    }

    [Fact]
    public void A_finished_items_changes_stand_as_decided()
    {
        var verdict = TemplateMigration.Check(Newborn(), Newborn().WithItem(BirthCert, i => i with { Department = "civil", CommittedDays = 1 }),
            State(new() { [BirthCert] = ItemState.Approved }, null));

        Assert.True(verdict.CanMove, Describe(verdict.Reasons));
    }

    [Fact]
    public void A_material_in_the_ledger_or_needed_only_by_started_items_does_not_stop_a_move()
    {
        // Needed only by birth-cert, which is running: it read its materials when it started.
        var onlyStarted = Newborn().AddMaterial(new MaterialDefinition("vaccineCard", "接种证", [BirthCert], Upload: new UploadRule(["application/pdf"], 1024)));
        var verdict = TemplateMigration.Check(Newborn(), onlyStarted, State(null, null));

        Assert.True(verdict.CanMove, Describe(verdict.Reasons));
        Assert.Contains(verdict.Changes, c => c.Code == "migration.material.added");
    }

    [Fact]
    public void A_material_needed_only_by_an_item_left_out_does_not_stop_a_move()
    {
        // The allowance is left out (its condition is false for these answers), so it will not read its material.
        var newer = Newborn().AddMaterial(new MaterialDefinition("bankCard", "银行卡", [Allowance], Upload: new UploadRule(["application/pdf"], 1024)));
        var leftOut = TemplateMigration.Check(Newborn(), newer, State(new() { [Allowance] = ItemState.NotIncluded }, null));
        leftOut.CanMove.ShouldBeTrue(Describe(leftOut.Reasons));

        // Waiting with its condition now false (a family of 2): not needed either; true (3): needed, and missing.
        var small = State(null, null) with { Answers = new Dictionary<string, string>(State(null, null).Answers) { ["familySize"] = "2" } };
        TemplateMigration.Check(Newborn(), newer, small).CanMove.ShouldBeTrue();
        TemplateMigration.Check(Newborn(), newer, State(null, null)).Reasons.ShouldContain(r => r.Code == "migration.material.missing");
    }

    // birth-cert running, the rest waiting; every material in the ledger but those named; answers for every field.
    static MigrationState State(Dictionary<string, ItemState>? states, string[]? dropped)
    {
        var items = Newborn().Items.ToDictionary(i => i.Key, i => i.Key == BirthCert ? ItemState.Running : ItemState.Waiting, StringComparer.Ordinal);
        foreach (var (key, state) in states ?? [])
        {
            items[key] = state;
        }

        var ledger = Newborn().Materials.Where(m => !(dropped ?? []).Contains(m.Key))
            .Select(m => new MaterialEntry(m.Key, m.Name, MaterialStatus.Uploaded, m.RequiredBy, "ref")).ToList();
        var answers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["childName"] = "王小明", ["hospital"] = "public", ["familySize"] = "3", ["wantsInsurance"] = "true",
        };
        return new MigrationState(items, answers, ledger);
    }
}
