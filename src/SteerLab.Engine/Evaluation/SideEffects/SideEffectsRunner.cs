using System.Globalization;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;

namespace SteerLab.Engine.Evaluation.SideEffects;

/// <summary>Side effects of steering (DESIGN §6): perplexity inflation on a fixed held-out slice and accuracy on A/B
/// benchmarks, for each steering grid and λ, against the unsteered model measured once. A λ at which nothing is steered
/// (λ = 0) runs without hooks, exactly like the baseline, so its inflation is exactly 1 and its accuracies equal the
/// baseline's.</summary>
public static class SideEffectsRunner
{
    /// <param name="heldOut">Token sequences of the held-out slice (<see cref="HeldOutText.Windows"/>); may be empty when
    /// benchmarks are given.</param>
    public static SideEffectsReport Run(TransformerModel model, IReadOnlyList<IReadOnlyList<int>> heldOut, IReadOnlyList<AbBenchmark> benchmarks,
        IReadOnlyList<SteeringGrid> grids, Func<SaeReference, SparseAutoencoder>? saes = null, SideEffectsSettings? settings = null,
        IProgress<SideEffectsProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(benchmarks);
        ArgumentNullException.ThrowIfNull(grids);
        settings ??= new SideEffectsSettings();
        if (heldOut.Count == 0 && benchmarks.Count == 0) throw new ArgumentException("give held-out text, benchmarks or both");
        if (grids.Count == 0) throw new ArgumentException("no steering grid to measure");
        foreach (var grid in grids) grid.Validate();
        if (grids.Any(g => g.NeedsSae) && saes is null) throw new ArgumentException("sparse vectors need an SAE resolver");
        foreach (var benchmark in benchmarks)
            if (benchmark.Questions.Count == 0) throw new ArgumentException($"benchmark '{benchmark.Name}' has no questions");
        int padId = settings.PadId ?? model.Config.PadId ?? 0;

        int total = grids.Sum(g => g.Lambdas.Count), done = 0;
        progress?.Report(new SideEffectsProgress(0, total, "measuring the unsteered model"));
        var baselinePerplexity = heldOut.Count == 0 ? null : Perplexity.Measure(model, heldOut, hooks: null, contextLengths: null,
            settings.PerplexityBatchSize, padId, cancellationToken);
        var baselineBenchmarks = Benchmarks(model, benchmarks, hooks: null, settings, padId, cancellationToken);

        var series = new List<SideEffectsSeries>(grids.Count);
        foreach (var grid in grids)
        {
            var points = new List<SideEffectsPoint>(grid.Lambdas.Count);
            foreach (double lambda in grid.Lambdas)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PerplexityInflation? inflation = null;
                if (baselinePerplexity is not null)
                {
                    using var plan = new SteeringPlan(grid.At(lambda), saes, settings.PerplexityScope, settings.DeltaCorrection);
                    var steered = Perplexity.Measure(model, heldOut, plan.Hooks.IsEmpty ? null : plan.Hooks, contextLengths: null,
                        settings.PerplexityBatchSize, padId, cancellationToken);
                    inflation = PerplexityInflation.Between(baselinePerplexity, steered);
                }
                IReadOnlyList<BenchmarkAccuracy> accuracies = [];
                if (benchmarks.Count > 0)
                {
                    using var plan = new SteeringPlan(grid.At(lambda), saes, settings.BenchmarkScope, settings.DeltaCorrection);
                    accuracies = Benchmarks(model, benchmarks, plan.Hooks.IsEmpty ? null : plan.Hooks, settings, padId, cancellationToken);
                }
                points.Add(new SideEffectsPoint(lambda, inflation, accuracies));
                done++;
                progress?.Report(new SideEffectsProgress(done, total, string.Create(CultureInfo.InvariantCulture, $"{grid.Name}: λ = {lambda:0.###}")));
            }
            series.Add(new SideEffectsSeries(grid.Name, points));
        }
        return new SideEffectsReport(baselinePerplexity?.Value, baselineBenchmarks, series);
    }

    static IReadOnlyList<BenchmarkAccuracy> Benchmarks(TransformerModel model, IReadOnlyList<AbBenchmark> benchmarks, HookSet? hooks,
        SideEffectsSettings settings, int padId, CancellationToken cancellationToken) =>
        benchmarks.Select(b => BenchmarkAccuracy.Of(b.Name,
            AnswerProbability.PerQuestion(model, b.Questions, hooks, settings.BenchmarkBatchSize, padId, cancellationToken))).ToList();
}
