using System.Globalization;
using System.Text.Json;
using Workflows.EndToEndTests.Portal;

namespace Workflows.EndToEndTests;

/// <summary>
/// The figures over HTTP with their months (issue 17's charts): one call answers the period's total and every month of
/// it in order, empty months included, and the months add up to the total.
/// </summary>
[Collection(ServerCollectionDefinition.Name)]
public sealed class FiguresHttpTests(ServerFixture server)
{
    [Fact]
    public async Task Figures_OfAPeriod_AnswerEveryMonthInOrder_AddingUpToTheTotal()
    {
        var (key, _, _, _) = await SimulationHttpTests.FileAndDraftAsync(server);
        var now = DateTime.UtcNow;
        var from = now.AddMonths(-2).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var to = now.AddMonths(1).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var report = await PortalFiguresTests.WaitForFiguresAsync(server, key, from, to, 4);

        var months = report.Months.ShouldNotBeNull();
        months.Select(m => m.Month).ShouldBe([.. Enumerable.Range(-2, 4).Select(i => now.AddMonths(i).ToString("yyyy-MM", CultureInfo.InvariantCulture))]);
        months.Select(m => m.Figures.Applications).ShouldBe([0, 0, 4, 0]);
        months.Sum(m => m.Figures.Completed).ShouldBe(report.Overall.Completed);
        months.ShouldAllBe(m => m.Figures.TemplateKey == key);
        months[2].Figures.CompletionRate.ShouldBe(report.Overall.CompletionRate);
        months[2].Figures.InstantShare.ShouldBe(report.Overall.InstantShare);
        months[0].Figures.CompletionRate.ShouldBeNull();

        // The wire names the charts read.
        using var admin = server.Admin();
        using var response = await admin.GetAsync($"/api/admin/figures?template={key}&from={from}&to={to}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var third = json.RootElement.GetProperty("months")[2];
        third.GetProperty("month").GetString().ShouldBe(months[2].Month);
        third.GetProperty("figures").GetProperty("applications").GetInt32().ShouldBe(4);
    }
}
