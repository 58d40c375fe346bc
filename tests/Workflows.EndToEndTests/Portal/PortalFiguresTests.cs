using System.Globalization;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Workflows.Figures;
using static Microsoft.Playwright.Assertions;

namespace Workflows.EndToEndTests.Portal;

/// <summary>
/// The studio's figures (issue 17): after a template's applications finish, the administrator chooses it and the
/// period, sees each figure as a chart with its numbers in a table that match the API's months, and downloads the same
/// numbers as a CSV Excel reads (a BOM, the header in the reader's language, one line per month and the total).
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class PortalFiguresTests(ServerFixture server)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FiguresAfterApplicationsFinish_TablesMatchTheApi_CsvDownloads(bool english)
    {
        // Four company registrations, decided by rules, finished.
        var (key, _, _, _) = await SimulationHttpTests.FileAndDraftAsync(server);
        var thisMonth = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var lastMonth = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var report = await WaitForFiguresAsync(server, key, lastMonth, thisMonth, 4);
        report.Months.ShouldNotBeNull().Select(m => m.Month).ShouldBe([lastMonth, thisMonth]);
        var now = report.Months.Single(m => m.Month == thisMonth).Figures;

        await using var browser = await PortalBrowser.StartAsync(server.BaseAddress);
        var admin = await PortalAdminTests.NewAdminPageAsync(browser, server, PortalBrowser.Desktop, english);
        await admin.GotoAsync("notifications");
        await admin.Locator("#nav-admin-figures").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(english ? "Figures" : "办件数据");

        await admin.GetByLabel(english ? "Template" : "模板", new() { Exact = true }).SelectOptionAsync(key);
        await admin.Locator("#f-from").FillAsync(lastMonth);
        await admin.Locator("#f-to").FillAsync(thisMonth);
        await admin.Locator("#f-show").ClickAsync();
        await Expect(admin.Locator("#figures-summary")).ToContainTextAsync(english ? $"{lastMonth} to {thisMonth}: 4 ended" : $"{lastMonth} 至 {thisMonth}：已办结申请 4 件");

        // Every chart is there, its picture hidden from screen readers, its table beside it; the numbers are the API's.
        foreach (var chart in new[] { "applications", "completion", "on-time", "compression", "materials", "instant", "ratings" })
        {
            var section = admin.Locator($"#chart-{chart}");
            await Expect(section.Locator("svg")).ToHaveAttributeAsync("aria-hidden", "true");
            await Expect(section.Locator("table tbody tr")).ToHaveCountAsync(2);
        }

        var row = admin.Locator($"#chart-applications tr[data-month='{thisMonth}']");
        await Expect(row.Locator("td[data-figure='Applications']")).ToHaveTextAsync("4");
        await Expect(row.Locator("td[data-figure='Completed']")).ToHaveTextAsync("4");
        await Expect(admin.Locator($"#chart-applications tr[data-month='{lastMonth}'] td[data-figure='Applications']")).ToHaveTextAsync("0");
        await Expect(admin.Locator("#chart-applications tr[data-month='total'] td[data-figure='Applications']")).ToHaveTextAsync("4");
        await Expect(Cell("completion", thisMonth, "CompletionRate")).ToHaveTextAsync(Percent(now.CompletionRate));
        await Expect(Cell("on-time", thisMonth, "OnTimeRate")).ToHaveTextAsync(Percent(now.OnTimeRate));
        await Expect(Cell("compression", thisMonth, "AverageElapsedWorkingDays")).ToHaveTextAsync(Days(now.AverageElapsedWorkingDays));
        await Expect(Cell("compression", thisMonth, "AverageCommittedItemDays")).ToHaveTextAsync(Days(now.AverageCommittedItemDays));
        await Expect(Cell("compression", thisMonth, "TimeCompression")).ToHaveTextAsync(Percent(now.TimeCompression));
        await Expect(Cell("materials", thisMonth, "MaterialsRequired")).ToHaveTextAsync(now.MaterialsRequired.ToString(CultureInfo.InvariantCulture));
        await Expect(Cell("instant", thisMonth, "InstantShare")).ToHaveTextAsync(Percent(now.InstantShare));
        await Expect(Cell("completion", lastMonth, "CompletionRate")).ToHaveTextAsync("—");
        now.InstantShare.ShouldNotBeNull().ShouldBeGreaterThan(0, "the registrations are decided by rules");

        var scan = await admin.RunAxe();
        scan.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Select(n => n.Html))}").ShouldBeEmpty();

        // The CSV: a BOM, the header in the page's language, the two months and the total.
        var download = await admin.RunAndWaitForDownloadAsync(() => admin.Locator("#f-export").ClickAsync());
        download.SuggestedFilename.ShouldBe($"figures-{key}-{lastMonth}-{thisMonth}.csv");
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path.ShouldNotBeNull());
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4);
        lines[0].ShouldStartWith(english ? "Month,Applications,Completed,Completion rate (%)" : "月份,申请数,全部办结数,办结率（%）");
        lines[1].ShouldStartWith($"{lastMonth},0,0,,");
        lines[2].ShouldStartWith($"{thisMonth},4,4,{Percent(now.CompletionRate)},{Percent(now.OnTimeRate)},{Days(now.AverageElapsedWorkingDays)},");
        lines[3].ShouldStartWith(english ? "Total,4,4," : "合计,4,4,");

        ILocator Cell(string chart, string month, string figure) => admin.Locator($"#chart-{chart} tr[data-month='{month}'] td[data-figure='{figure}']");
    }

    // The figures are written when each application ends, just after its status: read until the template has them all.
    internal static async Task<FiguresReport> WaitForFiguresAsync(ServerFixture server, string key, string from, string to, int applications)
    {
        using var admin = server.Admin();
        for (var attempt = 0; ; attempt++)
        {
            using var response = await admin.GetAsync($"/api/admin/figures?template={key}&from={from}&to={to}");
            var report = await response.ReadAsync<FiguresReport>();
            if (report.Overall.Applications >= applications || attempt >= 60)
            {
                report.Overall.Applications.ShouldBe(applications);
                return report;
            }

            await Task.Delay(500);
        }
    }

    static string Percent(double? share) => share is { } s ? Math.Round(s * 100, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture) : "—";

    static string Days(double? days) => days is { } d ? Math.Round(d, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture) : "—";
}
