using SteerLab.Engine.Generation;
using SteerLab.Engine.Hooks;

namespace SteerLab.Engine.Evaluation.OpenEnded;

/// <summary>How a question becomes a prompt: <see cref="Chat"/> puts it in the user turn of the model's chat template
/// (the plain "User: …\nAssistant:" format for models without one), as CAA does; <see cref="Raw"/> gives the question
/// text itself as the prompt (base models continuing a text, like the demo's "It was").</summary>
public enum OpenPromptFormat { Chat, Raw }

/// <summary>Settings of an open-ended run (DESIGN §6).</summary>
public sealed record OpenEndedSettings
{
    /// <summary>The behaviour the judge scores against, in the user's words ("The answer declines to help").</summary>
    public required string BehaviourDescription { get; init; }
    public OpenPromptFormat PromptFormat { get; init; } = OpenPromptFormat.Chat;
    public int MaxNewTokens { get; init; } = 64;
    /// <summary>Steered and unsteered answers use these settings and the same seed, so at λ = 0 they are identical.</summary>
    public SamplingSettings Sampling { get; init; } = new(Temperature: 0.7, TopP: 0.95, Seed: 1);
    /// <summary>Steer only generated tokens by default (DESIGN §5, Positions), as CAA's open-ended evaluation does.</summary>
    public PositionScope Scope { get; init; } = PositionScope.Generated;
    public bool DeltaCorrection { get; init; } = true;
    public int BatchSize { get; init; } = 8;
    /// <summary>Pad id for batched generation; null = the model's pad id, or 0.</summary>
    public int? PadId { get; init; }
    /// <summary>Passed to judges that sample (<see cref="Judges.JudgeRequest.Seed"/>).</summary>
    public long? JudgeSeed { get; init; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(BehaviourDescription)) throw new ArgumentException("describe the behaviour the judge should score");
        if (MaxNewTokens < 1) throw new ArgumentException($"max new tokens must be ≥ 1, got {MaxNewTokens}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be ≥ 1, got {BatchSize}");
        Sampling.Validate();
    }
}
