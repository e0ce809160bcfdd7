using System.Text.Json;
using SteerLab.Engine.Models.Safetensors;
using TorchSharp;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Formats;

/// <summary>Llama Scope SAEs (OpenMOSS lm-saes checkpoints for Llama-3.1-8B): a folder with
/// <c>hyperparams.json</c> and <c>checkpoints/final.safetensors</c> holding torch Linear layers,
/// <c>encoder.weight</c> [d_sae, d_model] and <c>decoder.weight</c> [d_model, d_sae] (both transposed here),
/// <c>encoder.bias</c>, <c>decoder.bias</c>, usually bfloat16.
///
/// What the published hyperparams.json holds (e.g. Llama3_1-8B-Base-L8R-8x): d_model 4096, d_sae 32768,
/// hook_point_in = hook_point_out = "blocks.8.hook_resid_post", act_fn "jumprelu", a scalar
/// jump_relu_threshold, norm_activation "dataset-wise", dataset_average_activation_norm {"in": 6.3125,
/// "out": 6.3125}, top_k 50, apply_decoder_bias_to_pre_encoder false, sparsity_include_decoder_norm true.
/// How we read it, and the assumptions made:
/// - The weights are in lm-saes's training space, where inputs were scaled to norm sqrt(d_model): the input
///   is multiplied by sqrt(d)/in before encoding and the output by out/sqrt(d) after decoding
///   (<see cref="SaeNormalization.DatasetScale"/>), as lm-saes itself does before folding for inference.
/// - act_fn decides the activation. The released checkpoints say "jumprelu" and also carry top_k from the
///   TopK training run they were converted from; top_k is only used when act_fn is "topk". Without act_fn,
///   a jump_relu_threshold means JumpReLU and a top_k TopK.
/// - sparsity_include_decoder_norm (lm-saes default true): lm-saes gates on pre × ‖W_dec row‖ and divides the
///   code back. We fold the row norms into the encoder (W_enc columns and b_enc × n, W_dec rows ÷ n), which
///   reproduces the gate and the reconstruction exactly, with codes in unit-decoder-norm units (what lm-saes's
///   inference path gives after its transform_to_unit_decoder_norm). A no-op when the rows have unit norm.
/// - SAELens's converter for these files differs (it keeps expected_average_only_in semantics and rescales
///   the scalar threshold by sqrt(d)/in instead); we follow lm-saes, the code that trained them.
/// - A per-feature log_jumprelu_threshold tensor (later OpenMOSS releases) overrides the scalar.
/// - A transcoder (hook_point_out ≠ hook_point_in) is not an SAE at one hook point and is refused.</summary>
public static class LlamaScopeFormat
{
    public const string HyperparamsFileName = "hyperparams.json";
    public static readonly string CheckpointRelativePath = Path.Combine("checkpoints", "final.safetensors");

    public static bool IsLlamaScopeFolder(string folder) => File.Exists(Path.Combine(folder, HyperparamsFileName));

    sealed record Hyperparams(SaeConfig Config, double? ScalarThreshold, bool UseDecoderBias, bool FoldDecoderNorm);

    /// <summary>The SAE's config from its hyperparams.json alone, without reading any weight (catalogues).</summary>
    public static SaeConfig ReadConfig(string folder) => ReadHyperparams(Path.Combine(folder, HyperparamsFileName), folder).Config;

    public static SparseAutoencoder Load(string folder, long maxBytes = SaeLoader.DefaultMaxBytes)
    {
        var hp = ReadHyperparams(Path.Combine(folder, HyperparamsFileName), folder);
        var config = hp.Config;
        SaeChecks.CheckTotalSize(Path.Combine(folder, HyperparamsFileName), config.DIn, config.DSae, maxBytes);
        string weightsPath = Path.Combine(folder, CheckpointRelativePath);
        using var file = SaeChecks.OpenSafetensors(weightsPath, "Llama Scope keeps its weights in checkpoints/final.safetensors");

        string dims = $"from {HyperparamsFileName}: d_model {config.DIn}, d_sae {config.DSae}";
        SaeChecks.ExpectTensor(file, "encoder.weight", [config.DSae, config.DIn], $"d_sae, d_model {dims}");
        SaeChecks.ExpectTensor(file, "decoder.weight", [config.DIn, config.DSae], $"d_model, d_sae {dims}");
        SaeChecks.ExpectTensor(file, "encoder.bias", [config.DSae], $"d_sae {dims}");
        if (hp.UseDecoderBias) SaeChecks.ExpectTensor(file, "decoder.bias", [config.DIn], $"d_model {dims}");
        bool perFeatureThreshold = config.Activation == SaeActivation.JumpRelu && file.Contains("log_jumprelu_threshold");
        if (perFeatureThreshold) SaeChecks.ExpectTensor(file, "log_jumprelu_threshold", [config.DSae], $"d_sae {dims}");
        if (config.Activation == SaeActivation.JumpRelu && !perFeatureThreshold && hp.ScalarThreshold is null)
            throw new SaeFormatException(Path.Combine(folder, HyperparamsFileName), "a jumprelu SAE needs $.jump_relu_threshold");

        using var scope = NewDisposeScope();
        var wEnc = SaeChecks.LoadFloat32(file, "encoder.weight").t();   // [d, m]
        var wDec = SaeChecks.LoadFloat32(file, "decoder.weight").t();   // [m, d]
        var bEnc = SaeChecks.LoadFloat32(file, "encoder.bias");         // [m]
        var bDec = hp.UseDecoderBias ? SaeChecks.LoadFloat32(file, "decoder.bias") : zeros(config.DIn);
        Tensor? threshold = config.Activation != SaeActivation.JumpRelu ? null
            : perFeatureThreshold ? SaeChecks.LoadFloat32(file, "log_jumprelu_threshold").exp()
            : SameThreshold(config.DSae, hp.ScalarThreshold!.Value);
        if (hp.FoldDecoderNorm)
        {
            // Dead features with an all-zero decoder row keep their weights (nothing to fold, and no 0/0).
            var norms = wDec.norm(1, keepdim: false);                       // [m]
            norms = where(norms.gt(TorchScalars.Zero), norms, ones_like(norms));
            wEnc = wEnc * norms;
            bEnc = bEnc * norms;
            wDec = wDec / norms.unsqueeze(1);
        }
        return SaeChecks.Assemble(scope, weightsPath, config, wEnc, wDec, bEnc, bDec, threshold);
    }

    /// <summary>One JumpReLU threshold shared by all features, as [m].</summary>
    static Tensor SameThreshold(long features, double value)
    {
        using var threshold = value.ToScalar();
        return full(new long[] { features }, threshold, dtype: ScalarType.Float32);
    }

    static Hyperparams ReadHyperparams(string path, string folder)
    {
        using var document = SaeJson.ReadObject(path);
        var root = document.RootElement;
        int dModel = SaeChecks.Dimension(path, "$.d_model", SaeJson.RequiredInteger(path, root, "d_model"));
        long? dSaeField = SaeJson.OptionalInteger(path, root, "d_sae");
        long dSaeValue = dSaeField ?? dModel * Math.Clamp(SaeJson.OptionalInteger(path, root, "expansion_factor")
            ?? throw new SaeFormatException(path, "$.d_sae is missing (and there is no $.expansion_factor to derive it)"), 0, int.MaxValue);
        int dSae = SaeChecks.Dimension(path, "$.d_sae", dSaeValue);

        string hookIn = SaeJson.OptionalString(path, root, "hook_point_in")
            ?? throw new SaeFormatException(path, "$.hook_point_in is missing");
        string? hookOut = SaeJson.OptionalString(path, root, "hook_point_out");
        if (hookOut is not null && hookOut != hookIn)
            throw new SaeFormatException(path, $"hook_point_out '{hookOut}' differs from hook_point_in '{hookIn}': transcoders are not supported");

        double? scalarThreshold = SaeJson.OptionalNumber(path, root, "jump_relu_threshold");
        long? topK = SaeJson.OptionalInteger(path, root, "top_k");
        string actFn = SaeJson.OptionalString(path, root, "act_fn")
            ?? (scalarThreshold is not null ? "jumprelu" : topK is not null ? "topk" : "relu");
        var activation = actFn switch
        {
            "jumprelu" => SaeActivation.JumpRelu,
            "topk" => SaeActivation.TopK,
            "relu" => SaeActivation.Relu,
            _ => throw new SaeFormatException(path, $"$.act_fn '{actFn}' is not supported (jumprelu, topk or relu)"),
        };
        int k = 0;
        if (activation == SaeActivation.TopK)
        {
            long kValue = topK ?? throw new SaeFormatException(path, "a topk SAE needs $.top_k");
            if (kValue < 1 || kValue > dSae) throw new SaeFormatException(path, $"$.top_k must be in [1, d_sae = {dSae}], got {kValue}");
            k = (int)kValue;
        }

        var (normalization, inNorm, outNorm) = ReadNormalization(path, root, hookIn, hookOut ?? hookIn);
        var config = new SaeConfig
        {
            DIn = dModel,
            DSae = dSae,
            Activation = activation,
            K = k,
            ApplyBDecToInput = SaeJson.OptionalBool(path, root, "apply_decoder_bias_to_pre_encoder") ?? false,
            Normalization = normalization,
            DatasetInputNorm = inNorm,
            DatasetOutputNorm = outNorm,
            Hook = SaeChecks.ParseHook(path, "$.hook_point_in", hookIn),
            Source = folder,
            ModelName = SaeJson.OptionalString(path, root, "model_name"),
        };
        return new Hyperparams(config, scalarThreshold,
            UseDecoderBias: SaeJson.OptionalBool(path, root, "use_decoder_bias") ?? true,
            FoldDecoderNorm: SaeJson.OptionalBool(path, root, "sparsity_include_decoder_norm") ?? true);
    }

    static (SaeNormalization, double In, double Out) ReadNormalization(string path, JsonElement root, string hookIn, string hookOut)
    {
        string norm = SaeJson.OptionalString(path, root, "norm_activation") ?? "inference";
        switch (norm)
        {
            // "inference": lm-saes has already folded the dataset norms into the weights.
            case "inference" or "none":
                return (SaeNormalization.None, 1, 1);
            case "dataset-wise":
                if (!root.TryGetProperty("dataset_average_activation_norm", out var norms) || norms.ValueKind == JsonValueKind.Null)
                    throw new SaeFormatException(path, "norm_activation is dataset-wise but $.dataset_average_activation_norm is missing");
                // Published as {"in": x, "out": y}; newer lm-saes keys it by hook name; a bare number means both.
                if (norms.ValueKind == JsonValueKind.Number)
                {
                    double both = Positive(path, "$.dataset_average_activation_norm", SaeJson.RequiredNumber(path, root, "dataset_average_activation_norm"));
                    return (SaeNormalization.DatasetScale, both, both);
                }
                if (norms.ValueKind != JsonValueKind.Object)
                    throw new SaeFormatException(path, "$.dataset_average_activation_norm must be an object {\"in\": x, \"out\": y}");
                const string at = "$.dataset_average_activation_norm";
                string inKey = norms.TryGetProperty("in", out _) ? "in" : hookIn;
                string outKey = norms.TryGetProperty("out", out _) ? "out" : hookOut;
                double inNorm = Positive(path, $"{at}.{inKey}", SaeJson.RequiredNumber(path, norms, inKey, at));
                double outNorm = Positive(path, $"{at}.{outKey}", SaeJson.RequiredNumber(path, norms, outKey, at));
                return (SaeNormalization.DatasetScale, inNorm, outNorm);
            default:
                throw new SaeFormatException(path, $"$.norm_activation '{norm}' is not supported (dataset-wise or inference)");
        }
    }

    static double Positive(string path, string field, double value) =>
        value > 0 ? value : throw new SaeFormatException(path, $"{field} must be positive, got {value}");
}
