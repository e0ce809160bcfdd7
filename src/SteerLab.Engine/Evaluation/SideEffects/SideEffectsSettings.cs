using SteerLab.Engine.Hooks;

namespace SteerLab.Engine.Evaluation.SideEffects;

/// <summary>How the side-effects runner steers and batches.
/// <para>Scopes differ on purpose. Perplexity is measured teacher-forced with the BOS as the prompt
/// (<see cref="Evaluation.Perplexity"/>), so <see cref="PositionScope.Generated"/> steers exactly the scored text, as
/// generation would. An A/B question is scored from one prompt-only forward (<see cref="AnswerProbability"/>), where
/// Generated would steer nothing: benchmarks steer <see cref="PositionScope.All"/>, like the A/B sweep.</para></summary>
public sealed record SideEffectsSettings
{
    public PositionScope PerplexityScope { get; init; } = PositionScope.Generated;
    public PositionScope BenchmarkScope { get; init; } = PositionScope.All;
    public bool DeltaCorrection { get; init; } = true;
    public int PerplexityBatchSize { get; init; } = 8;
    public int BenchmarkBatchSize { get; init; } = 16;
    /// <summary>null = the model's pad id, or 0.</summary>
    public int? PadId { get; init; }
}
