namespace SteerLab.Engine.Evaluation.Report;

/// <summary>Percentile bootstrap for a ratio of mean differences over paired samples: every condition was measured on
/// the same items (the same prompt and seed, or the same held-out pair), so items are resampled jointly.
/// Used for "fraction of the dense effect kept" = (mean(x) − mean(base)) / (mean(dense) − mean(base)).</summary>
public static class PairedBootstrap
{
    /// <param name="x">Per-item values of the condition (NaN: the item is missing there and is skipped in every mean).</param>
    /// <param name="baseline">Per-item values of the unsteered model.</param>
    /// <param name="dense">Per-item values of the dense reference.</param>
    public static Estimate FractionOfEffect(IReadOnlyList<double> x, IReadOnlyList<double> baseline, IReadOnlyList<double> dense,
        int resamples = 2000, int seed = 12345)
    {
        int n = x.Count;
        if (baseline.Count != n || dense.Count != n) throw new ArgumentException($"paired samples differ in length: {n}, {baseline.Count}, {dense.Count}");
        if (resamples < 10) throw new ArgumentException($"at least 10 bootstrap resamples, got {resamples}");
        double point = Fraction(Enumerable.Range(0, n).ToArray());
        if (n < 2 || !double.IsFinite(point)) return new Estimate(point, double.NaN, double.NaN, n);
        var random = new Random(seed);
        var draws = new List<double>(resamples);
        var indices = new int[n];
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < n; i++) indices[i] = random.Next(n);
            double value = Fraction(indices);
            if (double.IsFinite(value)) draws.Add(value);
        }
        // A denominator that crosses zero in many resamples makes the ratio meaningless: no interval then.
        if (draws.Count < resamples * 0.95) return new Estimate(point, double.NaN, double.NaN, n);
        draws.Sort();
        return new Estimate(point, Quantile(draws, 0.025), Quantile(draws, 0.975), n);

        double Fraction(int[] items)
        {
            double Mean(IReadOnlyList<double> values)
            {
                double sum = 0;
                int count = 0;
                foreach (int i in items)
                    if (double.IsFinite(values[i]) && double.IsFinite(baseline[i])) { sum += values[i] - baseline[i]; count++; }
                return count == 0 ? double.NaN : sum / count;
            }
            double denominator = Mean(dense);
            return Math.Abs(denominator) < 1e-12 ? double.NaN : Mean(x) / denominator;
        }
    }

    static double Quantile(List<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
