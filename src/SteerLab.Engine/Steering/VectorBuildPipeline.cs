using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Builders;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Steering.SaeTs;

namespace SteerLab.Engine.Steering;

/// <summary>What to build from a contrastive dataset.</summary>
public sealed record VectorBuildOptions
{
    public required SteeringMethod Method { get; init; }
    public required HookPoint Hook { get; init; }
    public ReadPosition ReadPosition { get; init; } = ReadPosition.AnswerToken;
    /// <summary>SAE folder or file (SAS and SAE-TS).</summary>
    public string? SaePath { get; init; }
    public double Tau { get; init; } = new SasOptions().Tau;
    public bool RemoveCommonFeatures { get; init; } = true;
    /// <summary>k for top-k ENR.</summary>
    public int K { get; init; } = 64;
    /// <summary>SAE-TS: the feature to target (default: the feature with the largest positive SAS value on this dataset,
    /// i.e. the one that most reinforces the behaviour).</summary>
    public int? TargetFeature { get; init; }
    public double Beta { get; init; } = 1.25;
    public EffectDatasetOptions EffectOptions { get; init; } = new();
    /// <summary>Activation cache folder (null = no cache).</summary>
    public string? CacheFolder { get; init; }
    public int BatchSize { get; init; } = 16;
    public string? Name { get; init; }
    public string CreatedBy { get; init; } = Environment.UserName;
}

/// <summary>The whole build: dataset → prompts (chat template applied) → activations at the hook (from the cache when
/// the same dataset, model, hook, read position and template were read before) → the method's vector, with its
/// provenance filled in. Progress reports (stage, done, total).</summary>
public sealed class VectorBuildPipeline(LoadedModel loaded)
{
    /// <summary>Model forwards the last build ran (0 when its activations came from the cache).</summary>
    public int ModelForwards { get; private set; }
    public bool ActivationsFromCache { get; private set; }

    public SteeringVector Build(ContrastiveDataset dataset, VectorBuildOptions options,
        IProgress<(string Stage, int Done, int Total)>? progress = null, CancellationToken cancellation = default)
    {
        var model = loaded.Model;
        if (options.Hook.Layer >= model.Config.LayerCount)
            throw new ArgumentException($"{options.Hook} does not exist: the model has {model.Config.LayerCount} layers");
        var prompts = new ContrastivePrompts(loaded.RequireTokenizer(), loaded.ChatTemplate);
        using var activations = Activations(dataset, prompts, options, progress, cancellation);
        using var sae = options.Method is SteeringMethod.Sas or SteeringMethod.SaeTs ? LoadSae(options) : null;
        var saeReference = sae is null ? null : new SaeReference(sae.Config.Source, Path.GetFileName(options.SaePath!.TrimEnd('/')), sae.DSae, SaeLoader.Sha256(options.SaePath!));
        string name = options.Name ?? $"{dataset.Name}-{VectorDocumentName(options.Method)}-{options.Hook.Name}";
        var vector = options.Method switch
        {
            SteeringMethod.Caa => CaaBuilder.Build(activations, name),
            SteeringMethod.TopKEnr => TopKEnrBuilder.Build(activations, options.K, name).Vector,
            SteeringMethod.Sas => SasBuilder.Build(activations, sae!, saeReference!, new SasOptions { Tau = options.Tau, RemoveCommonFeatures = options.RemoveCommonFeatures }, name).Vector,
            _ => BuildSaeTs(dataset, prompts, activations, sae!, saeReference!, options, name, progress, cancellation),
        };
        return vector with
        {
            Hook = options.Hook,
            ModelId = loaded.Name,
            ModelRevision = loaded.Identity,
            Dataset = dataset.Reference,
            Behaviour = dataset.Name,
            CreatedBy = options.CreatedBy,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    static string VectorDocumentName(SteeringMethod method) => Documents.VectorDocument.MethodName(method);

    ContrastiveActivations Activations(ContrastiveDataset dataset, ContrastivePrompts prompts, VectorBuildOptions options,
        IProgress<(string Stage, int Done, int Total)>? progress, CancellationToken cancellation)
    {
        var extractor = new ActivationExtractor(loaded.Model) { BatchSize = options.BatchSize, PadId = loaded.Model.Config.PadId ?? 0 };
        ContrastiveActivations Compute()
        {
            var pairs = prompts.Tokenize(dataset);
            var result = extractor.Extract(pairs, options.Hook, options.ReadPosition,
                progress is null ? null : (done, total) => progress.Report(("activations", done, total)), cancellation);
            ModelForwards = (int)extractor.ForwardPasses;
            return result;
        }
        if (options.CacheFolder is null) { ActivationsFromCache = false; return Compute(); }
        var cache = new ActivationCache(options.CacheFolder);
        var lookup = cache.GetOrCompute(ActivationCacheKey.For(dataset, loaded.Identity, options.Hook, options.ReadPosition, prompts), Compute);
        ActivationsFromCache = lookup.FromCache;
        if (lookup.FromCache) ModelForwards = 0;
        return lookup.Activations;
    }

    SparseAutoencoder LoadSae(VectorBuildOptions options)
    {
        if (options.SaePath is null) throw new ArgumentException($"{options.Method} needs an SAE (--sae)");
        var sae = SaeLoader.Load(options.SaePath, loaded.Model.Config.DModel, loaded.Model.Config.LayerCount);
        if (sae.Config.Hook is { } saeHook && saeHook != options.Hook)
        {
            sae.Dispose();
            throw new ArgumentException($"the SAE reads {saeHook} but the vector is built at {options.Hook}");
        }
        return sae;
    }

    SteeringVector BuildSaeTs(ContrastiveDataset dataset, ContrastivePrompts prompts, ContrastiveActivations activations, SparseAutoencoder sae,
        SaeReference saeReference, VectorBuildOptions options, string name, IProgress<(string Stage, int Done, int Total)>? progress, CancellationToken cancellation)
    {
        int target = options.TargetFeature ?? StrongestSasFeature(activations, sae, saeReference, options);
        // Short fixed prompts for the effect dataset: the dataset's own prompts, cut to their first tokens.
        var effectPrompts = dataset.Pairs.Take(8)
            .Select(pair => (IReadOnlyList<int>)prompts.Tokenize(pair).Positive.Ids.Take(16).ToList()).ToList();
        using var effects = new EffectDatasetBuilder(loaded.Model, sae, options.Hook).Build(effectPrompts, options.EffectOptions,
            progress is null ? null : new Progress<(int Done, int Total)>(p => progress.Report(("effects", p.Done, p.Total))), cancellation);
        using var effectModel = EffectModel.Fit(effects, seed: options.EffectOptions.Seed);
        return SaeTsBuilder.Build(effectModel, target, options.Beta, options.Hook, saeReference, name);
    }

    static int StrongestSasFeature(ContrastiveActivations activations, SparseAutoencoder sae, SaeReference reference, VectorBuildOptions options)
    {
        var sparse = SasBuilder.Build(activations, sae, reference, new SasOptions { Tau = options.Tau, RemoveCommonFeatures = options.RemoveCommonFeatures }).Vector.Sparse!;
        if (sparse.Support == 0) throw new InvalidOperationException("no SAE feature separates this dataset at this τ; give --target-feature");
        int best = Enumerable.Range(0, sparse.Support).MaxBy(i => sparse.Values[i])!;
        return sparse.Indices[best];
    }
}
