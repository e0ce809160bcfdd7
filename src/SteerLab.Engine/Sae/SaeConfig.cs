using SteerLab.Engine.Hooks;

namespace SteerLab.Engine.Sae;

/// <summary>The SAE's activation σ: ReLU, JumpReLU (per-feature thresholds) or TopK (keep the k largest of
/// ReLU(pre)). ReLU and JumpReLU act per feature; TopK does not.</summary>
public enum SaeActivation { Relu, JumpRelu, TopK }

/// <summary>How inputs are normalised before encoding and outputs restored after decoding (SAELens
/// <c>normalize_activations</c>; Llama Scope's dataset-wide rescaling).</summary>
public enum SaeNormalization { None, ConstantNormRescale, LayerNorm, DatasetScale }

/// <summary>Everything about an SAE but its tensors.</summary>
public sealed record SaeConfig
{
    public required int DIn { get; init; }
    public required int DSae { get; init; }
    public required SaeActivation Activation { get; init; }
    /// <summary>k for TopK SAEs.</summary>
    public int K { get; init; }
    /// <summary>Subtract b_dec from the input before encoding (SAELens apply_b_dec_to_input; Gemma Scope: false).</summary>
    public bool ApplyBDecToInput { get; init; }
    public SaeNormalization Normalization { get; init; } = SaeNormalization.None;
    /// <summary>For <see cref="SaeNormalization.DatasetScale"/>: inputs are multiplied by sqrt(d_in)/InputNorm before
    /// encoding, outputs by OutputNorm/sqrt(d_in) after decoding (Llama Scope's dataset-wise average norms).</summary>
    public double DatasetInputNorm { get; init; } = 1;
    public double DatasetOutputNorm { get; init; } = 1;
    /// <summary>Where the SAE reads and writes, as our hook point (null if the source did not say).</summary>
    public HookPoint? Hook { get; init; }
    /// <summary>Where it came from: a release/id or a folder, for provenance.</summary>
    public string Source { get; init; } = "";
    public string? ModelName { get; init; }

    public bool IsPerFeature => Activation != SaeActivation.TopK;
}
