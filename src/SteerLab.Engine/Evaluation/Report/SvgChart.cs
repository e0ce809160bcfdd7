using System.Globalization;
using System.Text;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>Draws a <see cref="ChartSpec"/> as one self-contained SVG element (no scripts, no fonts or images from
/// elsewhere): title, axes with ticks and grid, axis labels, the series (lines and points, or grouped bars) with 95%
/// error bars, point labels, an optional dashed reference line and a legend under the plot. Points with a non-finite
/// coordinate are skipped (a line is broken there); a chart with nothing to draw says so in its plot area. Every text is
/// XML-escaped.</summary>
public static class SvgChart
{
    public static readonly IReadOnlyList<string> Palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933"];

    const double Width = 620, PlotTop = 34, PlotLeft = 66, PlotRight = 18, PlotHeight = 230;
    const double CharWidth = 6.6; // 12 px sans-serif, on average

    public static string Render(ChartSpec chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var legend = LegendItems(chart);
        var legendRows = LayoutLegend(legend);
        double plotBottom = PlotTop + PlotHeight;
        double height = plotBottom + 46 + legendRows.Count * 18 + 6;
        double plotWidth = Width - PlotLeft - PlotRight;

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height:0}\" viewBox=\"0 0 {Width} {height:0}\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append($"<title>{Escape(chart.Title)}</title>");
        svg.Append(Invariant($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height:0}\" fill=\"#ffffff\"/>"));
        svg.Append(Invariant($"<text x=\"{Width / 2:0.#}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(chart.Title)}</text>"));

        var drawable = chart.Series.SelectMany(s => s.Points).Where(p => p.IsDrawable && (!chart.LogX || p.X > 0)).ToList();
        var (xMin, xMax, xTicks) = XAxis(chart, drawable);
        var (yMin, yMax, yTicks) = YAxis(chart, drawable);
        double X(double x) => PlotLeft + (chart.LogX ? (Math.Log2(x) - Math.Log2(xMin)) / (Math.Log2(xMax) - Math.Log2(xMin)) : (x - xMin) / (xMax - xMin)) * plotWidth;
        double Y(double y) => plotBottom - (Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin) * PlotHeight;

        // Grid, axes and ticks.
        foreach (var (value, label) in yTicks)
        {
            double y = Y(value);
            svg.Append(Invariant($"<line x1=\"{PlotLeft:0.#}\" y1=\"{y:0.#}\" x2=\"{PlotLeft + plotWidth:0.#}\" y2=\"{y:0.#}\" stroke=\"#e3e3e3\"/>"));
            svg.Append(Invariant($"<text x=\"{PlotLeft - 6:0.#}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Escape(label)}</text>"));
        }
        foreach (var (value, label) in xTicks)
        {
            double x = chart.Kind == ChartKind.Bar ? BarCentre(value) : X(value);
            svg.Append(Invariant($"<line x1=\"{x:0.#}\" y1=\"{plotBottom:0.#}\" x2=\"{x:0.#}\" y2=\"{plotBottom + 5:0.#}\" stroke=\"#444444\"/>"));
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{plotBottom + 18:0.#}\" text-anchor=\"middle\">{Escape(label)}</text>"));
        }
        svg.Append(Invariant($"<line x1=\"{PlotLeft:0.#}\" y1=\"{plotBottom:0.#}\" x2=\"{PlotLeft + plotWidth:0.#}\" y2=\"{plotBottom:0.#}\" stroke=\"#444444\"/>"));
        svg.Append(Invariant($"<line x1=\"{PlotLeft:0.#}\" y1=\"{PlotTop:0.#}\" x2=\"{PlotLeft:0.#}\" y2=\"{plotBottom:0.#}\" stroke=\"#444444\"/>"));
        svg.Append(Invariant($"<text x=\"{PlotLeft + plotWidth / 2:0.#}\" y=\"{plotBottom + 36:0.#}\" text-anchor=\"middle\">{Escape(chart.XLabel)}</text>"));
        svg.Append(Invariant($"<text transform=\"translate(16 {PlotTop + PlotHeight / 2:0.#}) rotate(-90)\" text-anchor=\"middle\">{Escape(Shorten(chart.YLabel, 40))}</text>"));

        if (drawable.Count == 0)
            svg.Append(Invariant($"<text x=\"{PlotLeft + plotWidth / 2:0.#}\" y=\"{PlotTop + PlotHeight / 2:0.#}\" text-anchor=\"middle\" fill=\"#888888\">no data to draw</text>"));

        if (chart.Reference is { } reference && double.IsFinite(reference.Y) && reference.Y >= yMin && reference.Y <= yMax)
            svg.Append(Invariant($"<line x1=\"{PlotLeft:0.#}\" y1=\"{Y(reference.Y):0.#}\" x2=\"{PlotLeft + plotWidth:0.#}\" y2=\"{Y(reference.Y):0.#}\" stroke=\"#777777\" stroke-dasharray=\"5 4\"/>"));

        if (chart.Kind == ChartKind.Bar) DrawBars(svg, chart, Y, yMin);
        else DrawSeries(svg, chart, X, Y);

        // Legend rows under the axis label.
        double legendY = plotBottom + 56;
        foreach (var row in legendRows)
        {
            double x = PlotLeft;
            foreach (var item in row)
            {
                svg.Append(item.Dashed
                    ? Invariant($"<line x1=\"{x:0.#}\" y1=\"{legendY - 4:0.#}\" x2=\"{x + 16:0.#}\" y2=\"{legendY - 4:0.#}\" stroke=\"{item.Colour}\" stroke-dasharray=\"5 4\"/>")
                    : Invariant($"<rect x=\"{x:0.#}\" y=\"{legendY - 10:0.#}\" width=\"12\" height=\"12\" fill=\"{item.Colour}\"/>"));
                svg.Append(Invariant($"<text x=\"{x + 20:0.#}\" y=\"{legendY:0.#}\">{Escape(item.Name)}</text>"));
                x += ItemWidth(item);
            }
            legendY += 18;
        }
        svg.Append("</svg>");
        return svg.ToString();

        double BarCentre(double category) => PlotLeft + (category + 0.5) / Math.Max(1, chart.Categories.Count) * plotWidth;
    }

    static void DrawSeries(StringBuilder svg, ChartSpec chart, Func<double, double> X, Func<double, double> Y)
    {
        for (int s = 0; s < chart.Series.Count; s++)
        {
            string colour = Palette[s % Palette.Count];
            var points = chart.Series[s].Points.OrderBy(p => p.X).ToList();
            if (chart.Kind == ChartKind.Line)
            {
                // A path broken wherever a point cannot be drawn.
                var path = new StringBuilder();
                bool pen = false;
                foreach (var p in points)
                {
                    if (!p.IsDrawable || (chart.LogX && p.X <= 0)) { pen = false; continue; }
                    path.Append(Invariant($"{(pen ? "L" : "M")}{X(p.X):0.##} {Y(p.Y):0.##} "));
                    pen = true;
                }
                if (path.Length > 0) svg.Append($"<path d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
            }
            foreach (var p in points.Where(p => p.IsDrawable && (!chart.LogX || p.X > 0)))
            {
                double x = X(p.X), y = Y(p.Y);
                if (p.HasInterval)
                {
                    double low = Y(p.Low), high = Y(p.High);
                    svg.Append(Invariant($"<path d=\"M{x:0.##} {low:0.##} L{x:0.##} {high:0.##} M{x - 4:0.##} {low:0.##} L{x + 4:0.##} {low:0.##} M{x - 4:0.##} {high:0.##} L{x + 4:0.##} {high:0.##}\" stroke=\"{colour}\" stroke-width=\"1.2\" fill=\"none\"/>"));
                }
                svg.Append(Invariant($"<circle cx=\"{x:0.##}\" cy=\"{y:0.##}\" r=\"3.5\" fill=\"{colour}\"/>"));
                if (!string.IsNullOrEmpty(p.Label))
                    svg.Append(Invariant($"<text x=\"{x + 6:0.##}\" y=\"{y - 6:0.##}\" font-size=\"10\" fill=\"{colour}\">{Escape(p.Label)}</text>"));
            }
        }
    }

    static void DrawBars(StringBuilder svg, ChartSpec chart, Func<double, double> Y, double yMin)
    {
        int categories = Math.Max(1, chart.Categories.Count), series = Math.Max(1, chart.Series.Count);
        double plotWidth = Width - PlotLeft - PlotRight, slot = plotWidth / categories, barWidth = slot * 0.8 / series;
        double baseline = Y(Math.Max(yMin, 0));
        for (int s = 0; s < chart.Series.Count; s++)
        {
            string colour = Palette[s % Palette.Count];
            foreach (var p in chart.Series[s].Points.Where(p => p.IsDrawable && p.X >= 0 && p.X < categories))
            {
                double left = PlotLeft + p.X * slot + slot * 0.1 + s * barWidth, top = Y(p.Y);
                svg.Append(Invariant($"<rect x=\"{left:0.##}\" y=\"{Math.Min(top, baseline):0.##}\" width=\"{barWidth * 0.92:0.##}\" height=\"{Math.Abs(baseline - top):0.##}\" fill=\"{colour}\" fill-opacity=\"0.85\"/>"));
                if (p.HasInterval)
                {
                    double x = left + barWidth * 0.46, low = Y(p.Low), high = Y(p.High);
                    svg.Append(Invariant($"<path d=\"M{x:0.##} {low:0.##} L{x:0.##} {high:0.##} M{x - 4:0.##} {low:0.##} L{x + 4:0.##} {low:0.##} M{x - 4:0.##} {high:0.##} L{x + 4:0.##} {high:0.##}\" stroke=\"#222222\" stroke-width=\"1.2\" fill=\"none\"/>"));
                }
            }
        }
    }

    sealed record LegendItem(string Name, string Colour, bool Dashed);

    static List<LegendItem> LegendItems(ChartSpec chart)
    {
        var items = chart.Series.Select((s, i) => new LegendItem(Shorten(s.Name, 60), Palette[i % Palette.Count], false)).ToList();
        if (chart.Reference is { } reference) items.Add(new LegendItem(Shorten(reference.Name, 60), "#777777", true));
        return items;
    }

    static double ItemWidth(LegendItem item) => 20 + item.Name.Length * CharWidth + 16;

    static List<List<LegendItem>> LayoutLegend(List<LegendItem> items)
    {
        var rows = new List<List<LegendItem>>();
        double available = Width - PlotLeft - PlotRight, used = 0;
        foreach (var item in items)
        {
            if (rows.Count == 0 || used + ItemWidth(item) > available) { rows.Add([]); used = 0; }
            rows[^1].Add(item);
            used += ItemWidth(item);
        }
        return rows;
    }

    static (double Min, double Max, List<(double Value, string Label)> Ticks) XAxis(ChartSpec chart, List<ChartPoint> points)
    {
        if (chart.Kind == ChartKind.Bar)
            return (0, Math.Max(1, chart.Categories.Count), chart.Categories.Select((c, i) => ((double)i, Shorten(c, 20))).ToList());
        if (chart.LogX)
        {
            double lo = points.Count == 0 ? 1 : points.Min(p => p.X), hi = points.Count == 0 ? 2 : points.Max(p => p.X);
            if (hi <= lo) { lo /= 2; hi *= 2; }
            double logLo = Math.Floor(Math.Log2(lo)), logHi = Math.Ceiling(Math.Log2(hi));
            int stride = Math.Max(1, (int)Math.Ceiling((logHi - logLo) / 8));
            var powers = new List<(double, string)>();
            for (double e = logLo; e <= logHi; e += stride) powers.Add((Math.Pow(2, e), Label(Math.Pow(2, e))));
            return (Math.Pow(2, logLo), Math.Pow(2, logHi), powers);
        }
        return Linear(points.Select(p => p.X), chart.XMin, chart.XMax);
    }

    static (double Min, double Max, List<(double Value, string Label)> Ticks) YAxis(ChartSpec chart, List<ChartPoint> points)
    {
        var values = points.SelectMany(p => p.HasInterval ? new[] { p.Y, p.Low, p.High } : [p.Y]).ToList();
        if (chart.Kind == ChartKind.Bar) values.Add(0);
        if (chart.Reference is { } reference && double.IsFinite(reference.Y)) values.Add(reference.Y);
        return Linear(values, chart.YMin, chart.YMax);
    }

    /// <summary>A linear axis over the values on nice ticks; a fixed bound stays exactly where it was asked to be.</summary>
    static (double Min, double Max, List<(double Value, string Label)> Ticks) Linear(IEnumerable<double> values, double? fixedMin, double? fixedMax)
    {
        var (min, max) = Range(values, fixedMin, fixedMax);
        var (niceMin, niceMax, ticks) = Nice(min, max);
        double lo = fixedMin ?? niceMin, hi = fixedMax ?? niceMax;
        return (lo, hi, ticks.Where(t => t.Value >= lo - 1e-12 && t.Value <= hi + 1e-12).ToList());
    }

    static (double Min, double Max) Range(IEnumerable<double> values, double? fixedMin, double? fixedMax)
    {
        var finite = values.Where(double.IsFinite).ToList();
        double min = fixedMin ?? (finite.Count == 0 ? 0 : finite.Min());
        double max = fixedMax ?? (finite.Count == 0 ? 1 : finite.Max());
        if (max <= min)
        {
            double pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 0.5;
            if (fixedMin is null) min -= pad;
            if (fixedMax is null || max <= min) max = min + 2 * pad;
        }
        return (min, max);
    }

    /// <summary>Round tick steps (1, 2 or 5 × 10ⁿ), about five ticks, axis bounds on ticks.</summary>
    static (double Min, double Max, List<(double Value, string Label)> Ticks) Nice(double min, double max)
    {
        double rough = (max - min) / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough);
        double lo = Math.Floor(min / step + 1e-9) * step, hi = Math.Ceiling(max / step - 1e-9) * step;
        var ticks = new List<(double, string)>();
        for (int i = 0; lo + i * step <= hi + step * 1e-6 && i < 50; i++)
        {
            double value = Math.Round(lo + i * step, 12);
            ticks.Add((value, Label(value)));
        }
        return (lo, hi, ticks);
    }

    static string Label(double value) => Math.Abs(value) >= 1e5 || (Math.Abs(value) < 1e-3 && value != 0)
        ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>XML text and attribute escaping; characters XML 1.0 cannot hold (control characters other than tab, line
    /// feed and carriage return, lone surrogates) are dropped.</summary>
    public static string Escape(string text) => TextCleaning.WithoutInvalidXml(text)
        .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
}
