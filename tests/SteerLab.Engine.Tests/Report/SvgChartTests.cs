using System.Xml.Linq;
using SteerLab.Engine.Evaluation.Report;

namespace SteerLab.Engine.Tests.Report;

public class SvgChartTests
{
    static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    static XDocument Parse(string svg) => XDocument.Parse(svg); // throws on anything that is not well-formed XML

    static ChartSpec Line(params ChartSeries[] series) => new("Effect <over> λ & \"more\"", "λ (x)", "score <y>", series);

    [Fact]
    public void Text_IsEscaped_SoTheSvgStaysWellFormedAndShowsTheTextLiterally()
    {
        var chart = Line(new ChartSeries("<script>alert('x')</script>", [new ChartPoint(1, 0.5, Label: "a&b")])) with { Reference = (0.4, "base <line>") };
        string svg = SvgChart.Render(chart);
        var document = Parse(svg);
        Assert.DoesNotContain("<script", svg);
        var texts = document.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("Effect <over> λ & \"more\"", texts);
        Assert.Contains("<script>alert('x')</script>", texts);
        Assert.Contains("a&b", texts);
        Assert.Contains("base <line>", texts);
        Assert.Equal("Effect <over> λ & \"more\"", document.Root!.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void ControlCharactersFromModelOutput_AreDropped()
    {
        string svg = SvgChart.Render(Line(new ChartSeries("bad\u0001name\uD800", [new ChartPoint(1, 1)])));
        Parse(svg);
        Assert.Contains("badname", svg);
    }

    [Fact]
    public void LineChart_HasAxesTicksAxisLabelsLegendAndErrorBars()
    {
        var chart = Line(
            new ChartSeries("CAA", [new ChartPoint(-2, 0.2, 0.1, 0.3), new ChartPoint(0, 0.5, 0.4, 0.6), new ChartPoint(2, 0.8, 0.7, 0.9)]),
            new ChartSeries("SAS", [new ChartPoint(-2, 0.4), new ChartPoint(2, 0.6)]));
        var document = Parse(SvgChart.Render(chart));
        var texts = document.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("λ (x)", texts);
        Assert.Contains("score <y>", texts);
        Assert.Contains("CAA", texts);
        Assert.Contains("SAS", texts);
        Assert.Contains("-2", texts); // x ticks span the data
        Assert.Contains("2", texts);
        Assert.Contains("0.4", texts); // a y tick inside the data range
        Assert.True(document.Descendants(Svg + "line").Count() >= 4, "axes, ticks and grid lines");
        Assert.Equal(5, document.Descendants(Svg + "circle").Count());
        // One error-bar path per point with a finite interval (three), plus one polyline per series (two).
        Assert.Equal(5, document.Descendants(Svg + "path").Count());
    }

    [Fact]
    public void NonFinitePoints_AreSkipped_AndBreakTheLine_WithNoNaNInTheOutput()
    {
        var chart = Line(new ChartSeries("gappy", [new ChartPoint(0, 1), new ChartPoint(1, 2), new ChartPoint(2, double.NaN),
            new ChartPoint(3, 3, double.NaN, 4), new ChartPoint(4, 2), new ChartPoint(double.PositiveInfinity, 1)]));
        string svg = SvgChart.Render(chart);
        var document = Parse(svg);
        Assert.DoesNotContain("NaN", svg);
        Assert.DoesNotContain("Infinity", svg);
        Assert.Equal(4, document.Descendants(Svg + "circle").Count());
        string line = document.Descendants(Svg + "path").Single().Attribute("d")!.Value;
        Assert.Equal(2, line.Count(c => c == 'M')); // two segments: 0–1 and 3–4
        Assert.Equal(2, line.Count(c => c == 'L'));
    }

    [Fact]
    public void EmptyChart_AndAllMissingSeries_DrawAxesAndSaySoInsteadOfFailing()
    {
        foreach (var chart in new[] { Line(), Line(new ChartSeries("nothing", [new ChartPoint(double.NaN, double.NaN)])) })
        {
            string svg = SvgChart.Render(chart with { Reference = (double.NaN, "unsteered") });
            var document = Parse(svg);
            Assert.Contains("no data to draw", document.Descendants(Svg + "text").Select(t => t.Value));
            Assert.DoesNotContain("NaN", svg);
            Assert.Empty(document.Descendants(Svg + "circle"));
        }
    }

    [Fact]
    public void LogXAxis_TicksArePowersOfTwo_AndNonPositiveXIsNotDrawn()
    {
        var chart = Line(new ChartSeries("k", [new ChartPoint(0, 1), new ChartPoint(4, 0.2), new ChartPoint(64, 0.8), new ChartPoint(256, 1)])) with { LogX = true };
        var document = Parse(SvgChart.Render(chart));
        var texts = document.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("4", texts);
        Assert.Contains("256", texts);
        Assert.Equal(3, document.Descendants(Svg + "circle").Count());
    }

    [Fact]
    public void BarChart_HasOneBarPerDrawablePoint_CategoryLabels_AndFixedYBoundsAreKept()
    {
        var chart = new ChartSpec("bars", "setup", "score", [
            new ChartSeries("first", [new ChartPoint(0, 0.3, 0.2, 0.4), new ChartPoint(1, 0.6)]),
            new ChartSeries("second", [new ChartPoint(0, 0.5), new ChartPoint(1, double.NaN)])])
        { Kind = ChartKind.Bar, Categories = ["unsteered", "both at once"], YMin = 0, YMax = 1 };
        var document = Parse(SvgChart.Render(chart));
        var texts = document.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("unsteered", texts);
        Assert.Contains("both at once", texts);
        Assert.Contains("0", texts);
        Assert.Contains("1", texts);
        // Background + legend swatches (2) + three bars.
        Assert.Equal(1 + 2 + 3, document.Descendants(Svg + "rect").Count());
    }
}
