using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Api;
using Workflows.Applications;
using Workflows.Notifications;
using Workflows.Templates;

namespace Workflows.Tests.Api;

/// <summary>
/// Each text said in Chinese and English is picked whole by the request's language (Chinese by default): located
/// errors, problem details, submission and template problems, notifications; a text from before there was English is
/// shown as it was stored.
/// </summary>
public sealed class BilingualTextTests
{
    [Theory]
    [InlineData(ApiLanguage.Zh, "请给出申请人姓名。")]
    [InlineData(ApiLanguage.En, "Give the applicant's name.")]
    public void ApiError_ZhAndEn_PicksTheRequestsLanguage(string language, string expected) =>
        In(language, () => new ApiError("applicantName", "field.required", "请给出申请人姓名。", "Give the applicant's name.").Message).ShouldBe(expected);

    [Fact]
    public void ApiError_NoRequest_Chinese() =>
        new ApiError("f", "c", "中文", "English").Message.ShouldBe("中文");

    [Theory]
    [InlineData(ApiLanguage.Zh, "与当前状态冲突", "任务已关闭。")]
    [InlineData(ApiLanguage.En, "Conflict with the current state.", "The task is closed.")]
    public void Conflict_ZhAndEn_TitleAndDetailInOneLanguage(string language, string title, string detail)
    {
        var problem = In(language, () => ApiProblems.Conflict("task.closed", "任务已关闭。", "The task is closed.").ShouldBeOfType<ProblemHttpResult>().ProblemDetails);

        (problem.Title, problem.Detail).ShouldBe((title, detail));
        problem.Extensions["code"].ShouldBe("task.closed");
    }

    [Theory]
    [InlineData(ApiLanguage.Zh, "没有您可查看的该编号的申请。")]
    [InlineData(ApiLanguage.En, "No application with that id is visible to you.")]
    public void NotFound_AKnownThing_NamedInTheRequestsLanguage(string language, string detail) =>
        In(language, () => ApiProblems.NotFound("application").ShouldBeOfType<ProblemHttpResult>().ProblemDetails.Detail).ShouldBe(detail);

    [Fact]
    public void SubmissionProblem_OldOneWithoutEnglish_ShowsItsOneTextInEither()
    {
        var old = new SubmissionProblem("answers.x", "answer.required", "X is required.");
        var both = SubmissionProblem.Of("answers.x", "answer.required", "X为必填项。", "X is required.");

        In(ApiLanguage.En, () => old.ToApiError().Message).ShouldBe("X is required.");
        In(ApiLanguage.Zh, () => old.ToApiError().Message).ShouldBe("X is required.");
        In(ApiLanguage.En, () => both.ToApiError().Message).ShouldBe("X is required.");
        In(ApiLanguage.Zh, () => both.ToApiError().Message).ShouldBe("X为必填项。");
    }

    [Fact]
    public void TemplateProblem_Localized_OneMessageInTheRequestsLanguage()
    {
        var problem = new TemplateProblem("$.name", "template.name", "The template needs a name.", "模板需要名称。");

        In(ApiLanguage.Zh, problem.Localized).ShouldBe(new TemplateProblem("$.name", "template.name", "模板需要名称。"));
        In(ApiLanguage.En, problem.Localized).ShouldBe(new TemplateProblem("$.name", "template.name", "The template needs a name."));
        // One without Chinese (none is left, but a caller may make one) reads in English rather than not at all.
        In(ApiLanguage.Zh, () => new TemplateProblem("$", "x", "English only.").Localized().Message).ShouldBe("English only.");
    }

    [Fact]
    public void TemplateValidator_EveryProblemOfABadTemplate_SaysItInChineseAndEnglish()
    {
        var bad = new BundleTemplate("X", "", "", ApplicantKind.Citizen, 0, [], [], [], NameEn: " ");

        var problems = TemplateValidator.Validate(bad, BuiltInTemplates.Catalog);

        problems.Count.ShouldBeGreaterThanOrEqualTo(4);
        problems.ShouldAllBe(p => p.MessageZh != null && p.MessageZh.Any(c => c >= '\u4e00' && c <= '\u9fff'));
        problems.ShouldAllBe(p => !p.Message.Any(c => c >= '\u3000' && c <= '\u9fff'));
    }

    [Fact]
    public void Notification_BothLanguages_PickedWholeAndSentChineseFirst()
    {
        var n = Notification.Of("a:1", RecipientKind.Applicant, "c", NotificationTopics.Accepted, new("已受理", "Accepted"), new("正文", "Body"), DateTime.UnixEpoch);

        (n.TitleIn(english: false), n.BodyIn(english: false)).ShouldBe(("已受理", "正文"));
        (n.TitleIn(english: true), n.BodyIn(english: true)).ShouldBe(("Accepted", "Body"));
        n.BothTitle().ShouldBe("已受理 / Accepted");
        n.BothBody().ShouldBe("正文" + Notification.BodySeparator + "Body");
    }

    [Fact]
    public void Notification_StoredBeforeEnglish_ShownAsStoredInEitherLanguageAndSentAsItIs()
    {
        var old = new Notification("a:1", RecipientKind.Applicant, "c", NotificationTopics.Accepted, "申请已受理 Application accepted", "Your application was accepted.", DateTime.UnixEpoch);

        old.TitleIn(english: true).ShouldBe("申请已受理 Application accepted");
        old.TitleIn(english: false).ShouldBe("申请已受理 Application accepted");
        old.BothTitle().ShouldBe(old.Title);
        old.BothBody().ShouldBe(old.Body);
    }

    static T In<T>(string language, Func<T> read)
    {
        try
        {
            ApiLanguage.Set(language);
            return read();
        }
        finally
        {
            ApiLanguage.Set(ApiLanguage.Zh);
        }
    }
}
