using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Api;

namespace Workflows.Tests.Api;

/// <summary>Accept-Language picks Chinese (the default) or English for what people read, problems included.</summary>
public sealed class ApiLanguageTests
{
    [Theory]
    [InlineData(null, "zh")]
    [InlineData("", "zh")]
    [InlineData("en", "en")]
    [InlineData("en-US,en;q=0.9", "en")]
    [InlineData("zh-CN,zh;q=0.9,en;q=0.8", "zh")]
    [InlineData("fr-FR, en;q=0.5", "en")]
    [InlineData("en;q=0.5, zh;q=0.8", "zh")]
    [InlineData("en;q=0", "zh")]
    [InlineData("fr", "zh")]
    [InlineData("*", "zh")]
    [InlineData("not a ; header ;;", "zh")]
    public void From_AcceptLanguage_PicksZhOrEn(string? header, string expected) => ApiLanguage.From(header).ShouldBe(expected);

    [Fact]
    public void Problems_InEachLanguage_AreWholeInThatLanguage()
    {
        try
        {
            ApiLanguage.Set(ApiLanguage.En);
            var en = ApiProblems.NotFound("application").ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
            (en.Title, en.Detail).ShouldBe(("Not found.", "No application with that id is visible to you."));

            ApiLanguage.Set(ApiLanguage.Zh);
            var zh = ApiProblems.NotFound("application").ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
            zh.Title.ShouldBe("未找到");
            zh.Detail!.ShouldNotContain("visible");
            var invalid = ApiProblems.Invalid(new ApiError("answers.babyName", "field.required", "Give an answer.")).ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
            invalid.Title.ShouldBe("请求无效");
            invalid.Detail!.ShouldNotContain("Give an answer");
            // A problem whose caller said it in English only keeps its code, with the status's Chinese title.
            var conflict = ApiProblems.Conflict("task.closed", "The task is closed.").ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
            conflict.Title.ShouldBe("与当前状态冲突");
            conflict.Extensions["code"].ShouldBe("task.closed");
        }
        finally
        {
            ApiLanguage.Set(ApiLanguage.Zh);
        }
    }
}

/// <summary>Texts that used to say both languages in one string now say one, whole.</summary>
public sealed class UnmixedTextTests
{
    [Theory]
    [InlineData("zh")]
    [InlineData("en")]
    public async Task StorageUnavailable_InEachLanguage_IsWholeInThatLanguage(string language)
    {
        try
        {
            ApiLanguage.Set(language);
            var result = StorageFaults.Problem();
            using var services = new ServiceCollection().AddLogging()
                .ConfigureHttpJsonOptions(o => ApiJson.ConfigureResponses(o.SerializerOptions)).BuildServiceProvider();
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = services };
            using var body = new MemoryStream();
            context.Response.Body = body;
            await result.ExecuteAsync(context);
            using var problem = System.Text.Json.JsonDocument.Parse(body.ToArray());
            var title = problem.RootElement.GetProperty("title").GetString()!;
            var detail = problem.RootElement.GetProperty("detail").GetString()!;
            var han = (string s) => s.Any(c => c is >= '\u4e00' and <= '\u9fff');
            var latin = (string s) => s.Any(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z'));
            if (language == "en")
            {
                (han(title) || han(detail)).ShouldBeFalse($"{title} / {detail}");
                title.ShouldBe("Storage unavailable");
            }
            else
            {
                (latin(title) || latin(detail)).ShouldBeFalse($"{title} / {detail}");
                title.ShouldBe("存储暂不可用");
            }

            context.Response.Headers.RetryAfter.ToString().ShouldNotBeEmpty();
        }
        finally
        {
            ApiLanguage.Set(ApiLanguage.Zh);
        }
    }
}
