using System.Text;
using System.Text.Json;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Shared.Engine;

namespace SteerLab.Engine.Worker;

/// <summary>The engine side of a "build-vector" job: reads the pairs that came with the job, runs the
/// <see cref="VectorBuildPipeline"/> on the (leased) model and answers the steerlab.vector/1 document. Progress is the
/// pipeline's stages turned into one fraction.</summary>
static class BuildVectorJobRunner
{
    public static string Run(EngineJobRequest request, ModelRoots roots, LoadedModels models, Action<EngineJobProgress> progress, CancellationToken cancellation)
    {
        var parameters = JsonSerializer.Deserialize<BuildVectorJobParameters>(request.ParametersJson, EngineJobJson.Options)
            ?? throw new ArgumentException("the build-vector job has no parameters");
        string modelName = request.Model ?? parameters.Model;
        var method = ParseMethod(parameters.Method);
        if (!HookPoint.TryParse(parameters.Hook, out var hook)) throw new ArgumentException($"'{parameters.Hook}' is not a hook point (e.g. blocks.1.hook_resid_post)");
        var dataset = ReadDataset(parameters);
        string? saePath = parameters.Sae is { } sae ? roots.ResolveSae(sae) : null;
        string modelDir = roots.Resolve(modelName);

        progress(new EngineJobProgress(request.JobId, 0, $"loading {modelName}"));
        using var lease = models.Acquire(modelDir, cancellation);
        // Not disposed: the model belongs to the lease (the LoadedModels cache), not to this job.
        var loaded = new LoadedModel
        {
            Model = lease.Model,
            Directory = modelDir,
            Tokenizer = lease.Tokenizer,
            ChatTemplate = lease.ChatTemplate,
            Identity = ModelIdentity.Of(modelDir, models.WeightType),
        };
        var options = new VectorBuildOptions
        {
            Method = method,
            Hook = hook,
            ReadPosition = ParseReadPosition(parameters.ReadPosition),
            SaePath = saePath,
            Tau = parameters.Tau,
            RemoveCommonFeatures = parameters.RemoveCommonFeatures,
            K = parameters.K,
            Name = string.IsNullOrWhiteSpace(parameters.Name) ? null : parameters.Name.Trim(),
            CreatedBy = "steerlab build-vector job",
        };
        var pipeline = new VectorBuildPipeline(loaded);
        var vector = pipeline.Build(dataset, options, new StageProgress(request.JobId, method, progress), cancellation);
        if (vector.L0 == 0)
            throw new ArgumentException(method is SteeringMethod.Sas or SteeringMethod.SaeTs
                ? $"the built vector is all zeros: no SAE feature is active in at least τ = {parameters.Tau} of either side's samples (or every such feature is common to both sides); lower τ or keep common features"
                : "the built vector is all zeros: the dataset's two sides give the same activations at this hook");
        // Named as the server knows them (model and SAE paths relative to a model root), not by this machine's folders.
        vector = vector with { ModelId = modelName };
        if (vector.Sae is { } reference && parameters.Sae is { } saeName) vector = vector with { Sae = reference with { Release = modelName, Id = saeName } };
        progress(new EngineJobProgress(request.JobId, 1, $"built {vector.Name}"));
        return JsonSerializer.Serialize(new BuildVectorJobResult(VectorDocument.ToJson(vector), ActivationsFromCache: pipeline.ActivationsFromCache), EngineJobJson.Options);
    }

    static ContrastiveDataset ReadDataset(BuildVectorJobParameters parameters)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(parameters.DatasetPairsJson ?? "");
        // The server bounded the upload; here the limit is just the text that came.
        var limits = new DatasetLimits { MaxBytes = Math.Max(1, bytes.Length), MaxRows = int.MaxValue };
        return ContrastiveDatasetReader.Read(new MemoryStream(bytes, writable: false), $"dataset '{parameters.DatasetName}'",
            DatasetFileFormat.Json, parameters.DatasetName, limits);
    }

    public static SteeringMethod ParseMethod(string? method) => method switch
    {
        "caa" => SteeringMethod.Caa,
        "topk_enr" => SteeringMethod.TopKEnr,
        "sas" => SteeringMethod.Sas,
        "sae_ts" => SteeringMethod.SaeTs,
        _ => throw new ArgumentException($"method must be caa, topk_enr, sas or sae_ts, not '{method}'"),
    };

    public static ReadPosition ParseReadPosition(string? position) => position switch
    {
        BuildVectorJobParameters.AnswerToken => ReadPosition.AnswerToken,
        BuildVectorJobParameters.LastPromptToken => ReadPosition.LastPromptToken,
        BuildVectorJobParameters.CompletionMean => ReadPosition.CompletionMean,
        _ => throw new ArgumentException($"read position must be {string.Join(", ", BuildVectorJobParameters.ReadPositions)}, not '{position}'"),
    };

    /// <summary>Maps (stage, done, total) to the job's fraction: reading activations is most of a build, except for
    /// SAE-TS, whose effect dataset (steered generations) dominates. Reported synchronously, on the job's thread.</summary>
    sealed class StageProgress(Guid jobId, SteeringMethod method, Action<EngineJobProgress> progress) : IProgress<(string Stage, int Done, int Total)>
    {
        public void Report((string Stage, int Done, int Total) value)
        {
            double part = value.Total > 0 ? Math.Clamp(value.Done / (double)value.Total, 0, 1) : 0;
            var (start, span) = (value.Stage, method) switch
            {
                ("activations", SteeringMethod.SaeTs) => (0.0, 0.3),
                ("activations", _) => (0.0, 0.95),
                ("effects", _) => (0.3, 0.65),
                _ => (0.95, 0.0),
            };
            progress(new EngineJobProgress(jobId, start + span * part, $"{value.Stage} {value.Done}/{value.Total}"));
        }
    }
}
