using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;

namespace SteerLab.Engine.Demo;

/// <summary>How a demo vector is evaluated: sampled continuations of neutral prompts (prompts × seeds of them), and the
/// held-out sentences and text windows it is scored on.</summary>
public sealed record DemoEvaluationSettings
{
    public static readonly IReadOnlyList<string> NeutralPrompts = ["The", "It was", "He said", "In the", "She", "There were", "When the", "We"];

    public IReadOnlyList<string> Prompts { get; init; } = NeutralPrompts;
    /// <summary>Each prompt is continued once per seed: 8 prompts × 8 seeds = 64 continuations.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [1, 2, 3, 4, 5, 6, 7, 8];
    public int NewTokens { get; init; } = 48;
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 0.95;
    public int MaxSentences { get; init; } = 128;
    public int PerplexityWindows { get; init; } = 32;
    public int PerplexityWindowTokens { get; init; } = 128;
}

/// <summary>One λ of one vector: the classifier's mean genre score of the continuations (with its standard error), the
/// held-out log-likelihood gap (mean per-token log-likelihood of positive-genre sentences minus negative-genre ones) and
/// its shift from λ = 0, and the perplexity of held-out text, all with the vector applied at every position.</summary>
public sealed record DemoEvaluationPoint(double Lambda, double GenreScore, double GenreScoreStandardError, int Samples,
    double LogLikelihoodGap, double LogLikelihoodShift, double Perplexity, IReadOnlyList<string> Examples);

public sealed record DemoVectorEvaluation(string Vector, string Method, string Contrast, IReadOnlyList<DemoEvaluationPoint> Points);

/// <summary>Measures what a demo vector does over a λ grid (the README's steering table and the demo tests).</summary>
public sealed class DemoSteeringEvaluation(LoadedModel loaded, GenreClassifier classifier, SparseAutoencoder? sae, DemoEvaluationSettings settings)
{
    public DemoVectorEvaluation Evaluate(SteeringVector vector, DemoContrast contrast, IReadOnlyList<string> positiveSentences,
        IReadOnlyList<string> negativeSentences, IReadOnlyList<string> heldOutTexts, IReadOnlyList<double> lambdas,
        Action<string>? status = null, CancellationToken cancellation = default)
    {
        var tokenizer = loaded.RequireTokenizer();
        var positive = Encode(positiveSentences.Take(settings.MaxSentences));
        var negative = Encode(negativeSentences.Take(settings.MaxSentences));
        var windows = Windows(heldOutTexts);
        double? gapAtZero = null;
        var points = new List<DemoEvaluationPoint>();
        foreach (double lambda in lambdas.Order().Prepend(0).Distinct()) // λ = 0 first: the shifts are relative to it
        {
            status?.Invoke($"{vector.Name}: λ = {lambda}");
            using var plan = new SteeringPlan([new SteeringKnob(vector, lambda)], vector.IsSparse ? RequireSae : null, PositionScope.All);
            var hooks = plan.Hooks;
            var continuations = Continuations(hooks, cancellation);
            var scores = continuations.Select(c => classifier.Score(c, contrast.Positive, contrast.Negative)).ToList();
            double mean = scores.Average();
            double standardError = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / Math.Max(1, scores.Count - 1) / scores.Count);
            double gap = MeanLogLikelihood(positive, hooks, cancellation) - MeanLogLikelihood(negative, hooks, cancellation);
            gapAtZero ??= gap;
            double perplexity = Perplexity.Measure(loaded.Model, windows, hooks, cancellationToken: cancellation).Value;
            if (lambdas.Contains(lambda))
                points.Add(new DemoEvaluationPoint(lambda, mean, standardError, scores.Count, gap, gap - gapAtZero.Value, perplexity, continuations.Take(3).ToList()));
        }
        return new DemoVectorEvaluation(vector.Name, Steering.Documents.VectorDocument.MethodName(vector.Method), contrast.Id, [.. points.OrderBy(p => p.Lambda)]);

        List<IReadOnlyList<int>> Encode(IEnumerable<string> texts) => texts.Select(t => tokenizer.Encode(t, addBos: true)).Where(ids => ids.Count >= 2).ToList();
    }

    SparseAutoencoder RequireSae(SaeReference reference) => sae ?? throw new ArgumentException($"vector needs SAE {reference.Id}");

    /// <summary>Continuations (new text only) of every prompt under every seed.</summary>
    public List<string> Continuations(HookSet? hooks, CancellationToken cancellation)
    {
        var tokenizer = loaded.RequireTokenizer();
        var generator = new TokenGenerator(loaded.Model);
        var prompts = settings.Prompts.Select(p => tokenizer.Encode(p, addBos: true)).ToList();
        var texts = new List<string>();
        foreach (long seed in settings.Seeds)
        {
            var sequences = generator.Generate(new GenerationRequest
            {
                Prompts = prompts,
                MaxNewTokens = settings.NewTokens,
                Sampling = new SamplingSettings(settings.Temperature, TopK: 0, settings.TopP, seed),
                StopIds = tokenizer.StopIds.ToArray(),
                Hooks = hooks,
                PadId = loaded.Model.Config.PadId ?? 0,
            }, cancellation: cancellation);
            // Byte-level tokens carry their own spaces, so the new tokens decode on their own.
            texts.AddRange(sequences.Select(s => tokenizer.Decode(s.NewIds).Trim()));
        }
        return texts;
    }

    double MeanLogLikelihood(List<IReadOnlyList<int>> sentences, HookSet hooks, CancellationToken cancellation)
    {
        var result = Perplexity.Measure(loaded.Model, sentences, hooks, cancellationToken: cancellation);
        return result.Sequences.Sum(s => s.LogLikelihood) / result.TokenCount;
    }

    /// <summary>The first window (BOS + tokens) of each held-out text, up to <see cref="DemoEvaluationSettings.PerplexityWindows"/>.</summary>
    List<IReadOnlyList<int>> Windows(IReadOnlyList<string> texts)
    {
        var tokenizer = loaded.RequireTokenizer();
        int bos = tokenizer.BosId ?? throw new InvalidOperationException("the demo tokenizer has no BOS");
        var windows = new List<IReadOnlyList<int>>();
        foreach (string text in texts)
        {
            var ids = tokenizer.Encode(text, addBos: false);
            if (ids.Count >= settings.PerplexityWindowTokens - 1) windows.Add([bos, .. ids.Take(settings.PerplexityWindowTokens - 1)]);
            if (windows.Count == settings.PerplexityWindows) break;
        }
        return windows;
    }
}
