using System.Security.Claims;
using Workflows.Api;
using Workflows.Licences;

namespace Workflows.Tests.Input;

/// <summary>One safe id pattern at every entry, and blob paths that cannot leave their folder.</summary>
public sealed class IdentifiersTests
{
    public static TheoryData<string> Unsafe() =>
    [
        "", "../wfuploads", "..", "a..b", "a/b", "a\\b", "-lead", ".hidden", "a b", "a%2Fb", "a\u0000b", "a\u001bb", "王芳",
        new string('a', Identifiers.MaxLength + 1), "a?b", "a#b",
    ];

    [Theory]
    [InlineData("citizen-wang")]
    [InlineData("bad-0123456789abcdef")]
    [InlineData("91310115MA1K4L8X24")]
    [InlineData("a.b_c:d-e")]
    public void IsSafe_OrdinaryIds_AreSafe(string id) => Identifiers.IsSafe(id).ShouldBeTrue();

    [Fact]
    public void IsSafe_TheLongestId_IsSafe() => Identifiers.IsSafe(new string('a', Identifiers.MaxLength)).ShouldBeTrue();

    [Theory]
    [MemberData(nameof(Unsafe))]
    public void IsSafe_PathsControlsAndNonAscii_AreRefused(string id) => Identifiers.IsSafe(id).ShouldBeFalse();

    [Fact]
    public void IsSafe_Null_IsRefused() => Identifiers.IsSafe(null).ShouldBeFalse();

    [Theory]
    [MemberData(nameof(Unsafe))]
    public void BlobNameFor_AnUnsafeSegment_Throws(string id)
    {
        Should.Throw<ArgumentException>(() => LicenceRegistry.BlobNameFor(id, "birth-certificate", "BC-1"));
        Should.Throw<ArgumentException>(() => LicenceRegistry.BlobNameFor("citizen-wang", id, "BC-1"));
        Should.Throw<ArgumentException>(() => LicenceRegistry.BlobNameFor("citizen-wang", "birth-certificate", id));
    }

    [Fact]
    public void BlobNameFor_SafeSegments_StayInTheHoldersFolder() =>
        LicenceRegistry.BlobNameFor("citizen-wang", "birth-certificate", "BC-1A2B").ShouldBe("citizen-wang/birth-certificate/BC-1A2B.json");

    [Theory]
    [MemberData(nameof(Unsafe))]
    public void CallerFrom_ATokenWhoseSubjectIsNoSafeId_IsNoCaller(string subject)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ApiClaims.Subject, subject), new Claim(ApiClaims.Name, "x"), new Claim(ApiClaims.Role, "applicant"), new Claim(ApiClaims.ApplicantKind, "citizen")],
            "test"));

        Caller.From(principal).ShouldBeNull();
    }

    [Fact]
    public void CallerFrom_ASafeSubject_IsACaller()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ApiClaims.Subject, "citizen-wang"), new Claim(ApiClaims.Name, "王芳"), new Claim(ApiClaims.Role, "applicant"), new Claim(ApiClaims.ApplicantKind, "citizen")],
            "test"));

        Caller.From(principal).ShouldNotBeNull().Id.ShouldBe("citizen-wang");
    }
}
