namespace SteerLab.Engine.Sae.Dashboards;

/// <summary>A histogram of non-negative values seen one at a time, in a fixed number of equal bins starting at 0, without
/// knowing the largest value in advance: when a value falls past the last bin, the bin width doubles and neighbouring
/// bins merge pairwise, as often as needed. Counts are never lost (they always sum to <see cref="Count"/>), memory is
/// the bins alone, and at the end the largest value lies in the upper half of the range, so at least half the bins
/// cover values that occur.</summary>
public sealed class StreamingHistogram
{
    readonly long[] counts;
    double width; // 0 until the first positive value fixes the scale

    /// <param name="bins">At least 2 (an even count keeps merges exact: pairs of bins become one).</param>
    public StreamingHistogram(int bins)
    {
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "a histogram needs at least 2 bins");
        counts = new long[bins];
    }

    public int Bins => counts.Length;

    /// <summary>Values added.</summary>
    public long Count { get; private set; }

    /// <summary>Bin i holds values in [i·BinWidth, (i+1)·BinWidth); 0 before any positive value.</summary>
    public double BinWidth => width;

    public IReadOnlyList<long> Counts => counts;

    /// <summary>Adds a value ≥ 0 (NaN and negative values are refused: activations of a firing feature are positive).</summary>
    public void Add(double value)
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "histogram values must be finite and ≥ 0");
        if (width == 0)
        {
            if (value == 0) { counts[0]++; Count++; return; }
            // The first value lands in the middle of the range: room to grow both ways before the first merge.
            width = value / (counts.Length / 2.0) * (1 + 1e-9);
        }
        while (value >= width * counts.Length) Widen();
        counts[Math.Min((int)(value / width), counts.Length - 1)]++;
        Count++;
    }

    /// <summary>Doubles the bin width: bins 2j and 2j+1 become bin j.</summary>
    void Widen()
    {
        for (int j = 0; j < counts.Length; j++)
        {
            long merged = 0;
            if (2 * j < counts.Length) merged += counts[2 * j];
            if (2 * j + 1 < counts.Length) merged += counts[2 * j + 1];
            counts[j] = merged;
        }
        width *= 2;
    }
}
