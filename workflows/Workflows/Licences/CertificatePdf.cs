using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Workflows.Licences;

/// <summary>Where the certificates' CJK font comes from, bound from <c>Certificates</c>.</summary>
public sealed class CertificateOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Certificates";

    /// <summary>The font file's name where Debian's fonts-droid-fallback puts it, and where the Functions package carries it.</summary>
    public const string DefaultFontName = "DroidSansFallbackFull.ttf";

    /// <summary>
    /// A TrueType font with Chinese glyphs, embedded (as a subset) in every certificate; null looks for
    /// <see cref="DefaultFontName"/> beside the app (<c>fonts/</c>, as the Functions package ships it), then where Debian's
    /// fonts-droid-fallback (installed by run.sh and test.sh) puts it. A plain TrueType file, which PDFsharp embeds,
    /// unlike the CFF outlines of Noto CJK.
    /// </summary>
    public string? FontFile { get; set; }

    /// <summary>The Latin font's file name where Debian's fonts-dejavu-core puts it, and where the Functions package carries it.</summary>
    public const string DefaultLatinFontName = "DejaVuSans.ttf";

    /// <summary>
    /// A TrueType font for Latin letters, digits and punctuation, which the CJK font (a fallback font) has none of; null
    /// looks for <see cref="DefaultLatinFontName"/> as for <see cref="FontFile"/> (Debian's fonts-dejavu-core).
    /// </summary>
    public string? LatinFontFile { get; set; }

    /// <summary>The CJK font file to use: <see cref="FontFile"/>, or the first default that exists.</summary>
    /// <returns>The path (which may not exist).</returns>
    public string ResolveFontFile() => Resolve(FontFile, DefaultFontName, "/usr/share/fonts/truetype/droid");

    /// <summary>The Latin font file to use: <see cref="LatinFontFile"/>, or the first default that exists.</summary>
    /// <returns>The path (which may not exist).</returns>
    public string ResolveLatinFontFile() => Resolve(LatinFontFile, DefaultLatinFontName, "/usr/share/fonts/truetype/dejavu");

    static string Resolve(string? configured, string name, string debianFolder)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        string[] candidates = [Path.Combine(AppContext.BaseDirectory, "fonts", name), Path.Combine(debianFolder, name)];
        return candidates.FirstOrDefault(File.Exists) ?? candidates[^1];
    }
}

/// <summary>What a certificate shows.</summary>
/// <param name="LicenceName">The licence's name, e.g. 出生医学证明.</param>
/// <param name="LicenceTypeName">The catalog's name of its type.</param>
/// <param name="Holder">The holder's name.</param>
/// <param name="Number">The certificate's number.</param>
/// <param name="Issuer">The issuing department's name.</param>
/// <param name="IssuedOn">The date of issue (China time).</param>
/// <param name="VerificationCode">The code the public route checks.</param>
public sealed record CertificateContent(string LicenceName, string LicenceTypeName, string Holder, string Number, string Issuer, DateOnly IssuedOn, string VerificationCode);

/// <summary>A rendered certificate.</summary>
/// <param name="Pdf">The PDF.</param>
/// <param name="MissingCharacters">Characters neither font has a glyph for (drawn as boxes); empty when every one has.</param>
public sealed record RenderedCertificate(byte[] Pdf, IReadOnlyList<string> MissingCharacters);

/// <summary>
/// Renders a certificate as a one-page A4 PDF a person recognises: the licence's name, the holder, the number, the
/// issuer, the date and the verification code, in Chinese with English labels. Two fonts are embedded (as subsets), so
/// it reads the same on any device: the CJK one for Chinese, a Latin one for letters and digits (the CJK font is a
/// fallback font without them); characters neither has are reported, not silently drawn as boxes.
/// </summary>
public sealed class CertificatePdf
{
    /// <summary>The family name the font resolver answers with the CJK font.</summary>
    public const string CjkFamily = "Workflows CJK";

    /// <summary>The family name the font resolver answers with the Latin font.</summary>
    public const string LatinFamily = "Workflows Latin";

    static readonly Lock Gate = new();
    static FileFontResolver? resolver;

    readonly string cjkFile;
    readonly string latinFile;

    /// <summary>Creates the renderer.</summary>
    /// <param name="options">Where the fonts are.</param>
    public CertificatePdf(CertificateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        cjkFile = options.ResolveFontFile();
        latinFile = options.ResolveLatinFontFile();
    }

    /// <summary>Whether both font files are there (without them nothing is rendered).</summary>
    public bool FontAvailable => File.Exists(cjkFile) && File.Exists(latinFile);

    /// <summary>Renders a certificate.</summary>
    /// <param name="content">What it shows.</param>
    /// <returns>The PDF and the characters the fonts could not draw.</returns>
    /// <exception cref="FileNotFoundException">A font file is not there.</exception>
    public RenderedCertificate Render(CertificateContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        EnsureResolver();
        using var document = new PdfDocument();
        document.Info.Title = $"{content.LicenceName} {content.Number}";
        document.Info.Creator = "Workflows";
        var issued = content.IssuedOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        document.Info.CreationDate = issued;
        document.Info.ModificationDate = issued;
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        document.RenderEvents.RenderTextEvent += (_, e) =>
        {
            foreach (var pair in e.CodePointGlyphIndexPairs)
            {
                if (pair.GlyphIndex == 0 && pair.CodePoint > ' ')
                {
                    missing.Add(char.ConvertFromUtf32(pair.CodePoint));
                }
            }
        };

        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            Draw(gfx, page.Width.Point, page.Height.Point, content);
        }

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return new RenderedCertificate(stream.ToArray(), [.. missing]);
    }

    static void Draw(XGraphics gfx, double width, double height, CertificateContent c)
    {
        var crimson = XColor.FromArgb(178, 34, 34);
        var red = new XSolidBrush(crimson);

        // A double frame, as printed certificates have.
        gfx.DrawRectangle(new XPen(crimson, 3), 36, 36, width - 72, height - 72);
        gfx.DrawRectangle(new XPen(crimson, 0.8), 44, 44, width - 88, height - 88);

        Centered(gfx, c.LicenceName, 28, red, width, 120);
        Centered(gfx, "电子证照  Electronic certificate", 12, XBrushes.DimGray, width, 150);

        var rows = new (string Label, string Value)[]
        {
            ("持证人  Holder", c.Holder),
            ("证照名称  Licence", c.LicenceTypeName == c.LicenceName ? c.LicenceName : $"{c.LicenceName}（{c.LicenceTypeName}）"),
            ("证照编号  Number", c.Number),
            ("发证机关  Issued by", c.Issuer),
            ("签发日期  Issued on", $"{c.IssuedOn.Year}年{c.IssuedOn.Month}月{c.IssuedOn.Day}日  {c.IssuedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"),
        };
        var y = 220.0;
        foreach (var (name, text) in rows)
        {
            Mixed(gfx, name, 11, XBrushes.DimGray, 90, y);
            Mixed(gfx, text, 15, XBrushes.Black, 230, y);
            y += 42;
        }

        y += 30;
        gfx.DrawLine(new XPen(XColors.LightGray, 0.8), 90, y - 22, width - 90, y - 22);
        Mixed(gfx, "核验码  Verification code", 11, XBrushes.DimGray, 90, y);
        Mixed(gfx, c.VerificationCode, 18, red, 230, y);
        Mixed(gfx, $"任何人可核验，无需登录：GET /api/certificates/{c.VerificationCode}", 10, XBrushes.DimGray, 90, y + 30);
        Mixed(gfx, "Anyone may check it at that address without signing in.", 10, XBrushes.DimGray, 90, y + 46);
    }

    static void Centered(XGraphics gfx, string text, double size, XBrush brush, double width, double baseline) =>
        Mixed(gfx, text, size, brush, (width - Measure(gfx, text, size)) / 2, baseline);

    // Draws text run by run, each in the font that has its script, on one baseline.
    static double Mixed(XGraphics gfx, string text, double size, XBrush brush, double x, double baseline)
    {
        foreach (var (run, font) in Runs(text, size))
        {
            gfx.DrawString(run, font, brush, new XPoint(x, baseline));
            x += gfx.MeasureString(run, font).Width;
        }

        return x;
    }

    static double Measure(XGraphics gfx, string text, double size) => Runs(text, size).Sum(r => gfx.MeasureString(r.Text, r.Font).Width);

    static IEnumerable<(string Text, XFont Font)> Runs(string text, double size)
    {
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode, PdfFontEmbedding.TryComputeSubset);
        var cjk = new XFont(CjkFamily, size, XFontStyleEx.Regular, options);
        var latin = new XFont(LatinFamily, size, XFontStyleEx.Regular, options);
        var start = 0;
        var i = 0;
        bool? current = null;
        while (i < text.Length)
        {
            var rune = System.Text.Rune.GetRuneAt(text, i);
            var isCjk = IsCjk(rune.Value);
            if (current is { } c && c != isCjk)
            {
                yield return (text[start..i], c ? cjk : latin);
                start = i;
            }

            current = isCjk;
            i += rune.Utf16SequenceLength;
        }

        if (current is { } last)
        {
            yield return (text[start..], last ? cjk : latin);
        }
    }

    // CJK scripts, their punctuation and full-width forms; everything else is the Latin font's.
    static bool IsCjk(int codePoint) => codePoint is >= 0x2E80 and <= 0x9FFF or >= 0xF900 and <= 0xFAFF or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFFEF or >= 0x20000;

    void EnsureResolver()
    {
        // PDFsharp's font resolver is process-wide and may be set once; every renderer shares the first font files.
        lock (Gate)
        {
            if (resolver is null)
            {
                resolver = new FileFontResolver(cjkFile, latinFile);
                GlobalFontSettings.FontResolver = resolver;
            }
        }

        resolver.Load();
    }

    sealed class FileFontResolver(string cjkPath, string latinPath) : IFontResolver
    {
        byte[]? cjk;
        byte[]? latin;

        public void Load()
        {
            cjk ??= File.ReadAllBytes(cjkPath);
            latin ??= File.ReadAllBytes(latinPath);
        }

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => familyName switch
        {
            CjkFamily => new FontResolverInfo("workflows-cjk"),
            LatinFamily => new FontResolverInfo("workflows-latin"),
            _ => null,
        };

        public byte[]? GetFont(string faceName) => faceName switch
        {
            "workflows-cjk" => cjk ??= File.ReadAllBytes(cjkPath),
            "workflows-latin" => latin ??= File.ReadAllBytes(latinPath),
            _ => null,
        };
    }
}
