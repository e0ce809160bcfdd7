using SteerLab.Engine.Sae;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Support;

/// <summary>Small random SAEs for tests.</summary>
public static class TinySae
{
    public static SparseAutoencoder Random(int dIn, int dSae, SaeActivation activation, long seed, int k = 0,
        bool applyBDec = true, SaeNormalization normalization = SaeNormalization.None, double thresholdScale = 0.05)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        var wEnc = randn(dIn, dSae, generator: generator) / Math.Sqrt(dIn);
        var wDec = randn(dSae, dIn, generator: generator) / Math.Sqrt(dSae);
        var bEnc = randn(dSae, generator: generator) * 0.05;
        var bDec = randn(dIn, generator: generator) * 0.1;
        var threshold = activation == SaeActivation.JumpRelu ? rand(dSae, generator: generator) * thresholdScale : null;
        var config = new SaeConfig { DIn = dIn, DSae = dSae, Activation = activation, K = k, ApplyBDecToInput = applyBDec, Normalization = normalization, Source = "test" };
        return new SparseAutoencoder(config, wEnc, wDec, bEnc, bDec, threshold);
    }
}
