namespace SteerLab.Engine.Evaluation.Report;

/// <summary>How a chart draws its series: connected points, points only, or bars over categories.</summary>
public enum ChartKind { Line, Scatter, Bar }

/// <summary>One point; <see cref="Low"/>/<see cref="High"/> draw an error bar (95% interval) when both are finite; a
/// <see cref="Label"/> is written beside the point. For bar charts X is the category index. Non-finite X or Y: not drawn.</summary>
public sealed record ChartPoint(double X, double Y, double Low = double.NaN, double High = double.NaN, string? Label = null)
{
    public bool IsDrawable => double.IsFinite(X) && double.IsFinite(Y);
    public bool HasInterval => IsDrawable && double.IsFinite(Low) && double.IsFinite(High);

    public static ChartPoint Of(double x, Estimate estimate, string? label = null) => new(x, estimate.Mean, estimate.Low, estimate.High, label);
}

public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

/// <summary>A chart the report draws as inline SVG (<see cref="SvgChart"/>). <see cref="Categories"/> name the bars' X
/// positions (bar charts only). Axis ranges default to the data (error bars included) unless fixed here;
/// <see cref="LogX"/> uses a base-2 logarithmic X axis (positive X only).</summary>
public sealed record ChartSpec(string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series)
{
    public ChartKind Kind { get; init; } = ChartKind.Line;
    public IReadOnlyList<string> Categories { get; init; } = [];
    public bool LogX { get; init; }
    public double? XMin { get; init; }
    public double? XMax { get; init; }
    public double? YMin { get; init; }
    public double? YMax { get; init; }
    /// <summary>A dashed horizontal reference line (e.g. the unsteered value), with its legend name.</summary>
    public (double Y, string Name)? Reference { get; init; }
}
