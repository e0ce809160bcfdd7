using System.Globalization;
using System.Text.Json;
using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The engine side of a "sweep" job: turns the test set that came with the job into A/B questions (as the
/// <c>sweep</c> CLI verb does), then runs <see cref="LambdaSweep"/> for each vector over its own grid on the (leased)
/// model. Progress is one step per (vector, λ) point; cancellation is checked between batches by the sweep itself.</summary>
static class SweepJobRunner
{
    public static string Run(EngineJobRequest request, ModelRoots roots, LoadedModels models, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var parameters = JsonSerializer.Deserialize<SweepJobParameters>(request.ParametersJson, EngineJobJson.Options)
            ?? throw new ArgumentException("the sweep job has no parameters");
        JobVectors.CheckGrids(parameters.Vectors, "the sweep");
        if (parameters.MaxQuestions < 1) throw new ArgumentException($"maxQuestions must be at least 1, got {parameters.MaxQuestions}");
        string modelName = request.Model ?? parameters.Model;
        string modelDir = roots.Resolve(modelName);
        var testSet = JobAbPairs.Read(parameters.TestSetPairsJson, parameters.TestSetName ?? "test set", $"test set '{parameters.TestSetName}'");

        progress(new EngineJobProgress(request.JobId, 0, $"loading {modelName}"));
        using var lease = models.Acquire(modelDir, cancellation);
        var model = lease.Model;
        var tokenizer = lease.Tokenizer ?? throw new ArgumentException($"model '{modelName}' has no tokenizer: A/B questions are text");
        var questions = new ContrastivePrompts(tokenizer, lease.ChatTemplate)
            .ToAbQuestions(new ContrastiveDataset(testSet.Name, testSet.Pairs.Take(parameters.MaxQuestions).ToList()));

        using var vectors = JobVectors.Read(parameters.Vectors, model, roots);
        var options = new SweepOptions { DeltaCorrection = parameters.DeltaCorrection, PadId = model.Config.PadId ?? 0 };
        int total = parameters.Vectors.Sum(v => v.Lambdas.Length), done = 0;
        var series = new SweepSeries[vectors.Vectors.Count];
        for (int i = 0; i < series.Length; i++)
        {
            var vector = vectors.Vectors[i].Vector;
            var pointProgress = new PointProgress(p =>
            {
                done++;
                progress(new EngineJobProgress(request.JobId, done / (double)total, string.Create(CultureInfo.InvariantCulture,
                    $"{vector.Name}: {(vector.IsSparse ? "λ" : "α")} = {p.Lambda:0.###}, p = {p.MeanProbability:0.000} ({done}/{total})")));
            });
            var points = LambdaSweep.Run(model, questions, vector, parameters.Vectors[i].Lambdas, vectors.Vectors[i].SaeResolver, options,
                pointProgress, cancellation);
            series[i] = new SweepSeries(parameters.Vectors[i].VectorId, vector.Name, VectorDocument.MethodName(vector.Method), vector.IsSparse,
                points.Select(p => new SweepPointResult(p.Lambda, p.MeanProbability, p.IntervalLow, p.IntervalHigh, p.Count)).ToArray());
        }
        var result = new SweepJobResult(modelName, testSet.Name, questions.Count, testSet.Pairs.Count, series);
        return JsonSerializer.Serialize(result, EngineJobJson.Options);
    }

    /// <summary>Reports on the sweep's own thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    sealed class PointProgress(Action<SweepPoint> report) : IProgress<SweepPoint>
    {
        public void Report(SweepPoint value) => report(value);
    }
}
