using System.Text;
using Workflows.Portal.Admin;

namespace Workflows.Tests.Figures;

/// <summary>The figures page's CSV: Excel opens it as it is (UTF-8 with a BOM, CRLF), one line per month and the total.</summary>
public sealed class FiguresCsvTests
{
    static readonly string[] Header = ["月份", "申请数", "全部办结数", "办结率（%）", "按时办结率（%）", "平均实际用时（工作日）", "各事项时限之和（工作日，平均）",
        "时间压缩（%）", "所需材料", "实际上传", "材料减免率（%）", "规则秒批占比（%）", "平均评价（1–5）"];

    static FigureRow Month(string label) => new(label, 3, 2, 2d / 3, 0.5, 2.25, 30, 1 - (2.25 / 30), 12, 4, 1 - (4d / 12), 0.125, 4.5);

    static FigureRow Empty(string label) => new(label, 0, 0, null, null, null, null, null, 0, 0, null, null, null);

    [Fact]
    public void Write_StartsWithTheBom_HeaderInTheReadersLanguage_OneLinePerRow()
    {
        var bytes = FiguresCsv.Write(Header, [Month("2026-11"), Empty("2026-12"), Month("合计")]);

        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        text.ShouldEndWith("\r\n");
        var lines = text.Split("\r\n")[..^1];
        lines.Length.ShouldBe(4);
        lines[0].ShouldBe(string.Join(',', Header));
        lines[1].ShouldBe("2026-11,3,2,66.7,50.0,2.3,30.0,92.5,12,4,66.7,12.5,4.50");
        lines[2].ShouldBe("2026-12,0,0,,,,,,0,0,,,", "a month without applications has no rates");
        lines[3].ShouldStartWith("合计,3,2,");
    }

    [Fact]
    public void Write_QuotesCellsWithCommasOrQuotes_AndDefusesFormulas()
    {
        var bytes = FiguresCsv.Write(["Month, as yyyy-MM", "Say \"hi\"", "=SUM(A1)"], [Empty("-bad"), Month("@x")]);

        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n");
        lines[0].ShouldBe("\"Month, as yyyy-MM\",\"Say \"\"hi\"\"\",'=SUM(A1)");
        lines[1].ShouldStartWith("'-bad,0,");
        lines[2].ShouldStartWith("'@x,3,");
    }

    [Fact]
    public void Cells_FollowTheColumns_NegativeCompressionStaysANumber()
    {
        var late = Month("2026-10") with { TimeCompression = -0.25 };

        late.Cells().Count.ShouldBe(FigureColumns.Keys.Count);
        late.Cells()[FigureColumns.Keys.ToList().IndexOf("TimeCompression")].ShouldBe("-25.0");
        Encoding.UTF8.GetString(FiguresCsv.Write(["a"], [late])).ShouldContain(",-25.0,");
    }

    [Theory]
    [InlineData(new double[] { }, 1)]
    [InlineData(new double[] { 0 }, 1)]
    [InlineData(new double[] { 3, 4 }, 5)]
    [InlineData(new double[] { 7 }, 10)]
    [InlineData(new double[] { 10 }, 10)]
    [InlineData(new double[] { 11 }, 20)]
    [InlineData(new double[] { 0.3 }, 0.5)]
    [InlineData(new double[] { 140 }, 200)]
    public void ChartScale_TopIsARoundNumberAtOrAboveTheLargest(double[] values, double top) =>
        ChartScale.Top(values.Select(v => (double?)v)).ShouldBe(top, 1e-9);
}
