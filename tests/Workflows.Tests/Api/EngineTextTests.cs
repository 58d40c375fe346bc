using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.Tests.Api;

public class EngineTextTests
{
    static bool Han(string s) => s.Any(c => c is >= '\u4e00' and <= '\u9fff');

    [Theory]
    [InlineData(false, "部门已批准。", "Approved by the department.", "部门已批准。")]
    [InlineData(true, "部门已批准。", "Approved by the department.", "Approved by the department.")]
    [InlineData(true, "Approved by the department.", null, "Approved by the department.")] // an older row: as stored
    [InlineData(true, "材料齐全，同意。", null, "材料齐全，同意。")] // an officer's own words: as written
    [InlineData(true, "部门已批准。", " ", "部门已批准。")]
    [InlineData(false, null, null, null)]
    public void Pick_ByLanguage_TheEnglishWhenAskedAndStoredElseAsStored(bool english, string? text, string? en, string? expected) =>
        EngineText.Pick(text, en, english).ShouldBe(expected);

    [Theory]
    [InlineData("zh")]
    [InlineData("en")]
    public void ResponseOptions_AnItemView_AnswersOneReasonInTheLanguageAndNoEnglishMember(string language)
    {
        using var services = new ServiceCollection().ConfigureHttpJsonOptions(o => ApiJson.ConfigureResponses(o.SerializerOptions)).BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var item = new ItemView("k", "名称", "police", ItemState.NotIncluded, Reason: "纳入条件不成立。", ReasonEn: "Its inclusion condition does not hold.");
        try
        {
            ApiLanguage.Set(language);
            using var json = JsonDocument.Parse(JsonSerializer.Serialize(item, options));
            json.RootElement.TryGetProperty("reasonEn", out _).ShouldBeFalse(json.RootElement.ToString());
            json.RootElement.GetProperty("reason").GetString().ShouldBe(language == "en" ? "Its inclusion condition does not hold." : "纳入条件不成立。");
        }
        finally
        {
            ApiLanguage.Set(ApiLanguage.Zh);
        }
    }

    [Theory]
    [InlineData("zh")]
    [InlineData("en")]
    public void ResponseOptions_ATaskAndAnAuditEntry_AnswerTheNoteAndDetailInTheLanguageAndNoEnglishMember(string language)
    {
        using var services = new ServiceCollection().ConfigureHttpJsonOptions(o => ApiJson.ConfigureResponses(o.SerializerOptions)).BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var task = new Workflows.Tasks.TaskRecord("police", "t", Workflows.Tasks.TaskKind.Decision, "a", "k", "名称", "newborn", "p", "王芳",
            Workflows.Tasks.OfficerTaskStatus.Open, DateTime.UnixEpoch, DateTime.UnixEpoch, Note: "已补交：babyPhoto", NoteEn: "Supplied: babyPhoto");
        var entry = new Workflows.Audit.AuditEntry("a", "k:001", DateTime.UnixEpoch, "engine", "item.started", null, "Running", "截止 2026-12-01", "due 2026-12-01");
        var officerWords = task with { Note = "材料齐全，同意。", NoteEn = null };
        try
        {
            ApiLanguage.Set(language);
            var en = language == "en";
            foreach (var (json, member, expected) in new[]
            {
                (JsonSerializer.Serialize(task, options), "note", en ? "Supplied: babyPhoto" : "已补交：babyPhoto"),
                (JsonSerializer.Serialize(officerWords, options), "note", "材料齐全，同意。"),
                (JsonSerializer.Serialize(entry, options), "detail", en ? "due 2026-12-01" : "截止 2026-12-01"),
            })
            {
                using var document = JsonDocument.Parse(json);
                document.RootElement.GetProperty(member).GetString().ShouldBe(expected, json);
                document.RootElement.TryGetProperty(member + "En", out _).ShouldBeFalse(json);
            }
        }
        finally
        {
            ApiLanguage.Set(ApiLanguage.Zh);
        }
    }

    [Fact]
    public void StoredJson_AnItemView_KeepsBothLanguages()
    {
        var item = new ItemView("k", "名称", "police", ItemState.Approved, Reason: "部门已批准。", ReasonEn: "Approved by the department.");
        var options = Workflows.Storage.StoredJson.Options();
        JsonSerializer.Deserialize<ItemView>(JsonSerializer.Serialize(item, options), options).ShouldBe(item);
        // A row written before the English member reads as stored.
        var old = JsonSerializer.Serialize(item with { Reason = "Approved by the department.", ReasonEn = null }, options).Replace(",\"reasonEn\":null", "", StringComparison.Ordinal);
        old.ShouldNotContain("reasonEn");
        var read = JsonSerializer.Deserialize<ItemView>(old, options)!;
        read.ReasonEn.ShouldBeNull();
        EngineText.Pick(read.Reason, read.ReasonEn, inEnglish: true).ShouldBe("Approved by the department.");
    }

    [Fact]
    public void Decide_ARuleWithAnEnglishRationale_CarriesBoth_AndTheFallbackIsInBoth()
    {
        var rules = new RuleDecision([new DecisionRule("r", new FieldEquals("x", "1"), RuleOutcome.Approve, "x 为 1。", "x is 1.")], RuleOutcome.ReferToOfficer);
        var held = RuleEngine.Decide(rules, new EvaluationContext(new Dictionary<string, string> { ["x"] = "1" }, new HashSet<string>(), new Dictionary<string, IReadOnlyDictionary<string, string>>()));
        held.Rationale.ShouldBe("x 为 1。");
        held.RationaleEn.ShouldBe("x is 1.");
        var fallback = RuleEngine.Decide(rules, new EvaluationContext(new Dictionary<string, string>(), new HashSet<string>(), new Dictionary<string, IReadOnlyDictionary<string, string>>()));
        Han(fallback.Rationale).ShouldBeTrue();
        fallback.RationaleEn.ShouldBe(RuleEngine.NoRuleHeld);
    }

    [Fact]
    public void BuiltInTemplates_EveryRule_HasAChineseRationaleAndAnEnglishOneWithoutChinese()
    {
        var rules = BuiltInTemplates.All.SelectMany(t => t.Items).Select(i => i.Decision).OfType<RuleDecision>().SelectMany(d => d.Rules).ToList();
        rules.ShouldNotBeEmpty();
        rules.ShouldAllBe(r => r.RationaleEn != null && !Han(r.RationaleEn) && Han(r.Rationale) && !r.Rationale.Contains(" ("));
    }
}
