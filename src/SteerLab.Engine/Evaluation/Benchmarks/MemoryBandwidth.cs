using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <param name="Name">what was timed, e.g. "copy_ 512 MiB float32"</param>
/// <param name="BytesPerRun">bytes counted per timed run</param>
/// <param name="BytesCounted">which bytes those are, in words</param>
/// <param name="Seconds">each timed run</param>
public sealed record BandwidthMeasurement(string Name, long BytesPerRun, string BytesCounted, IReadOnlyList<double> Seconds)
{
    public double MedianSeconds => Timing.Median(Seconds);
    public double BytesPerSecond => BytesPerRun / MedianSeconds;
}

/// <summary>Memory bandwidth as torch sees it on this machine, measured with buffers far larger than the
/// caches: a tensor copy (the "streaming" bandwidth the decode bound uses) and a matrix-vector product (the
/// read bandwidth decode actually gets from a weight matrix).</summary>
public static class MemoryBandwidth
{
    public const long DefaultCopyBytes = 512L << 20;
    public const int DefaultMatVecSize = 8192;

    /// <summary>Times <c>destination.copy_(source)</c> on two float32 buffers of <paramref name="bufferBytes"/>
    /// each; counts the bytes read plus the bytes written (2 × buffer). The hardware may also read the destination
    /// before writing it (write-allocate), which is not counted.</summary>
    public static BandwidthMeasurement Copy(long bufferBytes = DefaultCopyBytes, int runs = 5)
    {
        long elements = bufferBytes / sizeof(float);
        using var scope = NewDisposeScope();
        using Scalar one = 1.0f.ToScalar(), zero = 0.0f.ToScalar();
        var source = empty(elements, ScalarType.Float32).fill_(one);      // written once so every page is real
        var destination = empty(elements, ScalarType.Float32).fill_(zero);
        var seconds = Timing.Repeat(() => destination.copy_(source), runs);
        long bytes = elements * sizeof(float);
        return new BandwidthMeasurement($"copy_ {bytes >> 20} MiB float32", 2 * bytes, "bytes read + bytes written (2 × buffer)", seconds);
    }

    /// <summary>Times a one-row product <c>linear(x [1, n], W [n, n])</c> (x·Wᵀ, the nn.Linear layout Llama and Gemma-2
    /// decode with) for a matrix of <paramref name="type"/>; counts the matrix's bytes (the vectors stay in cache).</summary>
    public static BandwidthMeasurement MatVec(int n = DefaultMatVecSize, ScalarType type = ScalarType.Float32, int runs = 5)
    {
        using var scope = NewDisposeScope();
        using var half = 0.5.ToScalar();
        var matrix = full(new long[] { n, n }, half, type);
        var row = full(new long[] { 1, n }, half, type);
        var seconds = Timing.Repeat(() => nn.functional.linear(row, matrix).Dispose(), runs);
        long bytes = matrix.NumberOfElements * matrix.ElementSize;
        return new BandwidthMeasurement($"mat-vec {n}×{n} {(type == ScalarType.BFloat16 ? "bfloat16" : "float32")}", bytes, "matrix bytes read", seconds);
    }
}
