using System.Text;
using System.Text.Json;
using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Evaluation.SideEffects;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The engine side of a "side-effects" job (DESIGN §6, Side effects): cuts the held-out texts that came with the
/// job, joined one per line, into windows (<see cref="HeldOutText"/>), turns each benchmark's pairs into A/B questions the way A/B sweeps do
/// (<see cref="AbBenchmark.FromDataset"/>), and runs <see cref="SideEffectsRunner"/> over every vector's grid on the
/// (leased) model. Progress is one step per (vector, λ) point; cancellation is checked between points and batches.</summary>
static class SideEffectsJobRunner
{
    public static string Run(EngineJobRequest request, ModelRoots roots, LoadedModels models, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var parameters = JsonSerializer.Deserialize<SideEffectsJobParameters>(request.ParametersJson, EngineJobJson.Options)
            ?? throw new ArgumentException("the side-effects job has no parameters");
        JobVectors.CheckGrids(parameters.Vectors, "the side-effects job");
        var texts = parameters.HeldOutTexts ?? [];
        var benchmarkParameters = parameters.Benchmarks ?? [];
        if (texts.Length == 0 && benchmarkParameters.Length == 0) throw new ArgumentException("give held-out texts, benchmarks or both");
        if (texts.Any(t => t is null)) throw new ArgumentException("heldOutTexts: a text is missing (null)");
        for (int b = 0; b < benchmarkParameters.Length; b++)
        {
            if (benchmarkParameters[b] is null) throw new ArgumentException($"benchmarks[{b}]: missing");
            if (benchmarkParameters[b].MaxQuestions < 1) throw new ArgumentException($"benchmarks[{b}].maxQuestions: must be at least 1, got {benchmarkParameters[b].MaxQuestions}");
        }
        string modelName = request.Model ?? parameters.Model;
        string modelDir = roots.Resolve(modelName);
        var datasets = benchmarkParameters.Select((b, i) => JobAbPairs.Read(b.PairsJson, b.Name ?? $"benchmark {i}", $"benchmarks[{i}] '{b.Name}'")).ToList();

        progress(new EngineJobProgress(request.JobId, 0, $"loading {modelName}"));
        using var lease = models.Acquire(modelDir, cancellation);
        var tokenizer = lease.Tokenizer ?? throw new ArgumentException($"model '{modelName}' has no tokenizer: held-out texts and benchmarks are text");
        // The texts are measured as one running text, one per line: held-out text often comes as a dataset's sentences,
        // most shorter than a window (the demo's: median 30 tokens), and windows cut from each text alone would keep
        // only the few longest sentences (13 windows of 64 tokens from the demo's 512, none of 128). HeldOutText checks
        // window size and count with its own messages.
        IReadOnlyList<IReadOnlyList<int>> heldOut = texts.Length == 0 ? []
            : HeldOutText.Windows(tokenizer, [RunningText(texts, parameters.WindowTokens, parameters.MaxWindows)], parameters.WindowTokens, parameters.MaxWindows);
        if (texts.Length > 0 && heldOut.Count == 0)
            throw new ArgumentException($"held-out text '{parameters.HeldOutName}': too short for one window of {parameters.WindowTokens} tokens");
        var prompts = new ContrastivePrompts(tokenizer, lease.ChatTemplate);
        var benchmarks = datasets.Select((d, i) => AbBenchmark.FromDataset(d, prompts, benchmarkParameters[i].MaxQuestions)).ToList();

        using var vectors = JobVectors.Read(parameters.Vectors, lease.Model, roots);
        var grids = vectors.Vectors.Select(v => SteeringGrid.Of(v.Vector, v.Parameters.Lambdas)).ToList();
        var report = SideEffectsRunner.Run(lease.Model, heldOut, benchmarks, grids, vectors.SaeResolver(),
            new SideEffectsSettings { DeltaCorrection = parameters.DeltaCorrection }, new PointProgress(request.JobId, progress), cancellation);

        var series = vectors.Vectors.Select((v, i) => new SideEffectsSeriesResult(v.Parameters.VectorId, v.Vector.Name, v.MethodName, v.Vector.IsSparse,
            report.Series[i].Points.Select(p => new SideEffectsPointResult(p.Lambda, Inflation(p.Perplexity), [.. p.Benchmarks.Select(Accuracy)])).ToArray())).ToArray();
        var result = new SideEffectsJobResult(modelName, parameters.HeldOutName, heldOut.Count, parameters.WindowTokens, report.BaselinePerplexity,
            [.. report.BaselineBenchmarks.Select(Accuracy)], series);
        return JsonSerializer.Serialize(result, EngineJobJson.Options);
    }

    /// <summary>The texts one per line, only as many as the windows can use: English runs about 4 characters a token, so
    /// 16 characters for every token the windows hold leaves a wide margin (and spares encoding megabytes of unused text).</summary>
    static string RunningText(string[] texts, int windowTokens, int maxWindows)
    {
        long budget = 16L * Math.Max(1, windowTokens) * Math.Max(1, maxWindows);
        var text = new StringBuilder();
        foreach (string t in texts)
        {
            if (text.Length >= budget) break;
            if (text.Length > 0) text.Append('\n');
            text.Append(t);
        }
        return text.ToString();
    }

    static PerplexityInflationResult? Inflation(PerplexityInflation? p) =>
        p is null ? null : new(p.Perplexity, p.BaselinePerplexity, p.Inflation, p.Low, p.High, p.Sequences, p.Tokens);

    /// <summary>The accuracy without its per-question probabilities (they would make the result grow with the benchmark).</summary>
    static BenchmarkAccuracyResult Accuracy(BenchmarkAccuracy a) =>
        new(a.Benchmark, a.Questions, a.Correct, a.Accuracy, a.Low, a.High, a.MeanCorrectProbability);

    /// <summary>Reports on the runner's own thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    sealed class PointProgress(Guid jobId, Action<EngineJobProgress> report) : IProgress<SideEffectsProgress>
    {
        public void Report(SideEffectsProgress value) =>
            report(new EngineJobProgress(jobId, value.Done / (double)Math.Max(1, value.Total), $"{value.Stage} ({value.Done}/{value.Total})"));
    }
}
