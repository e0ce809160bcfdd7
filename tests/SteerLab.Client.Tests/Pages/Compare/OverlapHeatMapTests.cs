using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;
using SteerLab.Client.Pages.Compare;
using SteerLab.Shared.Compare;

namespace SteerLab.Client.Tests.Pages.Compare;

/// <summary>The heat map: labels on both axes, a value in each cell, hover text that says what was measured, and
/// not-comparable cells that look and read as such.</summary>
public sealed class OverlapHeatMapTests
{
    /// <summary>Two SAS vectors over one SAE, one over another SAE, and a CAA vector.</summary>
    internal static OverlapView SampleView(OverlapSupport support = OverlapSupport.All)
    {
        OverlapVector[] vectors =
        [
            new(Guid.NewGuid(), "romance SAS", "sas", true, "demo/sae", 28, 256),
            new(Guid.NewGuid(), "press SAS", "sas", true, "demo/sae", 20, 256),
            new(Guid.NewGuid(), "other SAS", "sas", true, "gemma-scope/layer_12", 30, 256),
            new(Guid.NewGuid(), "romance CAA", "caa", false, null, 256, 256),
        ];
        var nc = (string reason) => new OverlapCell(0, OverlapMeasure.NotComparable, Reason: reason);
        OverlapCell[][] cells =
        [
            [new(1, OverlapMeasure.Jaccard, 28, 28), new(0.42, OverlapMeasure.Jaccard, 12, 28), nc("different SAEs"), nc("a dense and a sparse vector")],
            [new(0.42, OverlapMeasure.Jaccard, 12, 28), new(1, OverlapMeasure.Jaccard, 20, 20), nc("different SAEs"), nc("a dense and a sparse vector")],
            [nc("different SAEs"), nc("different SAEs"), new(1, OverlapMeasure.Jaccard, 30, 30), nc("a dense and a sparse vector")],
            [nc("a dense and a sparse vector"), nc("a dense and a sparse vector"), nc("a dense and a sparse vector"), new(1, OverlapMeasure.Cosine)],
        ];
        return new OverlapView(vectors, support, cells);
    }

    static BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    static IEnumerable<AngleSharp.Dom.IElement> Cells(IRenderedComponent<OverlapHeatMap> map) => map.FindAll("[data-testid=overlap-cell]");

    static AngleSharp.Dom.IElement Cell(IRenderedComponent<OverlapHeatMap> map, int row, int column) =>
        map.Find($"[data-testid=overlap-cell][data-row='{row}'][data-column='{column}']");

    [Fact]
    public async Task HeatMap_LabelsBothAxesWithTheVectorNames_AndPrintsEveryValue()
    {
        await using var ctx = NewContext();
        var view = SampleView();

        var map = ctx.Render<OverlapHeatMap>(p => p.Add(m => m.View, view));

        string[] names = ["romance SAS", "press SAS", "other SAS", "romance CAA"];
        Assert.Equal(names, map.FindAll("[data-testid=overlap-column]").Select(c => c.TextContent.Trim()));
        Assert.Equal(names, map.FindAll("[data-testid=overlap-row]").Select(c => c.TextContent.Trim()));
        Assert.Equal(16, Cells(map).Count());
        Assert.Equal("0.42", Cell(map, 0, 1).TextContent.Trim());
        Assert.Equal("1.00", Cell(map, 3, 3).TextContent.Trim());
        Assert.Contains("SAE demo/sae", map.FindAll("[data-testid=overlap-column]")[0].GetAttribute("title"));
    }

    [Fact]
    public async Task HoverText_SaysJaccardWithSharedCounts_OrCosine()
    {
        await using var ctx = NewContext();

        var map = ctx.Render<OverlapHeatMap>(p => p.Add(m => m.View, SampleView()));

        Assert.Equal("romance SAS vs press SAS: Jaccard 0.42 (12 shared of 28)", Cell(map, 0, 1).GetAttribute("aria-label"));
        Assert.Equal("romance CAA vs romance CAA: cosine 1.00", Cell(map, 3, 3).GetAttribute("aria-label"));
        Assert.Equal("romance SAS vs press SAS: Jaccard 0.42 (12 shared of 28)", OverlapCellText.Hover(SampleView(), 0, 1));
    }

    [Fact]
    public async Task NotComparableCells_AreGreyedWithADash_AndSayWhy()
    {
        await using var ctx = NewContext();

        var map = ctx.Render<OverlapHeatMap>(p => p.Add(m => m.View, SampleView()));

        var differentSaes = Cell(map, 0, 2);
        Assert.Equal("NotComparable", differentSaes.GetAttribute("data-measure"));
        Assert.Equal("—", differentSaes.TextContent.Trim());
        Assert.Equal("romance SAS vs other SAS: not comparable: different SAEs", differentSaes.GetAttribute("aria-label"));
        Assert.Contains("repeating-linear-gradient", differentSaes.GetAttribute("style"));
        Assert.Equal("romance CAA vs press SAS: not comparable: a dense and a sparse vector", Cell(map, 3, 1).GetAttribute("aria-label"));
        Assert.Equal(10, Cells(map).Count(c => c.GetAttribute("data-measure") == "NotComparable"));
    }

    [Theory]
    [InlineData(OverlapSupport.Positive, "romance SAS vs press SAS: Jaccard 0.42 (12 shared of 28 reinforced features)")]
    [InlineData(OverlapSupport.Negative, "romance SAS vs press SAS: Jaccard 0.42 (12 shared of 28 suppressed features)")]
    public void HoverText_NamesThePartialSupport(OverlapSupport support, string expected) =>
        Assert.Equal(expected, OverlapCellText.Hover(SampleView(support), 0, 1));

    [Fact]
    public void ColourScale_IsBlueForOverlap_RedForOpposedDenseVectors_AndDarkensWithTheValue()
    {
        Assert.Contains("rgba(25, 118, 210, 0.42)", OverlapCellText.Style(new OverlapCell(0.42, OverlapMeasure.Jaccard, 12, 28)));
        Assert.Contains("rgba(211, 47, 47, 0.9)", OverlapCellText.Style(new OverlapCell(-0.9, OverlapMeasure.Cosine)));
        Assert.Contains("color: #ffffff", OverlapCellText.Style(new OverlapCell(0.9, OverlapMeasure.Cosine)));
    }
}
