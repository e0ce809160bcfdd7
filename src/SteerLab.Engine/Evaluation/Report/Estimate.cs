namespace SteerLab.Engine.Evaluation.Report;

/// <summary>A mean with its 95% interval over <see cref="N"/> values. <see cref="Low"/>/<see cref="High"/> are NaN when
/// there is no spread to estimate (n &lt; 2) or no value at all (then <see cref="Mean"/> is NaN too).</summary>
public sealed record Estimate(double Mean, double Low, double High, int N)
{
    const double Z95 = 1.959963984540054;

    public static Estimate Missing { get; } = new(double.NaN, double.NaN, double.NaN, 0);

    public bool HasValue => N > 0 && double.IsFinite(Mean);
    public bool HasInterval => HasValue && double.IsFinite(Low) && double.IsFinite(High);

    /// <summary>Mean ± 1.96·s/√n (normal approximation, sample standard deviation with n − 1), not clipped: for values
    /// on an open scale (log-likelihood shifts). Bounded scores use <see cref="OfScore"/>.</summary>
    public static Estimate Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return Missing;
        double mean = values.Average();
        if (values.Count < 2) return new Estimate(mean, double.NaN, double.NaN, 1);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        double half = Z95 * Math.Sqrt(variance / values.Count);
        return new Estimate(mean, mean - half, mean + half, values.Count);
    }

    /// <summary>A judge summary (scores rescaled to [0, 1], interval clipped to it) as an estimate; a summary with one
    /// value has the whole range as its interval there, shown here as no interval.</summary>
    public static Estimate OfScore(OpenEnded.ScoreSummary summary) =>
        summary.Mean is not double mean ? Missing
        : summary.Scored < 2 ? new Estimate(mean, double.NaN, double.NaN, summary.Scored)
        : new Estimate(mean, summary.Low ?? double.NaN, summary.High ?? double.NaN, summary.Scored);

    /// <summary>Perplexity inflation (steered / unsteered) with its paired interval.</summary>
    public static Estimate OfInflation(SideEffects.PerplexityInflation inflation) =>
        new(inflation.Inflation, inflation.Low ?? double.NaN, inflation.High ?? double.NaN, inflation.Sequences);
}
