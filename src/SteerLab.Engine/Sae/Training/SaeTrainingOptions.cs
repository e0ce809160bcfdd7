using SteerLab.Engine.Hooks;

namespace SteerLab.Engine.Sae.Training;

/// <summary>Which sparsity mechanism an SAE is trained with.</summary>
public enum SaeTrainingKind
{
    /// <summary>Keep the k largest pre-activations (Gao et al. 2024); loss = normalised MSE (+ AuxK).</summary>
    TopK,
    /// <summary>ReLU codes with an L1 penalty; loss = Σ‖x − x̂‖² + C·Σ|f| per token (decoder rows held at unit norm,
    /// so this equals Anthropic's April 2024 penalty f·‖W_dec row‖).</summary>
    ReluL1,
}

/// <summary>Everything that decides an SAE training run. Defaults suit small models on a CPU; every value is
/// checked by <see cref="Validate"/> before any tensor is allocated.</summary>
public sealed record SaeTrainingOptions
{
    public required HookPoint Hook { get; init; }
    /// <summary>Number of features m (d_sae).</summary>
    public required int Width { get; init; }
    public required SaeTrainingKind Kind { get; init; }
    /// <summary>k for <see cref="SaeTrainingKind.TopK"/>.</summary>
    public int K { get; init; }
    /// <summary>L1 coefficient C for <see cref="SaeTrainingKind.ReluL1"/>, on inputs scaled to E‖x‖ = sqrt(d).</summary>
    public double L1Coefficient { get; init; }

    public int Steps { get; init; } = 2000;
    /// <summary>Tokens (activation vectors) per optimiser step.</summary>
    public int BatchTokens { get; init; } = 2048;
    /// <summary>Peak AdamW learning rate (no weight decay).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Fraction of steps with a linear warm-up from 0 to the peak rate.</summary>
    public double WarmupFraction { get; init; } = 0.05;
    /// <summary>Fraction of steps at the end with a linear decay to 0 (constant in between).</summary>
    public double DecayFraction { get; init; } = 0.2;
    /// <summary>For ReLU+L1: fraction of steps over which C ramps up linearly from 0 (fewer features die early).</summary>
    public double L1WarmupFraction { get; init; } = 0.05;
    /// <summary>For TopK: weight of the AuxK loss on dead features (0 turns it off). Gao et al. use 1/32.</summary>
    public double AuxKCoefficient { get; init; } = 1.0 / 32;
    /// <summary>A feature that has not fired in this many training tokens counts as dead.</summary>
    public long DeadAfterTokens { get; init; } = 1_000_000;
    public long Seed { get; init; } = 0;

    /// <summary>Share of sequences held out for validation (FVU, L0, loss with the SAE spliced in).</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Memory cap on the training activations held at once (float32): at most
    /// MaxBufferBytes / (4·d) tokens are kept; the rest of the text is not read.</summary>
    public long MaxBufferBytes { get; init; } = 1L << 30;
    /// <summary>Sequences per model forward while collecting activations and evaluating the loss.</summary>
    public int ForwardBatchSize { get; init; } = 16;
    /// <summary>Held-out sequences used for the language-model loss evaluation (at most).</summary>
    public int MaxLossSequences { get; init; } = 256;
    /// <summary>Report progress every this many steps (and on the last one).</summary>
    public int ProgressEvery { get; init; } = 50;

    public const int MaxWidth = 1 << 22;

    public void Validate(int dModel)
    {
        if (Hook.Layer < 0) throw new ArgumentException($"hook {Hook} has a negative layer");
        if (Width < 1 || Width > MaxWidth) throw new ArgumentException($"width must be in [1, {MaxWidth}], got {Width}");
        switch (Kind)
        {
            case SaeTrainingKind.TopK when K < 1 || K > Width:
                throw new ArgumentException($"TopK k must be in [1, width = {Width}], got {K}");
            case SaeTrainingKind.ReluL1 when !(double.IsFinite(L1Coefficient) && L1Coefficient >= 0):
                throw new ArgumentException($"the L1 coefficient must be a finite number ≥ 0, got {L1Coefficient}");
        }
        if (Steps < 1) throw new ArgumentException($"steps must be ≥ 1, got {Steps}");
        if (BatchTokens < 1 || BatchTokens > 1 << 20) throw new ArgumentException($"batch tokens must be in [1, {1 << 20}], got {BatchTokens}");
        if (!(double.IsFinite(LearningRate) && LearningRate > 0)) throw new ArgumentException($"learning rate must be a finite number > 0, got {LearningRate}");
        if (!(WarmupFraction >= 0 && DecayFraction >= 0 && WarmupFraction + DecayFraction <= 1))
            throw new ArgumentException($"warm-up ({WarmupFraction}) and decay ({DecayFraction}) fractions must be ≥ 0 and sum to ≤ 1");
        if (!(L1WarmupFraction >= 0 && L1WarmupFraction <= 1)) throw new ArgumentException($"L1 warm-up fraction must be in [0, 1], got {L1WarmupFraction}");
        if (!(double.IsFinite(AuxKCoefficient) && AuxKCoefficient >= 0)) throw new ArgumentException($"AuxK coefficient must be a finite number ≥ 0, got {AuxKCoefficient}");
        if (DeadAfterTokens < 1) throw new ArgumentException($"dead-after tokens must be ≥ 1, got {DeadAfterTokens}");
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) throw new ArgumentException($"validation fraction must be in (0, 1), got {ValidationFraction}");
        if (MaxBufferBytes < 4L * dModel * BatchTokens) throw new ArgumentException($"a buffer of {MaxBufferBytes} bytes cannot hold one batch of {BatchTokens} tokens of d = {dModel}");
        if (ForwardBatchSize < 1 || ForwardBatchSize > 4096) throw new ArgumentException($"forward batch size must be in [1, 4096], got {ForwardBatchSize}");
        if (MaxLossSequences < 1) throw new ArgumentException($"max loss sequences must be ≥ 1, got {MaxLossSequences}");
        if (ProgressEvery < 1) throw new ArgumentException($"progress interval must be ≥ 1, got {ProgressEvery}");
    }

    /// <summary>Training tokens the buffer may hold for activations of width <paramref name="dModel"/>.</summary>
    public long MaxBufferTokens(int dModel) => MaxBufferBytes / (4L * dModel);
}
