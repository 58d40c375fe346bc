using System.Security.Claims;
using Workflows.Api;

namespace Workflows.Tests.Ratings;

/// <summary>
/// Assisted filing and supervision are granted by exactly one <c>assist=true</c> / <c>supervisor=true</c> claim on an
/// officer of exactly one department, and by nothing else.
/// </summary>
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

    [Fact]
    public void From_SupervisorTrueOnce_IsSupervisor() =>
        Caller.From(Principal("officer", ("department", "hospital"), ("supervisor", "true")))!.Supervisor.ShouldBeTrue();

    [Theory]
    [InlineData("TRUE")]
    [InlineData("yes")]
    public void From_OtherSupervisorValue_IsNotSupervisor(string value) =>
        Caller.From(Principal("officer", ("department", "hospital"), ("supervisor", value)))!.Supervisor.ShouldBeFalse();

    [Fact]
    public void From_TwoSupervisorClaims_IsNotSupervisor() =>
        Caller.From(Principal("officer", ("department", "hospital"), ("supervisor", "true"), ("supervisor", "false")))!.Supervisor.ShouldBeFalse();

    [Fact]
    public void From_OfficerWithTwoDepartments_IsNobody() =>
        Caller.From(Principal("officer", ("department", "hospital"), ("department", "police"))).ShouldBeNull();

    static ClaimsPrincipal Principal(string role, params (string Type, string Value)[] extra) =>
        new(new ClaimsIdentity(
            [new Claim(ApiClaims.Subject, "someone"), new Claim(ApiClaims.Name, "某人"), new Claim(ApiClaims.Role, role), .. extra.Select(e => new Claim(e.Type, e.Value))],
            authenticationType: "test"));
}
