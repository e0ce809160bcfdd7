namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>The memory-bandwidth limit on decode speed (DESIGN §10): at batch 1 every weight byte is read once per
/// token, so tokens/s cannot exceed bandwidth ÷ weight bytes read per token.</summary>
public sealed record BandwidthBound(double BytesPerSecond, long BytesPerToken)
{
    public double TokensPerSecond => BytesPerToken > 0 ? BytesPerSecond / BytesPerToken
        : throw new InvalidOperationException("weight bytes per token must be positive");

    /// <summary>Measured tokens/s as a fraction of the bound (1 = at the bandwidth limit).</summary>
    public double FractionReached(double measuredTokensPerSecond) => measuredTokensPerSecond / TokensPerSecond;
}
