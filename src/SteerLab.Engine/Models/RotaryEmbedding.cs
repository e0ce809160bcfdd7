using static TorchSharp.torch;

namespace SteerLab.Engine.Models;

/// <summary>Rotary position embeddings in the Hugging Face "rotate_half" layout: the head dimension is split
/// in two halves that rotate together. Computed in float32.</summary>
sealed class RotaryEmbedding : IDisposable
{
    readonly Tensor inverseFrequencies; // [head_dim / 2]

    public RotaryEmbedding(int headDim, double theta, Llama3RopeScaling? scaling, Device device)
    {
        var frequencies = new float[headDim / 2];
        for (int i = 0; i < frequencies.Length; i++)
        {
            double f = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
            frequencies[i] = (float)(scaling is null ? f : ScaleLlama3(f, scaling));
        }
        inverseFrequencies = tensor(frequencies, device: device);
    }

    /// <summary>Llama 3.1's frequency-dependent scaling: long wavelengths slowed by the factor, short kept,
    /// a smooth blend between.</summary>
    static double ScaleLlama3(double frequency, Llama3RopeScaling s)
    {
        double wavelength = 2 * Math.PI / frequency;
        double lowWavelength = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highWavelength = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        if (wavelength < highWavelength) return frequency;
        if (wavelength > lowWavelength) return frequency / s.Factor;
        double smooth = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return (1 - smooth) * frequency / s.Factor + smooth * frequency;
    }

    /// <summary>cos and sin tables [batch, 1, seq, head_dim] for [batch, seq] positions.</summary>
    public (Tensor Cos, Tensor Sin) Tables(Tensor positions)
    {
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inverseFrequencies; // [batch, seq, hd/2]
        var both = cat([angles, angles], -1).unsqueeze(1);
        return (both.cos(), both.sin());
    }

    /// <summary>Rotates x [batch, heads, seq, head_dim] (float32).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[3] / 2;
        var rotated = cat([x.narrow(3, half, half).neg(), x.narrow(3, 0, half)], 3);
        return (x * cos).add(rotated * sin, TorchScalars.One);
    }

    public void Dispose() => inverseFrequencies.Dispose();
}
