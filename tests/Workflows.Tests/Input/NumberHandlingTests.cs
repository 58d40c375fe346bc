using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Api;
using Workflows.Ratings;

namespace Workflows.Tests.Input;

/// <summary>
/// Numbers in request and response bodies are JSON numbers, as the OpenAPI document says: the web defaults also read
/// "5" as 5, which made the document type every number "integer or string".
/// </summary>
public sealed class NumberHandlingTests
{
    [Fact]
    public void Parse_AScoreSentAsText_IsRefusedNamingTheField()
    {
        var (value, problem) = ApiJson.Parse<RatingRequest>("""{"score":"5"}"""u8);

        value.ShouldBeNull();
        var details = problem.ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
        details.Status.ShouldBe(400);
        details.Extensions["errors"].ShouldBeAssignableTo<IReadOnlyList<ApiError>>()!.ShouldHaveSingleItem().Field.ShouldBe("score");
    }

    [Fact]
    public void Parse_AScoreSentAsANumber_IsRead() =>
        ApiJson.Parse<RatingRequest>("""{"score":5}"""u8).Value!.Score.ShouldBe(5);

    [Fact]
    public void ConfigureResponses_HostOptions_ReadAndWriteNumbersOnly()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.ConfigureResponses(options);

        options.NumberHandling.ShouldBe(System.Text.Json.Serialization.JsonNumberHandling.Strict);
        ApiJson.ResponseOptions.NumberHandling.ShouldBe(System.Text.Json.Serialization.JsonNumberHandling.Strict);
    }
}
