using SteerLab.Engine.Evaluation.Agreement;
using SteerLab.Engine.Evaluation.Judges;

namespace SteerLab.Engine.Tests.Evaluation;

public class AgreementTests
{
    // ---- Spearman ρ, hand-computed ----

    [Fact]
    public void Spearman_NoTies_MatchesTheHandComputation()
    {
        // x ranks 1..5, y = 2,1,4,3,5 has ranks 2,1,4,3,5: d = −1, 1, −1, 1, 0, Σd² = 4,
        // ρ = 1 − 6·4 / (5·(25 − 1)) = 1 − 24/120 = 0.8.
        var rho = SpearmanCorrelation.Compute([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);
        Assert.Equal(0.8, rho.Value!.Value, 12);
        Assert.Equal(5, rho.N);
        Assert.Null(rho.UndefinedReason);
    }

    [Fact]
    public void Spearman_ReversedOrder_IsMinusOne()
    {
        // y = 9, 5, 0 has ranks 3, 2, 1: d = −2, 0, 2, Σd² = 8, ρ = 1 − 6·8 / (3·8) = −1.
        Assert.Equal(-1, SpearmanCorrelation.Compute([1, 2, 3], [9, 5, 0]).Value!.Value, 12);
    }

    [Fact]
    public void Spearman_TiesOnOneSide_UseAverageRanks()
    {
        // x = 5, 7, 7, 9 → ranks 1, 2.5, 2.5, 4 (the tied 7s share ranks 2 and 3); y ranks 1, 2, 3, 4; both means 2.5.
        // Deviations x: −1.5, 0, 0, 1.5; y: −1.5, −0.5, 0.5, 1.5.
        // Σ dx·dy = 2.25 + 0 + 0 + 2.25 = 4.5; Σ dx² = 4.5; Σ dy² = 2.25 + 0.25 + 0.25 + 2.25 = 5.
        // ρ = 4.5 / √(4.5·5) = √0.9 = 0.948683…  (the no-ties shortcut would give 1 − 6·0.5/60 = 0.95: wrong with ties).
        Assert.Equal([1, 2.5, 2.5, 4], SpearmanCorrelation.AverageRanks([5, 7, 7, 9]));
        Assert.Equal(Math.Sqrt(0.9), SpearmanCorrelation.Compute([5, 7, 7, 9], [1, 2, 3, 4]).Value!.Value, 12);
    }

    [Fact]
    public void Spearman_TiesOnBothSides_UseAverageRanks()
    {
        // x = 0, 0, 10, 10 → ranks 1.5, 1.5, 3.5, 3.5; y = 3, 3, 3, 8 → ranks 2, 2, 2, 4; both means 2.5.
        // dx = −1, −1, 1, 1; dy = −0.5, −0.5, −0.5, 1.5.
        // Σ dx·dy = 0.5 + 0.5 − 0.5 + 1.5 = 2; Σ dx² = 4; Σ dy² = 3·0.25 + 2.25 = 3. ρ = 2 / √12 = 1/√3.
        Assert.Equal(1 / Math.Sqrt(3), SpearmanCorrelation.Compute([0, 0, 10, 10], [3, 3, 3, 8]).Value!.Value, 12);
    }

    [Fact]
    public void Spearman_IsUndefined_NotNaN_WhenASideIsConstantOrTooShort()
    {
        var constant = SpearmanCorrelation.Compute([4, 4, 4], [1, 2, 3]);
        Assert.Null(constant.Value);
        Assert.Equal(3, constant.N);
        Assert.Contains("same score", constant.UndefinedReason);
        Assert.Null(SpearmanCorrelation.Compute([1, 2, 3], [6, 6, 6]).Value);
        var single = SpearmanCorrelation.Compute([1], [2]);
        Assert.Null(single.Value);
        Assert.NotNull(single.UndefinedReason);
        Assert.Throws<ArgumentException>(() => SpearmanCorrelation.Compute([1, 2], [1]));
    }

    [Fact]
    public void Spearman_AgreesWithIndependentFormulas_OnRandomScores()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = random.Next(3, 30);
            // Without ties: the classic 1 − 6Σd²/(n(n²−1)) on a permutation.
            var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
            var y = x.OrderBy(_ => random.Next()).ToArray();
            double sumD2 = x.Zip(y, (a, b) => (a - b) * (a - b)).Sum();
            Assert.Equal(1 - 6 * sumD2 / (n * ((double)n * n - 1)), SpearmanCorrelation.Compute(x, y).Value!.Value, 10);

            // With ties (integer scores 0–10): Pearson of ranks in raw-sum form, ranks counted as
            // #{smaller} + (#{equal} + 1)/2, whose mean is always (n + 1)/2.
            var a = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 11)).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 11)).ToArray();
            if (a.Distinct().Count() == 1 || b.Distinct().Count() == 1) continue;
            double[] Ranks(double[] v) => v.Select(s => v.Count(t => t < s) + (v.Count(t => t == s) + 1) / 2.0).ToArray();
            var ra = Ranks(a);
            var rb = Ranks(b);
            double c = n * Math.Pow((n + 1) / 2.0, 2);
            double expected = (ra.Zip(rb, (p, q) => p * q).Sum() - c) / Math.Sqrt((ra.Sum(p => p * p) - c) * (rb.Sum(q => q * q) - c));
            Assert.Equal(expected, SpearmanCorrelation.Compute(a, b).Value!.Value, 10);
        }
    }

    // ---- Quadratic-weighted κ, hand-computed (the (k−1)² in the weights cancels between numerator and denominator) ----

    [Fact]
    public void Kappa_PerfectAgreement_IsOne()
    {
        // O is diagonal: Σ w·O = 0. Marginals {0, 5, 10} once each, n = 3: E = 1/3 in each of the 9 cells,
        // Σ (i − j)²·E = (2·25 + 2·100 + 2·25)/3 = 100. κ = 1 − 0/100 = 1.
        Assert.Equal(1, QuadraticWeightedKappa.Compute([0, 5, 10], [0, 5, 10]).Value!.Value, 12);
    }

    [Fact]
    public void Kappa_OppositeExtremes_IsMinusOne()
    {
        // O: (0, 10) and (10, 0): Σ (i − j)²·O = 100 + 100 = 200. Marginals {0, 10} each once, n = 2: E = 1/2 per cell,
        // Σ (i − j)²·E = (0 + 100 + 100 + 0)/2 = 100. κ = 1 − 200/100 = −1.
        Assert.Equal(-1, QuadraticWeightedKappa.Compute([0, 10], [10, 0]).Value!.Value, 12);
    }

    [Fact]
    public void Kappa_CloseScores_MatchTheHandComputation()
    {
        // a = 2, 4, 6, 8; b = 3, 4, 6, 7. Observed: Σ (aᵢ − bᵢ)² = 1 + 0 + 0 + 1 = 2.
        // Expected: Σᵢ Σⱼ (aᵢ − bⱼ)² / n: a = 2 → 1 + 4 + 16 + 25 = 46; a = 4 → 1 + 0 + 4 + 9 = 14; a = 6 → 9 + 4 + 0 + 1 = 14;
        // a = 8 → 25 + 16 + 4 + 1 = 46; total 120, / 4 = 30. κ = 1 − 2/30 = 14/15.
        Assert.Equal(14.0 / 15, QuadraticWeightedKappa.Compute([2, 4, 6, 8], [3, 4, 6, 7]).Value!.Value, 12);
    }

    [Fact]
    public void Kappa_OneConstantRater_IsChanceLevel()
    {
        // a = 5, 5, 5, 5; b = 4, 5, 6, 7. Observed Σ (5 − bᵢ)² = 1 + 0 + 1 + 4 = 6; expected Σᵢ Σⱼ (5 − bⱼ)² / 4 = 4·6/4 = 6.
        // κ = 1 − 6/6 = 0.
        Assert.Equal(0, QuadraticWeightedKappa.Compute([5, 5, 5, 5], [4, 5, 6, 7]).Value!.Value, 12);
    }

    [Fact]
    public void Kappa_IsUndefined_WhenBothRatersUseOneSameCategory()
    {
        var kappa = QuadraticWeightedKappa.Compute([7, 7, 7], [7, 7, 7]);
        Assert.Null(kappa.Value);
        Assert.Equal(3, kappa.N);
        Assert.NotNull(kappa.UndefinedReason);
        Assert.Null(QuadraticWeightedKappa.Compute(Array.Empty<double>(), Array.Empty<double>()).Value);
    }

    [Fact]
    public void Kappa_RoundsDecimalScoresToTheNearestCategory()
    {
        // 6.5 → 7 (halves away from zero), 2.4 → 2, 9.6 → 10: the same categories as the human's.
        Assert.Equal([7, 2, 10], new[] { 6.5, 2.4, 9.6 }.Select(QuadraticWeightedKappa.Category));
        Assert.Equal(1, QuadraticWeightedKappa.Compute([6.5, 2.4, 9.6], [7.0, 2.0, 10.0]).Value!.Value, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => QuadraticWeightedKappa.Category(10.2));
    }

    [Fact]
    public void Kappa_EqualsTheConcordanceFormula_OnRandomScores()
    {
        // Quadratic-weighted κ equals 2·s_ab / (s_a² + s_b² + (ā − b̄)²) with 1/n moments (Lin's concordance coefficient),
        // an independent route to the same number.
        var random = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = random.Next(2, 40);
            var a = Enumerable.Range(0, n).Select(_ => random.Next(0, 11)).ToArray();
            var b = a.Select(v => Math.Clamp(v + random.Next(-3, 4), 0, 10)).ToArray();
            double ma = a.Average(), mb = b.Average();
            double sab = a.Zip(b, (p, q) => (p - ma) * (q - mb)).Sum() / n;
            double saa = a.Sum(p => (p - ma) * (p - ma)) / n, sbb = b.Sum(q => (q - mb) * (q - mb)) / n;
            double denominator = saa + sbb + (ma - mb) * (ma - mb);
            var kappa = QuadraticWeightedKappa.Compute(a, b, QuadraticWeightedKappa.RubricCategories);
            if (denominator == 0) { Assert.Null(kappa.Value); continue; }
            Assert.Equal(2 * sab / denominator, kappa.Value!.Value, 10);
        }
    }

    // ---- The report ----

    [Fact]
    public void Agreement_ReportsBothStatistics_AndTheLargestDisagreementsFirst()
    {
        RatedAnswer[] pairs =
        [
            new("q0", 2, 3), new("q1", 9, 1), new("q2", 5, 5), new("q3", 7, 4), new("q4", 0, 8), new("q5", 6, 3),
        ];
        var report = JudgeHumanAgreement.Compute(RubricItem.Behaviour, pairs, largest: 3);
        Assert.Equal(6, report.N);
        Assert.Equal(6, report.Spearman.N);
        Assert.Equal(6, report.Kappa.N);
        Assert.NotNull(report.Spearman.Value);
        Assert.NotNull(report.Kappa.Value);
        // |d| = 1, 8, 0, 3, 8, 3: the two 8s in input order, then the first 3.
        Assert.Equal(["q1", "q4", "q3"], report.LargestDisagreements.Select(p => p.Key));
        Assert.DoesNotContain(JudgeHumanAgreement.LargestDisagreements(pairs, 10), p => p.Key == "q2");
        Assert.Throws<ArgumentException>(() => JudgeHumanAgreement.Compute(RubricItem.Coherence, [new RatedAnswer("x", 11, 3)]));
    }
}
