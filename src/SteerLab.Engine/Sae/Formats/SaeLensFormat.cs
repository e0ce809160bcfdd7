using System.Text.Json;
using SteerLab.Engine.Models.Safetensors;
using TorchSharp;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae.Formats;

/// <summary>SAELens folders: <c>cfg.json</c> + <c>sae_weights.safetensors</c> (W_enc [d_in, d_sae], W_dec
/// [d_sae, d_in], b_enc, b_dec, and threshold or log_threshold for JumpReLU); a <c>sparsity.safetensors</c>
/// beside them is ignored. Reads SAELens ≥ 6 configs (<c>architecture</c>, provenance under
/// <c>metadata</c>, or <c>meta</c> in the 6.0 release candidates) and the flat pre-6.0 ones
/// (<c>hook_point</c>, <c>activation_fn_str</c>, <c>activation_fn_kwargs.k</c>). SteerLab saves its own SAEs
/// in this layout (<see cref="Save"/>), with its extra metadata in a <c>steerlab</c> section that SAELens
/// ignores.</summary>
public static class SaeLensFormat
{
    public const string ConfigFileName = "cfg.json";
    public const string WeightsFileName = "sae_weights.safetensors";
    public const string SteerLabSection = "steerlab";

    public static bool IsSaeLensFolder(string folder) =>
        File.Exists(Path.Combine(folder, ConfigFileName)) && File.Exists(Path.Combine(folder, WeightsFileName));

    public static SparseAutoencoder Load(string folder, long maxBytes = SaeLoader.DefaultMaxBytes)
    {
        string cfgPath = Path.Combine(folder, ConfigFileName);
        string weightsPath = Path.Combine(folder, WeightsFileName);
        var config = ReadConfig(cfgPath) with { Source = folder };
        SaeChecks.CheckTotalSize(cfgPath, config.DIn, config.DSae, maxBytes);

        using var file = SaeChecks.OpenSafetensors(weightsPath, "a SAELens folder holds cfg.json and sae_weights.safetensors");
        string dims = $"from {ConfigFileName}: d_in {config.DIn}, d_sae {config.DSae}";
        SaeChecks.ExpectTensor(file, "W_enc", [config.DIn, config.DSae], $"d_in, d_sae {dims}");
        SaeChecks.ExpectTensor(file, "W_dec", [config.DSae, config.DIn], $"d_sae, d_in {dims}");
        SaeChecks.ExpectTensor(file, "b_enc", [config.DSae], $"d_sae {dims}");
        SaeChecks.ExpectTensor(file, "b_dec", [config.DIn], $"d_in {dims}");
        // SAELens ≥ 6 stores the JumpReLU threshold itself; its training checkpoints and older files store its log.
        string? thresholdName = null;
        if (config.Activation == SaeActivation.JumpRelu)
        {
            thresholdName = file.Contains("threshold") ? "threshold" : file.Contains("log_threshold") ? "log_threshold"
                : throw new SaeFormatException(weightsPath, "a jumprelu SAE needs a 'threshold' (or 'log_threshold') tensor");
            SaeChecks.ExpectTensor(file, thresholdName, [config.DSae], $"d_sae {dims}");
        }

        using var scope = NewDisposeScope();
        RequireUnitScalingFactor(file);
        var threshold = thresholdName switch
        {
            null => null,
            "log_threshold" => SaeChecks.LoadFloat32(file, thresholdName).exp(),
            _ => SaeChecks.LoadFloat32(file, thresholdName),
        };
        return SaeChecks.Assemble(scope, weightsPath, config,
            SaeChecks.LoadFloat32(file, "W_enc"), SaeChecks.LoadFloat32(file, "W_dec"), SaeChecks.LoadFloat32(file, "b_enc"), SaeChecks.LoadFloat32(file, "b_dec"), threshold);
    }

    /// <summary>Parses a cfg.json into an <see cref="SaeConfig"/> (Source = the cfg path).</summary>
    public static SaeConfig ReadConfig(string cfgPath)
    {
        using var document = SaeJson.ReadObject(cfgPath);
        var root = document.RootElement;
        string metaPath = root.TryGetProperty("metadata", out _) ? "$.metadata" : "$.meta";
        var meta = SaeJson.OptionalObject(cfgPath, root, "metadata") ?? SaeJson.OptionalObject(cfgPath, root, "meta");

        int dIn = SaeChecks.Dimension(cfgPath, "$.d_in", SaeJson.RequiredInteger(cfgPath, root, "d_in"));
        int dSae = SaeChecks.Dimension(cfgPath, "$.d_sae", SaeJson.RequiredInteger(cfgPath, root, "d_sae"));

        // Pre-6.0 configs have no architecture (standard) and name the activation in activation_fn_str.
        string architecture = SaeJson.OptionalString(cfgPath, root, "architecture") ?? "standard";
        string activationField = root.TryGetProperty("activation_fn", out _) ? "activation_fn" : "activation_fn_str";
        string activationFn = SaeJson.OptionalString(cfgPath, root, activationField) ?? "relu";
        var activation = architecture switch
        {
            "standard" => activationFn switch
            {
                "relu" => SaeActivation.Relu,
                "topk" => SaeActivation.TopK,
                _ => throw new SaeFormatException(cfgPath, $"$.{activationField} '{activationFn}' is not supported (relu or topk)"),
            },
            "jumprelu" => SaeActivation.JumpRelu,
            "topk" => SaeActivation.TopK,
            _ => throw new SaeFormatException(cfgPath, $"$.architecture '{architecture}' is unknown or unsupported (supported: standard, jumprelu, topk)"),
        };

        int k = 0;
        if (activation == SaeActivation.TopK)
        {
            var kwargs = SaeJson.OptionalObject(cfgPath, root, "activation_fn_kwargs");
            long kValue = SaeJson.OptionalInteger(cfgPath, root, "k")
                ?? (kwargs is { } args ? SaeJson.OptionalInteger(cfgPath, args, "k", "$.activation_fn_kwargs") : null)
                ?? throw new SaeFormatException(cfgPath, "a topk SAE needs $.k (or $.activation_fn_kwargs.k)");
            if (kValue < 1 || kValue > dSae)
                throw new SaeFormatException(cfgPath, $"$.k must be in [1, d_sae = {dSae}], got {kValue}");
            k = (int)kValue;
        }
        // With this flag SAELens gates TopK on pre-activations scaled by decoder row norms and divides the
        // codes back; SteerLab's SAE has no such mode, and the codes would silently differ.
        if (SaeJson.OptionalBool(cfgPath, root, "rescale_acts_by_decoder_norm") == true)
            throw new SaeFormatException(cfgPath, "$.rescale_acts_by_decoder_norm = true is not supported");
        string? reshape = SaeJson.OptionalString(cfgPath, root, "reshape_activations");
        if (reshape is not null and not "none")
            throw new SaeFormatException(cfgPath, $"$.reshape_activations '{reshape}' is not supported (only per-position residual-stream SAEs are)");

        string hookField = "$.hook_name";
        string? hookName = meta is { } m ? SaeJson.OptionalString(cfgPath, m, "hook_name", metaPath) : null;
        if (hookName is not null) hookField = $"{metaPath}.hook_name";
        else if ((hookName = SaeJson.OptionalString(cfgPath, root, "hook_name")) is null
                 && (hookName = SaeJson.OptionalString(cfgPath, root, "hook_point")) is not null)
            hookField = "$.hook_point";
        string? modelName = (meta is { } m2 ? SaeJson.OptionalString(cfgPath, m2, "model_name", metaPath) : null)
            ?? SaeJson.OptionalString(cfgPath, root, "model_name");

        return new SaeConfig
        {
            DIn = dIn,
            DSae = dSae,
            Activation = activation,
            K = k,
            // SAELens's default, before and after 6.0.
            ApplyBDecToInput = SaeJson.OptionalBool(cfgPath, root, "apply_b_dec_to_input") ?? true,
            Normalization = ReadNormalization(cfgPath, root),
            Hook = SaeChecks.ParseHook(cfgPath, hookField, hookName),
            Source = cfgPath,
            ModelName = modelName,
        };
    }

    static SaeNormalization ReadNormalization(string cfgPath, JsonElement root)
    {
        if (!root.TryGetProperty("normalize_activations", out var value)) return SaeNormalization.None;
        return value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.False => SaeNormalization.None,
            // Pre-6.0 boolean true meant expected_average_only_in (below).
            JsonValueKind.True => SaeNormalization.None,
            JsonValueKind.String => value.GetString() switch
            {
                "none" => SaeNormalization.None,
                // SAELens estimates a dataset-wide input scale for training and folds it into W_enc, W_dec and
                // b_dec when training ends, so a saved SAE runs on raw activations: identity at run time.
                "expected_average_only_in" => SaeNormalization.None,
                "constant_norm_rescale" => SaeNormalization.ConstantNormRescale,
                "layer_norm" => SaeNormalization.LayerNorm,
                var other => throw new SaeFormatException(cfgPath,
                    $"$.normalize_activations '{other}' is not supported (none, expected_average_only_in, constant_norm_rescale, layer_norm)"),
            },
            _ => throw new SaeFormatException(cfgPath, $"$.normalize_activations must be a string, found {value.GetRawText()}"),
        };
    }

    /// <summary>The <c>steerlab</c> section of a cfg.json (training statistics and the like), or an empty
    /// dictionary when there is none.</summary>
    public static IReadOnlyDictionary<string, JsonElement> ReadSteerLabMetadata(string folder)
    {
        string cfgPath = Path.Combine(folder, ConfigFileName);
        using var document = SaeJson.ReadObject(cfgPath);
        var section = SaeJson.OptionalObject(cfgPath, document.RootElement, SteerLabSection);
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (section is { } s)
            foreach (var property in s.EnumerateObject()) result[property.Name] = property.Value.Clone();
        return result;
    }

    /// <summary>Writes <paramref name="sae"/> as a SAELens ≥ 6 folder that <see cref="Load"/> reads back
    /// bit for bit (and SAELens can load). Dataset-scaled SAEs (Llama Scope) have no SAELens equivalent: their
    /// scales are folded into the weights, which keeps codes and reconstructions up to float rounding.
    /// Each file is written beside its final name and then moved over it, so a crash never leaves a
    /// half-written SAE under the real names.</summary>
    public static void Save(SparseAutoencoder sae, string folder, IReadOnlyDictionary<string, object>? extraMetadata = null)
    {
        Directory.CreateDirectory(folder);
        using var scope = NewDisposeScope();
        var (wEnc, wDec, bEnc, bDec, applyBDec) = sae.Config.Normalization == SaeNormalization.DatasetScale
            ? FoldDatasetScale(sae)
            : (sae.WEnc, sae.WDec, sae.BEnc, sae.BDec, sae.Config.ApplyBDecToInput);
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("W_enc", wEnc), new("W_dec", wDec), new("b_enc", bEnc), new("b_dec", bDec),
        };
        if (sae.Threshold is not null) tensors.Add(new("threshold", sae.Threshold));

        string weightsPath = Path.Combine(folder, WeightsFileName);
        SafetensorsWriter.Write(weightsPath + ".tmp", tensors);
        string cfgPath = Path.Combine(folder, ConfigFileName);
        File.WriteAllBytes(cfgPath + ".tmp", ConfigJson(sae.Config, applyBDec, extraMetadata));
        File.Move(weightsPath + ".tmp", weightsPath, overwrite: true);
        File.Move(cfgPath + ".tmp", cfgPath, overwrite: true);
    }

    static byte[] ConfigJson(SaeConfig config, bool applyBDec, IReadOnlyDictionary<string, object>? extraMetadata)
    {
        var cfg = new Dictionary<string, object?>
        {
            ["architecture"] = config.Activation switch
            {
                SaeActivation.JumpRelu => "jumprelu",
                SaeActivation.TopK => "topk",
                _ => "standard",
            },
            ["d_in"] = config.DIn,
            ["d_sae"] = config.DSae,
            ["dtype"] = "float32",
            ["device"] = "cpu",
            ["apply_b_dec_to_input"] = applyBDec,
            ["normalize_activations"] = config.Normalization switch
            {
                SaeNormalization.ConstantNormRescale => "constant_norm_rescale",
                SaeNormalization.LayerNorm => "layer_norm",
                _ => "none",
            },
            ["reshape_activations"] = "none",
        };
        if (config.Activation == SaeActivation.TopK) cfg["k"] = config.K;
        cfg["metadata"] = new Dictionary<string, object?>
        {
            ["hook_name"] = config.Hook?.Name,
            ["model_name"] = config.ModelName,
            // SAELens converts configs without a version as flat pre-6.0 ones, which would drop this nested
            // metadata; the marker says the file follows the 6.x layout.
            ["sae_lens_version"] = "6.0.0",
        };
        if (extraMetadata is not null) cfg[SteerLabSection] = extraMetadata;
        return JsonSerializer.SerializeToUtf8Bytes(cfg, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Folds x·sqrt(d)/in before encoding and ·out/sqrt(d) after decoding into the weights:
    /// pre = x (s W_enc) + (b_enc − [apply] b_dec W_enc), x̂ = f (c W_dec) + c b_dec.</summary>
    static (Tensor, Tensor, Tensor, Tensor, bool) FoldDatasetScale(SparseAutoencoder sae)
    {
        double sqrtD = Math.Sqrt(sae.DIn);
        double inScale = sqrtD / sae.Config.DatasetInputNorm, outScale = sae.Config.DatasetOutputNorm / sqrtD;
        var bEnc = sae.Config.ApplyBDecToInput ? sae.BEnc - sae.BDec.matmul(sae.WEnc) : sae.BEnc;
        using Scalar inScalar = inScale.ToScalar(), outScalar = outScale.ToScalar();
        return (sae.WEnc.mul(inScalar), sae.WDec.mul(outScalar), bEnc, sae.BDec.mul(outScalar), false);
    }

    // SAELens once saved a finetuning scaling_factor; all ones means unused, anything else changes decoding.
    static void RequireUnitScalingFactor(SafetensorsFile file)
    {
        if (!file.Contains("scaling_factor")) return;
        using var scope = NewDisposeScope(); // keeps eq's result alive while all() reads it (a finalizer could free it)
        var factor = SaeChecks.LoadFloat32(file, "scaling_factor");
        if (!factor.eq(TorchScalars.One).all().item<bool>())
            throw new SaeFormatException(file.Path, "a finetuning 'scaling_factor' other than 1 is not supported");
    }
}
