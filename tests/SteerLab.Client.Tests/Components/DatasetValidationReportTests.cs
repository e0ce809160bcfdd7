using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using SteerLab.Client.Components;
using SteerLab.Shared.Datasets;

namespace SteerLab.Client.Tests.Components;

public sealed class DatasetValidationReportTests
{
    [Fact]
    public async Task InvalidFile_ListsEveryProblemWithLineRowFieldAndReason_AsAnAlert()
    {
        await using var ctx = NewContext();
        var result = FakeDatasetService.InvalidReport("pets.csv", 3,
            new DatasetProblem(3, 2, "positive", "the completion is empty"),
            new DatasetProblem(7, 5, null, "has 2 fields, the header has 3"),
            new DatasetProblem(null, null, null, "<b>not markup</b>"));

        var report = ctx.Render<DatasetValidationReport>(p => p.Add(c => c.Result, result));

        Assert.Equal(Severity.Error, report.FindComponent<MudAlert>().Instance.Severity);
        Assert.Contains("pets.csv", report.Find("[role=alert]").TextContent);
        Assert.Contains("3 problems", report.Find("[role=alert]").TextContent);
        Assert.Equal(
            [["3", "2", "positive", "the completion is empty"], ["7", "5", "—", "has 2 fields, the header has 3"], ["—", "—", "—", "<b>not markup</b>"]],
            report.FindAll("[data-testid=report-problems] tbody tr").Select(row => row.QuerySelectorAll("td").Select(td => td.TextContent).ToArray()));
        Assert.Empty(report.FindAll("[data-testid=report-problems] b")); // user text is text
        Assert.Empty(report.FindAll("[data-testid=report-more]"));
    }

    [Fact]
    public async Task ProblemsBeyondTheShownOnes_AreCounted()
    {
        await using var ctx = NewContext();
        var problems = Enumerable.Range(1, 5).Select(i => new DatasetProblem(i + 1, i, "negative", "is the same text as positive")).ToArray();
        // The server lists at most its own maximum; the total says how many there were.
        var result = FakeDatasetService.InvalidReport("big.csv", 1500, problems);

        var report = ctx.Render<DatasetValidationReport>(p => p.Add(c => c.Result, result).Add(c => c.MaxShown, 3));

        Assert.Equal(3, report.FindAll("[data-testid=report-problems] tbody tr").Count);
        Assert.Contains("1,497 more problems", report.Find("[data-testid=report-more]").TextContent);
        Assert.Contains("1,500 problems", report.Find("[role=alert]").TextContent);
    }

    [Fact]
    public async Task ValidFile_ShowsPairsFormatLayoutAndVersion_WithoutAnAlertRole()
    {
        await using var ctx = NewContext();

        var report = ctx.Render<DatasetValidationReport>(p => p.Add(c => c.Result, FakeDatasetService.ValidReport("pets.csv")));

        string text = report.Find("[data-testid=report-valid]").TextContent;
        Assert.Contains("3 pairs", text);
        Assert.Contains("CSV", text);
        Assert.Contains("plain pairs (prompt, positive, negative)", text);
        Assert.Equal("0123456789ab", report.Find("[data-testid=report-valid] code").TextContent);
        Assert.Empty(report.FindAll("[role=alert]"));
        Assert.Empty(report.FindAll("[data-testid=report-existing]"));
    }

    [Fact]
    public async Task ValidFileWhosePairsAreSaved_LinksToTheExistingDataset()
    {
        await using var ctx = NewContext();
        var existing = FakeDatasetService.Summary("refusal (CAA)", 3);

        var report = ctx.Render<DatasetValidationReport>(p => p.Add(c => c.Result, FakeDatasetService.ValidReport("copy.csv", existing)));

        var link = report.Find("[data-testid=report-existing] a");
        Assert.Equal($"datasets/{existing.Id}", link.GetAttribute("href"));
        Assert.Equal("refusal (CAA)", link.TextContent);
    }

    internal static BunitContext NewContext(IDatasetService? datasets = null)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton(datasets ?? new FakeDatasetService());
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }
}
