using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>Everything one <c>bench</c> run measured; serialised as-is by <c>bench --json</c>.</summary>
public sealed record BenchReport(
    MachineInfo Machine,
    BandwidthReport Bandwidth,
    ThroughputOptions Throughput,
    IReadOnlyList<ModelBenchResult> Models,
    LoadMemoryResult? LoadMemory,
    IReadOnlyList<string> Notes,
    double ElapsedSeconds);

/// <param name="Copy">the bandwidth the decode bound uses</param>
/// <param name="MatVecFloat32">read bandwidth of a float32 matrix-vector product</param>
/// <param name="MatVecBFloat16">the same in bfloat16</param>
public sealed record BandwidthReport(BandwidthMeasurement Copy, BandwidthMeasurement MatVecFloat32, BandwidthMeasurement MatVecBFloat16);

/// <summary>One model in one weight type.</summary>
/// <param name="WeightBytes">TransformerModel.WeightBytes: the bytes decode reads per token (tied tables once)</param>
/// <param name="EmbeddingBytes">of which the token embedding (= unembedding) table</param>
/// <param name="DecodeBoundTokensPerSecond">copy bandwidth ÷ weight bytes</param>
/// <param name="DecodeFractionOfBound">decode tokens/s ÷ that bound</param>
/// <param name="DecodeMatVecBoundTokensPerSecond">mat-vec read bandwidth of the same type ÷ weight bytes</param>
public sealed record ModelBenchResult(
    string Model,
    string DType,
    long Parameters,
    long WeightBytes,
    long EmbeddingBytes,
    double PrefillTokensPerSecond,
    double PrefillMedianSeconds,
    double DecodeTokensPerSecond,
    double DecodeMedianSecondsPerToken,
    double DecodeBoundTokensPerSecond,
    double DecodeFractionOfBound,
    double DecodeMatVecBoundTokensPerSecond,
    double DecodeFractionOfMatVecBound);

/// <summary>One serializer setting for the report and the load probe's output.</summary>
static class BenchJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // console output, not HTML: keep × and ÷ readable
    };

    /// <summary>Single-line form, for the child process's one reading.</summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };
}
