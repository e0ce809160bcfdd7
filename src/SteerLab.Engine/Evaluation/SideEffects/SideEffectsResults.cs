namespace SteerLab.Engine.Evaluation.SideEffects;

/// <summary>Perplexity of the held-out slice under steering and its inflation over the unsteered model.
/// <para><see cref="Inflation"/> = steered perplexity / unsteered perplexity (token-weighted over the whole slice; exactly
/// 1 when nothing is steered). Its 95% interval treats the slice's sequences as paired samples: with
/// dᵢ = (log-likelihood unsteered − steered) / nᵢ the per-token NLL increase of sequence i and weights wᵢ = nᵢ, log
/// inflation is the weighted mean d̄ = Σwᵢdᵢ / Σwᵢ, whose standard error is the per-sequence (cluster) one,
/// SE = √(m/(m−1) · Σwᵢ²(dᵢ − d̄)²) / Σwᵢ over m sequences; the interval is exp(d̄ ± 1.96·SE). With one sequence it
/// is null.</para></summary>
public sealed record PerplexityInflation(double Perplexity, double BaselinePerplexity, double Inflation, double? Low, double? High,
    int Sequences, long Tokens)
{
    const double Z95 = 1.959963984540054;

    public static PerplexityInflation Between(PerplexityResult baseline, PerplexityResult steered)
    {
        int m = baseline.Sequences.Count;
        if (steered.Sequences.Count != m) throw new ArgumentException($"{steered.Sequences.Count} steered sequences for {m} unsteered ones");
        double inflation = steered.Value / baseline.Value;
        if (m < 2) return new(steered.Value, baseline.Value, inflation, null, null, m, steered.TokenCount);

        var weights = baseline.Sequences.Select(s => (double)s.ScoredTokens).ToArray();
        var d = baseline.Sequences.Zip(steered.Sequences, (b, s) => (b.LogLikelihood - s.LogLikelihood) / b.ScoredTokens).ToArray();
        double totalWeight = weights.Sum();
        double mean = weights.Zip(d, (w, x) => w * x).Sum() / totalWeight;
        double spread = weights.Zip(d, (w, x) => w * w * (x - mean) * (x - mean)).Sum();
        double standardError = Math.Sqrt(m / (m - 1.0) * spread) / totalWeight;
        return new(steered.Value, baseline.Value, inflation, Math.Exp(mean - Z95 * standardError), Math.Exp(mean + Z95 * standardError), m, steered.TokenCount);
    }
}

/// <summary>Accuracy on one A/B benchmark: a question counts as correct when p(correct letter) &gt; 0.5, i.e. the correct
/// letter's logit is strictly the larger (a tie is not correct); 95% Wilson interval. <see cref="MeanCorrectProbability"/>
/// is the mean softmax probability of the correct letter over the two (the A/B sweep's measure).</summary>
public sealed record BenchmarkAccuracy(string Benchmark, int Questions, int Correct, double Accuracy, double Low, double High,
    double MeanCorrectProbability, IReadOnlyList<double> PerQuestion)
{
    public static BenchmarkAccuracy Of(string benchmark, IReadOnlyList<double> correctProbabilities)
    {
        if (correctProbabilities.Count == 0) throw new ArgumentException($"benchmark '{benchmark}' has no questions");
        int correct = correctProbabilities.Count(p => p > 0.5);
        var (low, high) = WilsonInterval.Of(correct, correctProbabilities.Count);
        return new(benchmark, correctProbabilities.Count, correct, correct / (double)correctProbabilities.Count, low, high,
            correctProbabilities.Average(), correctProbabilities);
    }
}

/// <summary>Side effects at one λ: perplexity inflation (null when no held-out text was given) and each benchmark's accuracy.</summary>
public sealed record SideEffectsPoint(double Lambda, PerplexityInflation? Perplexity, IReadOnlyList<BenchmarkAccuracy> Benchmarks);

/// <summary>One steering grid's side effects, a point per λ in the grid's order.</summary>
public sealed record SideEffectsSeries(string Grid, IReadOnlyList<SideEffectsPoint> Points);

/// <summary>A finished side-effects run: the unsteered baseline (perplexity and accuracies), and a series per grid.</summary>
public sealed record SideEffectsReport(double? BaselinePerplexity, IReadOnlyList<BenchmarkAccuracy> BaselineBenchmarks,
    IReadOnlyList<SideEffectsSeries> Series);

/// <summary>Progress in (grid, λ) points measured.</summary>
public sealed record SideEffectsProgress(int Done, int Total, string Stage);
