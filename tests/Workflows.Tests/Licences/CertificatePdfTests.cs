using System.Text;
using Workflows.Licences;

namespace Workflows.Tests.Licences;

/// <summary>
/// Certificates render as a PDF with its fonts embedded and every character, Chinese and Latin, drawn from them (no
/// boxes); a character neither font has is reported, not silently drawn as a box.
/// </summary>
public sealed class CertificatePdfTests
{
    static readonly CertificateContent Content = new(
        "出生医学证明", "出生医学证明", "王小明", "BC-2026-000123", "市第一人民医院", new DateOnly(2026, 11, 21), "ABCD2345EFGH6789");

    static CertificatePdf Renderer => new(new CertificateOptions());

    [Fact]
    public void Render_ChineseCertificate_EmbedsTheFontAndDrawsEveryCharacter()
    {
        Renderer.FontAvailable.ShouldBeTrue("Debian's fonts-droid-fallback is missing: ./test.sh installs it");

        var rendered = Renderer.Render(Content);

        rendered.MissingCharacters.ShouldBeEmpty();
        var text = Encoding.Latin1.GetString(rendered.Pdf);
        text.ShouldStartWith("%PDF-");
        text.ShouldContain("/FontFile2", Case.Sensitive, "the TrueType fonts are embedded");
        text.ShouldContain("Droid#20Sans#20Fallback");
        text.ShouldContain("DejaVu");
    }

    [Fact]
    public void Render_ACharacterTheFontLacks_IsReported()
    {
        // U+2A6D6 (CJK Extension B) is not in Droid Sans Fallback.
        var rendered = Renderer.Render(Content with { Holder = "王\U0002A6D6" });

        rendered.MissingCharacters.ShouldBe(["\U0002A6D6"]);
    }
}
