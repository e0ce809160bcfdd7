using System.Diagnostics;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>Wall-clock timing and the median, which a noisy shared machine needs more than the mean.</summary>
static class Timing
{
    public static double Seconds(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Times <paramref name="action"/> <paramref name="warmups"/> times untimed, then <paramref name="runs"/> times.</summary>
    public static IReadOnlyList<double> Repeat(Action action, int runs, int warmups = 1)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), runs, "at least one timed run");
        for (int i = 0; i < warmups; i++) action();
        return Enumerable.Range(0, runs).Select(_ => Seconds(action)).ToList();
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values");
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
