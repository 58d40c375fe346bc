using Workflows.Cases;
using Workflows.Ratings;
using Workflows.Templates;
using Workflows.Tests.Templates;

namespace Workflows.Tests.Api;

/// <summary>
/// The exceptions whose message a 409 or 412 answers carry it in both languages (<see cref="ILocalMessage"/>): the
/// Chinese in Chinese, the English without Chinese, the exception's own message the English (logs).
/// </summary>
public class LocalMessageTests
{
    static bool Han(string s) => s.Any(c => c is >= '\u4e00' and <= '\u9fff');

    public static TheoryData<string> Cases() => [.. Thrown().Keys];

    static Dictionary<string, Exception> Thrown()
    {
        var draft = TemplateVersion.NewDraft(TemplateSamples.Newborn(), 1, DateTime.UnixEpoch, "admin:a");
        var published = draft with { Status = TemplateStatus.Published };
        return new()
        {
            ["edit a published version"] = Should.Throw<TemplateLifecycleException>(() => published.Edit(draft.Definition)),
            ["change the key"] = Should.Throw<TemplateLifecycleException>(() => draft.Edit(draft.Definition with { Key = "other" })),
            ["publish a published version"] = Should.Throw<TemplateLifecycleException>(() => published.Publish(DateTime.UnixEpoch, DateTime.UnixEpoch, null, BuiltInTemplates.Catalog)),
            ["validity ends before it starts"] = Should.Throw<TemplateLifecycleException>(() => draft.Publish(DateTime.UnixEpoch, DateTime.UnixEpoch.AddDays(2), DateTime.UnixEpoch.AddDays(1), BuiltInTemplates.Catalog)),
            ["retire a draft"] = Should.Throw<TemplateLifecycleException>(() => draft.Retire(DateTime.UnixEpoch)),
            ["template changed"] = new TemplateConcurrencyException(new LocalText("newborn v2 已被他人修改；请重新加载后再试。", "newborn v2 was changed by someone else; reload it and try again.")),
            ["case resolved"] = new CaseAlreadyResolvedException("case-1"),
            ["case open"] = new CaseAlreadyReportedException("case-1", open: true),
            ["case closed"] = new CaseAlreadyReportedException("case-1", open: false),
            ["rated already"] = new RatingAlreadyGivenException("app-1", "bundle"),
            ["not ended"] = new RatingTargetNotEndedException("birth-certificate", "running"),
            ["answered already"] = new FollowUpAlreadyAnsweredException("t-1"),
            ["no follow-up"] = new RatingNotFollowedUpException("app-1", "bundle"),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exception_ItsText_IsWholeInEachLanguage_AndItsMessageIsTheEnglish(string name)
    {
        var ex = Thrown()[name];
        var text = ex.ShouldBeAssignableTo<ILocalMessage>()!.Text;
        Han(text.Zh).ShouldBeTrue($"{name}: {text.Zh}");
        Han(text.En).ShouldBeFalse($"{name}: {text.En}");
        text.Zh.ShouldNotContain(" is ", Case.Sensitive, name);
        ex.Message.ShouldBe(text.En, name);
    }
}
