using System.Globalization;
using System.Text;
using System.Text.Json;
using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
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
        if (parameters.Vectors is not { Length: > 0 }) throw new ArgumentException("the sweep has no vectors");
        if (parameters.MaxQuestions < 1) throw new ArgumentException($"maxQuestions must be at least 1, got {parameters.MaxQuestions}");
        for (int i = 0; i < parameters.Vectors.Length; i++)
            if (parameters.Vectors[i].Lambdas is not { Length: > 0 }) throw new ArgumentException($"vectors[{i}]: the λ grid is empty");
        string modelName = request.Model ?? parameters.Model;
        string modelDir = roots.Resolve(modelName);
        var testSet = ReadTestSet(parameters);

        progress(new EngineJobProgress(request.JobId, 0, $"loading {modelName}"));
        using var lease = models.Acquire(modelDir, cancellation);
        var model = lease.Model;
        var tokenizer = lease.Tokenizer ?? throw new ArgumentException($"model '{modelName}' has no tokenizer: A/B questions are text");
        var questions = new ContrastivePrompts(tokenizer, lease.ChatTemplate)
            .ToAbQuestions(new ContrastiveDataset(testSet.Name, testSet.Pairs.Take(parameters.MaxQuestions).ToList()));

        var saes = new Dictionary<string, SparseAutoencoder>(StringComparer.Ordinal);
        try
        {
            var vectors = parameters.Vectors.Select((v, i) => ReadVector(v, i, model.Config.DModel, model.Config.LayerCount, roots, saes)).ToList();
            var options = new SweepOptions { DeltaCorrection = parameters.DeltaCorrection, PadId = model.Config.PadId ?? 0 };
            int total = parameters.Vectors.Sum(v => v.Lambdas.Length), done = 0;
            var series = new SweepSeries[vectors.Count];
            for (int i = 0; i < vectors.Count; i++)
            {
                var (vector, sae) = vectors[i];
                var pointProgress = new PointProgress(p =>
                {
                    done++;
                    progress(new EngineJobProgress(request.JobId, done / (double)total, string.Create(CultureInfo.InvariantCulture,
                        $"{vector.Name}: {(vector.IsSparse ? "λ" : "α")} = {p.Lambda:0.###}, p = {p.MeanProbability:0.000} ({done}/{total})")));
                });
                var points = LambdaSweep.Run(model, questions, vector, parameters.Vectors[i].Lambdas, sae is null ? null : _ => sae, options,
                    pointProgress, cancellation);
                series[i] = new SweepSeries(parameters.Vectors[i].VectorId, vector.Name, VectorDocument.MethodName(vector.Method), vector.IsSparse,
                    points.Select(p => new SweepPointResult(p.Lambda, p.MeanProbability, p.IntervalLow, p.IntervalHigh, p.Count)).ToArray());
            }
            var result = new SweepJobResult(modelName, testSet.Name, questions.Count, testSet.Pairs.Count, series);
            return JsonSerializer.Serialize(result, EngineJobJson.Options);
        }
        finally
        {
            foreach (var sae in saes.Values) sae.Dispose();
        }
    }

    static ContrastiveDataset ReadTestSet(SweepJobParameters parameters)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(parameters.TestSetPairsJson ?? "");
        // The server bounded the upload; here the limit is just the text that came.
        var limits = new DatasetLimits { MaxBytes = Math.Max(1, bytes.Length), MaxRows = int.MaxValue };
        return AbTestSetReader.Read(new MemoryStream(bytes, writable: false), $"test set '{parameters.TestSetName}'",
            DatasetFileFormat.Json, parameters.TestSetName ?? "test set", limits);
    }

    /// <summary>Parses one vector against the model, loading its SAE (once per folder) when it is sparse.</summary>
    static (SteeringVector Vector, SparseAutoencoder? Sae) ReadVector(SweepVectorParameters parameters, int index, int dModel, int layers,
        ModelRoots roots, Dictionary<string, SparseAutoencoder> saes)
    {
        SparseAutoencoder? sae = null;
        if (parameters.Sae is { } saeName && !saes.TryGetValue(saeName, out sae))
        {
            sae = SaeLoader.Load(roots.ResolveSae(saeName), dModel, layers);
            saes[saeName] = sae;
        }
        SteeringVector vector;
        try
        {
            vector = VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(parameters.VectorDocument ?? ""), $"vectors[{index}]",
                new VectorImportContext(dModel, layers, sae?.DSae));
        }
        catch (VectorImportException e) { throw new ArgumentException(e.Message, e); }
        if (vector.IsSparse && sae is null) throw new ArgumentException($"vectors[{index}]: '{vector.Name}' is a sparse vector; name its SAE (a folder under the model roots)");
        return (vector, vector.IsSparse ? sae : null);
    }

    /// <summary>Reports on the sweep's own thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    sealed class PointProgress(Action<SweepPoint> report) : IProgress<SweepPoint>
    {
        public void Report(SweepPoint value) => report(value);
    }
}
