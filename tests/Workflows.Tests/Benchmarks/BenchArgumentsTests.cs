using Workflows.Benchmarks;

namespace Workflows.Tests.Benchmarks;

/// <summary>
/// The bench's command line for the parts of issue 19: the measure on growing stores (<c>--growth</c> alone, <c>--levels</c>
/// with it), the officer-decided bundles (<c>--officers</c> alone) and one engine host against two (<c>--hosts</c> alone).
/// </summary>
public sealed class BenchArgumentsTests
{
    [Fact]
    public void Growth_Alone_DefaultLevels()
    {
        BenchArguments.TryParse(["--growth"], out var parsed, out var error).ShouldBeTrue(error);
        parsed.Growth.ShouldBeTrue();
        parsed.Levels.ShouldBeNull();
        parsed.Quick.ShouldBeFalse();
    }

    [Fact]
    public void Growth_WithLevelsQuickAndOut_AllTaken()
    {
        BenchArguments.TryParse(["--growth", "--levels", "0,10000,50000", "--quick", "--out", "x.md"], out var parsed, out var error).ShouldBeTrue(error);
        parsed.Levels.ShouldBe([0, 10_000, 50_000]);
        parsed.Quick.ShouldBeTrue();
        parsed.Out.ShouldBe("x.md");
    }

    [Theory]
    [InlineData("--growth", "--portal")]
    [InlineData("--growth", "--backlog")]
    [InlineData("--simulation", "--growth")]
    [InlineData("--growth", "--http-only")]
    public void Growth_WithAnotherPart_Refused(string first, string second)
    {
        BenchArguments.TryParse([first, second], out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("10000,0")]
    [InlineData("0,0")]
    [InlineData("-1,5")]
    [InlineData("a,b")]
    [InlineData("")]
    [InlineData("0,,5")]
    public void Levels_NotRisingNumbers_Refused(string levels)
    {
        BenchArguments.TryParse(["--growth", "--levels", levels], out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
    }

    [Fact]
    public void Levels_WithoutGrowth_Refused()
    {
        BenchArguments.TryParse(["--levels", "0,10"], out _, out var error).ShouldBeFalse();
        error!.ShouldContain("--growth");
    }

    [Fact]
    public void Levels_Missing_Refused() => BenchArguments.TryParse(["--growth", "--levels"], out _, out _).ShouldBeFalse();

    [Fact]
    public void Officers_WithQuickAndOut_AllTaken()
    {
        BenchArguments.TryParse(["--officers", "--quick", "--out", "/tmp/officers.md"], out var parsed, out var error).ShouldBeTrue(error);
        (parsed.Officers, parsed.Quick, parsed.Out, parsed.Bundles).ShouldBe((true, true, "/tmp/officers.md", false));
    }

    [Fact]
    public void Officers_NotAsked_False() =>
        (BenchArguments.TryParse(["--bundles"], out var parsed, out _) && !parsed.Officers).ShouldBeTrue();

    [Theory]
    [InlineData("--officers", "--bundles")]
    [InlineData("--growth", "--officers")]
    [InlineData("--officers", "--designer")]
    [InlineData("--portal", "--officers")]
    [InlineData("--officers", "--http-only")]
    public void Officers_WithAnotherPart_Refused(string first, string second)
    {
        BenchArguments.TryParse([first, second], out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
    }

    [Fact]
    public void Usage_NamesOfficers() => BenchArguments.Usage.ShouldContain("--officers");

    [Fact]
    public void Hosts_WithQuickAndOut_AllTaken()
    {
        BenchArguments.TryParse(["--hosts", "--quick", "--out", "/tmp/hosts.md"], out var parsed, out var error).ShouldBeTrue(error);
        (parsed.Hosts, parsed.Quick, parsed.Out, parsed.Bundles, parsed.Officers).ShouldBe((true, true, "/tmp/hosts.md", false, false));
    }

    [Fact]
    public void Hosts_NotAsked_False() =>
        (BenchArguments.TryParse(["--officers"], out var parsed, out _) && !parsed.Hosts).ShouldBeTrue();

    [Theory]
    [InlineData("--hosts", "--bundles")]
    [InlineData("--officers", "--hosts")]
    [InlineData("--hosts", "--growth")]
    [InlineData("--portal", "--hosts")]
    [InlineData("--hosts", "--http-only")]
    public void Hosts_WithAnotherPart_Refused(string first, string second)
    {
        BenchArguments.TryParse([first, second], out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
    }

    [Fact]
    public void Usage_NamesHosts() => BenchArguments.Usage.ShouldContain("--hosts");
}
