namespace SteerLab.Engine.Evaluation.Agreement;

/// <summary>A statistic that may be undefined: <see cref="Value"/> is null exactly when <see cref="UndefinedReason"/> says
/// why (never NaN). <see cref="N"/> is the number of pairs it was computed from.</summary>
public sealed record AgreementStatistic(double? Value, int N, string? UndefinedReason)
{
    public static AgreementStatistic Undefined(int n, string reason) => new(null, n, reason);
}

/// <summary>Spearman's rank correlation ρ between two raters' scores: Pearson's correlation of the ranks, with tied
/// values given the average of the ranks they span (so ties are handled exactly, not by the no-ties shortcut
/// 1 − 6Σd²/(n(n²−1))). Undefined with fewer than 2 pairs or when either side gives every answer the same score (its
/// ranks have no variance).</summary>
public static class SpearmanCorrelation
{
    public static AgreementStatistic Compute(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} scores on one side and {y.Count} on the other");
        if (x.Concat(y).Any(v => !double.IsFinite(v))) throw new ArgumentException("every score must be a finite number");
        int n = x.Count;
        if (n < 2) return AgreementStatistic.Undefined(n, $"needs at least 2 rated answers, has {n}");
        if (x.Distinct().Count() == 1) return AgreementStatistic.Undefined(n, "the first rater gave every answer the same score");
        if (y.Distinct().Count() == 1) return AgreementStatistic.Undefined(n, "the second rater gave every answer the same score");

        var rx = AverageRanks(x);
        var ry = AverageRanks(y);
        double mx = rx.Average(), my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return new AgreementStatistic(Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1), n, null);
    }

    /// <summary>1-based ranks in ascending order; a group of tied values shares the mean of the ranks it occupies
    /// (values 5, 7, 7, 9 → ranks 1, 2.5, 2.5, 4).</summary>
    public static double[] AverageRanks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double shared = (start + end) / 2.0 + 1; // mean of ranks start+1 … end+1
            for (int k = start; k <= end; k++) ranks[order[k]] = shared;
            start = end + 1;
        }
        return ranks;
    }
}
