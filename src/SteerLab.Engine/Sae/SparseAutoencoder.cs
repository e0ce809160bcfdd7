using TorchSharp;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Sae;

/// <summary>A sparse autoencoder: its config plus four tensors (and thresholds for JumpReLU).
/// encode: pre = (norm(x) − b_dec·[apply_b_dec_to_input]) W_enc + b_enc; f = σ(pre).
/// decode: x̂ = denorm(f W_dec + b_dec). Tensors are float32 on the SAE's device.</summary>
public sealed class SparseAutoencoder : IDisposable
{
    public SaeConfig Config { get; }
    /// <summary>[d_in, d_sae]</summary>
    public Tensor WEnc { get; }
    /// <summary>[d_sae, d_in]</summary>
    public Tensor WDec { get; }
    /// <summary>[d_sae]</summary>
    public Tensor BEnc { get; }
    /// <summary>[d_in]</summary>
    public Tensor BDec { get; }
    /// <summary>[d_sae] for JumpReLU, else null.</summary>
    public Tensor? Threshold { get; }

    public int DIn => Config.DIn;
    public int DSae => Config.DSae;

    public SparseAutoencoder(SaeConfig config, Tensor wEnc, Tensor wDec, Tensor bEnc, Tensor bDec, Tensor? threshold = null)
    {
        Config = config;
        void Shape(Tensor t, string name, params long[] expected)
        {
            if (!t.shape.SequenceEqual(expected))
                throw new SaeFormatException(config.Source, $"{name} has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", expected)}] (d_in {config.DIn}, d_sae {config.DSae})");
        }
        Shape(wEnc, "W_enc", config.DIn, config.DSae);
        Shape(wDec, "W_dec", config.DSae, config.DIn);
        Shape(bEnc, "b_enc", config.DSae);
        Shape(bDec, "b_dec", config.DIn);
        if (config.Activation == SaeActivation.JumpRelu)
        {
            if (threshold is null) throw new SaeFormatException(config.Source, "a JumpReLU SAE needs a threshold tensor");
            Shape(threshold, "threshold", config.DSae);
        }
        if (config.Activation == SaeActivation.TopK && (config.K <= 0 || config.K > config.DSae))
            throw new SaeFormatException(config.Source, $"TopK k must be in [1, d_sae = {config.DSae}], got {config.K}");
        WEnc = wEnc.to(ScalarType.Float32);
        WDec = wDec.to(ScalarType.Float32);
        BEnc = bEnc.to(ScalarType.Float32);
        BDec = bDec.to(ScalarType.Float32);
        Threshold = threshold?.to(ScalarType.Float32);
    }

    /// <summary>Input normalisation: the normalised input and the per-token factor that maps decoder outputs
    /// back to activation space (x_out = decoded · scale + shift).</summary>
    public (Tensor Normalised, Tensor? OutScale, Tensor? OutShift) Normalise(Tensor x)
    {
        x = x.to(ScalarType.Float32);
        double sqrtD = Math.Sqrt(DIn);
        switch (Config.Normalization)
        {
            case SaeNormalization.ConstantNormRescale:
            {
                using var sqrtDScalar = sqrtD.ToScalar();
                var norm = x.norm(-1, keepdim: true);
                return (x * norm.reciprocal().mul(sqrtDScalar), norm.div(sqrtDScalar), null); // x·(√d/‖x‖), ‖x‖/√d
            }
            case SaeNormalization.LayerNorm:
                var mean = x.mean([-1], keepdim: true);
                var centred = x - mean;
                var std = centred.std(-1, keepdim: true);
                using (var eps = 1e-5.ToScalar())
                    return (centred / std.add(eps, TorchScalars.One), std, mean);
            case SaeNormalization.DatasetScale:
                using (var inScale = (sqrtD / Config.DatasetInputNorm).ToScalar())
                    return (x.mul(inScale), tensor(Config.DatasetOutputNorm / sqrtD, device: x.device), null);
            default:
                return (x, null, null);
        }
    }

    public static Tensor Denormalise(Tensor decoded, Tensor? scale, Tensor? shift)
    {
        if (scale is not null) decoded = decoded * scale;
        if (shift is not null) decoded = decoded.add(shift, TorchScalars.One);
        return decoded;
    }

    /// <summary>Pre-activations [.., d_sae] of already-normalised input.</summary>
    public Tensor PreActivations(Tensor normalised) =>
        (Config.ApplyBDecToInput ? normalised - BDec : normalised).matmul(WEnc).add(BEnc, TorchScalars.One);

    /// <summary>σ applied to [.., d_sae] values (the SAE's own activation).</summary>
    public Tensor Activate(Tensor pre) => Config.Activation switch
    {
        SaeActivation.Relu => pre.relu(),
        SaeActivation.JumpRelu => pre * pre.gt(Threshold!),
        _ => KeepTopK(pre.relu(), Config.K),
    };

    static Tensor KeepTopK(Tensor values, int k)
    {
        var (top, indices) = values.topk(k, dim: -1);
        return zeros_like(values).scatter_(-1, indices, top);
    }

    /// <summary>Codes f(x) [.., d_sae] of activations x [.., d_in].</summary>
    public Tensor Encode(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (normalised, _, _) = Normalise(x);
        return scope.MoveToOuter(Activate(PreActivations(normalised)));
    }

    /// <summary>Decodes codes of normalised input: f W_dec + b_dec (no denormalisation).</summary>
    public Tensor DecodeNormalised(Tensor codes) => codes.matmul(WDec).add(BDec, TorchScalars.One);

    /// <summary>Reconstruction x̂ [.., d_in] of activations x, in activation space.</summary>
    public Tensor Reconstruct(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (normalised, outScale, outShift) = Normalise(x);
        var codes = Activate(PreActivations(normalised));
        return scope.MoveToOuter(Denormalise(DecodeNormalised(codes), outScale, outShift));
    }

    public SparseAutoencoder To(Device device) =>
        new(Config, WEnc.to(device), WDec.to(device), BEnc.to(device), BDec.to(device), Threshold?.to(device));

    public void Dispose()
    {
        WEnc.Dispose(); WDec.Dispose(); BEnc.Dispose(); BDec.Dispose(); Threshold?.Dispose();
    }
}
