namespace SteerLab.Shared.Engine;

/// <summary>Parameters of a "side-effects" job (DESIGN §6, Side effects): perplexity inflation on held-out text and
/// accuracy on A/B benchmarks under each vector and λ, against the unsteered model.</summary>
/// <param name="HeldOutTexts">The held-out texts (cut into windows of <paramref name="WindowTokens"/> tokens, at most
/// <paramref name="MaxWindows"/>); empty for no perplexity.</param>
/// <param name="Benchmarks">A/B benchmarks (CAA MMLU / TruthfulQA schema, or CAA A/B), each as the server stores pairs.</param>
public sealed record SideEffectsJobParameters(
    string Model,
    SweepVectorParameters[] Vectors,
    string HeldOutName,
    string[] HeldOutTexts,
    SideEffectsBenchmarkParameters[] Benchmarks,
    int WindowTokens = 64,
    int MaxWindows = 64,
    bool DeltaCorrection = true);

/// <param name="PairsJson">The pairs as a JSON array as the server stores them.</param>
public sealed record SideEffectsBenchmarkParameters(string Name, string PairsJson, int MaxQuestions = 100);

/// <summary>What a "side-effects" job produced: the unsteered baseline and one series per vector.</summary>
/// <param name="HeldOutWindows">Windows of held-out text measured (0 when none was given).</param>
public sealed record SideEffectsJobResult(string Model, string HeldOutName, int HeldOutWindows, int WindowTokens, double? BaselinePerplexity,
    BenchmarkAccuracyResult[] BaselineBenchmarks, SideEffectsSeriesResult[] Series);

public sealed record SideEffectsSeriesResult(Guid? VectorId, string Name, string Method, bool IsSparse, SideEffectsPointResult[] Points);

/// <param name="Perplexity">Null when no held-out text was given.</param>
public sealed record SideEffectsPointResult(double Lambda, PerplexityInflationResult? Perplexity, BenchmarkAccuracyResult[] Benchmarks);

/// <summary>Steered / unsteered perplexity with its paired 95% interval (null with one window).</summary>
public sealed record PerplexityInflationResult(double Perplexity, double BaselinePerplexity, double Inflation, double? Low, double? High,
    int Sequences, long Tokens);

/// <summary>Accuracy with its 95% Wilson interval, and the mean p(correct letter).</summary>
public sealed record BenchmarkAccuracyResult(string Benchmark, int Questions, int Correct, double Accuracy, double Low, double High,
    double MeanCorrectProbability);
