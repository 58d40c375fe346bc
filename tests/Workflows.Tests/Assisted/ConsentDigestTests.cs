using System.Text.Json;
using Workflows.Applications;
using Workflows.Assisted;
using Workflows.Templates;

namespace Workflows.Tests.Assisted;

/// <summary>
/// The digest of a consent request covers everything a confirmation files and who asked for it: any change after
/// filing gives another digest, and the order answers were sent in does not.
/// </summary>
public sealed class ConsentDigestTests
{
    static readonly DateTime Filed = new(2026, 11, 25, 9, 30, 0, DateTimeKind.Utc);

    static readonly ConsentRequest Request = new(
        "con-0123456789abcdef0123456789abcdef", "citizen-wang", ApplicantKind.Citizen, "helper-hall", "帮办员", "service-hall",
        Filed, Filed.AddDays(7), "newborn", Answers("""{"babyName":"王小明","babySex":"male"}"""),
        [new MaterialProvision("babyPhoto", ProvisionKind.Upload, "citizen-wang/babyPhoto/1")], string.Empty);

    public static TheoryData<string> Changes() => ["answer", "answer added", "applicant", "kind", "helper", "hall", "filed", "expires", "template", "material"];

    [Fact]
    public void Digest_AnswersInAnotherOrder_IsTheSame() =>
        ConsentStore.Digest(Request with { Answers = Answers("""{"babySex":"male","babyName":"王小明"}""") }).ShouldBe(ConsentStore.Digest(Request));

    [Theory]
    [MemberData(nameof(Changes))]
    public void Digest_AnyFieldChanged_Differs(string change)
    {
        var changed = change switch
        {
            "answer" => Request with { Answers = Answers("""{"babyName":"张三","babySex":"male"}""") },
            "answer added" => Request with { Answers = Answers("""{"babyName":"王小明","babySex":"male","x":1}""") },
            "applicant" => Request with { ApplicantId = "citizen-li" },
            "kind" => Request with { ApplicantKind = ApplicantKind.Company },
            "helper" => Request with { HelperId = "helper-other" },
            "hall" => Request with { Hall = "hospital" },
            "filed" => Request with { FiledAt = Filed.AddSeconds(1) },
            "expires" => Request with { ExpiresAt = Filed.AddDays(70) },
            "template" => Request with { TemplateKey = "company-opening" },
            _ => Request with { Materials = [new MaterialProvision("babyPhoto", ProvisionKind.Upload, "citizen-wang/babyPhoto/2")] },
        };

        ConsentStore.Digest(changed).ShouldNotBe(ConsentStore.Digest(Request), change);
    }

    [Fact]
    public void ApplicationId_OfAConsent_NamesItBack()
    {
        var applicationId = ConsentStore.ApplicationIdOf(Request.ConsentId);

        applicationId.ShouldBe("ast-0123456789abcdef0123456789abcdef");
        ConsentStore.ConsentIdOf(applicationId).ShouldBe(Request.ConsentId);
    }

    [Theory]
    [InlineData("app-0123456789abcdef0123456789abcdef")]
    [InlineData("pro-0123456789abcdef0123456789abcdef")]
    [InlineData("ast-../wfuploads")]
    [InlineData("ast-0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("ast-")]
    public void ConsentIdOf_AnyOtherApplication_IsNull(string applicationId) => ConsentStore.ConsentIdOf(applicationId).ShouldBeNull();

    static Dictionary<string, JsonElement> Answers(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
