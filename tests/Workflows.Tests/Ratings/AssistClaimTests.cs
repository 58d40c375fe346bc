using System.Security.Claims;
using Workflows.Api;

namespace Workflows.Tests.Ratings;

/// <summary>Assisted filing is granted by exactly one <c>assist=true</c> claim on an officer, and by nothing else.</summary>
public sealed class AssistClaimTests
{
    [Fact]
    public void From_OfficerWithAssistTrue_CanAssist() =>
        Caller.From(Principal("officer", ("department", "service-hall"), ("assist", "true")))!.CanAssist.ShouldBeTrue();

    [Theory]
    [InlineData("TRUE")]
    [InlineData("1")]
    [InlineData("")]
    public void From_OfficerWithOtherAssistValue_CannotAssist(string value) =>
        Caller.From(Principal("officer", ("department", "service-hall"), ("assist", value)))!.CanAssist.ShouldBeFalse();

    [Fact]
    public void From_TwoAssistClaims_CannotAssist() =>
        Caller.From(Principal("officer", ("department", "hospital"), ("assist", "true"), ("assist", "false")))!.CanAssist.ShouldBeFalse();

    [Fact]
    public void From_ApplicantWithAssistClaim_CannotAssist() =>
        Caller.From(Principal("applicant", ("applicant_kind", "citizen"), ("assist", "true")))!.CanAssist.ShouldBeFalse();

    static ClaimsPrincipal Principal(string role, params (string Type, string Value)[] extra) =>
        new(new ClaimsIdentity(
            [new Claim(ApiClaims.Subject, "someone"), new Claim(ApiClaims.Name, "某人"), new Claim(ApiClaims.Role, role), .. extra.Select(e => new Claim(e.Type, e.Value))],
            authenticationType: "test"));
}
